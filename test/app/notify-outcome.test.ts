import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../lib/adapters/notify/slack.ts';
import { createWebhookNotifier, signatureHeader } from '../../lib/adapters/notify/webhook.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { type NotifyDeps, withNotifications } from '../../lib/app/notify-outcome.ts';
import type { ReconcileOutcome } from '../../lib/app/reconcile-automation.ts';
import { UpstreamError } from '../../lib/domain/errors.ts';
import { parseManifests } from '../../lib/domain/flux/parse-manifests.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import type { Logger } from '../../lib/ports/logger.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { refusedUrl, type SinkAnswer, startNotificationSink } from '../helpers/notification-sink.ts';

const NOW = new Date('2026-11-21T10:00:00Z');
const OLD = `sha256:${'a1'.repeat(32)}`;
const NEW = `sha256:${'b2'.repeat(32)}`;
const COMMIT = '4f2c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';

/** Fleet manifests whose automation carries `annotations`, plus a Secret for the notifications. */
const configWith = (annotations: Record<string, string>, secret?: Record<string, string>) => {
  const text = fleetManifests({
    gitUrl: 'http://127.0.0.1:1/fleet.git',
    policies: [
      { name: 'web', image: 'ghcr.io/acme/web' },
      { name: 'api', image: 'ghcr.io/acme/api' },
    ],
    extra: secret
      ? [
          `apiVersion: v1\nkind: Secret\nmetadata: {name: notify, namespace: apps}\nstringData: ${JSON.stringify(secret)}`,
        ]
      : [],
  }).replace(
    'kind: ImageUpdateAutomation\nmetadata: {name: fleet, namespace: apps}',
    `kind: ImageUpdateAutomation\nmetadata:\n  name: fleet\n  namespace: apps\n  annotations: ${JSON.stringify(annotations)}`,
  );
  const load = parseManifests([{ path: 'fleet.yaml', text }]);
  if (load.errors.length > 0) throw new Error(load.errors.map((e) => e.format()).join('\n'));
  return load.config;
};

const capturingLogger = () => {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const make = (base: Record<string, unknown>): Logger => ({
    debug: (message, fields) => lines.push({ level: 'debug', message, fields: { ...base, ...fields } }),
    info: (message, fields) => lines.push({ level: 'info', message, fields: { ...base, ...fields } }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields: { ...base, ...fields } }),
    error: (message, fields) => lines.push({ level: 'error', message, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return { logger: make({}), lines };
};

const request: ReconcileRequest = {
  automation: 'apps/fleet',
  repositories: [],
  reason: 'event',
  deliveryIds: ['d1'],
  triggeredAt: NOW.toISOString(),
};

const pushedOutcome = (config: ReturnType<typeof configWith>, extra: object = {}): ReconcileOutcome => {
  const web = config.imagePolicies.find((p) => p.metadata.name === 'web');
  if (!web) throw new Error('no web policy');
  return {
    kind: 'pushed',
    automation: 'apps/fleet',
    commit: COMMIT,
    branch: 'main',
    attempts: 1,
    warnings: [],
    changes: [
      {
        file: 'apps/web/deployment.yaml',
        line: 9,
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' },
        setter: 'apps:web',
        oldValue: `ghcr.io/acme/web:1.4.1@${OLD}`,
        newValue: `ghcr.io/acme/web:1.4.2@${NEW}`,
      },
      {
        file: 'apps/web/values.yaml',
        line: 3,
        object: { apiVersion: '', kind: '', namespace: '', name: '' },
        setter: 'apps:web:tag',
        oldValue: '1.4.1',
        newValue: '1.4.2',
      },
    ],
    resolutions: [
      {
        policy: web,
        key: 'apps/web',
        latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2', digest: NEW },
        previousRef: { name: 'ghcr.io/acme/web', tag: '1.4.1', digest: OLD },
        changed: true,
      },
    ],
    ...extra,
  } as ReconcileOutcome;
};

let answer: SinkAnswer = 200;
let sink: Awaited<ReturnType<typeof startNotificationSink>>;
beforeAll(async () => {
  sink = await startNotificationSink(() => answer);
});
afterAll(() => sink.stop());

const setup = (config: ReturnType<typeof configWith>, timeoutMs = 500) => {
  const { logger, lines } = capturingLogger();
  const state = createMemoryStateStore();
  const deps: NotifyDeps = {
    config,
    secrets: {
      getSecret: async (namespace, name) => {
        const secret = config.secrets.find(
          (s) => s.metadata.namespace === namespace && s.metadata.name === name,
        );
        return secret
          ? Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, new TextDecoder().decode(v)]))
          : undefined;
      },
    },
    state,
    clock: { now: () => NOW },
    logger,
    notifiers: { json: createWebhookNotifier(), slack: createSlackNotifier() },
  };
  return { deps, lines, state, options: { timeoutMs } };
};

const received = (from: number) => sink.requests.slice(from);

describe('withNotifications', () => {
  it('sends a signed JSON notification after a push, grouped per policy, and returns the outcome as is', async () => {
    answer = 200;
    const config = configWith(
      { 'image-automation.io/notify-secret': 'notify' },
      { address: `${sink.url}/deploys?key=abc`, token: 'hmac-key' },
    );
    const { deps, lines, options } = setup(config);
    const outcome = pushedOutcome(config);
    const before = sink.requests.length;
    expect(await withNotifications(deps, async () => outcome, options)(request)).toBe(outcome);
    const [sent] = received(before);
    expect(sent?.path).toBe('/deploys?key=abc');
    expect(sent?.headers['x-signature']).toBe(signatureHeader('hmac-key', sent?.body ?? ''));
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      version: 1,
      event: 'pushed',
      automation: { namespace: 'apps', name: 'fleet' },
      time: '2026-11-21T10:00:00.000Z',
      summary: 'apps/fleet pushed 4f2c1e9 to main: apps/web 1.4.1 → 1.4.2',
      commit: COMMIT,
      branch: 'main',
      changes: [
        {
          policy: 'apps/web',
          image: 'ghcr.io/acme/web',
          from: '1.4.1',
          to: '1.4.2',
          digest: NEW,
          files: [
            {
              file: 'apps/web/deployment.yaml',
              line: 9,
              setter: 'apps:web',
              old: `ghcr.io/acme/web:1.4.1@${OLD}`,
              new: `ghcr.io/acme/web:1.4.2@${NEW}`,
            },
            { file: 'apps/web/values.yaml', line: 3, setter: 'apps:web:tag', old: '1.4.1', new: '1.4.2' },
          ],
        },
      ],
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'notification sent',
        fields: expect.objectContaining({ host: new URL(sink.url).host }),
      }),
    );
    expect(JSON.stringify(lines)).not.toContain('key=abc');
  });

  it('announces a pull request update with its URL, in Slack format', async () => {
    const config = configWith(
      { 'image-automation.io/notify-secret': 'notify', 'image-automation.io/notify-format': 'slack' },
      { address: `${sink.url}/services/T0/B0/XXXX` },
    );
    const { deps, options } = setup(config);
    const before = sink.requests.length;
    const pullRequest = { url: 'https://github.com/acme/fleet/pull/7', number: 7, action: 'updated' };
    await withNotifications(deps, async () => pushedOutcome(config, { pullRequest }), options)(request);
    const body = JSON.parse(received(before)[0]?.body ?? '');
    expect(body.text).toBe('apps/fleet updated pull request #7 from main: apps/web 1.4.1 → 1.4.2');
    expect(body.blocks[0].text.text).toBe(
      ':arrow_up: *apps/fleet* updated <https://github.com/acme/fleet/pull/7|#7> from `main`',
    );
    expect(JSON.stringify(body.blocks)).toContain('apps/web/values.yaml:3');
  });

  it('reports a failure once, rethrows it unchanged, and skips a repeat of the same error', async () => {
    const config = configWith({ 'image-automation.io/notify-url': `${sink.url}/errors` });
    const { deps, state, options } = setup(config);
    const error = new UpstreamError('registry ghcr.io answered 503');
    const failing = withNotifications(deps, async () => Promise.reject(error), options);
    const before = sink.requests.length;
    await expect(failing(request)).rejects.toBe(error);
    const sent = JSON.parse(received(before)[0]?.body ?? '');
    expect(sent).toMatchObject({
      event: 'failed',
      summary: 'apps/fleet failed: Upstream: registry ghcr.io answered 503',
      error: { code: 'Upstream', message: 'registry ghcr.io answered 503', retryable: true },
      changes: [],
    });
    // reconcileAutomation records the error; the queue's retry then fails the same way.
    await state.write(
      'automation',
      'apps/fleet',
      { lastError: { code: 'Upstream', message: error.message, at: NOW.toISOString() } },
      0,
    );
    await expect(failing(request)).rejects.toBe(error);
    expect(received(before)).toHaveLength(1);
  });

  it.each([
    ['answers 500', async () => ({ url: sink.url, answer: 500 as SinkAnswer }), /answered 500/],
    [
      'never answers',
      async () => ({ url: sink.url, answer: 'hang' as SinkAnswer }),
      /no answer within 300 ms/,
    ],
    [
      'refuses the connection',
      async () => ({ url: await refusedUrl(), answer: 200 as SinkAnswer }),
      /ECONNREFUSED/,
    ],
  ])('returns the outcome within the bound and logs when the receiver %s', async (_, target, message) => {
    const { url, answer: status } = await target();
    answer = status;
    const config = configWith({ 'image-automation.io/notify-url': url });
    const { deps, lines } = setup(config);
    const outcome = pushedOutcome(config);
    const started = Date.now();
    expect(await withNotifications(deps, async () => outcome, { timeoutMs: 300 })(request)).toBe(outcome);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'notification failed',
        fields: expect.objectContaining({
          automation: 'apps/fleet',
          event: 'pushed',
          error: expect.objectContaining({ message: expect.stringMatching(message) }),
        }),
      }),
    );
    answer = 200;
  });

  it('sends nothing for an up-to-date run, or for events not asked for', async () => {
    const config = configWith({
      'image-automation.io/notify-url': sink.url,
      'image-automation.io/notify-events': 'error',
    });
    const { deps, options } = setup(config);
    const before = sink.requests.length;
    const wrapped = withNotifications(deps, async () => pushedOutcome(config), options);
    await wrapped(request);
    await withNotifications(
      deps,
      async () => ({
        kind: 'up-to-date',
        automation: 'apps/fleet',
        reason: 'no change',
        resolutions: [],
        warnings: [],
      }),
      options,
    )(request);
    expect(received(before)).toHaveLength(0);
  });

  it('refuses an annotation URL holding credentials, warns once, and never blocks the run', async () => {
    // `validate` refuses such an annotation; the run still defends itself if one gets through.
    const loaded = configWith({});
    const config = {
      ...loaded,
      imageUpdateAutomations: loaded.imageUpdateAutomations.map((a) => ({
        ...a,
        metadata: {
          ...a.metadata,
          annotations: { 'image-automation.io/notify-url': `${sink.url}/hook?token=abc` },
        },
      })),
    };
    const { deps, lines, options } = setup(config);
    const before = sink.requests.length;
    const wrapped = withNotifications(deps, async () => pushedOutcome(config), options);
    await wrapped(request);
    await wrapped(request);
    expect(received(before)).toHaveLength(0);
    const warnings = lines.filter((l) => l.message === 'notification annotations ignored');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.fields.problem)).toMatch(/put the address in the Secret/);
    expect(JSON.stringify(lines)).not.toContain('token=abc');
  });

  it('warns when the Secret is missing, and passes through automations without annotations untouched', async () => {
    const config = configWith({ 'image-automation.io/notify-secret': 'absent' });
    const { deps, lines, options } = setup(config);
    await withNotifications(deps, async () => pushedOutcome(config), options)(request);
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'notification not sent: Secret "absent" not found' }),
    );
    const plain = configWith({});
    const bare = setup(plain);
    const outcome = pushedOutcome(plain);
    expect(await withNotifications(bare.deps, async () => outcome)(request)).toBe(outcome);
    expect(bare.lines).toEqual([]);
  });
});
