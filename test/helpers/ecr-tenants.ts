import { fleetManifests } from './fleet-config.ts';

/**
 * Fleets of tenants that watch one ECR image, each ImageRepository with `provider: aws` and its own
 * identity: the annotation shorthand, Flux's `spec.serviceAccountName`, or none.
 */
export const ECR_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shared/web';

export interface EcrIdentity {
  readonly annotation?: string;
  readonly serviceAccountName?: string;
}

export const ecrTenant = (
  namespace: string,
  identity: EcrIdentity = {},
  gitUrl = `https://git.example/${namespace}.git`,
) =>
  fleetManifests({ namespace, gitUrl, policies: [{ name: 'web', image: ECR_IMAGE }] }).replace(
    `metadata: {name: web, namespace: ${namespace}}\nspec:\n  image: ${ECR_IMAGE}\n  interval: 1h\n  insecure: true`,
    [
      `metadata: {name: web, namespace: ${namespace}${
        identity.annotation
          ? `, annotations: {image-automation.io/aws-role-arn: "${identity.annotation}"}`
          : ''
      }}`,
      'spec:',
      `  image: ${ECR_IMAGE}`,
      '  interval: 1h',
      '  provider: aws',
      ...(identity.serviceAccountName ? [`  serviceAccountName: ${identity.serviceAccountName}`] : []),
    ].join('\n'),
  );

export const serviceAccount = (namespace: string, name: string, role?: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${namespace}${role ? `\n  annotations: {eks.amazonaws.com/role-arn: "${role}"}` : ''}`;
