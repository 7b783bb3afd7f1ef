/**
 * A URL without the credentials someone may have written into it (`https://user:token@host/…`):
 * what may appear in messages, logs, error `data` and queue group ids.
 */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
};
