import type { Change, LatestRef } from '../changes.ts';
import type { AppErrorCode } from '../errors.ts';

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

/** `apps:web`, `apps:web:tag` → `apps/web` (markers name policies `namespace:name[:field]`). */
const policyOfSetter = (setter: string): string => {
  const [namespace = '', name = ''] = setter.split(':');
  return `${namespace}/${name}`;
};

/** The tag of `registry/repo:tag@digest` (or of a bare tag), undefined when there is none. */
export const tagOfValue = (value: string, setter: string): string | undefined => {
  const field = setter.split(':')[2];
  if (field === 'tag') return value.split('@')[0] || undefined;
  if (field !== undefined) return undefined;
  const withoutDigest = value.split('@')[0] ?? '';
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
};

export const groupChangesByPolicy = (
  changes: readonly Change[],
  refs: ReadonlyMap<string, { readonly latestRef?: LatestRef; readonly previousRef?: LatestRef }>,
): NotificationChange[] => {
  const groups = new Map<string, NotificationFileChange[]>();
  for (const c of changes) {
    const policy = policyOfSetter(c.setter);
    const files = groups.get(policy) ?? [];
    files.push({ file: c.file, line: c.line, setter: c.setter, old: c.oldValue, new: c.newValue });
    groups.set(policy, files);
  }
  return [...groups].map(([policy, files]) => {
    const ref = refs.get(policy);
    const oldTag = files.map((f) => tagOfValue(f.old, f.setter)).find((t) => t !== undefined);
    const newTag = files.map((f) => tagOfValue(f.new, f.setter)).find((t) => t !== undefined);
    const from = oldTag ?? ref?.previousRef?.tag;
    const to = ref?.latestRef?.tag ?? newTag;
    return {
      policy,
      ...(ref?.latestRef ? { image: ref.latestRef.name } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(ref?.latestRef?.digest ? { digest: ref.latestRef.digest } : {}),
      files,
    };
  });
};

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
