/**
 * Sprig's path, encoding and checksum functions (Masterminds/sprig v3.3 `functions.go`, `crypto.go`):
 * Go `path.Base/Dir/Clean/Ext/IsAbs` (and the `os…` twins, identical on Linux), base64, base32,
 * `sha1sum`, `sha256sum`, `adler32sum`.
 */
import { type FuncDef, fn } from './func-def.ts';
import { T } from './go-types.ts';
import type { GoValue } from './go-values.ts';
import { utf8Decode, utf8Encode } from './utf8.ts';

/** Go `path.Clean`. */
export const cleanPath = (path: string): string => {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const stack: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (stack.length > 0 && stack[stack.length - 1] !== '..') stack.pop();
      else if (!rooted) stack.push('..');
    } else stack.push(seg);
  }
  const joined = stack.join('/');
  return rooted ? `/${joined}` : joined || '.';
};

const basePath = (path: string): string => {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return last === '' ? '/' : last;
};

const dirPath = (path: string): string => cleanPath(path.slice(0, path.lastIndexOf('/') + 1));

const extPath = (path: string): string => {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) if (path[i] === '.') return path.slice(i);
  return '';
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 encoding with padding, for any power-of-two alphabet. */
const encode = (bytes: Uint8Array, alphabet: string, bits: number, group: number): string => {
  let out = '';
  let buffer = 0;
  let count = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    count += 8;
    while (count >= bits) {
      count -= bits;
      out += alphabet[(buffer >> count) & ((1 << bits) - 1)];
    }
    buffer &= (1 << count) - 1;
  }
  if (count > 0) out += alphabet[(buffer << (bits - count)) & ((1 << bits) - 1)];
  while (out.length % group !== 0) out += '=';
  return out;
};

/** Strict RFC 4648 decoding; returns Go's error text on bad input, as Sprig does. */
const decode = (text: string, alphabet: string, bits: number, group: number, name: string): string => {
  const s = text.replace(/[\r\n]/g, '');
  const bytes: number[] = [];
  let buffer = 0;
  let count = 0;
  const padStart = s.indexOf('=');
  const body = padStart < 0 ? s : s.slice(0, padStart);
  for (const [i, ch] of [...body].entries()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) return `illegal ${name} data at input byte ${i}`;
    buffer = ((buffer << bits) | v) & 0xffffff;
    count += bits;
    if (count >= 8) {
      count -= 8;
      bytes.push((buffer >> count) & 0xff);
    }
  }
  const padding = padStart < 0 ? '' : s.slice(padStart);
  if (s.length % group !== 0 || /[^=]/.test(padding))
    return `illegal ${name} data at input byte ${Math.max(padStart, 0)}`;
  return utf8Decode(Uint8Array.from(bytes));
};

const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

const padMessage = (bytes: Uint8Array): DataView => {
  const length = (((bytes.length + 8) >> 6) + 1) << 6;
  const buf = new Uint8Array(length);
  buf.set(bytes);
  buf[bytes.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(length - 4, (bytes.length * 8) >>> 0);
  view.setUint32(length - 8, Math.floor((bytes.length * 8) / 2 ** 32));
  return view;
};

const hex = (words: readonly number[]): string => words.map((w) => w.toString(16).padStart(8, '0')).join('');

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

const sha256 = (input: string): string => {
  const view = padMessage(utf8Encode(input));
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w = new Array<number>(64).fill(0);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] ?? 0;
      const b = w[i - 2] ?? 0;
      const s0 = rotl(a, 25) ^ rotl(a, 14) ^ (a >>> 3);
      const s1 = rotl(b, 15) ^ rotl(b, 13) ^ (b >>> 10);
      w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh +
          (rotl(e, 26) ^ rotl(e, 21) ^ rotl(e, 7)) +
          ((e & f) ^ (~e & g)) +
          (K256[i] ?? 0) +
          (w[i] ?? 0)) >>>
        0;
      const t2 = ((rotl(a, 30) ^ rotl(a, 19) ^ rotl(a, 10)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => {
      h[i] = ((h[i] ?? 0) + v) >>> 0;
    });
  }
  return hex(h);
};

const sha1 = (input: string): string => {
  const view = padMessage(utf8Encode(input));
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Array<number>(80).fill(0);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 80; i++)
      w[i] = rotl((w[i - 3] ?? 0) ^ (w[i - 8] ?? 0) ^ (w[i - 14] ?? 0) ^ (w[i - 16] ?? 0), 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20
          ? [(b & c) | (~b & d), 0x5a827999]
          : i < 40
            ? [b ^ c ^ d, 0x6ed9eba1]
            : i < 60
              ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
              : [b ^ c ^ d, 0xca62c1d6];
      const t = (rotl(a, 5) + f + e + k + (w[i] ?? 0)) >>> 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30), a, t];
    }
    [a, b, c, d, e].forEach((v, i) => {
      h[i] = ((h[i] ?? 0) + v) >>> 0;
    });
  }
  return hex(h);
};

const adler32 = (input: string): string => {
  let a = 1;
  let b = 0;
  for (const byte of utf8Encode(input)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
};

const S = T.string;
const str = (v: GoValue): string => v as string;
const pathFn = (f: (p: string) => GoValue): FuncDef => fn([S], ([p]) => f(str(p)));

export const SPRIG_MISC: Readonly<Record<string, FuncDef>> = {
  base: pathFn(basePath),
  dir: pathFn(dirPath),
  clean: pathFn(cleanPath),
  ext: pathFn(extPath),
  isAbs: pathFn((p) => p.startsWith('/')),
  osBase: pathFn(basePath),
  osDir: pathFn(dirPath),
  osClean: pathFn(cleanPath),
  osExt: pathFn(extPath),
  osIsAbs: pathFn((p) => p.startsWith('/')),
  b64enc: fn([S], ([s]) => encode(utf8Encode(str(s)), B64, 6, 4)),
  b64dec: fn([S], ([s]) => decode(str(s), B64, 6, 4, 'base64')),
  b32enc: fn([S], ([s]) => encode(utf8Encode(str(s)), B32, 5, 8)),
  b32dec: fn([S], ([s]) => decode(str(s), B32, 5, 8, 'base32')),
  sha1sum: fn([S], ([s]) => sha1(str(s))),
  sha256sum: fn([S], ([s]) => sha256(str(s))),
  adler32sum: fn([S], ([s]) => adler32(str(s))),
};
