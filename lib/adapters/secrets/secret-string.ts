import { InvalidConfigError } from '../../domain/errors.ts';

/**
 * A secret stored as text (a Secrets Manager `SecretString`, an environment variable) as the key/value
 * map a Kubernetes Secret's `data` would be: a JSON object of string values, e.g.
 * `{"username":"bot","password":"…"}`, or plain text, which becomes `{ token: <text> }` (the shape of a
 * single API token). Errors name where the secret came from and its keys, never a value.
 */
export const parseSecretString = (text: string, where: string): Readonly<Record<string, string>> => {
  if (!text.trimStart().startsWith('{')) return Object.freeze({ token: text });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidConfigError(`${where} starts like a JSON object but is not valid JSON`, {
      data: { where },
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidConfigError(`${where} must be a JSON object of string values`, { data: { where } });
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  const notStrings = entries.filter(([, value]) => typeof value !== 'string').map(([key]) => key);
  if (notStrings.length > 0) {
    throw new InvalidConfigError(
      `${where} must be a JSON object of string values; not a string: ${notStrings.join(', ')}`,
      { data: { where, keys: notStrings } },
    );
  }
  return Object.freeze(Object.fromEntries(entries) as Record<string, string>);
};
