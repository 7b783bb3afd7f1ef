import type { Change, LatestRef } from './changes.ts';

/**
 * What a run did per image policy, reconstructed from the marker changes: the image, the
 * version(s) the files held before and the version they hold now. Commit trailers and pull-request
 * texts are rendered from it, so both say the same thing.
 *
 * A marker holds the whole reference (`apps:web`), or one part of it (`:tag`, `:digest`, `:name`).
 * The old version of one object is its old tag plus, when a digest marker or the full reference
 * carried one, `@digest`; objects (and files) that were at different versions give several.
 */

/** A policy that took part in the run, with what it resolved to. */
export interface UpdatedPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly latestRef: LatestRef;
}

export interface ImageUpdate {
  /** `namespace/name` of the ImagePolicy. */
  readonly policy: string;
  /** The ImageRepository's `spec.image`, verbatim. */
  readonly image: string;
  /** Distinct old versions (`1.4.1`, `1.4.1@sha256:…`, `@sha256:…` when only a digest was marked). */
  readonly from: readonly string[];
  /** `tag` or `tag@digest`. */
  readonly to: string;
  readonly tag: string;
  readonly digest?: string;
  /** The changes that belong to this policy, in the run's order. */
  readonly changes: readonly Change[];
}

const policyOfSetter = (setter: string): string => {
  const [namespace = '', name = ''] = setter.split(':');
  return `${namespace}/${name}`;
};

const suffixOf = (setter: string): string => setter.split(':')[2] ?? '';

/** `host:5000/team/web:1.4.1@sha256:…` → tag and digest; the tag is what follows the last `:` after the last `/`. */
const splitReference = (reference: string): { tag?: string; digest?: string } => {
  const at = reference.indexOf('@');
  const named = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  return { ...(tag && { tag }), ...(digest && { digest }) };
};

const versionOf = (tag: string | undefined, digest: string | undefined): string =>
  `${tag ?? ''}${digest ? `@${digest}` : ''}`;

/** Old version of one object from its changes of one policy (full reference, or tag/digest parts). */
const oldVersion = (changes: readonly Change[]): string | undefined => {
  let tag: string | undefined;
  let digest: string | undefined;
  let name: string | undefined;
  for (const change of changes) {
    const suffix = suffixOf(change.setter);
    if (suffix === '') ({ tag, digest } = splitReference(change.oldValue));
    else if (suffix === 'tag') tag = change.oldValue;
    else if (suffix === 'digest') digest = change.oldValue || undefined;
    else if (suffix === 'name') name = change.oldValue;
  }
  const version = versionOf(tag, digest);
  return version === '' ? name : version;
};

/** Items by key, first-seen key order, item order kept within a key. */
const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

/** One entry per policy (first-seen order), for every policy that changed at least one marker. */
export const summariseImageUpdates = (
  changes: readonly Change[],
  policies: readonly UpdatedPolicy[],
): ImageUpdate[] => {
  const byKey = new Map(policies.map((p) => [`${p.namespace}/${p.name}`, p]));
  // Appends in place: copying a group per change made 40,000 changes take minutes.
  const grouped = groupBy(changes, (change) => policyOfSetter(change.setter));
  return [...grouped].map(([key, own]) => {
    const policy = byKey.get(key);
    // A tag marker and a digest marker of the same object describe one old version together.
    const perObject = groupBy(own, (change) => {
      const { apiVersion, kind, namespace, name } = change.object;
      return [change.file, apiVersion, kind, namespace, name].join('\u0000');
    });
    const from = [...new Set([...perObject.values()].map(oldVersion).filter((v): v is string => !!v))];
    const latest = policy?.latestRef;
    return {
      policy: key,
      image: latest?.name ?? '-',
      from,
      to: latest ? versionOf(latest.tag, latest.digest) : '-',
      tag: latest?.tag ?? '-',
      ...(latest?.digest && { digest: latest.digest }),
      changes: own,
    };
  });
};
