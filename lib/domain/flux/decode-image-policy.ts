import type { LatestRef } from '../changes.ts';
import { compilePolicy } from '../policy/compile-policy.ts';
import type { PolicyChoice, TagFilterSpec } from '../policy/types.ts';
import type { DecodeContext } from './decode-context.ts';
import type { JsonObject } from './fields.ts';
import { readBoolean, readDuration, readEnum, readObject, readString } from './fields.ts';
import type {
  DigestReflectionPolicy,
  ImagePolicy,
  ManifestSource,
  NamespacedObjectReference,
  ObjectMeta,
} from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * image-reflector-controller `ImagePolicy` (v1beta2 and v1; `api/v1/imagepolicy_types.go`).
 * Stricter than Flux in one place: Flux silently takes the first of semver → alphabetical → numerical
 * when several are set; here that is an error, since the others would be ignored without a word.
 * The semver range and the tag filter are checked with the policy engine's own compiler, so a
 * policy that loads is a policy that evaluates.
 */

const SPEC_FIELDS = [
  'imageRepositoryRef',
  'policy',
  'filterTags',
  'digestReflectionPolicy',
  'interval',
  'suspend',
];
const CHOICES = ['semver', 'alphabetical', 'numerical'] as const;
const ORDERS = ['asc', 'desc'] as const;
const REFLECTION: readonly DigestReflectionPolicy[] = ['Never', 'IfNotPresent', 'Always'];
// OCI image-spec digest grammar (algorithm ":" encoded).
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export const decodeImagePolicy = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): ImagePolicy | undefined => {
  const before = ctx.errorCount();
  const spec = readObject(ctx, document, 'spec', '', { required: true });
  if (!spec) return undefined;
  checkFields(ctx, spec, 'spec', SPEC_FIELDS);
  const imageRepositoryRef = decodeRepositoryRef(ctx, spec, head.metadata.namespace);
  const policy = decodeChoice(ctx, spec);
  const filterTags = decodeFilterTags(ctx, spec);
  if (policy) {
    const compiled = compilePolicy({ choice: policy, ...(filterTags && { filterTags }) });
    if (!compiled.ok) for (const problem of compiled.errors) ctx.error(problem.field, problem.message);
  }
  const digestReflectionPolicy = readEnum(ctx, spec, 'digestReflectionPolicy', 'spec', REFLECTION, 'Never');
  const interval = readDuration(ctx, spec, 'interval', 'spec');
  // The CRD's two CEL rules: interval only with Always, and Always needs interval.
  if (interval && digestReflectionPolicy && digestReflectionPolicy !== 'Always') {
    ctx.error('spec.interval', 'only accepted when spec.digestReflectionPolicy is Always');
  }
  if (!interval && digestReflectionPolicy === 'Always' && spec.interval == null) {
    ctx.error('spec.interval', 'required when spec.digestReflectionPolicy is Always');
  }
  const suspend = readBoolean(ctx, spec, 'suspend', 'spec');
  const latestRef = decodeLatestRef(ctx, document);
  if (ctx.errorCount() > before || !imageRepositoryRef || !policy || !digestReflectionPolicy)
    return undefined;
  return {
    ...head,
    kind: 'ImagePolicy',
    spec: {
      imageRepositoryRef,
      policy,
      ...(filterTags && { filterTags }),
      digestReflectionPolicy,
      ...(interval && { interval }),
      suspend,
    },
    ...(latestRef && { status: { latestRef } }),
  };
};

const decodeRepositoryRef = (
  ctx: DecodeContext,
  spec: JsonObject,
  ownNamespace: string,
): NamespacedObjectReference | undefined => {
  const ref = readObject(ctx, spec, 'imageRepositoryRef', 'spec', { required: true });
  if (!ref) return undefined;
  checkFields(ctx, ref, 'spec.imageRepositoryRef', ['name', 'namespace']);
  const name = readString(ctx, ref, 'name', 'spec.imageRepositoryRef', { required: true });
  const namespace = readString(ctx, ref, 'namespace', 'spec.imageRepositoryRef') ?? ownNamespace;
  return name === undefined ? undefined : { name, namespace };
};

const decodeChoice = (ctx: DecodeContext, spec: JsonObject): PolicyChoice | undefined => {
  const policy = readObject(ctx, spec, 'policy', 'spec', { required: true });
  if (!policy) return undefined;
  checkFields(ctx, policy, 'spec.policy', CHOICES);
  const present = CHOICES.filter((choice) => policy[choice] != null);
  if (present.length !== 1) {
    const nulls = CHOICES.filter((choice) => choice in policy && policy[choice] == null);
    const hint =
      present.length > 1
        ? `; found ${present.join(' and ')}`
        : nulls.length > 0
          ? `; ${nulls[0]} is empty, write "${nulls[0]}: {}" for its defaults`
          : '';
    ctx.error('spec.policy', `must set exactly one of semver, alphabetical or numerical${hint}`);
    return undefined;
  }
  const kind = present[0] ?? 'semver';
  const body = readObject(ctx, policy, kind, 'spec.policy');
  if (!body) return undefined;
  if (kind === 'semver') {
    checkFields(ctx, body, 'spec.policy.semver', ['range']);
    const range = readString(ctx, body, 'range', 'spec.policy.semver', { required: true });
    return range === undefined ? undefined : { kind, range };
  }
  checkFields(ctx, body, `spec.policy.${kind}`, ['order']);
  const order = readEnum(ctx, body, 'order', `spec.policy.${kind}`, ORDERS, 'asc');
  return order === undefined ? undefined : { kind, order };
};

const decodeFilterTags = (ctx: DecodeContext, spec: JsonObject): TagFilterSpec | undefined => {
  const filter = readObject(ctx, spec, 'filterTags', 'spec');
  if (!filter) return undefined;
  checkFields(ctx, filter, 'spec.filterTags', ['pattern', 'extract']);
  const pattern = readString(ctx, filter, 'pattern', 'spec.filterTags') ?? '';
  const extract = readString(ctx, filter, 'extract', 'spec.filterTags');
  return extract === undefined ? { pattern } : { pattern, extract };
};

/** `status.latestRef`, kept so that `rewrite` can run from recorded results. */
export const decodeLatestRef = (ctx: DecodeContext, document: JsonObject): LatestRef | undefined => {
  const status = readObject(ctx, document, 'status', '');
  if (!status) return undefined;
  const ref = readObject(ctx, status, 'latestRef', 'status');
  if (!ref) return undefined;
  const name = readString(ctx, ref, 'name', 'status.latestRef', { required: true });
  const tag = readString(ctx, ref, 'tag', 'status.latestRef', { required: true });
  const digest = readString(ctx, ref, 'digest', 'status.latestRef');
  if (digest !== undefined && !DIGEST.test(digest)) {
    ctx.error(
      'status.latestRef.digest',
      `${JSON.stringify(digest)} is not a digest (algorithm:hex, e.g. sha256:…)`,
    );
    return undefined;
  }
  if (name === undefined || tag === undefined) return undefined;
  return digest === undefined ? { name, tag } : { name, tag, digest };
};
