import { UpstreamError } from '../../domain/errors.ts';
import type { NotificationTarget } from '../../ports/notifier.ts';

/**
 * One POST to a notification receiver, shared by the JSON and Slack adapters. Redirects are not
 * followed (the body would go somewhere nobody configured); the answer's body is not read (only
 * the status matters). Errors name the host only: the path or query may hold a token.
 */
export type FetchFunction = typeof fetch;

const hostOf = (address: string) => {
  try {
    return new URL(address).host;
  } catch {
    return 'an invalid address';
  }
};

const reasonOf = (error: unknown): string | undefined => {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
};

export const postNotification = async (
  fetchFunction: FetchFunction,
  target: NotificationTarget,
  body: string,
  headers: Readonly<Record<string, string>>,
): Promise<void> => {
  const host = hostOf(target.address);
  let response: Response;
  try {
    response = await fetchFunction(target.address, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'image-automation', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
    const reason = reasonOf(error);
    throw new UpstreamError(
      timedOut
        ? `notification to ${host}: no answer within ${target.timeoutMs} ms`
        : `notification to ${host}: could not connect${reason ? ` (${reason})` : ''}`,
      { data: { host, ...(timedOut ? { reason: 'timeout' } : reason ? { reason } : {}) } },
    );
  }
  // Nothing in the answer matters but its status; do not wait for a slow body.
  await response.body?.cancel().catch(() => {});
  if (response.status < 200 || response.status > 299) {
    throw new UpstreamError(`notification to ${host}: answered ${response.status}`, {
      data: { host, status: response.status },
    });
  }
};
