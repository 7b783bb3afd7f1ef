/**
 * `fmt.Sprintf` (Go `fmt/print.go` `doPrintf`): flags, width, precision, `*` and `[n]` argument
 * indexes, and the error forms `%!v(MISSING)`, `%!v(BADINDEX)`, `%!(NOVERB)`, `%!(EXTRA …)`.
 */
import { newFlags } from './fmt-leaf.ts';
import { Printer } from './fmt-printer.ts';
import { GoInt, type GoValue, typeName } from './go-values.ts';

const parseNum = (s: string, start: number, end: number): { num: number; isNum: boolean; next: number } => {
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (num > 1e6 || num < -1e6) return { num: 0, isNum: false, next: end };
    num = num * 10 + (c - 48);
    isNum = true;
  }
  return { num, isNum, next: i };
};

const intFromArg = (args: readonly GoValue[], argNum: number): { num: number; ok: boolean; next: number } => {
  if (argNum >= args.length) return { num: 0, ok: false, next: argNum };
  const arg = args[argNum];
  const v = typeof arg === 'bigint' ? arg : arg instanceof GoInt ? arg.value : undefined;
  if (v === undefined || v > 1000000n || v < -1000000n) return { num: 0, ok: false, next: argNum + 1 };
  return { num: Number(v), ok: true, next: argNum + 1 };
};

export const sprintf = (format: string, args: readonly GoValue[]): string => {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (i: number): { i: number; found: boolean } => {
    if (i >= end || format[i] !== '[') return { i, found: false };
    reordered = true;
    const close = format.indexOf(']', i + 1);
    if (close < 0) {
      goodArgNum = false;
      return { i: i + 1, found: false };
    }
    const { num, isNum, next } = parseNum(format, i + 1, close);
    if (!isNum || next !== close) {
      goodArgNum = false;
      return { i: close + 1, found: false };
    }
    const index = num - 1;
    if (index >= 0 && index < args.length) {
      argNum = index;
      return { i: close + 1, found: true };
    }
    goodArgNum = false;
    return { i: close + 1, found: true };
  };

  let i = 0;
  while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    const f = newFlags();
    p.f = f;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    ({ i, found: afterIndex } = argNumber(i));
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg(args, argNum);
      f.wid = w.num;
      f.widPresent = w.ok;
      argNum = w.next;
      if (!f.widPresent) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const w = parseNum(format, i, end);
      f.wid = w.num;
      f.widPresent = w.isNum;
      i = w.next;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      ({ i, found: afterIndex } = argNumber(i));
      if (i < end && format[i] === '*') {
        i++;
        const pr = intFromArg(args, argNum);
        f.prec = pr.num;
        f.precPresent = pr.ok;
        argNum = pr.next;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!pr.ok) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const pr = parseNum(format, i, end);
        f.prec = pr.num;
        f.precPresent = true;
        i = pr.next;
      }
    }
    if (!afterIndex) ({ i, found: afterIndex } = argNumber(i));
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') p.buf += '%';
    else if (!goodArgNum) p.buf += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) p.buf += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      if (verb === 'w') p.badVerb(verb, args[argNum]);
      else p.printArg(args[argNum], verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    p.f = newFlags();
    p.buf += '%!(EXTRA ';
    for (const [k, arg] of args.slice(argNum).entries()) {
      if (k > 0) p.buf += ', ';
      if (arg === undefined) p.buf += '<nil>';
      else {
        p.buf += `${typeName(arg)}=`;
        p.printArg(arg, 'v');
      }
    }
    p.buf += ')';
  }
  return p.buf;
};
