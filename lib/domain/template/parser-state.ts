/**
 * The parser's view of the item stream and its scoping state (Go `parse.Tree` fields and helpers:
 * `next`, `backup`, `peek`, `nextNonSpace`, `expect`, `unexpected`, `errorf`).
 */
import { type Item, type ItemType, itemString, lex } from './lexer.ts';
import { unquote } from './quote.ts';

export class TemplateParseError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

export class TokenStream {
  readonly name: string;
  readonly items: Item[];
  readonly hasFunction: (name: string) => boolean;
  index = 0;
  /** The furthest item read: Go reports errors at the line of the latest token lexed. */
  maxIndex = 0;
  /** Variables in scope (Go `Tree.vars`). */
  vars: string[] = ['$'];
  rangeDepth = 0;
  actionLine = 0;
  /** Nesting of parenthesised pipelines; Go allows 10000, a JS stack fewer. */
  stackDepth = 0;

  constructor(name: string, text: string, hasFunction: (name: string) => boolean) {
    this.name = name;
    this.items = lex(text);
    this.hasFunction = hasFunction;
  }

  errorf(message: string): never {
    const line = this.items[this.maxIndex]?.line ?? 1;
    throw new TemplateParseError(`template: ${this.name}:${line}: ${message}`, line);
  }

  next(): Item {
    const last = this.items.length - 1;
    const item = this.items[Math.min(this.index, last)] as Item;
    this.maxIndex = Math.max(this.maxIndex, Math.min(this.index, last));
    this.index = this.index < last ? this.index + 1 : this.items.length;
    return item;
  }
  backup(): void {
    this.index--;
  }
  peek(): Item {
    const item = this.next();
    this.backup();
    return item;
  }
  nextNonSpace(): Item {
    let item = this.next();
    while (item.type === 'space') item = this.next();
    return item;
  }
  peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }
  expect(type: ItemType, context: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== type) this.unexpected(item, context);
    return item;
  }
  unexpected(item: Item, context: string): never {
    if (item.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== item.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (item.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(item)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(item)} in ${context}`);
  }
  unquote(literal: string): string {
    try {
      return unquote(literal);
    } catch (error) {
      return this.errorf((error as Error).message);
    }
  }
}
