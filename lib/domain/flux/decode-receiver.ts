import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import { durationOf } from './duration.ts';
import type { JsonObject } from './fields.ts';
import {
  describeValue,
  isObject,
  readBoolean,
  readDuration,
  readList,
  readLocalRef,
  readObject,
  readString,
  readStringList,
  readStringMap,
} from './fields.ts';
import type { ManifestSource, ObjectMeta, Receiver, ReceiverResource, ReceiverType } from './types.ts';
import { RECEIVER_TYPES } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * notification-controller `Receiver` (`notification.toolkit.fluxcd.io/v1`, `api/v1/receiver_types.go`),
 * limited to the types this service verifies (registry-webhooks.md §13) plus its own `distribution`,
 * `artifactory` and `ecr`. `secretRef` is required (the CRD requires it for every type but
 * `generic-oidc`, which is not supported here).
 */

const SPEC_FIELDS = [
  'type',
  'interval',
  'events',
  'resources',
  'resourceFilter',
  'secretRef',
  'oidcProviders',
  'suspend',
];
// notification-controller `CrossNamespaceObjectReference.Kind` enum.
const RESOURCE_KINDS = [
  'Bucket',
  'GitRepository',
  'Kustomization',
  'HelmRelease',
  'HelmChart',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'OCIRepository',
];
const DEFAULT_INTERVAL = durationOf('10m', 600_000);

export const decodeReceiver = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): Receiver | undefined => {
  const before = ctx.errorCount();
  const spec = readObject(ctx, document, 'spec', '', { required: true });
  if (!spec) return undefined;
  checkFields(ctx, spec, 'spec', SPEC_FIELDS);
  const type = decodeType(ctx, spec);
  const secretRef = readLocalRef(ctx, spec, 'secretRef', 'spec', { required: true });
  const resources = decodeResources(ctx, spec, head.metadata.namespace);
  const events = readStringList(ctx, spec, 'events', 'spec') ?? [];
  const interval = readDuration(ctx, spec, 'interval', 'spec') ?? DEFAULT_INTERVAL;
  if (readString(ctx, spec, 'resourceFilter', 'spec') !== undefined) {
    ctx.warn(
      'spec.resourceFilter',
      'CEL resource filters are not supported; every listed resource is notified',
    );
  }
  const suspend = readBoolean(ctx, spec, 'suspend', 'spec');
  if (ctx.errorCount() > before || !type || !secretRef || !resources) return undefined;
  return { ...head, kind: 'Receiver', spec: { type, secretRef, resources, events, interval, suspend } };
};

const decodeType = (ctx: DecodeContext, spec: JsonObject): ReceiverType | undefined => {
  const type = readString(ctx, spec, 'type', 'spec', { required: true });
  if (type === undefined) return undefined;
  if ((RECEIVER_TYPES as readonly string[]).includes(type)) return type as ReceiverType;
  const reason = type === 'generic-oidc' ? 'generic-oidc is not supported; ' : '';
  ctx.error('spec.type', `${reason}must be one of ${RECEIVER_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  return undefined;
};

const decodeResources = (
  ctx: DecodeContext,
  spec: JsonObject,
  ownNamespace: string,
): ReceiverResource[] | undefined => {
  const list = readList(ctx, spec, 'resources', 'spec');
  if (!list || list.length === 0) {
    if (spec.resources == null || (Array.isArray(spec.resources) && spec.resources.length === 0)) {
      ctx.error('spec.resources', 'required: list the ImageRepositories this receiver triggers');
    }
    return undefined;
  }
  const resources: ReceiverResource[] = [];
  list.forEach((item, index) => {
    const path = fieldPath('spec.resources', index);
    if (!isObject(item)) {
      ctx.error(path, `must be a mapping with kind and name, got ${describeValue(item)}`);
      return;
    }
    const resource = decodeResource(ctx, item, path, ownNamespace);
    if (resource) resources.push(resource);
  });
  return resources;
};

const decodeResource = (
  ctx: DecodeContext,
  item: JsonObject,
  path: string,
  ownNamespace: string,
): ReceiverResource | undefined => {
  checkFields(ctx, item, path, ['apiVersion', 'kind', 'name', 'namespace', 'matchLabels']);
  const apiVersion = readString(ctx, item, 'apiVersion', path);
  const kind = readString(ctx, item, 'kind', path, { required: true });
  if (kind !== undefined && !RESOURCE_KINDS.includes(kind)) {
    ctx.error(
      fieldPath(path, 'kind'),
      `must be one of ${RESOURCE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  const name = readString(ctx, item, 'name', path, { required: true });
  if (name !== undefined && name.length > 253)
    ctx.error(fieldPath(path, 'name'), 'must be at most 253 characters');
  const namespace = readString(ctx, item, 'namespace', path) ?? ownNamespace;
  const hasLabels = item.matchLabels != null;
  const matchLabels = readStringMap(ctx, item, 'matchLabels', path);
  // notification-controller refuses a wildcard without labels rather than notifying everything.
  if (name === '*' && !hasLabels) {
    ctx.error(fieldPath(path, 'matchLabels'), 'required when name is "*"');
  }
  if (kind === undefined || name === undefined) return undefined;
  return {
    ...(apiVersion !== undefined && { apiVersion }),
    kind,
    name,
    namespace,
    ...(hasLabels && { matchLabels }),
  };
};
