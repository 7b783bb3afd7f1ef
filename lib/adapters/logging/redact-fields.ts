/**
 * The last line of defence against a secret in a log line: values under field names that look like
 * secrets are replaced, at any depth (bounded), and errors are reduced to name and message (a `cause`
 * may hold a request with its Authorization header). Callers should never pass secrets at all.
 * Same rule as json-logger.ts, for loggers that do not carry it themselves (Powertools on Lambda).
 */
export const SECRET_FIELD = /(password|passwd|secret|token|authorization|signature|credential|private.?key)/i;

export const redactFields = (value: unknown, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_FIELD.test(k) ? '[redacted]' : redactFields(v, depth + 1),
    ]),
  );
};
