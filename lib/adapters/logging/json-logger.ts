import type { LogFields, Logger } from '../../ports/logger.ts';

/**
 * One JSON object per line (time, level, message, fields), for local mode. Field names that look
 * like secrets are redacted as a last line of defence; callers should never pass them at all.
 */
export const jsonLoggerDefaults = Object.freeze({ level: 'info' as LogLevel });

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /(password|passwd|secret|token|authorization|signature|credential|private.?key)/i;

export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
  readonly fields?: LogFields;
}

const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
};

export const createJsonLogger = (options: JsonLoggerOptions = {}): Logger => {
  const { level, write, now, fields } = {
    ...jsonLoggerDefaults,
    write: (line: string) => process.stderr.write(line),
    now: () => new Date(),
    fields: {},
    ...options,
  };
  const emit = (lineLevel: LogLevel, message: string, extra?: LogFields) => {
    if (RANK[lineLevel] < RANK[level]) return;
    const record = {
      time: now().toISOString(),
      level: lineLevel,
      message,
      ...(redact({ ...fields, ...extra }) as object),
    };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (message, extra) => emit('debug', message, extra),
    info: (message, extra) => emit('info', message, extra),
    warn: (message, extra) => emit('warn', message, extra),
    error: (message, extra) => emit('error', message, extra),
    child: (extra) => createJsonLogger({ level, write, now, fields: { ...fields, ...extra } }),
  };
};
