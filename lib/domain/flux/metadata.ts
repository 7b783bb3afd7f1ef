import type { DecodeContext } from './decode-context.ts';
import type { JsonObject } from './fields.ts';
import { isObject, readObject, readString, readStringMap } from './fields.ts';
import type { ObjectMeta } from './types.ts';

/**
 * `metadata` of a namespaced object: `name` required, `namespace` defaulting to `default` (what
 * `kubectl apply` does without `-n`; kustomize `namespace:` transformers are not applied here),
 * labels and annotations kept as string maps. Other metadata (uid, managedFields, …) is ignored, so
 * `kubectl get -o yaml` output loads too.
 */

export const DEFAULT_NAMESPACE = 'default';

// RFC 1123 subdomain (object names) and label (namespaces), Kubernetes `validation.IsDNS1123*`.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const decodeMetadata = (ctx: DecodeContext, document: JsonObject): ObjectMeta | undefined => {
  const before = ctx.errorCount();
  const metadata = readObject(ctx, document, 'metadata', '', { required: true });
  if (!metadata) return undefined;
  const name = readString(ctx, metadata, 'name', 'metadata', { required: true });
  if (name !== undefined && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    ctx.error(
      'metadata.name',
      `${JSON.stringify(name)} is not a valid name (lowercase letters, digits, '-' and '.', at most 253 characters)`,
    );
  }
  const namespace = readString(ctx, metadata, 'namespace', 'metadata') ?? DEFAULT_NAMESPACE;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    ctx.error(
      'metadata.namespace',
      `${JSON.stringify(namespace)} is not a valid namespace (lowercase letters, digits and '-', at most 63 characters)`,
    );
  }
  const labels = readStringMap(ctx, metadata, 'labels', 'metadata');
  const annotations = readStringMap(ctx, metadata, 'annotations', 'metadata');
  if (ctx.errorCount() > before || name === undefined) return undefined;
  return { name, namespace, labels, annotations };
};

/** Best-effort identity of any document, for locating issues even when it does not decode. */
export const peekIdentity = (document: unknown): { kind?: string; namespace?: string; name?: string } => {
  if (!isObject(document)) return {};
  const kind = typeof document.kind === 'string' ? document.kind : undefined;
  const metadata = isObject(document.metadata) ? document.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return { kind, name, namespace };
};
