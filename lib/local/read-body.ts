import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly reason: 'too-large' | 'timeout' };

/**
 * Reads a request body up to `limit` bytes within `timeoutMs`. Past the limit it stops buffering
 * (memory stays bounded whatever the sender does) and reports `too-large` (413); a sender that has
 * not finished within the time reports `timeout` (408), so a slow sender holds a slot for a bounded
 * time only. Either way the caller answers with `Connection: close` and the rest is never read.
 */
export const readBody = (request: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, reason: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: BodyResult) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      if (!result.ok) request.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks) });
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => settle({ ok: false, reason: 'timeout' }), timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
