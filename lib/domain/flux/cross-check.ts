import { awsRoleOf } from './aws-role.ts';
import { declaredObjectKey } from './collect-objects.ts';
import type { ConfigIssue } from './config-issue.ts';
import { resolveGitTarget } from './git-target.ts';
import { matchesLabelSelector } from './label-selector.ts';
import { objectIssue } from './object-issue.ts';
import { receiverRepositories } from './receiver-scope.ts';
import { gitRepositoryOf, policiesInScope, repositoryOf } from './scope.ts';
import type {
  FluxConfig,
  FluxKind,
  ImagePolicy,
  ImageRepository,
  LocalObjectReference,
  Receiver,
} from './types.ts';

/**
 * References between loaded objects. Broken references that Flux would stall or fail on are errors;
 * what may legitimately live elsewhere is a warning: Secrets (checked only when the load contains
 * Secrets at all, since they usually come from a secret store), and selectors that match nothing.
 */

export const crossCheck = (config: FluxConfig, invalid: ReadonlySet<string> = new Set()): ConfigIssue[] => [
  ...config.imagePolicies.flatMap((policy) => checkPolicy(config, policy, invalid)),
  ...config.imageUpdateAutomations.flatMap((automation) => {
    const issues: ConfigIssue[] = [];
    const source = automation.spec.sourceRef;
    const gitRepository = gitRepositoryOf(config, automation);
    if (!gitRepository && !invalid.has(declaredObjectKey('GitRepository', source.namespace, source.name))) {
      issues.push(
        objectIssue(
          automation,
          'error',
          'spec.sourceRef',
          `GitRepository ${source.namespace}/${source.name} not found`,
        ),
      );
    }
    const target = resolveGitTarget(automation, gitRepository);
    if (gitRepository && !target.ok)
      issues.push(objectIssue(automation, 'error', target.field, target.message));
    const namespace = automation.metadata.namespace;
    const invalidPolicies = [...invalid].some((key) =>
      key.startsWith(declaredObjectKey('ImagePolicy', namespace, '')),
    );
    if (policiesInScope(config, automation).length === 0 && !invalidPolicies) {
      const field = automation.spec.policySelector ? 'spec.policySelector' : '';
      const message = `selects no ImagePolicy in namespace ${namespace}; nothing will be updated`;
      issues.push(objectIssue(automation, 'warning', field, message));
    }
    return issues;
  }),
  ...config.imageRepositories.flatMap((repository) => checkIdentity(config, repository, invalid)),
  ...config.receivers.flatMap((receiver) => checkReceiver(config, receiver, invalid)),
  ...checkSecrets(config),
];

const checkPolicy = (
  config: FluxConfig,
  policy: ImagePolicy,
  invalid: ReadonlySet<string>,
): ConfigIssue[] => {
  const ref = policy.spec.imageRepositoryRef;
  const repository = repositoryOf(config, policy);
  // A repository that is present but invalid has its own errors; "not found" would mislead.
  if (!repository && invalid.has(declaredObjectKey('ImageRepository', ref.namespace, ref.name))) return [];
  if (!repository) {
    const elsewhere = config.imageRepositories.find((candidate) => candidate.metadata.name === ref.name);
    const hint = elsewhere
      ? ` (there is one in namespace ${elsewhere.metadata.namespace}; set spec.imageRepositoryRef.namespace)`
      : '';
    const message = `ImageRepository ${ref.namespace}/${ref.name} not found${hint}`;
    return [objectIssue(policy, 'error', 'spec.imageRepositoryRef', message)];
  }
  // Cross-namespace references need the repository's consent (Flux `accessFrom`, else AccessDenied).
  if (ref.namespace !== policy.metadata.namespace && !repository.spec.accessFrom) {
    const message = `ImageRepository ${ref.namespace}/${ref.name} does not allow references from namespace ${policy.metadata.namespace} (it has no spec.accessFrom)`;
    return [objectIssue(policy, 'error', 'spec.imageRepositoryRef.namespace', message)];
  }
  return [];
};

/** The ImageRepository's own identity (`spec.serviceAccountName` or the annotation shorthand). */
const checkIdentity = (
  config: FluxConfig,
  repository: ImageRepository,
  invalid: ReadonlySet<string>,
): ConfigIssue[] => {
  const { serviceAccountName } = repository.spec;
  if (repository.spec.provider !== 'aws') {
    if (serviceAccountName === undefined) return [];
    const message = `is used with provider aws only (its ServiceAccount's IAM role); imagePullSecrets are not read, use spec.secretRef`;
    return [objectIssue(repository, 'warning', 'spec.serviceAccountName', message)];
  }
  const role = awsRoleOf(config, repository);
  if (role.ok) return [];
  // A ServiceAccount that is present but invalid has its own errors; "not found" would mislead.
  const key = declaredObjectKey('ServiceAccount', repository.metadata.namespace, serviceAccountName ?? '');
  if (serviceAccountName !== undefined && invalid.has(key)) return [];
  return [objectIssue(repository, 'error', role.field, role.message)];
};

const checkReceiver = (
  config: FluxConfig,
  receiver: Receiver,
  invalid: ReadonlySet<string>,
): ConfigIssue[] => [
  ...checkReceiverResources(config, receiver, invalid),
  // An empty scope is not "everything": such a Receiver's events re-check nothing (rule 12).
  ...(receiverRepositories(config, receiver).length === 0
    ? [
        objectIssue(
          receiver,
          'warning',
          'spec.resources',
          'matches no ImageRepository: its events will re-check nothing',
        ),
      ]
    : []),
];

const checkReceiverResources = (
  config: FluxConfig,
  receiver: Receiver,
  invalid: ReadonlySet<string>,
): ConfigIssue[] =>
  receiver.spec.resources.flatMap((resource, index) => {
    const field = `spec.resources[${index}]`;
    if (resource.kind !== 'ImageRepository') {
      const message = `${resource.kind} ${resource.namespace}/${resource.name} is ignored: image-automation acts on ImageRepository resources only`;
      return [objectIssue(receiver, 'warning', field, message)];
    }
    const candidates = config.imageRepositories.filter((r) => r.metadata.namespace === resource.namespace);
    if (resource.name === '*') {
      const selector = { matchLabels: resource.matchLabels ?? {}, matchExpressions: [] };
      if (candidates.some((r) => matchesLabelSelector(selector, r.metadata.labels))) return [];
      const message = `matches no ImageRepository in namespace ${resource.namespace}`;
      return [objectIssue(receiver, 'warning', field, message)];
    }
    if (candidates.some((r) => r.metadata.name === resource.name)) return [];
    if (invalid.has(declaredObjectKey('ImageRepository', resource.namespace, resource.name))) return [];
    const message = `ImageRepository ${resource.namespace}/${resource.name} not found`;
    return [objectIssue(receiver, 'error', field, message)];
  });

const checkSecrets = (config: FluxConfig): ConfigIssue[] => {
  if (config.secrets.length === 0) return [];
  const known = new Set(
    config.secrets.map((secret) => `${secret.metadata.namespace}/${secret.metadata.name}`),
  );
  const issues: ConfigIssue[] = [];
  const check = (object: FluxKind, field: string, ref: LocalObjectReference | undefined) => {
    if (!ref || known.has(`${object.metadata.namespace}/${ref.name}`)) return;
    const message = `Secret ${object.metadata.namespace}/${ref.name} is not among the loaded Secrets`;
    issues.push(objectIssue(object, 'warning', field, message));
  };
  for (const repository of config.gitRepositories)
    check(repository, 'spec.secretRef', repository.spec.secretRef);
  for (const repository of config.imageRepositories) {
    check(repository, 'spec.secretRef', repository.spec.secretRef);
    check(repository, 'spec.certSecretRef', repository.spec.certSecretRef);
    check(repository, 'spec.proxySecretRef', repository.spec.proxySecretRef);
  }
  for (const automation of config.imageUpdateAutomations) {
    const signingKey = automation.spec.git.commit.signingKey;
    check(automation, 'spec.git.commit.signingKey.secretRef', signingKey?.secretRef);
  }
  for (const receiver of config.receivers) check(receiver, 'spec.secretRef', receiver.spec.secretRef);
  return issues;
};
