import type { Change } from './changes.ts';
import type { CommitMessageInput } from './commit-message.ts';
import { REVIEW_ANNOTATIONS } from './flux/review-annotations.ts';
import { type ImageUpdate, summariseImageUpdates, type UpdatedPolicy } from './image-updates.ts';
import { renderReviewTemplate } from './review-template.ts';

/**
 * Title and body of the pull request, rendered from the change list so a reviewer sees, without the
 * service's logs: each image from → to with its digest, the policy that chose it and why, every file
 * and line touched, the commit, its base and whether it is signed.
 */

export interface ReviewedPolicy extends UpdatedPolicy {
  /** Why this version: the policy rule in a few words (see describePolicyRule). */
  readonly rule?: string;
}

export interface PullRequestTextInput {
  readonly automation: { readonly namespace: string; readonly name: string };
  /** Changes with paths from the repository root. */
  readonly changes: readonly Change[];
  readonly policies: readonly ReviewedPolicy[];
  readonly baseBranch: string;
  readonly baseCommit: string;
  readonly headBranch: string;
  readonly commit: string;
  /** OpenPGP fingerprint of the signing key; absent = unsigned. */
  readonly signedBy?: string;
  readonly titleTemplate?: string;
  /** What the title template sees: the commit-message data (paths relative to `update.path`). */
  readonly templateInput: CommitMessageInput;
}

export interface PullRequestText {
  readonly title: string;
  readonly body: string;
}

// GitHub refuses titles over 256 characters; GitLab's limit is 255.
const TITLE_LIMIT = 250;
// GitHub bodies stop at 65,536 characters; the line list is cut well before that.
const BODY_LIMIT = 60_000;

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const short = (commit: string): string => commit.slice(0, 12);

export const defaultPullRequestTitle = (updates: readonly ImageUpdate[]): string => {
  const parts = updates.map((u) => `${u.policy.split('/')[1] ?? u.policy} to ${u.tag}`);
  if (parts.length <= 3) return `Update ${parts.join(', ')}`;
  return `Update ${parts.length} images: ${parts.slice(0, 3).join(', ')}, …`;
};

const title = (input: PullRequestTextInput, updates: readonly ImageUpdate[]): string => {
  const rendered = input.titleTemplate
    ? renderReviewTemplate(REVIEW_ANNOTATIONS.title, input.titleTemplate, input.templateInput)
        .trim()
        .split('\n')[0]
        ?.trim()
    : undefined;
  const text = rendered || defaultPullRequestTitle(updates);
  return text.length > TITLE_LIMIT ? `${text.slice(0, TITLE_LIMIT - 1)}…` : text;
};

const objectName = (change: Change): string => {
  const { kind, namespace, name } = change.object;
  if (!kind && !name) return '';
  return ` (${[kind, namespace ? `${namespace}/${name}` : name].filter(Boolean).join(' ')})`;
};

const imageTable = (updates: readonly ImageUpdate[], rules: ReadonlyMap<string, string>): string[] => [
  '| Image | From | To | Digest | Policy | Why |',
  '| --- | --- | --- | --- | --- | --- |',
  ...updates.map((u) =>
    [
      '',
      code(u.image),
      u.from.length > 0 ? u.from.map((v) => code(cell(v))).join(', ') : '-',
      code(u.tag),
      u.digest ? code(u.digest) : '-',
      code(u.policy),
      cell(rules.get(u.policy) ?? '-'),
      '',
    ]
      .join(' | ')
      .trim(),
  ),
];

const changeLines = (changes: readonly Change[]): string[] => {
  const lines: string[] = [];
  let size = 0;
  for (const [index, c] of changes.entries()) {
    const line = `- ${code(`${c.file}:${c.line}`)}${objectName(c)}, marker ${code(c.setter)}: ${code(c.oldValue)} → ${code(c.newValue)}`;
    size += line.length + 1;
    if (size > BODY_LIMIT) {
      lines.push(`- … and ${changes.length - index} more`);
      break;
    }
    lines.push(line);
  }
  return lines;
};

export const renderPullRequest = (input: PullRequestTextInput): PullRequestText => {
  const updates = summariseImageUpdates(input.changes, input.policies);
  const rules = new Map(input.policies.map((p) => [`${p.namespace}/${p.name}`, p.rule ?? '']));
  const automation = `${input.automation.namespace}/${input.automation.name}`;
  const files = new Set(input.changes.map((c) => c.file)).size;
  const signature = input.signedBy
    ? // An SSH signer's fingerprint is OpenSSH's `SHA256:…`; an OpenPGP one is hex.
      `Signed with ${input.signedBy.startsWith('SHA256:') ? 'SSH' : 'OpenPGP'} key ${code(input.signedBy)}.`
    : 'Not signed (no `spec.git.commit.signingKey`).';
  const body = [
    `Image updates by ImageUpdateAutomation ${code(automation)} for ${code(input.baseBranch)}: ${updates.length} image${updates.length === 1 ? '' : 's'}, ${input.changes.length} marker${input.changes.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.`,
    '',
    ...imageTable(updates, rules),
    '',
    '**Changed lines**',
    '',
    ...changeLines(input.changes),
    '',
    `**Commit** ${code(short(input.commit))} on ${code(input.headBranch)}, built on ${code(input.baseBranch)} at ${code(short(input.baseCommit))}. ${signature} Each image is listed in an \`Image-Update:\` trailer of the commit message.`,
    '',
    `This branch is rebuilt from ${code(input.baseBranch)} and force-pushed whenever an image or the base branch moves, and this pull request is updated in place; commits added to the branch by hand are replaced.`,
    '',
    `<!-- image-automation: ${automation} -->`,
    '',
  ].join('\n');
  return { title: title(input, updates), body };
};
