import { backoff } from '../../domain/backoff.ts';
import { UpstreamError } from '../../domain/errors.ts';
import { describeFailure, type RequestTarget } from './registry-errors.ts';
import { retryAfterMs } from './retry-after.ts';

export type RequestKind = 'ping' | 'token' | 'tags' | 'manifest-head' | 'other';

/** One HTTP exchange as observers see it (no headers: they may carry credentials). `status` 0 = no answer. */
export interface RegistryRequestInfo {
  readonly method: string;
  readonly url: string;
  readonly kind: RequestKind;
  readonly status: number;
}

export interface RetryPolicy {
  /** Total tries per request, first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error carries `retryAfterMs` instead. */
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Largest body read per kind of request, in bytes; a larger answer is refused mid-stream. */
export type BodyLimits = Readonly<Record<RequestKind, number>>;

export interface HttpSenderOptions {
  readonly fetch: typeof fetch;
  readonly maxBodyBytes: BodyLimits;
  readonly clock: () => number;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly onRequest?: (info: RegistryRequestInfo) => void;
}

export interface SendRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly url: string;
  readonly kind: RequestKind;
  readonly target: RequestTarget;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** A buffered answer: reading the body inside the attempt makes a reset mid-body retryable too. */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly url: string;
  readonly attempts: number;
}

export type SendFn = (request: SendRequest) => Promise<RegistryResponse>;

// Throttling and transient server failures; other statuses are answers, not accidents.
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Sleeps `ms`, rejecting with the caller's abort reason as soon as `signal` fires. */
export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

class BodyTooLarge extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`body over ${limit} bytes`);
    this.limit = limit;
  }
}

/**
 * The body as text, read chunk by chunk and abandoned as soon as it passes `limit` bytes: a hostile
 * registry's 400 MB tag page costs at most `limit` bytes of memory, not 1.5 GB.
 */
const readBodyCapped = async (response: Response, limit: number): Promise<string> => {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge(limit);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
};

/** `https://other.example`: where a redirect points, without a path or query that may carry a token. */
const originOf = (location: string | null, base: string): string => {
  try {
    return new URL(location ?? '', base).origin;
  } catch {
    return 'an invalid location';
  }
};

class AttemptTimedOut extends Error {
  constructor(cause: unknown) {
    super('registry request timed out', { cause });
  }
}

const networkReason = (error: unknown, timedOut: boolean, timeoutMs: number): string => {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return `network error${code ? ` ${code}` : ''}`;
};

/**
 * Sends one registry request with a per-attempt timeout and bounded retries: the service's one
 * backoff (domain/backoff.ts), or the
 * server's `Retry-After` when it gives one. Non-retryable statuses, and the last retryable one, are
 * returned for the caller to map; network failures that outlive the retries become UpstreamError.
 *
 * Redirects are never followed (`redirect: 'manual'`): the Distribution spec allows them for blob
 * downloads only, which this service never makes, and following one would let a registry point the
 * worker, with its credentials, at any address (the metadata service, say). A 3xx is an UpstreamError
 * naming the registry and the origin it pointed at. Bodies are capped per request kind (`maxBodyBytes`).
 */
export const createHttpSender = (options: HttpSenderOptions): SendFn => {
  const { retry } = options;

  const backoffMs = (attempt: number): number =>
    backoff({ baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs }, attempt, retry.random);

  async function sendOnce(request: SendRequest, attempt: number): Promise<RegistryResponse> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let status = 0;
    try {
      const response = await options.fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': options.userAgent, ...request.headers },
        body: request.body,
        signal,
        redirect: 'manual',
      });
      status = response.status;
      const body =
        request.method === 'HEAD' ? '' : await readBodyCapped(response, options.maxBodyBytes[request.kind]);
      return { status, headers: response.headers, body, url: request.url, attempts: attempt };
    } catch (error) {
      // Our own timer, not the caller's signal: a retryable failure (the body read counts too).
      if (timeout.aborted && !request.signal?.aborted) throw new AttemptTimedOut(error);
      throw error;
    } finally {
      options.onRequest?.({ method: request.method, url: request.url, kind: request.kind, status });
    }
  }

  return async function sendWithRetries(request: SendRequest): Promise<RegistryResponse> {
    for (let attempt = 1; ; attempt++) {
      request.signal?.throwIfAborted();
      let response: RegistryResponse;
      try {
        response = await sendOnce(request, attempt);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (error instanceof BodyTooLarge) throw tooLarge(request, error.limit);
        const timedOut = error instanceof AttemptTimedOut;
        const reason = networkReason(timedOut ? error.cause : error, timedOut, options.timeoutMs);
        if (attempt >= retry.attempts) {
          throw new UpstreamError(
            `${request.target.subject}: ${reason} after ${attempt} attempts ${describeFailure(request.target)}`,
            {
              cause: error,
              data: {
                registry: request.target.registry,
                repository: request.target.repository,
                attempts: attempt,
                reason,
              },
            },
          );
        }
        await retry.sleep(backoffMs(attempt), request.signal);
        continue;
      }
      if (response.status >= 300 && response.status <= 399) throw redirected(request, response);
      if (!RETRYABLE_STATUS.has(response.status) || attempt >= retry.attempts) return response;
      const serverWait = retryAfterMs(response.headers.get('retry-after'), options.clock());
      // Waiting minutes inside one invocation helps nobody: hand the hint to the queue instead.
      if (serverWait !== undefined && serverWait > retry.maxRetryAfterMs) return response;
      await retry.sleep(serverWait ?? backoffMs(attempt), request.signal);
    }
  };
};

const tooLarge = (request: SendRequest, limit: number): UpstreamError =>
  new UpstreamError(
    `${request.target.subject}: the registry's answer exceeds the limit of ${limit} bytes for a ${request.kind} request ${describeFailure(request.target)}`,
    {
      data: {
        registry: request.target.registry,
        repository: request.target.repository,
        kind: request.kind,
        limitBytes: limit,
      },
    },
  );

const redirected = (request: SendRequest, response: RegistryResponse): UpstreamError => {
  const to = originOf(response.headers.get('location'), request.url);
  return new UpstreamError(
    `${request.target.subject}: the ${request.kind === 'token' ? 'token service' : 'registry'} redirected a ${request.kind} request to ${to}; redirects are not followed ${describeFailure(request.target, response.status)}`,
    {
      data: {
        registry: request.target.registry,
        repository: request.target.repository,
        status: response.status,
        location: to,
      },
    },
  );
};
