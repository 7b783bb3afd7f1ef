import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly tooLarge: true };

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops buffering (memory stays
 * bounded whatever the sender does) and reports `tooLarge`, so the server can answer 413.
 */
export const readBody = (request: IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let exceeded = false;
    request.on('data', (chunk: Buffer) => {
      if (exceeded) return;
      size += chunk.length;
      if (size > limit) {
        exceeded = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(exceeded ? { ok: false, tooLarge: true } : { ok: true, body: Buffer.concat(chunks) }),
    );
    request.on('error', reject);
  });
