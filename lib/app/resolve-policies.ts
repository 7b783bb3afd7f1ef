import { type LatestRef, sameLatestRef } from '../domain/changes.ts';
import {
  type AppError,
  InvalidConfigError,
  isAppError,
  NotFoundError,
  toAppError,
} from '../domain/errors.ts';
import { awsRoleOf } from '../domain/flux/aws-role.ts';
import { policySpecOf } from '../domain/flux/policy-spec-of.ts';
import { repositoryOf } from '../domain/flux/scope.ts';
import type { FluxConfig, ImagePolicy, ImageRepository } from '../domain/flux/types.ts';
import { compilePolicy, type Selection } from '../domain/policy/compile-policy.ts';
import { compileExclusionList, sortTagsDescending, tagsRevision } from '../domain/policy/exclusion-list.ts';
import { screenTags } from '../domain/policy/oci-tag.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RegistryClient, RegistryRepository } from '../ports/registry.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import type { PolicyStatus, StateStore } from '../ports/state-store.ts';
import { registryCredentials } from './credentials.ts';
import { recordedError, updateState } from './update-state.ts';

/**
 * ImageRepository scans and ImagePolicy evaluations for one run, as Flux's image-reflector-
 * controller does them (flux-semantics §2.4–§3.9), with state in the StateStore:
 * - a repository is listed again when the trigger names it, when its interval elapsed, when its
 *   spec changed, or when a policy on it has never resolved; each repository at most once per run;
 * - a policy is evaluated on fresh tags; its digest follows `digestReflectionPolicy` (HEAD only);
 * - on any failure `latestRef` is kept (automations keep using the last good value) and the
 *   error is recorded on the policy; recovery clears it.
 */
export interface ResolveDeps {
  readonly config: FluxConfig;
  readonly registry: RegistryClient;
  readonly state: StateStore;
  readonly secrets: SecretSource;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface ResolveOptions {
  /** Canonical image names a trigger asked to re-check. */
  readonly rescan: ReadonlySet<string>;
  /** Re-check every repository whatever its interval (a manual run). */
  readonly force: boolean;
}

export interface PolicyResolution {
  readonly policy: ImagePolicy;
  /** `namespace/name`. */
  readonly key: string;
  /** The ref to use now: new, or kept from before. */
  readonly latestRef?: LatestRef;
  readonly previousRef?: LatestRef;
  readonly changed: boolean;
  /** Present when the policy was evaluated in this run (for `plan` and logs). */
  readonly selection?: Selection;
  readonly error?: AppError;
}

interface Scan {
  readonly tags: readonly string[];
  readonly revision: string;
}

const repositorySpecOf = (repository: ImageRepository) =>
  JSON.stringify({
    image: repository.spec.imageName.canonical,
    exclusionList: repository.spec.exclusionList,
  });
const policySpecKey = (policy: ImagePolicy) =>
  JSON.stringify({
    repository: policy.spec.imageRepositoryRef,
    policy: policy.spec.policy,
    filter: policy.spec.filterTags ?? null,
    digest: policy.spec.digestReflectionPolicy,
  });
const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

export const createPolicyResolver = (deps: ResolveDeps, options: ResolveOptions) => {
  const { config, registry, state, secrets, clock, logger } = deps;
  const scans = new Map<string, Promise<Scan>>();

  /** The role comes from the ImageRepository that asks, never from another object of the same image. */
  const roleOf = (repository: ImageRepository): string | undefined => {
    const role = awsRoleOf(config, repository);
    if (!role.ok)
      throw new InvalidConfigError(`ImageRepository ${keyOf(repository)}: ${role.field}: ${role.message}`);
    return role.roleArn;
  };

  const registryRepository = async (repository: ImageRepository): Promise<RegistryRepository> => {
    const roleArn = roleOf(repository);
    return {
      registry: repository.spec.imageName.registry,
      repository: repository.spec.imageName.repository,
      insecure: repository.spec.insecure,
      provider: repository.spec.provider,
      credentials: await registryCredentials(secrets, repository),
      ...(roleArn !== undefined && { roleArn }),
    };
  };

  /** Lists, filters, sorts and records the tags of one repository, once per run and identity. */
  const scan = (repository: ImageRepository): Promise<Scan> => {
    const key = `${repository.spec.imageName.canonical}|${roleOf(repository) ?? ''}`;
    let pending = scans.get(key);
    if (!pending) {
      pending = scanRepository(repository);
      scans.set(key, pending);
    }
    return pending;
  };

  const scanRepository = async (repository: ImageRepository): Promise<Scan> => {
    const canonical = repository.spec.imageName.canonical;
    const now = clock.now();
    try {
      const exclusion = compileExclusionList(repository.spec.exclusionList);
      if (!exclusion.ok) {
        throw new InvalidConfigError(
          `ImageRepository ${keyOf(repository)}: spec.exclusionList: ${exclusion.errors.map((e) => e.message).join('; ')}`,
        );
      }
      const listed = screenTags(await registry.listTags(await registryRepository(repository)));
      if (listed.dropped > 0) {
        logger.warn('registry listed invalid tags; dropped', {
          repository: canonical,
          dropped: listed.dropped,
          examples: listed.examples,
        });
      }
      const tags = sortTagsDescending(exclusion.apply(listed.tags));
      const revision = tagsRevision(tags);
      await updateState(state, 'repository', canonical, () => ({
        canonicalName: canonical,
        lastScanTime: now.toISOString(),
        revision,
        tagCount: tags.length,
        ...(listed.dropped > 0 ? { invalidTagCount: listed.dropped } : {}),
        latestTags: tags.slice(0, 10),
        observedSpec: repositorySpecOf(repository),
      }));
      logger.debug('repository scanned', { repository: canonical, tags: tags.length, revision });
      return { tags, revision };
    } catch (error) {
      const appError = toAppError(error);
      await updateState(state, 'repository', canonical, (current) => ({
        ...(current ?? { canonicalName: canonical }),
        lastError: recordedError(appError, now),
      }));
      throw appError;
    }
  };

  const needsScan = async (
    repository: ImageRepository,
    policyState: PolicyStatus | undefined,
    policy: ImagePolicy,
  ) => {
    const canonical = repository.spec.imageName.canonical;
    if (options.force || options.rescan.has(canonical) || !policyState?.latestRef) return true;
    if (policyState.observedSpec !== policySpecKey(policy)) return true;
    const repositoryState = (await state.read('repository', canonical))?.value;
    if (!repositoryState?.lastScanTime || repositoryState.observedSpec !== repositorySpecOf(repository))
      return true;
    return (
      clock.now().getTime() - Date.parse(repositoryState.lastScanTime) >=
      repository.spec.interval.milliseconds
    );
  };

  const digestDue = (policy: ImagePolicy, policyState: PolicyStatus | undefined) =>
    policy.spec.digestReflectionPolicy === 'Always' &&
    (!policyState?.lastEvaluationTime ||
      clock.now().getTime() - Date.parse(policyState.lastEvaluationTime) >=
        (policy.spec.interval?.milliseconds ?? 600_000));

  const digestFor = async (
    policy: ImagePolicy,
    repository: ImageRepository,
    tag: string,
    previous: LatestRef | undefined,
  ) => {
    switch (policy.spec.digestReflectionPolicy) {
      case 'Never':
        return undefined;
      case 'IfNotPresent':
        if (previous?.digest && previous.tag === tag && previous.name === repository.spec.image)
          return previous.digest;
        return registry.resolveDigest(await registryRepository(repository), tag);
      case 'Always':
        return registry.resolveDigest(await registryRepository(repository), tag);
    }
  };

  /** Resolves one policy; never throws: failures come back in `error`, recorded on the policy. */
  const resolve = async (policy: ImagePolicy): Promise<PolicyResolution> => {
    const key = keyOf(policy);
    const current = (await state.read('policy', key))?.value;
    const previousRef = current?.latestRef;
    const now = clock.now();
    try {
      const repository = repositoryOf(config, policy);
      if (!repository) {
        const ref = policy.spec.imageRepositoryRef;
        throw new NotFoundError(`ImagePolicy ${key}: ImageRepository ${ref.namespace}/${ref.name} not found`);
      }
      const compiled = compilePolicy(policySpecOf(policy));
      if (!compiled.ok) {
        throw new InvalidConfigError(
          `ImagePolicy ${key}: ${compiled.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        );
      }
      let selection: Selection | undefined;
      let tag: string | undefined;
      if (await needsScan(repository, current, policy)) {
        selection = compiled.policy.select((await scan(repository)).tags);
        if (selection.kind === 'none')
          throw new NotFoundError(`ImagePolicy ${key}: no tag selected: ${selection.reason}`, {
            data: { reason: 'NoTagSelected' },
          });
        tag = selection.tag;
      } else if (previousRef && digestDue(policy, current)) {
        tag = previousRef.tag;
      } else {
        return { policy, key, latestRef: previousRef, previousRef, changed: false };
      }
      const digest = await digestFor(policy, repository, tag, previousRef);
      const latestRef: LatestRef = digest
        ? { name: repository.spec.image, tag, digest }
        : { name: repository.spec.image, tag };
      const changed = !sameLatestRef(latestRef, previousRef);
      await updateState(state, 'policy', key, (stored) => ({
        latestRef,
        ...(changed
          ? previousRef
            ? { observedPreviousRef: previousRef }
            : {}
          : stored?.observedPreviousRef
            ? { observedPreviousRef: stored.observedPreviousRef }
            : {}),
        lastEvaluationTime: now.toISOString(),
        observedSpec: policySpecKey(policy),
      }));
      if (changed) logger.info('policy resolved', { policy: key, latestRef, previousRef });
      return { policy, key, latestRef, previousRef, changed, selection };
    } catch (error) {
      const appError = toAppError(error);
      await updateState(state, 'policy', key, (stored) => ({
        ...(stored ?? {}),
        lastError: recordedError(appError, now),
      }));
      logger.warn('policy not resolved', {
        policy: key,
        error: { code: appError.code, message: appError.message },
      });
      return { policy, key, latestRef: previousRef, previousRef, changed: false, error: appError };
    }
  };

  return { resolve };
};

export const isRetryableResolution = (resolution: PolicyResolution): boolean =>
  resolution.error !== undefined && isAppError(resolution.error) && resolution.error.retryable;
