import { expect, it } from 'vitest';
import { tokenOf } from './fleet-config.ts';
import { type Auth, authHeaders, createHarness, fixture, oversized, summary } from './webhook-harness.ts';

/** What one queued reconcile request must say. */
export interface Queued {
  readonly automation: string;
  readonly repositories: readonly string[];
  readonly deliveryIds: readonly unknown[];
}

/** One row of a receiver's table: a request (sent `times` times) and what must come of it. */
export interface Case {
  readonly name: string;
  /** A file under test/fixtures/webhooks/<type>/, or an inline body. */
  readonly fixture?: string;
  readonly body?: string | Uint8Array;
  /** Several fixtures sent one after the other (every answer must have `status`). */
  readonly sequence?: readonly string[];
  readonly auth?: Auth;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly path?: string;
  /** Pad the body past the 1 MiB limit (signed over the padded bytes). */
  readonly oversized?: boolean;
  /** Send the same request this many times (a replay); every answer must have `status`. */
  readonly times?: number;
  /** Headers that replace `headers` from the second send on (a replay with new unsigned headers). */
  readonly replayHeaders?: Readonly<Record<string, string>>;
  readonly status: number;
  /** Exactly what was queued, in order; nothing when absent. */
  readonly queued?: readonly Queued[];
  /** Fields the last answer's JSON body must contain. */
  readonly answer?: Readonly<Record<string, unknown>>;
}

export const FLEET = 'apps/fleet';

export const runCases = (type: string, cases: readonly Case[]) =>
  it.each(cases)('$name', async (row) => {
    const harness = await createHarness();
    const source = row.body ?? fixture(type, row.fixture ?? 'push.json');
    const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
    const bodies = row.sequence
      ? row.sequence.map((name) => fixture(type, name))
      : Array.from({ length: row.times ?? 1 }, () => (row.oversized ? oversized(bytes) : bytes));
    let last: { status: number; body: string } | undefined;
    for (const [i, body] of bodies.entries()) {
      last = await harness.post(type, {
        body,
        ...(row.auth && { auth: row.auth }),
        ...(row.contentType && { contentType: row.contentType }),
        ...(row.headers && { headers: row.headers }),
        ...(i > 0 && row.replayHeaders && { headers: { ...row.headers, ...row.replayHeaders } }),
        ...(row.path && { path: row.path }),
      });
      expect(last.status, `answer ${i + 1}: ${last.body}`).toBe(row.status);
    }
    expect(harness.queued.map(summary)).toEqual(row.queued ?? []);
    // No answer and no log line ever repeats a secret, a signature or a token.
    const secrets = [tokenOf(type), ...Object.values(authHeaders(type, bodies[0] ?? bytes, 'valid'))];
    for (const text of [last?.body ?? '', ...harness.logLines]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    if (row.answer) expect(JSON.parse(last?.body ?? '{}')).toMatchObject(row.answer);
  });
