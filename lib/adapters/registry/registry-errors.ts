import {
  type AppError,
  AuthError,
  InvalidConfigError,
  NotFoundError,
  UpstreamError,
} from '../../domain/errors.ts';
import { retryAfterMs } from './retry-after.ts';

/** What a request was about, for error messages: never a credential or token. */
export interface RequestTarget {
  readonly registry: string;
  readonly repository: string;
  /** e.g. `tag list`, `tag "1.2.3"`. */
  readonly subject: string;
}

export interface RegistryErrorDetail {
  readonly code: string;
  readonly message: string;
}

/** The `{"errors":[{code,message,detail}]}` body of the distribution spec, tolerant of anything else. */
export const registryErrorDetails = (body: string): RegistryErrorDetail[] => {
  if (body === '') return [];
  try {
    const parsed: unknown = JSON.parse(body);
    const errors = (parsed as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((e: unknown) => {
      if (e === null || typeof e !== 'object') return [];
      const { code, message } = e as { code?: unknown; message?: unknown };
      return typeof code === 'string'
        ? [{ code, message: typeof message === 'string' ? message.slice(0, 200) : '' }]
        : [];
    });
  } catch {
    return [];
  }
};

/** `(registry 127.0.0.1:5000, repository team/app, HTTP 404 MANIFEST_UNKNOWN: manifest unknown)` */
export const describeFailure = (
  target: RequestTarget,
  status?: number,
  details: RegistryErrorDetail[] = [],
) => {
  const parts = [`registry ${target.registry}`, `repository ${target.repository}`];
  if (status !== undefined) {
    const codes = details.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ');
    parts.push(codes ? `HTTP ${status} ${codes}` : `HTTP ${status}`);
  }
  return `(${parts.join(', ')})`;
};

export interface FailedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Maps a final, unsuccessful registry answer onto the error taxonomy (ARCHITECTURE.md rule 4):
 * 401/403 → auth, 404 → not found, invalid names → config, everything else → upstream (retryable).
 */
export const errorForResponse = (
  target: RequestTarget,
  response: FailedResponse,
  options: { readonly attempts?: number; readonly now?: number } = {},
): AppError => {
  const details = registryErrorDetails(response.body);
  const codes = details.map((d) => d.code);
  const data = {
    registry: target.registry,
    repository: target.repository,
    status: response.status,
    ...(codes.length > 0 ? { registryErrorCodes: codes } : {}),
  };
  const where = describeFailure(target, response.status, details);
  switch (response.status) {
    case 401:
      return new AuthError(`${target.subject}: the registry refused the credentials ${where}`, { data });
    case 403:
      return new AuthError(`${target.subject}: access denied by the registry ${where}`, { data });
    case 404:
      return new NotFoundError(`${target.subject} not found ${where}`, { data });
  }
  if (codes.some((c) => c === 'NAME_INVALID' || c === 'TAG_INVALID')) {
    return new InvalidConfigError(`${target.subject}: the registry rejected the name ${where}`, { data });
  }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), options.now ?? Date.now());
  const after = options.attempts && options.attempts > 1 ? ` after ${options.attempts} attempts` : '';
  return new UpstreamError(`${target.subject}: the registry failed${after} ${where}`, {
    data: {
      ...data,
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    },
  });
};
