import { Buffer } from 'node:buffer';
import type { AuthCallback, HttpClient } from 'isomorphic-git';
import type { GitCredentials } from '../../ports/git.ts';

/**
 * The network half of every isomorphic-git call: the HTTP client bound to one operation's deadline,
 * the headers, and the auth callbacks.
 *
 * Credentials are sent preemptively (like `https://user:token@host` does in isomorphic-git itself)
 * instead of waiting for a 401 challenge: that saves one round trip per ref discovery, two or
 * three per reconcile. So a 401 can only mean "refused": `onAuth`/`onAuthFailure` cancel, which
 * isomorphic-git raises as UserCanceledError (→ AuthError), and it never loops.
 */

export interface GitTransportSettings {
  readonly http: HttpClient;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly credentials: GitCredentials;
}

export interface GitCallTransport {
  readonly http: HttpClient;
  /** A getter: every spread (`...transport`) yields a fresh object, because isomorphic-git mutates it (Git-Protocol, content-type). */
  readonly headers: Record<string, string>;
  readonly onAuth: AuthCallback;
  readonly onAuthFailure: AuthCallback;
}

const authorization = (credentials: GitCredentials): string | undefined => {
  switch (credentials.kind) {
    case 'basic':
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    case 'bearer':
      return `Bearer ${credentials.token}`;
    case 'anonymous':
    case 'ssh': // the SSH session authenticates the connection; there are no HTTP headers
      return undefined;
  }
};

const cancel: AuthCallback = () => ({ cancel: true });

/** Transport options for one operation (checkout or push): every request shares its deadline and the caller's signal. */
export const gitCallTransport = (settings: GitTransportSettings, signal?: AbortSignal): GitCallTransport => {
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const operationSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const header = authorization(settings.credentials);
  const http: HttpClient = {
    request: (request) => settings.http.request({ ...request, signal: request.signal ?? operationSignal }),
  };
  return {
    http,
    get headers() {
      return { 'User-Agent': settings.userAgent, ...(header ? { Authorization: header } : {}) };
    },
    onAuth: cancel,
    onAuthFailure: cancel,
  };
};
