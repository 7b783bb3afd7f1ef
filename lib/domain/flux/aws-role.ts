import type { ConfigIssue } from './config-issue.ts';
import { objectIssue } from './object-issue.ts';
import type { FluxConfig, ImageRepository } from './types.ts';

/**
 * The IAM role an ImageRepository with `provider: aws` reads ECR with: Flux's object-level workload
 * identity, one object, one identity (rule 12: never looked up by image, never borrowed from another
 * object). Flux's form is `spec.serviceAccountName` naming a `v1` ServiceAccount in the
 * ImageRepository's namespace whose annotation `eks.amazonaws.com/role-arn` names the role; the
 * annotation `image-automation.io/aws-role-arn` on the ImageRepository is a shorthand. Neither: the
 * function's own execution role.
 */
export const AWS_ROLE_ANNOTATION = 'image-automation.io/aws-role-arn';
export const EKS_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

export type AwsRole =
  | { readonly ok: true; readonly roleArn?: string; readonly field?: string }
  | { readonly ok: false; readonly field: string; readonly message: string };

export const awsRoleOf = (config: FluxConfig, repository: ImageRepository): AwsRole => {
  if (repository.spec.provider !== 'aws') return { ok: true };
  const annotated = repository.metadata.annotations[AWS_ROLE_ANNOTATION]?.trim();
  const accountName = repository.spec.serviceAccountName;
  const annotationField = `metadata.annotations.${AWS_ROLE_ANNOTATION}`;
  if (accountName === undefined) {
    return annotated ? { ok: true, roleArn: annotated, field: annotationField } : { ok: true };
  }
  const { namespace } = repository.metadata;
  const account = config.serviceAccounts.find(
    (a) => a.metadata.namespace === namespace && a.metadata.name === accountName,
  );
  const field = 'spec.serviceAccountName';
  if (!account) return { ok: false, field, message: `ServiceAccount ${namespace}/${accountName} not found` };
  const role = account.metadata.annotations[EKS_ROLE_ANNOTATION]?.trim();
  if (!role) {
    const message = `ServiceAccount ${namespace}/${accountName} has no annotation ${EKS_ROLE_ANNOTATION} naming an IAM role`;
    return { ok: false, field, message };
  }
  if (annotated && annotated !== role) {
    const message = `names role ${annotated}, but spec.serviceAccountName (ServiceAccount ${namespace}/${accountName}) names ${role}; keep one`;
    return { ok: false, field: annotationField, message };
  }
  return { ok: true, roleArn: role, field };
};

/**
 * The roles of the configuration that the deployment does not allow (`ecrRoleArns`): an error at
 * the field that names each, instead of an AccessDenied from STS at the first scan.
 */
export const checkAllowedAwsRoles = (config: FluxConfig, allowed: ReadonlySet<string>): ConfigIssue[] =>
  config.imageRepositories.flatMap((repository) => {
    const role = awsRoleOf(config, repository);
    if (!role.ok || role.roleArn === undefined || allowed.has(role.roleArn)) return [];
    const message = `role ${role.roleArn} is not among the roles this deployment may assume (ecrRoleArns${allowed.size === 0 ? ' is empty' : `: ${[...allowed].join(', ')}`})`;
    return [objectIssue(repository, 'error', role.field ?? '', message)];
  });
