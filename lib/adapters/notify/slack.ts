import type { Notification, NotificationChange } from '../../domain/notify/notification.ts';
import type { Notifier } from '../../ports/notifier.ts';
import { type FetchFunction, postNotification } from './post-notification.ts';

/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks): `text` (the summary, shown
 * in notifications and by clients without blocks) and Block Kit `blocks`. The incoming-webhook URL
 * is itself the credential, so it comes from the Secret's `address`; Slack does not verify a
 * signature, so none is sent. Limits kept: section text ≤ 3000 characters, ≤ 50 blocks.
 */
export const slackNotifierDefaults = Object.freeze({
  fetch: ((input, init) => globalThis.fetch(input, init)) as FetchFunction,
  /** Change sections per message; the rest are counted in one line. */
  maxChangeBlocks: 20,
});

export interface SlackNotifierOptions {
  readonly fetch?: FetchFunction;
  readonly maxChangeBlocks?: number;
}

type Block = Readonly<Record<string, unknown>>;

const TEXT_LIMIT = 3000;

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const mrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (text: string) => `\`${mrkdwn(text).replace(/`/g, "'")}\``;
const clip = (text: string) => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text);
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text) }],
});

const headline = (n: Notification): string => {
  const who = `*${mrkdwn(`${n.automation.namespace}/${n.automation.name}`)}*`;
  switch (n.event) {
    case 'failed':
      return `:x: ${who} failed: ${code(n.error?.code ?? 'Internal')}`;
    case 'pull-request-opened':
    case 'pull-request-updated': {
      const pr = n.pullRequest;
      const link = pr ? `<${pr.url}|#${pr.number}>` : 'a pull request';
      return `:arrow_up: ${who} ${n.event === 'pull-request-opened' ? 'opened' : 'updated'} ${link} from ${code(n.branch ?? '?')}`;
    }
    case 'pushed':
      return `:arrow_up: ${who} pushed ${code((n.commit ?? '').slice(0, 7))} to ${code(n.branch ?? '?')}`;
  }
};

const changeBlock = (c: NotificationChange): Block => {
  const image = c.image ? `${code(c.image)} ` : '';
  const lines = [
    `*${mrkdwn(c.policy)}* ${image}${code(c.from ?? '?')} → ${code(c.to ?? '?')}`,
    ...(c.digest ? [code(c.digest)] : []),
    ...c.files.map((f) => `• ${mrkdwn(`${f.file}:${f.line}`)}`),
  ];
  return section(lines.join('\n'));
};

export const renderSlackMessage = (
  n: Notification,
  maxChangeBlocks: number = slackNotifierDefaults.maxChangeBlocks,
): { text: string; blocks: Block[] } => {
  const blocks: Block[] = [section(headline(n))];
  if (n.error) blocks.push(section(`\`\`\`${mrkdwn(n.error.message)}\`\`\``));
  for (const change of n.changes.slice(0, maxChangeBlocks)) blocks.push(changeBlock(change));
  if (n.changes.length > maxChangeBlocks)
    blocks.push(context(`…and ${n.changes.length - maxChangeBlocks} more images`));
  const facts = [
    ...(n.commit ? [`commit ${code(n.commit)}`] : []),
    ...(n.branch ? [`branch ${code(n.branch)}`] : []),
    ...(n.pullRequest ? [`<${n.pullRequest.url}|pull request #${n.pullRequest.number}>`] : []),
    mrkdwn(n.time),
  ];
  blocks.push(context(facts.join(' · ')));
  return { text: mrkdwn(n.summary), blocks };
};

export const createSlackNotifier = (options: SlackNotifierOptions = {}): Notifier => {
  const { fetch, maxChangeBlocks } = { ...slackNotifierDefaults, ...options };
  return {
    send: async function slackNotifierSend(notification, target) {
      await postNotification(
        fetch,
        target,
        JSON.stringify(renderSlackMessage(notification, maxChangeBlocks)),
        {},
      );
    },
  };
};
