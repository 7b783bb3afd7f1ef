/**
 * Structured logging: one JSON object per line locally, Powertools on Lambda. Fields are data,
 * never secrets (tokens, passwords, signatures, Authorization headers).
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. the event id). */
  child(fields: LogFields): Logger;
}

export const silentLogger: Logger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
});
