import { isArtefactTag } from './manifest-media-types.ts';

/** Where a push happened, as far as a sender's payload tells it. */
export interface ImageReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

// Registry host with an optional port (docker/distribution reference grammar, relaxed).
const HOST = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?$/;
// Repository path as senders spell it; case is left to the image-name parser downstream.
const PATH = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
// OCI distribution-spec tag grammar.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
// OCI image-spec digest grammar: algorithm ":" encoded.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;
const MAX_NAME = 255;

const withoutScheme = (value: string) => value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');

/** A registry host from a URL or a bare `host[:port]/…` string, lower-cased; undefined when there is none. */
export const hostOf = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const host = withoutScheme(value).split('/')[0]?.toLowerCase() ?? '';
  return HOST.test(host) ? host : undefined;
};

/** A digest if the value is one (a payload's digest is only a hint: a bad one is dropped, not refused). */
export const digestOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length <= 256 && DIGEST.test(value) ? value : undefined;

/**
 * True for a tag worth re-checking: a valid tag that is not a supply-chain artefact of another
 * manifest (cosign `sha256-….sig`, `.att`, `.sbom`). Untagged child manifests have no tag at
 * all, and Harbor reports a digest in place of a missing tag: neither passes.
 */
export const isReleaseTag = (tag: string | undefined): tag is string =>
  tag !== undefined && TAG.test(tag) && !isArtefactTag(tag);

/**
 * Splits a full reference as senders write it, `host[:port]/path[:tag][@digest]`, optionally
 * with a URL scheme. The first component is always the host here: every sender using this
 * names the registry.
 */
export const splitReference = (reference: string): ImageReference | undefined => {
  const bare = withoutScheme(reference.trim());
  const at = bare.indexOf('@');
  const name = at < 0 ? bare : bare.slice(0, at);
  const digest = at < 0 ? undefined : digestOf(bare.slice(at + 1));
  const slash = name.indexOf('/');
  if (slash <= 0 || name.length > MAX_NAME) return undefined;
  const registry = hostOf(name.slice(0, slash));
  let repository = name.slice(slash + 1).replace(/\/+$/, '');
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    tag = repository.slice(colon + 1) || undefined;
    repository = repository.slice(0, colon);
  }
  if (!registry || !PATH.test(repository)) return undefined;
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
};

/** An ISO-8601 time from unix seconds or a date string; undefined when it is neither. */
export const isoTime = (value: unknown): string | undefined => {
  const millis =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(millis)) return undefined;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};
