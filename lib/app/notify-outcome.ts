import { type AppError, toAppError } from '../domain/errors.ts';
import type { FluxConfig } from '../domain/flux/types.ts';
import {
  buildNotification,
  groupChangesByPolicy,
  type Notification,
  type PullRequestRef,
} from '../domain/notify/notification.ts';
import {
  checkNotifyAddress,
  type NotifyEventKind,
  type NotifyFormat,
  type NotifySettings,
  notifySettingsOf,
} from '../domain/notify/notify-settings.ts';
import type { ReconcileRequest } from '../domain/work.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import type { RecordedError, StateStore } from '../ports/state-store.ts';
import type { ReconcileOutcome } from './reconcile-automation.ts';

/**
 * Wraps a reconcile function (local queue, Lambda worker) so that a push, a pull-request update or
 * a failure sends the automation's configured notification (annotations, see notify-settings.ts).
 * The outcome and the error pass through unchanged: a notification is sent once, bounded in time,
 * and its failure is logged, never thrown. A failure already notified (same code and message) is
 * not sent again on the queue's retries until `repeatErrorAfterMs` has passed.
 */
export const notifyOutcomeDefaults = Object.freeze({ timeoutMs: 5000, repeatErrorAfterMs: 60 * 60_000 });

export interface NotifyDeps {
  readonly config: FluxConfig;
  readonly secrets: SecretSource;
  readonly state: StateStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifiers: Readonly<Record<NotifyFormat, Notifier>>;
}

export interface NotifyOptions {
  readonly timeoutMs?: number;
  readonly repeatErrorAfterMs?: number;
}

export type ReconcileFunction = (request: ReconcileRequest) => Promise<ReconcileOutcome>;

/** Read without depending on the field's type: pull-request mode adds it to `pushed` outcomes. */
const pullRequestOf = (outcome: ReconcileOutcome): PullRequestRef | undefined => {
  const pr = (outcome as { readonly pullRequest?: Partial<PullRequestRef> }).pullRequest;
  return pr &&
    typeof pr.url === 'string' &&
    typeof pr.number === 'number' &&
    (pr.action === 'opened' || pr.action === 'updated')
    ? { url: pr.url, number: pr.number, action: pr.action }
    : undefined;
};

const splitKey = (key: string) => {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

export const withNotifications = (
  deps: NotifyDeps,
  reconcile: ReconcileFunction,
  options: NotifyOptions = {},
): ReconcileFunction => {
  const { timeoutMs, repeatErrorAfterMs } = { ...notifyOutcomeDefaults, ...options };
  const { config, secrets, state, clock, logger, notifiers } = deps;
  const warned = new Set<string>();

  const settingsFor = (key: string): NotifySettings | undefined => {
    const automation = config.imageUpdateAutomations.find(
      (a) => `${a.metadata.namespace}/${a.metadata.name}` === key,
    );
    const result = automation ? notifySettingsOf(automation.metadata.annotations) : { kind: 'none' as const };
    if (result.kind === 'invalid' && !warned.has(key)) {
      warned.add(key);
      logger.warn('notification annotations ignored', { automation: key, problem: result.message });
    }
    return result.kind === 'ok' ? result.settings : undefined;
  };

  const pushNotification = (outcome: ReconcileOutcome): Notification | undefined => {
    if (outcome.kind !== 'pushed') return undefined;
    const pullRequest = pullRequestOf(outcome);
    const policies = outcome.resolutions.flatMap((r) =>
      r.latestRef
        ? [{ namespace: r.policy.metadata.namespace, name: r.policy.metadata.name, latestRef: r.latestRef }]
        : [],
    );
    return buildNotification({
      event: pullRequest
        ? pullRequest.action === 'opened'
          ? 'pull-request-opened'
          : 'pull-request-updated'
        : 'pushed',
      automation: splitKey(outcome.automation),
      time: clock.now().toISOString(),
      commit: outcome.commit,
      branch: outcome.branch,
      ...(pullRequest ? { pullRequest } : {}),
      changes: groupChangesByPolicy(outcome.changes, policies),
    });
  };

  const errorNotification = (key: string, error: AppError): Notification =>
    buildNotification({
      event: 'failed',
      automation: splitKey(key),
      time: clock.now().toISOString(),
      changes: [],
      error: { code: error.code, message: error.message, retryable: error.retryable },
    });

  const alreadyNotified = (before: RecordedError | undefined, error: AppError) =>
    before !== undefined &&
    before.code === error.code &&
    before.message === error.message &&
    clock.now().getTime() - Date.parse(before.at) < repeatErrorAfterMs;

  /** Never throws, never takes longer than the timeout (plus a grace period for a misbehaving adapter). */
  const deliver = async (key: string, settings: NotifySettings, notification: Notification) => {
    const log = logger.child({ automation: key, event: notification.event, format: settings.format });
    let timer: NodeJS.Timeout | undefined;
    try {
      const secret = settings.secretName
        ? await secrets.getSecret(splitKey(key).namespace, settings.secretName)
        : undefined;
      if (settings.secretName && !secret) {
        log.warn(`notification not sent: Secret "${settings.secretName}" not found`);
        return;
      }
      const address = secret?.address || settings.url;
      const problem = address ? checkNotifyAddress(address, true) : 'is missing';
      if (!address || problem) {
        log.warn(`notification not sent: the address ${problem}`);
        return;
      }
      const sending = notifiers[settings.format].send(notification, {
        address,
        timeoutMs,
        ...(settings.format === 'json' && secret?.token ? { signingKey: secret.token } : {}),
      });
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 1000);
        timer.unref?.();
      });
      await Promise.race([sending, deadline]);
      log.info('notification sent', { host: new URL(address).host });
    } catch (error) {
      const appError = toAppError(error);
      log.warn('notification failed', { error: { code: appError.code, message: appError.message } });
    } finally {
      if (timer) clearTimeout(timer);
    }
  };

  const wants = (settings: NotifySettings, kind: NotifyEventKind) => settings.events.includes(kind);

  return async function reconcileAndNotify(request) {
    const settings = settingsFor(request.automation);
    if (!settings) return reconcile(request);
    const before = wants(settings, 'error')
      ? await state
          .read('automation', request.automation)
          .then((r) => r?.value.lastError)
          .catch(() => undefined)
      : undefined;
    let outcome: ReconcileOutcome;
    try {
      outcome = await reconcile(request);
    } catch (error) {
      const appError = toAppError(error);
      if (wants(settings, 'error') && !alreadyNotified(before, appError))
        await deliver(request.automation, settings, errorNotification(request.automation, appError));
      throw error;
    }
    const notification = pushNotification(outcome);
    const kind: NotifyEventKind = notification?.pullRequest ? 'pull-request' : 'push';
    if (notification && wants(settings, kind)) await deliver(request.automation, settings, notification);
    return outcome;
  };
};
