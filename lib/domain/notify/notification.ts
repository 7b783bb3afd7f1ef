import type { Change } from '../changes.ts';
import type { AppErrorCode } from '../errors.ts';
import { summariseImageUpdates, type UpdatedPolicy } from '../image-updates.ts';

/**
 * What an outbound notification says, independent of its wire format (generic JSON webhook or
 * Slack): one automation run that pushed, opened or updated a pull request, or failed. Changes are
 * grouped per ImagePolicy, each image old → new with its digest and the file lines it touched,
 * so a reader sees what changed, from what to what, and where, without opening the logs.
 */
export type NotificationEvent = 'pushed' | 'pull-request-opened' | 'pull-request-updated' | 'failed';

export interface PullRequestRef {
  readonly url: string;
  readonly number: number;
  readonly action: 'opened' | 'updated';
}

export interface NotificationFileChange {
  readonly file: string;
  readonly line: number;
  readonly setter: string;
  readonly old: string;
  readonly new: string;
}

export interface NotificationChange {
  /** `namespace/name` of the ImagePolicy named by the markers. */
  readonly policy: string;
  readonly image?: string;
  /** The tag Git had before (from the marked value), when it can be told. */
  readonly from?: string;
  readonly to?: string;
  readonly digest?: string;
  readonly files: readonly NotificationFileChange[];
}

export interface Notification {
  /** Payload version: fields are only ever added. */
  readonly version: 1;
  readonly event: NotificationEvent;
  readonly automation: { readonly namespace: string; readonly name: string };
  /** ISO-8601. */
  readonly time: string;
  /** One line for people (Slack's `text`, mail subjects). */
  readonly summary: string;
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: PullRequestRef;
  readonly changes: readonly NotificationChange[];
  readonly error?: { readonly code: AppErrorCode; readonly message: string; readonly retryable: boolean };
}

/**
 * Changes per ImagePolicy, from the same summary commit trailers and pull-request texts use, so a
 * notification says what they say: the image, the version Git held before, the new tag and digest,
 * and every marked line.
 */
export const groupChangesByPolicy = (
  changes: readonly Change[],
  policies: readonly UpdatedPolicy[],
): NotificationChange[] =>
  summariseImageUpdates(changes, policies).map((update) => {
    const from = update.from[0]?.split('@')[0] || undefined;
    return {
      policy: update.policy,
      ...(update.image !== '-' ? { image: update.image } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(update.tag !== '-' ? { to: update.tag } : {}),
      ...(update.digest ? { digest: update.digest } : {}),
      files: update.changes.map((c) => ({
        file: c.file,
        line: c.line,
        setter: c.setter,
        old: c.oldValue,
        new: c.newValue,
      })),
    };
  });

const describeChanges = (changes: readonly NotificationChange[]) =>
  changes.map((c) => `${c.policy} ${c.from ?? '?'} → ${c.to ?? '?'}`).join(', ');

/** The one-line summary, e.g. `apps/fleet pushed 1a2b3c4 to main: apps/web 1.0.0 → 1.1.0`. */
export const summarize = (n: Omit<Notification, 'summary' | 'version'>): string => {
  const who = `${n.automation.namespace}/${n.automation.name}`;
  const what = describeChanges(n.changes);
  switch (n.event) {
    case 'failed':
      return `${who} failed: ${n.error?.code ?? 'Internal'}: ${n.error?.message ?? 'unknown error'}`;
    case 'pull-request-opened':
    case 'pull-request-updated':
      return `${who} ${n.event === 'pull-request-opened' ? 'opened' : 'updated'} pull request #${n.pullRequest?.number ?? '?'} from ${n.branch ?? '?'}${what ? `: ${what}` : ''}`;
    case 'pushed':
      return `${who} pushed ${(n.commit ?? '').slice(0, 7)} to ${n.branch ?? '?'}${what ? `: ${what}` : ''}`;
  }
};

export const buildNotification = (fields: Omit<Notification, 'summary' | 'version'>): Notification => ({
  version: 1,
  ...fields,
  summary: summarize(fields),
});
