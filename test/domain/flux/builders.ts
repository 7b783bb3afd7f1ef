import type { ManifestLoad } from '../../../lib/domain/flux/parse-manifests.ts';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';

/** Minimal valid objects of every kind, all in namespace `apps`, referring to each other. */
export const base = {
  git: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: 'apps' },
    spec: { url: 'https://github.com/org/fleet', interval: '5m', ref: { branch: 'main' } },
  },
  repo: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageRepository',
    metadata: { name: 'web', namespace: 'apps' },
    spec: { image: 'ghcr.io/org/web', interval: '5m' },
  },
  policy: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImagePolicy',
    metadata: { name: 'web', namespace: 'apps' },
    spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '1.x' } } },
  },
  automation: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'apps', namespace: 'apps' },
    spec: {
      interval: '30m',
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      git: { commit: { author: { email: 'bot@example.com' } } },
    },
  },
  receiver: {
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: { name: 'hub', namespace: 'apps' },
    spec: {
      type: 'generic',
      secretRef: { name: 'token' },
      resources: [{ kind: 'ImageRepository', name: 'web' }],
    },
  },
  secret: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'token', namespace: 'apps' },
    stringData: { token: 'x' },
  },
} as const;

export type Kind = keyof typeof base;
type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Deep merge; `undefined` in the patch deletes the key, arrays are replaced. */
export const patch = (target: unknown, changes: unknown): Json =>
  merge(target as Json, changes as Json | undefined);

const merge = (target: Json, changes: Json | undefined): Json => {
  if (changes === undefined) return target;
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return changes as Json;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return changes;
  const result: Record<string, Json> = { ...(target as Record<string, Json>) };
  for (const [key, value] of Object.entries(changes as Record<string, Json | undefined>)) {
    if (value === undefined) delete result[key];
    else result[key] = merge(result[key] ?? null, value);
  }
  return result;
};

export const build = (kind: Kind, changes?: object): Json => patch(base[kind], changes);

/** JSON is YAML: documents without any quoting question. */
export const yamlOf = (...documents: unknown[]): string =>
  documents.map((document) => JSON.stringify(document, null, 2)).join('\n---\n');

export const loadText = (text: string, path = 'clusters/apps.yaml'): ManifestLoad =>
  parseManifests([{ path, text }]);

export const formatted = (load: ManifestLoad) => ({
  errors: load.errors.map((issue) => issue.format()),
  warnings: load.warnings.map((issue) => issue.format()),
});
