import {
  type AppError,
  AuthError,
  ConflictError,
  InvalidConfigError,
  NotFoundError,
  UpstreamError,
} from '../../domain/errors.ts';

/**
 * JSON over HTTP for the forge APIs, with the one translation of answers into the error taxonomy
 * (ARCHITECTURE rule 4). Messages carry the method, the path and the API's own `message`, never a
 * header: those hold tokens.
 */

export interface ForgeHttpSettings {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly userAgent: string;
}

export const forgeHttpDefaults: ForgeHttpSettings = Object.freeze({
  fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
  timeoutMs: 30_000,
  userAgent: 'image-automation',
});

export interface ForgeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface ForgeResponse {
  readonly status: number;
  readonly json: unknown;
}

/** GitHub: `{message, errors[].message}`; GitLab: `{message}` (string, list or field map) or `{error}`. */
const apiMessage = (json: unknown): string => {
  if (typeof json !== 'object' || json === null) return '';
  const { message, error, errors } = json as { message?: unknown; error?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors.map((e) => (typeof e === 'string' ? e : (e as { message?: string })?.message)).filter(Boolean)
    : [];
  const main = typeof message === 'string' ? message : message !== undefined ? JSON.stringify(message) : '';
  return [main || (typeof error === 'string' ? error : ''), ...details]
    .filter(Boolean)
    .join('; ')
    .slice(0, 500);
};

export const forgeError = (request: ForgeRequest, status: number, json: unknown): AppError => {
  const path = new URL(request.url).pathname;
  const message = `${request.method} ${path}: ${status}${apiMessage(json) ? ` ${apiMessage(json)}` : ''}`;
  const data = { status, method: request.method, path };
  if (status === 401) return new AuthError(message, { data });
  // GitHub answers 403 both for "no permission" and for secondary rate limits.
  if (status === 403 && /rate limit/i.test(message)) return new UpstreamError(message, { data });
  if (status === 403) return new AuthError(message, { data });
  if (status === 404) return new NotFoundError(message, { data });
  if (status === 409) return new ConflictError(message, { data });
  if (status === 408 || status === 429 || status >= 500) return new UpstreamError(message, { data });
  return new InvalidConfigError(message, { data });
};

/** Sends one request; resolves for 2xx, throws the translated error otherwise. */
export const sendForgeRequest = async (
  settings: ForgeHttpSettings,
  request: ForgeRequest,
): Promise<ForgeResponse> => {
  let response: Response;
  try {
    response = await settings.fetch(request.url, {
      method: request.method,
      headers: {
        'User-Agent': settings.userAgent,
        ...request.headers,
        ...(request.body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      // Never follow: the request carries a token (GitLab's PRIVATE-TOKEN survives a cross-origin
      // redirect in fetch, unlike Authorization), and a redirect could point it at any address.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (cause) {
    const path = new URL(request.url).pathname;
    throw new UpstreamError(`${request.method} ${path}: no answer (${(cause as Error)?.name ?? 'error'})`, {
      cause,
      data: { method: request.method, path },
    });
  }
  if (response.status >= 300 && response.status <= 399) {
    await response.body?.cancel().catch(() => {});
    const path = new URL(request.url).pathname;
    let to = 'an invalid location';
    try {
      to = new URL(response.headers.get('location') ?? '', request.url).origin;
    } catch {}
    throw new InvalidConfigError(
      `${request.method} ${path}: ${response.status} redirect to ${to}; redirects are not followed (is the forge URL current?)`,
      { data: { status: response.status, method: request.method, path, location: to } },
    );
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = { message: text.slice(0, 200) };
  }
  if (response.status < 200 || response.status > 299) throw forgeError(request, response.status, json);
  return { status: response.status, json };
};
