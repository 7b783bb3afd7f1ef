import { InternalError } from '../../domain/errors.ts';

/**
 * Applies a Git delta (pack-format.txt, "Deltified representation"): a source size, a target size,
 * then copy-from-base and insert-literal instructions. Bounds are checked, so a corrupt or hostile
 * pack fails with an error instead of reading outside the base.
 */
export const applyGitDelta = (delta: Uint8Array, base: Uint8Array): Buffer => {
  let at = 0;
  const size = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && at < delta.length);
    return value;
  };
  const sourceSize = size();
  if (sourceSize !== base.length) throw new InternalError('git delta: base size mismatch');
  const target = Buffer.allocUnsafe(size());
  let out = 0;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      if (op & 0x01) offset |= delta[at++] as number;
      if (op & 0x02) offset |= (delta[at++] as number) << 8;
      if (op & 0x04) offset |= (delta[at++] as number) << 16;
      if (op & 0x08) offset += (delta[at++] as number) * 0x1000000;
      if (op & 0x10) length |= delta[at++] as number;
      if (op & 0x20) length |= (delta[at++] as number) << 8;
      if (op & 0x40) length |= (delta[at++] as number) << 16;
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || out + length > target.length)
        throw new InternalError('git delta: copy outside the base or target');
      target.set(base.subarray(offset, offset + length), out);
      out += length;
    } else if (op !== 0) {
      if (at + op > delta.length || out + op > target.length)
        throw new InternalError('git delta: literal outside the delta or target');
      target.set(delta.subarray(at, at + op), out);
      at += op;
      out += op;
    } else {
      throw new InternalError('git delta: reserved instruction 0');
    }
  }
  if (out !== target.length) throw new InternalError('git delta: target size mismatch');
  return target;
};
