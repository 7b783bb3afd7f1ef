import { checkCommitTemplate } from '../commit-template-checks.ts';
import { InvalidConfigError } from '../errors.ts';
import { NOTIFY_ANNOTATIONS, notifySettingsOf } from '../notify/notify-settings.ts';
import { parseGoTemplate } from '../template/template.ts';
import type { DecodeContext, FieldIssue } from './decode-context.ts';
import { createDecodeContext, fieldPath } from './decode-context.ts';
import type { ImageUpdateAutomation } from './types.ts';

/**
 * Review settings of an ImageUpdateAutomation, kept in `metadata.annotations` so the manifest still
 * applies on a Flux cluster (which ignores them and pushes to `spec.git.push.branch`):
 *
 * | annotation                                   | value                                          |
 * |----------------------------------------------|------------------------------------------------|
 * | `image-automation.io/pull-request`           | `"true"`: open or update one PR per push branch |
 * | `image-automation.io/pull-request-title`     | Go template over the commit-message data        |
 * | `image-automation.io/pull-request-labels`    | `"a,b"`, applied when the PR is opened          |
 * | `image-automation.io/pull-request-reviewers` | `"alice,org/team"`, requested when opened       |
 * | `image-automation.io/forge`                  | `github` or `gitlab` (inferred for the SaaS hosts) |
 * | `image-automation.io/forge-api-url`          | API base (GitHub Enterprise, self-hosted GitLab) |
 * | `image-automation.io/forge-secret`           | Secret for the API (default: the GitRepository's) |
 * | `image-automation.io/push-branch-template`   | Go template naming the push branch              |
 */

export const REVIEW_ANNOTATION_PREFIX = 'image-automation.io/';

export const REVIEW_ANNOTATIONS = Object.freeze({
  pullRequest: `${REVIEW_ANNOTATION_PREFIX}pull-request`,
  title: `${REVIEW_ANNOTATION_PREFIX}pull-request-title`,
  labels: `${REVIEW_ANNOTATION_PREFIX}pull-request-labels`,
  reviewers: `${REVIEW_ANNOTATION_PREFIX}pull-request-reviewers`,
  forge: `${REVIEW_ANNOTATION_PREFIX}forge`,
  forgeApiUrl: `${REVIEW_ANNOTATION_PREFIX}forge-api-url`,
  forgeSecret: `${REVIEW_ANNOTATION_PREFIX}forge-secret`,
  pushBranchTemplate: `${REVIEW_ANNOTATION_PREFIX}push-branch-template`,
});

export type ForgeKind = 'github' | 'gitlab';

export interface ReviewSettings {
  readonly pullRequest: boolean;
  readonly titleTemplate?: string;
  readonly labels: readonly string[];
  readonly reviewers: readonly string[];
  readonly forge?: ForgeKind;
  readonly forgeApiUrl?: string;
  readonly forgeSecret?: string;
  readonly pushBranchTemplate?: string;
}

const FIELD = 'metadata.annotations';
// Notification annotations share the prefix; they are validated here too, so `validate` reports them.
const KNOWN: readonly string[] = [...Object.values(REVIEW_ANNOTATIONS), ...Object.values(NOTIFY_ANNOTATIONS)];
// GitHub logins, GitLab usernames (which also allow `.` and `_`), and `org/team` for GitHub teams.
const REVIEWER = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const list = (text: string | undefined): string[] => [
  ...new Set(
    (text ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
];

const checkTemplate = (ctx: DecodeContext, key: string, name: string, text: string | undefined) => {
  if (text === undefined) return;
  const field = fieldPath(FIELD, key);
  if (text.trim() === '') return ctx.error(field, 'must not be empty');
  try {
    const findings = checkCommitTemplate(parseGoTemplate(name, text));
    for (const removed of findings.removed)
      ctx.error(field, `uses ${removed}, which Flux 2.7 removed; use .Changed`);
    for (const message of findings.unknownFields) ctx.error(field, message);
    for (const [fn, reason] of findings.unsupportedFunctions)
      ctx.error(field, `uses function "${fn}", which is not supported: ${reason}`);
  } catch (error) {
    ctx.error(field, error instanceof Error ? error.message : String(error));
  }
};

/** Decodes the review annotations, reporting every problem on `ctx` (errors and typo warnings). */
export const decodeReviewAnnotations = (
  ctx: DecodeContext,
  annotations: Readonly<Record<string, string>>,
): ReviewSettings => {
  const a = REVIEW_ANNOTATIONS;
  const at = (key: string) => fieldPath(FIELD, key);
  for (const key of Object.keys(annotations)) {
    if (key.startsWith(REVIEW_ANNOTATION_PREFIX) && !KNOWN.includes(key))
      ctx.warn(at(key), `unknown annotation, ignored; known: ${KNOWN.join(', ')}`);
  }
  const notify = notifySettingsOf(annotations);
  if (notify.kind === 'invalid') ctx.error(FIELD, notify.message);
  const flag = annotations[a.pullRequest];
  if (flag !== undefined && flag !== 'true' && flag !== 'false')
    ctx.error(at(a.pullRequest), `must be "true" or "false", got ${JSON.stringify(flag)}`);
  const forge = annotations[a.forge];
  if (forge !== undefined && forge !== 'github' && forge !== 'gitlab')
    ctx.error(at(a.forge), `must be "github" or "gitlab", got ${JSON.stringify(forge)}`);
  const apiUrl = annotations[a.forgeApiUrl];
  if (apiUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(apiUrl))
    ctx.error(at(a.forgeApiUrl), `must be an http(s) URL, got ${JSON.stringify(apiUrl)}`);
  const secret = annotations[a.forgeSecret];
  if (secret !== undefined && !SECRET_NAME.test(secret))
    ctx.error(at(a.forgeSecret), `${JSON.stringify(secret)} is not a valid Secret name`);
  const reviewers = list(annotations[a.reviewers]);
  for (const reviewer of reviewers.filter((r) => !REVIEWER.test(r)))
    ctx.error(at(a.reviewers), `${JSON.stringify(reviewer)} is not a user name or org/team`);
  const labels = list(annotations[a.labels]);
  checkTemplate(ctx, a.title, 'pull request title', annotations[a.title]);
  checkTemplate(ctx, a.pushBranchTemplate, 'push branch', annotations[a.pushBranchTemplate]);
  const pullRequest = flag === 'true';
  if (!pullRequest) {
    for (const key of [a.title, a.labels, a.reviewers, a.forge, a.forgeApiUrl, a.forgeSecret])
      if (annotations[key] !== undefined) ctx.warn(at(key), `ignored: ${a.pullRequest} is not "true"`);
  }
  return {
    pullRequest,
    labels,
    reviewers,
    ...(annotations[a.title] !== undefined && { titleTemplate: annotations[a.title] }),
    ...((forge === 'github' || forge === 'gitlab') && { forge }),
    ...(apiUrl !== undefined && { forgeApiUrl: apiUrl.replace(/\/+$/, '') }),
    ...(secret !== undefined && { forgeSecret: secret }),
    ...(annotations[a.pushBranchTemplate] !== undefined && {
      pushBranchTemplate: annotations[a.pushBranchTemplate],
    }),
  };
};

/** The settings of a loaded (valid) automation; throws InvalidConfigError if they do not decode. */
export const reviewSettingsOf = (automation: ImageUpdateAutomation): ReviewSettings => {
  const ctx = createDecodeContext();
  const settings = decodeReviewAnnotations(ctx, automation.metadata.annotations);
  const errors = ctx.issues.filter((issue: FieldIssue) => issue.severity === 'error');
  if (errors.length > 0) {
    const { namespace, name } = automation.metadata;
    throw new InvalidConfigError(
      `ImageUpdateAutomation ${namespace}/${name}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    );
  }
  return settings;
};

/** Pull-request mode and templated branches rebuild the push branch from the checkout branch on every run. */
export const rebuildsPushBranch = (settings: ReviewSettings): boolean =>
  settings.pullRequest || settings.pushBranchTemplate !== undefined;
