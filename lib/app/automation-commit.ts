import type { Change } from '../domain/changes.ts';
import { type CommitMessageInput, renderCommitMessage } from '../domain/commit-message.ts';
import { appendTrailers, imageUpdateTrailers } from '../domain/commit-trailers.ts';
import type { ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { UpdatedPolicy } from '../domain/image-updates.ts';
import type { SetterTable } from '../domain/markers/setters.ts';
import { unifiedDiff } from '../domain/unified-diff.ts';
import type { Clock } from '../ports/clock.ts';
import type { CommitSigner } from '../ports/commit-signer.ts';
import type { CommitAttempt } from './commit-with-retry.ts';
import { createRecordingTree } from './recording-tree.ts';
import { type RewriteTreeResult, rewriteTree } from './rewrite-tree.ts';

/**
 * One attempt of an automation's commit, on a fresh checkout: rewrite the marked values, then say
 * what to commit — the Flux-rendered message with `Image-Update:` trailers, the author, the signer,
 * and the branch to push to. A dry run records the diffs instead and commits nothing.
 */

export interface AttemptData extends RewriteTreeResult {
  readonly diffs: readonly { file: string; diff: string }[];
  readonly baseCommit: string;
  readonly baseBranch: string;
  /** Branch the commit goes to (rendered from the push-branch template when there is one). */
  readonly pushBranch: string;
}

export interface AutomationCommitParams {
  readonly automation: ImageUpdateAutomation;
  readonly setters: SetterTable;
  readonly policies: readonly UpdatedPolicy[];
  readonly clock: Clock;
  readonly dryRun: boolean;
  readonly signer?: CommitSigner;
  readonly pushBranch: (input: CommitMessageInput) => string;
}

/** Flux names changed files relative to `update.path` in commit templates. */
const relativeTo = (path: string, changes: readonly Change[]): Change[] =>
  path === ''
    ? [...changes]
    : changes.map((c) => ({
        ...c,
        file: c.file.startsWith(`${path}/`) ? c.file.slice(path.length + 1) : c.file,
      }));

/** The data Flux hands commit-message templates (also used by branch and title templates). */
export const templateInputOf = (
  automation: ImageUpdateAutomation,
  changes: readonly Change[],
): CommitMessageInput => ({
  automation: { namespace: automation.metadata.namespace, name: automation.metadata.name },
  changes: relativeTo(automation.spec.update.path, changes),
  values: automation.spec.git.commit.messageTemplateValues,
});

const decoder = new TextDecoder();

export const automationCommitAttempt = (params: AutomationCommitParams): CommitAttempt<AttemptData> => {
  const { automation, setters, clock, dryRun, signer } = params;
  const { author, messageTemplate } = automation.spec.git.commit;
  return async (workspace) => {
    const recording = dryRun ? createRecordingTree(workspace) : undefined;
    const result = await rewriteTree(recording?.tree ?? workspace, setters, {
      path: automation.spec.update.path,
    });
    const diffs = recording
      ? await Promise.all(
          [...recording.written].map(async ([file, content]) => ({
            file,
            diff: unifiedDiff(file, decoder.decode(await workspace.readFile(file)), decoder.decode(content)),
          })),
        )
      : [];
    const base = { ...result, diffs, baseCommit: workspace.baseCommit, baseBranch: workspace.baseBranch };
    if (result.changes.length === 0 || dryRun)
      return { kind: 'nothing', result: { ...base, pushBranch: workspace.pushBranch } };
    const input = templateInputOf(automation, result.changes);
    const message = appendTrailers(
      renderCommitMessage(messageTemplate, input),
      imageUpdateTrailers(result.changes, params.policies),
    );
    const signature = {
      name: author.name ?? author.email,
      email: author.email,
      timestamp: Math.floor(clock.now().getTime() / 1000),
      timezoneOffset: 0,
    };
    const data = { ...base, pushBranch: params.pushBranch(input) };
    return { kind: 'commit', message, author: signature, ...(signer && { signer }), result: data };
  };
};
