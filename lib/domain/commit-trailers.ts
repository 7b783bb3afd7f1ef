import type { Change } from './changes.ts';
import { summariseImageUpdates, type UpdatedPolicy } from './image-updates.ts';

/**
 * Machine-readable trailers appended to every commit message, one per updated image:
 *
 *   Image-Update: apps/web ghcr.io/acme/web 1.4.1 -> 1.4.2@sha256:…
 *
 * (policy, image, old version(s) comma-separated, `->`, new version). They follow git's trailer
 * format (`git interpret-trailers --parse`, `git log --format=%(trailers)`), so CI, audits and
 * notifications can read what changed without parsing the human part, which stays exactly what the
 * Flux template rendered.
 */

export const IMAGE_UPDATE_TRAILER = 'Image-Update';

/** One `Image-Update: …` line per policy that changed a marker, deduplicated, in first-seen order. */
export const imageUpdateTrailers = (
  changes: readonly Change[],
  policies: readonly UpdatedPolicy[],
): string[] =>
  summariseImageUpdates(changes, policies).map((update) => {
    const from = update.from.length > 0 ? update.from.join(',') : '-';
    // Trailer values are one line: a newline would end the trailer (and start a bogus one).
    return `${IMAGE_UPDATE_TRAILER}: ${update.policy} ${update.image} ${from} -> ${update.to}`.replace(
      /[\r\n]+/g,
      ' ',
    );
  });

/**
 * `message` verbatim, then a blank line, then the trailers, so they form the last paragraph git
 * looks at. Only separators are added; a message already ending in a blank line gets none.
 */
export const appendTrailers = (message: string, trailers: readonly string[]): string => {
  if (trailers.length === 0) return message;
  const block = `${trailers.join('\n')}\n`;
  if (message === '' || message.endsWith('\n\n')) return `${message}${block}`;
  return `${message}${message.endsWith('\n') ? '\n' : '\n\n'}${block}`;
};
