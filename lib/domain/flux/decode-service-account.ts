import type { DecodeContext } from './decode-context.ts';
import type { JsonObject } from './fields.ts';
import type { ManifestSource, ObjectMeta, ServiceAccount } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * Core `v1` ServiceAccount, for Flux's object-level workload identity: an ImageRepository's
 * `spec.serviceAccountName` names one in its namespace, and the IAM role it may read ECR with is the
 * annotation `eks.amazonaws.com/role-arn` (EKS IRSA). Only the metadata is used; the other fields
 * of the kind are accepted and ignored.
 */
const TOP_FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'secrets',
  'imagePullSecrets',
  'automountServiceAccountToken',
];

export const decodeServiceAccount = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): ServiceAccount | undefined => {
  checkFields(ctx, document, '', TOP_FIELDS);
  return { ...head, kind: 'ServiceAccount' };
};
