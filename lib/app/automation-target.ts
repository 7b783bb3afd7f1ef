import { InvalidConfigError } from '../domain/errors.ts';
import { type GitTarget, resolveGitTarget } from '../domain/flux/git-target.ts';
import { gitRepositoryOf } from '../domain/flux/scope.ts';
import type { FluxConfig, GitRepository, ImageUpdateAutomation } from '../domain/flux/types.ts';

/**
 * Where an automation writes: its GitRepository, checkout branch and push branch (Flux's rules in
 * git-target.ts). A configuration that cannot work is an InvalidConfigError naming the automation
 * and the field: the run is stalled until the manifests change.
 */
export const automationTarget = (
  config: FluxConfig,
  automation: ImageUpdateAutomation,
): { readonly gitRepository: GitRepository; readonly target: GitTarget; readonly branch: string } => {
  const key = `${automation.metadata.namespace}/${automation.metadata.name}`;
  const gitRepository = gitRepositoryOf(config, automation);
  if (!gitRepository) {
    const ref = automation.spec.sourceRef;
    throw new InvalidConfigError(
      `ImageUpdateAutomation ${key}: GitRepository ${ref.namespace}/${ref.name} not found`,
    );
  }
  const resolved = resolveGitTarget(automation, gitRepository);
  if (!resolved.ok)
    throw new InvalidConfigError(`ImageUpdateAutomation ${key}: ${resolved.field}: ${resolved.message}`);
  const branch = resolved.value.checkoutRef.branch;
  if (!branch) {
    throw new InvalidConfigError(
      `ImageUpdateAutomation ${key}: spec.git.checkout.ref: only branch checkouts are supported`,
    );
  }
  return { gitRepository, target: resolved.value, branch };
};
