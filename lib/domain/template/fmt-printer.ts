/**
 * Go `fmt.Sprint`, `Sprintln` and `Sprintf` over {@link GoValue}s (Go `fmt/print.go`): what the
 * template's `print`, `printf`, `println` and every `{{ action }}` output go through.
 *
 * Covered: all flags, width/precision (also `*` and `[n]` argument indexes), verbs v +v #v T t d b o O
 * x X c q U e E f F g G s, the `%!verb(type=value)`, `%!v(MISSING)` and `%!(EXTRA …)` error forms, maps
 * in sorted key order, struct and slice recursion, and `String()` methods. Not covered: `%p`, and `%b %x
 * %X` on floats (reported as bad verbs).
 */
import {
  type FmtFlags,
  fmtC,
  fmtFloat,
  fmtInteger,
  fmtQ,
  fmtQc,
  fmtS,
  fmtSx,
  fmtUnicode,
  newFlags,
  pad,
} from './fmt-leaf.ts';
import { GoInt, GoMap, GoSlice, GoStruct, type GoValue, typeName, typeOf } from './go-values.ts';

/** The state of one fmt call (Go `pp`). */
export class Printer {
  buf = '';
  f: FmtFlags = newFlags();
  erroring = false;

  badVerb(verb: string, value: GoValue): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    if (value !== undefined) {
      this.buf += `${typeName(value)}=`;
      this.printArg(value, 'v');
    } else this.buf += '<nil>';
    this.buf += ')';
    this.erroring = false;
  }

  handleMethods(verb: string, value: GoValue): boolean {
    if (this.erroring || this.f.sharpV || !(value instanceof GoStruct) || !value.type.stringer) return false;
    if (!'vsxXq'.includes(verb)) return false;
    this.fmtString(value.type.stringer(value), verb);
    return true;
  }

  fmtString(s: string, verb: string): void {
    const f = this.f;
    if (verb === 'v') this.buf += f.sharpV ? fmtQ(f, s) : fmtS(f, s);
    else if (verb === 's') this.buf += fmtS(f, s);
    else if (verb === 'x' || verb === 'X') this.buf += fmtSx(f, s, verb === 'X');
    else if (verb === 'q') this.buf += fmtQ(f, s);
    else this.badVerb(verb, s);
  }

  fmtInteger(value: GoValue, v: bigint, signed: boolean, verb: string): void {
    const f = this.f;
    switch (verb) {
      case 'v':
        if (f.sharpV && !signed) this.buf += fmtInteger({ ...f, sharp: true }, v, 16, verb);
        else this.buf += fmtInteger(f, v, 10, verb);
        return;
      case 'd':
        this.buf += fmtInteger(f, v, 10, verb);
        return;
      case 'b':
        this.buf += fmtInteger(f, v, 2, verb);
        return;
      case 'o':
      case 'O':
        this.buf += fmtInteger(f, v, 8, verb);
        return;
      case 'x':
      case 'X':
        this.buf += fmtInteger(f, v, 16, verb, verb === 'X');
        return;
      case 'c':
        this.buf += fmtC(f, v);
        return;
      case 'q':
        this.buf += fmtQc(f, v);
        return;
      case 'U':
        this.buf += fmtUnicode(f, v);
        return;
      default:
        this.badVerb(verb, value);
    }
  }

  printLeaf(value: string | boolean | bigint | number | GoInt, verb: string): void {
    if (typeof value === 'string') this.fmtString(value, verb);
    else if (typeof value === 'boolean') {
      if (verb === 't' || verb === 'v') this.buf += pad(this.f, String(value));
      else this.badVerb(verb, value);
    } else if (typeof value === 'bigint') this.fmtInteger(value, value, true, verb);
    else if (value instanceof GoInt) this.fmtInteger(value, value.value, value.type.kind !== 'uint8', verb);
    else if ('vgGeEfF'.includes(verb)) this.buf += fmtFloat(this.f, value, verb);
    else this.badVerb(verb, value);
  }

  printArg(arg: GoValue, verb: string): void {
    if (arg === undefined) {
      if (verb === 'T' || verb === 'v') this.buf += pad(this.f, '<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.buf += fmtS(this.f, typeName(arg));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    if (typeof arg !== 'object' || arg instanceof GoInt) this.printLeaf(arg, verb);
    else if (!this.handleMethods(verb, arg)) this.printValue(arg, verb, 0);
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined && this.handleMethods(verb, value)) return;
    if (value === undefined) {
      // A nil inside an interface-typed container (`[]interface {}`, `map[string]interface {}`).
      this.buf += this.f.sharpV ? 'interface {}(nil)' : '<nil>';
      return;
    }
    if (typeof value !== 'object' || value instanceof GoInt) {
      this.printLeaf(value, verb);
      return;
    }
    const sharpV = this.f.sharpV;
    if (value instanceof GoMap) {
      if (sharpV) {
        this.buf += value.type.name;
        if (value.isNil) {
          this.buf += '(nil)';
          return;
        }
        this.buf += '{';
      } else this.buf += 'map[';
      for (const [i, { key, value: v }] of value.sorted().entries()) {
        if (i > 0) this.buf += sharpV ? ', ' : ' ';
        this.printValue(key, verb, depth + 1);
        this.buf += ':';
        this.printValue(v, verb, depth + 1);
      }
      this.buf += sharpV ? '}' : ']';
    } else if (value instanceof GoStruct) {
      if (sharpV) this.buf += value.type.name;
      this.buf += '{';
      const fields = value.type.fields ?? [];
      for (const [i, field] of fields.entries()) {
        if (i > 0) this.buf += sharpV ? ', ' : ' ';
        if (this.f.plusV || sharpV) this.buf += `${field.name}:`;
        this.printValue(value.values[i], verb, depth + 1);
      }
      this.buf += '}';
    } else if (value instanceof GoSlice) {
      if (sharpV) {
        this.buf += value.type.name;
        if (value.isNil) {
          this.buf += '(nil)';
          return;
        }
        this.buf += '{';
      } else this.buf += '[';
      for (const [i, item] of value.items.entries()) {
        if (i > 0) this.buf += sharpV ? ', ' : ' ';
        this.printValue(item, verb, depth + 1);
      }
      this.buf += sharpV ? '}' : ']';
    }
  }
}

const isStringArg = (arg: GoValue): boolean => typeOf(arg)?.kind === 'string';

/** `fmt.Sprint`: spaces between operands when neither is a string. */
export const sprint = (args: readonly GoValue[]): string => {
  const p = new Printer();
  let prevString = false;
  for (const [i, arg] of args.entries()) {
    const isString = isStringArg(arg);
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  }
  return p.buf;
};

/** `fmt.Sprintln`: spaces between all operands and a trailing newline. */
export const sprintln = (args: readonly GoValue[]): string => {
  const p = new Printer();
  for (const [i, arg] of args.entries()) {
    if (i > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  }
  return `${p.buf}\n`;
};

/** `fmt.Sprint(v)` of one value, i.e. `%v`. */
export const formatValue = (value: GoValue): string => sprint([value]);
