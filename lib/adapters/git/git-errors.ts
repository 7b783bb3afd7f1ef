import {
  AppError,
  AuthError,
  ConflictError,
  InternalError,
  NotFoundError,
  UpstreamError,
} from '../../domain/errors.ts';

/**
 * The one place isomorphic-git (and network) errors become the service's taxonomy (ARCHITECTURE
 * rule 4). isomorphic-git errors carry a stable `code` and structured `data`; we read those, never
 * message text — except the server's per-ref refusal reason, which is free text from receive-pack.
 */

export interface GitErrorContext {
  readonly url: string;
  readonly branch: string;
  readonly operation: 'checkout' | 'push';
}

import { redactUrl } from '../../domain/redact-url.ts';
import { NETWORK_ERROR_CODES } from '../network-error-codes.ts';

export { redactUrl };

// receive-pack's words for "the ref moved under you" (refs.c / receive-pack.c); anything else the
// server refuses (hooks, protected branches) is not something a re-fetch would fix.
const conflictReasons =
  /failed to update ref|non-fast-forward|fetch first|stale info|cannot lock ref|failed to lock/i;

interface VendorError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: { name?: unknown };
  data?: {
    statusCode?: number;
    statusMessage?: string;
    reason?: string;
    result?: { ok?: boolean; error?: string; refs?: Record<string, { ok: boolean; error: string }> };
  };
}

const refusalReason = (data: VendorError['data']): string =>
  Object.values(data?.result?.refs ?? {})
    .filter((ref) => !ref.ok)
    .map((ref) => ref.error)
    .join('; ') || 'ref update refused';

/** 'timeout' (our deadline), 'aborted' (the caller's signal), a socket error code, or undefined. */
const networkReason = (vendor: VendorError): string | undefined => {
  // Node's AbortError carries the signal's reason as `cause`; AbortSignal.timeout's is a TimeoutError.
  if (vendor.name === 'TimeoutError' || vendor.cause?.name === 'TimeoutError') return 'timeout';
  if (vendor.name === 'AbortError' || vendor.code === 'ABORT_ERR') return 'aborted';
  return typeof vendor.code === 'string' && NETWORK_ERROR_CODES.has(vendor.code) ? vendor.code : undefined;
};

export const translateGitError = (error: unknown, context: GitErrorContext): AppError => {
  if (error instanceof AppError) return error;
  const url = redactUrl(context.url);
  const data = { url, branch: context.branch, operation: context.operation };
  const where = `git ${context.operation} ${url} (branch ${context.branch})`;
  const vendor = (typeof error === 'object' && error !== null ? error : {}) as VendorError;
  const options = (reason: string, extra: Record<string, unknown> = {}) => ({
    cause: error,
    data: { ...data, reason, ...extra },
  });

  switch (vendor.code) {
    case 'PushRejectedError': {
      const reason = vendor.data?.reason ?? 'rejected';
      return new ConflictError(`${where}: the remote branch moved (${reason})`, options(reason));
    }
    case 'GitPushError': {
      if (vendor.data?.result?.ok === false) {
        const reason = `unpack failed: ${vendor.data.result.error ?? 'unknown'}`;
        return new UpstreamError(`${where}: ${reason}`, options(reason));
      }
      const reason = refusalReason(vendor.data);
      return conflictReasons.test(reason)
        ? new ConflictError(`${where}: the remote branch moved (${reason})`, options(reason))
        : new UpstreamError(`${where}: the server refused the update (${reason})`, options(reason));
    }
    case 'UserCanceledError':
      return new AuthError(`${where}: credentials were refused`, options('unauthorized'));
    case 'HttpError': {
      const status = vendor.data?.statusCode ?? 0;
      const reason = `HTTP ${status} ${vendor.data?.statusMessage ?? ''}`.trim();
      if (status === 401 || status === 403)
        return new AuthError(`${where}: ${reason}`, options(reason, { status }));
      if (status === 404)
        return new NotFoundError(`${where}: repository not found (${reason})`, options(reason, { status }));
      return new UpstreamError(`${where}: ${reason}`, options(reason, { status }));
    }
    case 'NotFoundError':
      // During checkout the only thing isomorphic-git looks up by name is the branch.
      if (context.operation === 'checkout')
        return new NotFoundError(`${where}: branch not found`, options('branch not found'));
      break;
    case 'SmartHttpError':
    case 'EmptyServerResponseError':
      return new UpstreamError(`${where}: not a smart-HTTP Git answer`, options(String(vendor.code)));
  }
  const network = networkReason(vendor);
  if (network) return new UpstreamError(`${where}: network failure (${network})`, options(network));
  const message = (typeof vendor.message === 'string' ? vendor.message : String(error)).replace(
    /\/\/[^/@\s]*@/g,
    '//',
  );
  return new InternalError(`${where}: ${message}`, options(String(vendor.code ?? 'unknown')));
};
