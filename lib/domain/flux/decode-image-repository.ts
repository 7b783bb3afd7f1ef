import { parseImageName } from '../image-name.ts';
import { compileExclusionList, DEFAULT_EXCLUSION_LIST } from '../policy/exclusion-list.ts';
import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import { durationOf } from './duration.ts';
import type { JsonObject } from './fields.ts';
import {
  isObject,
  readBoolean,
  readDuration,
  readEnum,
  readList,
  readLocalRef,
  readObject,
  readString,
  readStringList,
  readStringMap,
} from './fields.ts';
import { providerHostMismatch } from './provider-host.ts';
import type {
  Duration,
  ImageRepository,
  LabelSelector,
  ManifestSource,
  ObjectMeta,
  RegistryProvider,
} from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * image-reflector-controller `ImageRepository` (v1beta2 and v1 share the shape;
 * `api/v1/imagerepository_types.go`), with the image validated and canonicalised as in
 * `internal/registry/helper.go` and the provider/host rule of Flux 2.6+.
 */

const SPEC_FIELDS = [
  'image',
  'interval',
  'timeout',
  'secretRef',
  'proxySecretRef',
  'serviceAccountName',
  'certSecretRef',
  'suspend',
  'accessFrom',
  'exclusionList',
  'provider',
  'insecure',
];
const PROVIDERS: readonly RegistryProvider[] = ['generic', 'aws', 'azure', 'gcp'];
// CRD `+kubebuilder:validation:MaxItems:=25`.
const MAX_EXCLUSIONS = 25;
const ONE_SECOND = durationOf('1s', 1000);

export const decodeImageRepository = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): ImageRepository | undefined => {
  const before = ctx.errorCount();
  const spec = readObject(ctx, document, 'spec', '', { required: true });
  if (!spec) return undefined;
  checkFields(ctx, spec, 'spec', SPEC_FIELDS);
  const image = readString(ctx, spec, 'image', 'spec', { required: true });
  const parsed = image === undefined ? undefined : parseImageName(image);
  if (parsed && !parsed.ok) ctx.error('spec.image', parsed.message);
  const imageName = parsed?.ok ? parsed.value : undefined;
  const interval = readDuration(ctx, spec, 'interval', 'spec', { required: true });
  const declaredTimeout = readDuration(ctx, spec, 'timeout', 'spec', { allowHours: false });
  const provider = readEnum(ctx, spec, 'provider', 'spec', PROVIDERS, 'generic');
  if (provider && imageName) {
    const mismatch = providerHostMismatch(provider, imageName.registry);
    if (mismatch) ctx.error('spec.provider', mismatch);
  }
  const exclusionList = decodeExclusionList(ctx, spec);
  const serviceAccountName = readString(ctx, spec, 'serviceAccountName', 'spec');
  if (serviceAccountName !== undefined && serviceAccountName.length > 253) {
    ctx.error('spec.serviceAccountName', 'must be at most 253 characters');
  }
  const secretRef = readLocalRef(ctx, spec, 'secretRef', 'spec');
  const certSecretRef = readLocalRef(ctx, spec, 'certSecretRef', 'spec');
  const proxySecretRef = readLocalRef(ctx, spec, 'proxySecretRef', 'spec');
  const accessFrom = decodeAccessFrom(ctx, spec);
  const insecure = readBoolean(ctx, spec, 'insecure', 'spec');
  const suspend = readBoolean(ctx, spec, 'suspend', 'spec');
  if (ctx.errorCount() > before || !image || !imageName || !interval || !provider || !exclusionList) {
    return undefined;
  }
  return {
    ...head,
    kind: 'ImageRepository',
    spec: {
      image,
      imageName,
      interval,
      timeout: effectiveTimeout(interval, declaredTimeout),
      exclusionList,
      ...(secretRef && { secretRef }),
      ...(certSecretRef && { certSecretRef }),
      ...(proxySecretRef && { proxySecretRef }),
      provider,
      insecure,
      ...(serviceAccountName !== undefined && { serviceAccountName }),
      ...(accessFrom && { accessFrom }),
      suspend,
    },
  };
};

/** Flux `GetTimeout`: the timeout, else the interval, never under one second. */
const effectiveTimeout = (interval: Duration, timeout: Duration | undefined): Duration => {
  const chosen = timeout ?? interval;
  return chosen.milliseconds < 1000 ? ONE_SECOND : chosen;
};

/** Flux `GetExclusionList`: a non-empty user list replaces the default `^.*\.sig$`. */
const decodeExclusionList = (ctx: DecodeContext, spec: JsonObject): readonly string[] | undefined => {
  const list = readStringList(ctx, spec, 'exclusionList', 'spec');
  if (list === undefined) return spec.exclusionList == null ? DEFAULT_EXCLUSION_LIST : undefined;
  if (list.length === 0) return DEFAULT_EXCLUSION_LIST;
  if (list.length > MAX_EXCLUSIONS) {
    ctx.error('spec.exclusionList', `has ${list.length} entries; at most ${MAX_EXCLUSIONS} are allowed`);
    return undefined;
  }
  const compiled = compileExclusionList(list);
  if (!compiled.ok) {
    for (const problem of compiled.errors) {
      ctx.error(fieldPath('spec.exclusionList', problem.index), problem.message);
    }
    return undefined;
  }
  return list;
};

/** `accessFrom.namespaceSelectors[].matchLabels` (fluxcd/pkg `apis/acl`). */
const decodeAccessFrom = (
  ctx: DecodeContext,
  spec: JsonObject,
): { namespaceSelectors: LabelSelector[] } | undefined => {
  const accessFrom = readObject(ctx, spec, 'accessFrom', 'spec');
  if (!accessFrom) return undefined;
  checkFields(ctx, accessFrom, 'spec.accessFrom', ['namespaceSelectors']);
  const selectors = readList(ctx, accessFrom, 'namespaceSelectors', 'spec.accessFrom');
  if (!selectors) {
    ctx.error('spec.accessFrom.namespaceSelectors', 'required');
    return undefined;
  }
  const namespaceSelectors: LabelSelector[] = [];
  selectors.forEach((selector, index) => {
    const path = fieldPath('spec.accessFrom.namespaceSelectors', index);
    if (!isObject(selector)) {
      ctx.error(path, 'must be a mapping with matchLabels');
      return;
    }
    checkFields(ctx, selector, path, ['matchLabels']);
    namespaceSelectors.push({
      matchLabels: readStringMap(ctx, selector, 'matchLabels', path),
      matchExpressions: [],
    });
  });
  return { namespaceSelectors };
};
