/**
 * Git's pkt-line framing (gitprotocol-common(5)): four hex digits of length (itself included),
 * then the payload; `0000` is a flush packet. Used by the smart-HTTP fetch.
 */

export type Pkt = { readonly kind: 'flush' } | { readonly kind: 'data'; readonly payload: Buffer };

export const pktLine = (text: string): Buffer => {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0')), payload]);
};

export const FLUSH_PKT = Buffer.from('0000');

/** Reads pkt-lines from `buffer` starting at `offset`; `offset` after the call is where the next one starts. */
export const createPktReader = (buffer: Buffer, offset = 0) => {
  let at = offset;
  return {
    get offset() {
      return at;
    },
    /** The next packet, or undefined at the end of the buffer. Throws on a malformed length. */
    next(): Pkt | undefined {
      if (at >= buffer.length) return undefined;
      const header = buffer.toString('latin1', at, at + 4);
      if (!/^[0-9a-f]{4}$/.test(header))
        throw new Error(`malformed pkt-line length ${JSON.stringify(header)}`);
      const length = Number.parseInt(header, 16);
      if (length === 0 || length === 1 || length === 2) {
        // 0000 flush; 0001 delim and 0002 response-end only exist in protocol v2.
        at += 4;
        return { kind: 'flush' };
      }
      if (length < 4 || at + length > buffer.length) throw new Error('truncated pkt-line');
      const payload = buffer.subarray(at + 4, at + length);
      at += length;
      return { kind: 'data', payload };
    },
  };
};
