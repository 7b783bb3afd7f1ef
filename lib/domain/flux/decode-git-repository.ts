import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import { durationOf } from './duration.ts';
import type { JsonObject } from './fields.ts';
import { readBoolean, readDuration, readEnum, readLocalRef, readObject, readString } from './fields.ts';
import type { GitProvider, GitRepository, GitRepositoryRef, ManifestSource, ObjectMeta } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * source-controller `GitRepository` (`source.toolkit.fluxcd.io/v1`, `api/v1/gitrepository_types.go`).
 * Only what automation needs is typed (url, ref, secretRef, provider, interval, timeout, suspend);
 * the other spec fields are accepted and ignored.
 */

const SPEC_FIELDS = [
  'url',
  'secretRef',
  'provider',
  'serviceAccountName',
  'interval',
  'timeout',
  'ref',
  'verify',
  'proxySecretRef',
  'ignore',
  'suspend',
  'recurseSubmodules',
  'include',
  'sparseCheckout',
];
const GIT_PROVIDERS: readonly GitProvider[] = ['generic', 'azure', 'github', 'aws'];
const URL_PATTERN = /^(http|https|ssh):\/\/.*$/;
// `git@github.com:org/repo.git`: what people paste, which the CRD pattern refuses.
const SCP_LIKE = /^([^@/:]+)@([^/:]+):(.+)$/;
const DEFAULT_TIMEOUT = durationOf('60s', 60_000);
// `provider: aws` authenticates to CodeCommit with IAM over HTTPS; the URL must be CodeCommit's
// (docs.aws.amazon.com/codecommit/latest/userguide/regions.html), as Flux 2.6+ checks a registry's host.
const CODECOMMIT_URL =
  /^https:\/\/git-codecommit(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/v1\/repos\/[^/]+\/*$/;

export const decodeGitRepository = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): GitRepository | undefined => {
  const before = ctx.errorCount();
  const spec = readObject(ctx, document, 'spec', '', { required: true });
  if (!spec) return undefined;
  checkFields(ctx, spec, 'spec', SPEC_FIELDS);
  const url = readString(ctx, spec, 'url', 'spec', { required: true });
  if (url !== undefined && !URL_PATTERN.test(url)) {
    const scp = SCP_LIKE.exec(url);
    const hint = scp ? `; write it as ssh://${scp[1]}@${scp[2]}/${scp[3]}` : '';
    ctx.error('spec.url', `${JSON.stringify(url)} must start with http://, https:// or ssh://${hint}`);
  }
  const ref = decodeGitRef(ctx, spec, 'ref', 'spec');
  const secretRef = readLocalRef(ctx, spec, 'secretRef', 'spec');
  const provider = readEnum(ctx, spec, 'provider', 'spec', GIT_PROVIDERS, 'generic');
  const interval = readDuration(ctx, spec, 'interval', 'spec', { required: true });
  const timeout = readDuration(ctx, spec, 'timeout', 'spec', { allowHours: false }) ?? DEFAULT_TIMEOUT;
  const suspend = readBoolean(ctx, spec, 'suspend', 'spec');
  if (provider === 'aws' && url !== undefined && !CODECOMMIT_URL.test(url))
    ctx.error(
      'spec.url',
      `provider aws needs a CodeCommit HTTPS URL (https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>), got ${JSON.stringify(url)}`,
    );
  if (ctx.errorCount() > before || !url || !provider || !interval) return undefined;
  return {
    ...head,
    kind: 'GitRepository',
    spec: { url, ...(ref && { ref }), ...(secretRef && { secretRef }), provider, interval, timeout, suspend },
  };
};

/** A `GitRepositoryRef` (also `ImageUpdateAutomation.spec.git.checkout.ref`). */
export const decodeGitRef = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  options: { required?: boolean } = {},
): GitRepositoryRef | undefined => {
  const value = readObject(ctx, parent, key, path, options);
  if (!value) return undefined;
  const field = fieldPath(path, key);
  checkFields(ctx, value, field, ['branch', 'tag', 'semver', 'name', 'commit']);
  const ref: Record<string, string> = {};
  for (const part of ['branch', 'tag', 'semver', 'name', 'commit'] as const) {
    const text = readString(ctx, value, part, field);
    if (text !== undefined) ref[part] = text;
  }
  if (ref.name !== undefined && !ref.name.startsWith('refs/')) {
    ctx.error(
      fieldPath(field, 'name'),
      `must be a full reference name such as refs/heads/main, got ${JSON.stringify(ref.name)}`,
    );
  }
  return ref as GitRepositoryRef;
};
