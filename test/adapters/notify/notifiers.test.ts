import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNotifier, renderSlackMessage } from '../../../lib/adapters/notify/slack.ts';
import { createWebhookNotifier } from '../../../lib/adapters/notify/webhook.ts';
import { verifyPrefixedHmac } from '../../../lib/adapters/webhooks/constant-time.ts';
import { isAppError } from '../../../lib/domain/errors.ts';
import { buildNotification, type Notification } from '../../../lib/domain/notify/notification.ts';
import { refusedUrl, type SinkAnswer, startNotificationSink } from '../../helpers/notification-sink.ts';

const DIGEST = `sha256:${'c3'.repeat(32)}`;

const pushed: Notification = buildNotification({
  event: 'pushed',
  automation: { namespace: 'apps', name: 'fleet' },
  time: '2026-11-21T10:00:00.000Z',
  commit: '4f2c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
  branch: 'main',
  changes: [
    {
      policy: 'apps/web',
      image: 'ghcr.io/acme/web',
      from: '1.4.1',
      to: '1.4.2',
      digest: DIGEST,
      files: [
        {
          file: 'apps/web/deployment.yaml',
          line: 9,
          setter: 'apps:web',
          old: 'ghcr.io/acme/web:1.4.1',
          new: `ghcr.io/acme/web:1.4.2@${DIGEST}`,
        },
      ],
    },
  ],
});

const failed: Notification = buildNotification({
  event: 'failed',
  automation: { namespace: 'apps', name: 'fleet' },
  time: '2026-11-21T10:00:00.000Z',
  changes: [],
  error: { code: 'Auth', message: 'git push: 403 <refused> & logged', retryable: false },
});

let answer: SinkAnswer = 200;
let sink: Awaited<ReturnType<typeof startNotificationSink>>;
beforeAll(async () => {
  sink = await startNotificationSink(() => answer);
});
afterAll(() => sink.stop());

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('generic webhook notifier', () => {
  it('posts the notification as JSON with a verifiable X-Signature', async () => {
    answer = 200;
    const before = sink.requests.length;
    await createWebhookNotifier().send(pushed, {
      address: `${sink.url}/hooks/deploys`,
      signingKey: 'hmac-key',
      timeoutMs: 2000,
    });
    const [request] = sink.requests.slice(before);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/deploys');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-image-automation-event']).toBe('pushed');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      ...pushed,
      summary: 'apps/fleet pushed 4f2c1e9 to main: apps/web 1.4.1 → 1.4.2',
    });
    const body = new TextEncoder().encode(request?.body);
    expect(verifyPrefixedHmac(String(request?.headers['x-signature']), 'hmac-key', body, ['sha256'])).toBe(
      true,
    );
    expect(verifyPrefixedHmac(String(request?.headers['x-signature']), 'other-key', body, ['sha256'])).toBe(
      false,
    );
  });

  it('sends no signature without a key', async () => {
    const before = sink.requests.length;
    await createWebhookNotifier().send(failed, { address: sink.url, timeoutMs: 2000 });
    expect(sink.requests.slice(before)[0]?.headers['x-signature']).toBeUndefined();
  });

  it.each([
    ['a 500', 500, /answered 500/],
    ['a redirect (not followed)', 302, /answered 302/],
  ])('fails with an UpstreamError on %s, naming the host but not the path', async (_, status, message) => {
    answer = status;
    const error = await rejection(
      createWebhookNotifier().send(pushed, { address: `${sink.url}/T000/B000/secret-path`, timeoutMs: 2000 }),
    );
    expect(isAppError(error) && error.code).toBe('Upstream');
    expect(String((error as Error).message)).toMatch(message);
    expect(String((error as Error).message)).toContain(new URL(sink.url).host);
    expect(String((error as Error).message)).not.toContain('secret-path');
  });

  it('gives up after the timeout when the receiver never answers', async () => {
    answer = 'hang';
    const started = Date.now();
    const error = await rejection(
      createWebhookNotifier().send(pushed, { address: `${sink.url}/slow`, timeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
  });

  it('fails fast on a refused connection', async () => {
    const error = await rejection(
      createWebhookNotifier().send(pushed, { address: await refusedUrl(), timeoutMs: 2000 }),
    );
    expect((error as Error).message).toMatch(/could not connect \(ECONNREFUSED\)/);
    expect((error as Error).message).not.toContain('/hook');
  });
});

describe('Slack notifier', () => {
  it('renders text and blocks from the change list', () => {
    const message = renderSlackMessage({
      ...pushed,
      event: 'pull-request-updated',
      pullRequest: { url: 'https://github.com/acme/fleet/pull/12', number: 12, action: 'updated' },
    });
    expect(message.text).toBe(pushed.summary);
    expect(message.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':arrow_up: *apps/fleet* updated <https://github.com/acme/fleet/pull/12|#12> from `main`',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*apps/web* \`ghcr.io/acme/web\` \`1.4.1\` → \`1.4.2\`\n\`${DIGEST}\`\n• apps/web/deployment.yaml:9`,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `commit \`${pushed.commit}\` · branch \`main\` · <https://github.com/acme/fleet/pull/12|pull request #12> · 2026-11-21T10:00:00.000Z`,
          },
        ],
      },
    ]);
  });

  it('escapes what Slack would read as markup, and shows the error', () => {
    const message = renderSlackMessage(failed);
    expect(message.text).toBe('apps/fleet failed: Auth: git push: 403 &lt;refused&gt; &amp; logged');
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':x: *apps/fleet* failed: `Auth`' },
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '```git push: 403 &lt;refused&gt; &amp; logged```' },
    });
  });

  it('caps the number of change blocks', () => {
    const many = {
      ...pushed,
      changes: Array.from({ length: 30 }, (_, i) => ({ policy: `apps/p${i}`, files: [] })),
    };
    const message = renderSlackMessage(many, 20);
    expect(message.blocks).toHaveLength(1 + 20 + 2);
    expect(message.blocks.at(-2)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '…and 10 more images' }],
    });
  });

  it('posts the rendered message as JSON and sends no signature', async () => {
    answer = 200;
    const before = sink.requests.length;
    await createSlackNotifier().send(pushed, {
      address: `${sink.url}/services/T000/B000/XXXX`,
      signingKey: 'ignored',
      timeoutMs: 2000,
    });
    const [request] = sink.requests.slice(before);
    expect(JSON.parse(request?.body ?? '')).toEqual(renderSlackMessage(pushed));
    expect(request?.headers['x-signature']).toBeUndefined();
  });
});
