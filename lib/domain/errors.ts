/**
 * One error taxonomy for the whole service (ARCHITECTURE.md, rule 4).
 *
 * Every thrown error is an AppError with a stable `code`, a `retryable` flag, structured `data`
 * and the original `cause`. Adapters alone translate vendor errors into these classes; the edges
 * (HTTP answer, SQS retry or drop, CLI exit code) decide from `code` and `retryable` only.
 * Expected outcomes ("no tag matched", "no marker", "no diff") are values, never errors.
 * Never put a secret in a message or in `data`.
 */

export type AppErrorCode =
  | 'InvalidInput'
  | 'InvalidConfig'
  | 'Auth'
  | 'NotFound'
  | 'Upstream'
  | 'Conflict'
  | 'Internal';

export interface AppErrorOptions {
  cause?: unknown;
  data?: Readonly<Record<string, unknown>>;
}

export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  abstract readonly retryable: boolean;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.data = Object.freeze({ ...(options.data ?? {}) });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      retryable: this.retryable,
      message: this.message,
      data: this.data,
    };
  }
}

/** Bad request input (payload, signature, CLI argument): refused at the edge, never queued. */
export class InvalidInputError extends AppError {
  readonly code = 'InvalidInput';
  readonly retryable = false;
}

/** The user's configuration cannot work (bad range, bad regex, unsafe path, template error): stalled until fixed. */
export class InvalidConfigError extends AppError {
  readonly code = 'InvalidConfig';
  readonly retryable = false;
}

/** Credentials were refused by a registry or Git host. */
export class AuthError extends AppError {
  readonly code = 'Auth';
  readonly retryable = false;
}

/** A repository, image, tag or branch does not exist. */
export class NotFoundError extends AppError {
  readonly code = 'NotFound';
  readonly retryable = false;
}

/** A remote failed or throttled (5xx, 429, timeout, reset): retry with backoff. */
export class UpstreamError extends AppError {
  readonly code = 'Upstream';
  readonly retryable = true;
}

/** Someone else wrote first (non-fast-forward push, conditional write failed): retry. */
export class ConflictError extends AppError {
  readonly code = 'Conflict';
  readonly retryable = true;
}

/** A broken invariant: a bug. */
export class InternalError extends AppError {
  readonly code = 'Internal';
  readonly retryable = false;
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Wraps anything that is not already an AppError, so callers can rely on `code` and `retryable`. */
export const toAppError = (error: unknown): AppError => {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError(message, { cause: error });
};
