import type { DecodeContext, FieldIssue } from './decode-context.ts';
import { createDecodeContext } from './decode-context.ts';
import { decodeGitRepository } from './decode-git-repository.ts';
import { decodeImagePolicy } from './decode-image-policy.ts';
import { decodeImageRepository } from './decode-image-repository.ts';
import { decodeImageUpdateAutomation } from './decode-image-update-automation.ts';
import { decodeReceiver } from './decode-receiver.ts';
import { decodeSecret } from './decode-secret.ts';
import { decodeServiceAccount } from './decode-service-account.ts';
import type { JsonObject } from './fields.ts';
import { describeValue, isObject } from './fields.ts';
import { DEFAULT_NAMESPACE, decodeMetadata, peekIdentity } from './metadata.ts';
import type { FluxKind, ManifestSource, ObjectMeta } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * Dispatches one Kubernetes object to the decoder of its kind. Served versions follow Flux 2.6/2.7:
 * `image.toolkit.fluxcd.io` v1 and v1beta2 (v1beta1 was removed in 2.7; v1beta2 in 2.9, read with a
 * warning), `source.toolkit.fluxcd.io/v1`, `notification.toolkit.fluxcd.io/v1`, core `v1` Secret and
 * ServiceAccount. Anything else is skipped with a warning:
 * a fleet repository holds many kinds this service has no use for.
 */

type Decoder = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
) => FluxKind | undefined;

const IMAGE_VERSIONS = ['image.toolkit.fluxcd.io/v1', 'image.toolkit.fluxcd.io/v1beta2'];
// Flux 2.9 stopped serving v1beta2: still read here (the fields are v1's), with a warning saying how to move.
const REMOVED_IMAGE_VERSION = 'image.toolkit.fluxcd.io/v1beta2';
const REMOVED_IMAGE_VERSION_HINT =
  'image.toolkit.fluxcd.io/v1beta2 was removed in Flux 2.9 and a Flux 2.9 cluster refuses it; still read here. Change apiVersion to image.toolkit.fluxcd.io/v1: the fields are the same';

const KINDS: Readonly<Record<string, { apiVersions: readonly string[]; decode: Decoder }>> = {
  ImageRepository: { apiVersions: IMAGE_VERSIONS, decode: decodeImageRepository },
  ImagePolicy: { apiVersions: IMAGE_VERSIONS, decode: decodeImagePolicy },
  ImageUpdateAutomation: { apiVersions: IMAGE_VERSIONS, decode: decodeImageUpdateAutomation },
  GitRepository: { apiVersions: ['source.toolkit.fluxcd.io/v1'], decode: decodeGitRepository },
  Receiver: { apiVersions: ['notification.toolkit.fluxcd.io/v1'], decode: decodeReceiver },
  Secret: { apiVersions: ['v1'], decode: decodeSecret },
  ServiceAccount: { apiVersions: ['v1'], decode: decodeServiceAccount },
};

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

export interface DecodedObject {
  readonly object?: FluxKind;
  /** A kind and version this service reads (decoded, or failed to). */
  readonly supported?: boolean;
  readonly issues: readonly FieldIssue[];
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export const isSupportedKind = (apiVersion: unknown, kind: unknown): boolean =>
  typeof kind === 'string' &&
  typeof apiVersion === 'string' &&
  (KINDS[kind]?.apiVersions.includes(apiVersion) ?? false);

export const decodeObject = (value: unknown, source: ManifestSource): DecodedObject => {
  const identity = peekIdentity(value);
  const ctx = createDecodeContext();
  if (!isObject(value)) {
    ctx.warn('', `not a Kubernetes object (${describeValue(value)}); skipped`);
    return { issues: ctx.issues };
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    ctx.warn('', 'not a Kubernetes object (no apiVersion and kind); skipped');
    return { issues: ctx.issues, ...identity };
  }
  const entry = KINDS[kind];
  if (!entry?.apiVersions.includes(apiVersion)) {
    const message = entry
      ? `apiVersion ${apiVersion} is not supported for ${kind} (use ${entry.apiVersions.join(' or ')}); skipped`
      : `${apiVersion} ${kind} is not used by image-automation; skipped`;
    ctx.warn('', message);
    return { issues: ctx.issues, ...identity };
  }
  const namespace = identity.namespace || DEFAULT_NAMESPACE;
  if (kind !== 'Secret' && kind !== 'ServiceAccount') checkFields(ctx, value, '', TOP_FIELDS);
  const metadata = decodeMetadata(ctx, value);
  // Decode the spec even when metadata is broken, so one pass reports every problem.
  const head = {
    apiVersion,
    metadata: metadata ?? { name: identity.name ?? '', namespace, labels: {}, annotations: {} },
    source,
  };
  const object = entry.decode(ctx, value, head);
  if (apiVersion === REMOVED_IMAGE_VERSION) ctx.warn('apiVersion', REMOVED_IMAGE_VERSION_HINT);
  return {
    ...(metadata && object && { object }),
    supported: true,
    issues: ctx.issues,
    kind,
    namespace,
    ...(identity.name !== undefined && { name: identity.name }),
  };
};
