/**
 * Sprig's arithmetic (Masterminds/sprig v3.3 `functions.go`, `numeric.go`): integer functions return
 * Go `int64` (wrapping on overflow, panicking on division by zero); the `…f` functions go through
 * shopspring/decimal, so `addf 0.1 0.2` is exactly 0.3 as in Flux.
 */

import { formatFloat } from './float-format.ts';
import { formatValue } from './fmt-printer.ts';
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { T } from './go-types.ts';
import { type GoValue, int64 } from './go-values.ts';
import { toFloat64, toInt64 } from './sprig-cast.ts';

const A = T.any;
const MAX_INT64 = (1n << 63n) - 1n;
const bigMax = (m: bigint, x: bigint): bigint => {
  if (x > m) return x;
  return m;
};
const bigMin = (m: bigint, x: bigint): bigint => {
  if (x < m) return x;
  return m;
};
const wrap = (v: bigint): GoValue => int64(BigInt.asIntN(64, v));

const divide = (a: bigint, b: bigint, op: (x: bigint, y: bigint) => bigint): GoValue => {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return wrap(op(a, b));
};

/** A decimal `coef × 10^exp` (shopspring/decimal), enough for add, sub, mul and 16-digit division. */
interface Decimal {
  readonly coef: bigint;
  readonly exp: number;
}

/** `decimal.NewFromFloat`: the shortest decimal that round-trips to the float. */
const fromFloat = (f: number): Decimal => {
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${formatFloat(f, 'g', -1)}`);
  if (f === 0) return { coef: 0n, exp: 0 };
  const [mantissa = '0', exponent = '0'] = Math.abs(f).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const coef = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { coef, exp: Number(exponent) - (digits.length - 1) };
};

const align = (a: Decimal, b: Decimal): [bigint, bigint, number] => {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
};

const DIVISION_PRECISION = 16;

const decimalOps: Record<string, (a: Decimal, b: Decimal) => Decimal> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  /** `DivRound(b, 16)`: rounds half away from zero. */
  div: (a, b) => {
    if (b.coef === 0n) throw new FuncError('decimal division by zero');
    const shift = a.exp - b.exp + DIVISION_PRECISION;
    let num = a.coef;
    let den = b.coef;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    const negative = num < 0n !== den < 0n;
    const n = num < 0n ? -num : num;
    const d = den < 0n ? -den : den;
    let q = n / d;
    if ((n % d) * 2n >= d) q += 1n;
    return { coef: negative ? -q : q, exp: -DIVISION_PRECISION };
  },
};

const toNumber = (d: Decimal): number => Number(`${d.coef}e${d.exp}`);

const decimalOp = (op: string, first: GoValue, rest: readonly GoValue[]): number => {
  const f = decimalOps[op] as (a: Decimal, b: Decimal) => Decimal;
  let acc = fromFloat(toFloat64(first));
  for (const x of rest) acc = f(acc, fromFloat(toFloat64(x)));
  return toNumber(acc);
};

/** Sprig `round(a, p, rOpt...)`. */
const round = (a: GoValue, places: bigint, roundOn: number): number => {
  const val = toFloat64(a);
  const pow = 10 ** Number(places);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
};

export const SPRIG_MATH: Readonly<Record<string, FuncDef>> = {
  add1: fn([A], ([a]) => wrap(toInt64(a) + 1n)),
  add: fn([], (xs) => wrap(xs.reduce<bigint>((acc, x) => acc + toInt64(x), 0n)), A),
  sub: fn([A, A], ([a, b]) => wrap(toInt64(a) - toInt64(b))),
  div: fn([A, A], ([a, b]) => divide(toInt64(a), toInt64(b), (x, y) => x / y)),
  mod: fn([A, A], ([a, b]) => divide(toInt64(a), toInt64(b), (x, y) => x % y)),
  mul: fn(
    [A],
    ([a, ...rest]) => wrap(rest.reduce<bigint>((acc, x) => BigInt.asIntN(64, acc * toInt64(x)), toInt64(a))),
    A,
  ),
  biggest: fn([A], ([a, ...rest]) => int64(rest.map(toInt64).reduce(bigMax, toInt64(a))), A),
  max: fn([A], ([a, ...rest]) => int64(rest.map(toInt64).reduce(bigMax, toInt64(a))), A),
  min: fn([A], ([a, ...rest]) => int64(rest.map(toInt64).reduce(bigMin, toInt64(a))), A),
  maxf: fn([A], ([a, ...rest]) => rest.map(toFloat64).reduce((m, x) => Math.max(m, x), toFloat64(a)), A),
  minf: fn([A], ([a, ...rest]) => rest.map(toFloat64).reduce((m, x) => Math.min(m, x), toFloat64(a)), A),
  floor: fn([A], ([a]) => Math.floor(toFloat64(a))),
  ceil: fn([A], ([a]) => Math.ceil(toFloat64(a))),
  round: fn(
    [A, T.int],
    ([a, p, r]) => round(a, p as bigint, r === undefined ? 0.5 : (r as number)),
    T.float64,
  ),
  add1f: fn([A], ([a]) => decimalOp('add', a, [1n])),
  addf: fn([], (xs) => decimalOp('add', 0, xs), A),
  subf: fn([A], ([a, ...rest]) => decimalOp('sub', a, rest), A),
  divf: fn([A], ([a, ...rest]) => decimalOp('div', a, rest), A),
  mulf: fn([A], ([a, ...rest]) => decimalOp('mul', a, rest), A),
  atoi: fn([T.string], ([s]) => {
    const str = s as string;
    if (!/^[+-]?\d+$/.test(str)) return 0n;
    const v = BigInt(str);
    return v > MAX_INT64 ? MAX_INT64 : v < -MAX_INT64 - 1n ? -MAX_INT64 - 1n : v;
  }),
  int64: fn([A], ([v]) => int64(toInt64(v))),
  int: fn([A], ([v]) => toInt64(v)),
  float64: fn([A], ([v]) => toFloat64(v)),
  toDecimal: fn([A], ([v]) => {
    const s = formatValue(v);
    return int64(
      /^[+-]?[0-7]+$/.test(s)
        ? BigInt.asIntN(64, BigInt(`${s.startsWith('-') ? '-' : ''}0o${s.replace(/^[+-]/, '')}`))
        : 0n,
    );
  }),
};
