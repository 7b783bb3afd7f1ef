import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEcrImageAction } from '../../../lib/adapters/webhooks/ecr-image-action.ts';
import { verifyGoogleIdToken } from '../../../lib/adapters/webhooks/google-id-token.ts';
import { isReleaseTag } from '../../../lib/adapters/webhooks/image-reference.ts';
import { createJwksKeys } from '../../../lib/adapters/webhooks/jwks-keys.ts';
import { receiverTypes } from '../../../lib/adapters/webhooks/receiver-types.ts';
import type { ReceiverContext } from '../../../lib/adapters/webhooks/webhook-request.ts';
import { InvalidInputError } from '../../../lib/domain/errors.ts';
import { imageName } from '../../../lib/domain/image-name.ts';
import { tokenOf } from './fleet-config.ts';
import { bodyFor, contentTypeFor, headersFor, shaped, TYPES } from './fuzz-arbitraries.ts';
import { PUBSUB_AUDIENCE, PUBSUB_EMAIL, pushClaims, signJwt } from './google-token.ts';
import { createHarness, fixture, google, NOW, RECEIVERS, receiverPath } from './webhook-harness.ts';

// Fixed seed so a CI failure reproduces; fast-check prints the seed and the shrunk counterexample.
const SEED = 20260320;
const PARSER_RUNS = 400;
const EDGE_RUNS = 250;
const ANSWERS = new Set([202, 400, 401, 404, 405, 413, 415]);

const contextOf = (type: string): ReceiverContext => ({
  namespace: 'apps',
  name: type,
  type,
  secret: { token: tokenOf(type), audience: PUBSUB_AUDIENCE, email: PUBSUB_EMAIL, jwks: google.jwks },
});

describe('every parser, fuzzed: a result or InvalidInputError, never a crash', () => {
  it.each([...receiverTypes.keys()])('%s', async (type) => {
    const receiver = receiverTypes.get(type);
    if (!receiver) throw new Error(type);
    await fc.assert(
      fc.asyncProperty(
        bodyFor(type),
        headersFor(type),
        contentTypeFor(receiver.contentTypes),
        async (rawBody, extra, media) => {
          const request = {
            method: 'POST',
            path: '/hook/x',
            headers: { 'content-type': media, ...extra },
            rawBody,
            receivedAt: NOW,
          };
          const verification = await receiver.verify(request, contextOf(type));
          expect(typeof verification.ok).toBe('boolean');
          try {
            const parsed = receiver.parse(request, contextOf(type));
            expect(['events', 'resources']).toContain(parsed.kind);
            for (const event of parsed.kind === 'events' ? parsed.events : []) {
              // Only pushes worth re-checking come out: a repository, a delivery id, a release tag.
              expect(event.repository).not.toBe('');
              expect(event.deliveryId).not.toBe('');
              if (type !== 'distribution') expect(isReleaseTag(event.tag)).toBe(true);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidInputError);
          }
        },
      ),
      { numRuns: PARSER_RUNS, seed: SEED },
    );
  });

  it('parseEcrImageAction takes anything', () => {
    const push = JSON.parse(new TextDecoder().decode(fixture('ecr', 'push.json')));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped(push)), (event) => {
        const parsed = parseEcrImageAction(event);
        if (parsed)
          expect(parsed.registry).toMatch(/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/);
      }),
      { numRuns: PARSER_RUNS * 2, seed: SEED },
    );
  });

  it('verifyGoogleIdToken refuses any forged token without throwing', async () => {
    const keysFor = createJwksKeys({ fetch: async () => new Response(google.jwks) });
    const valid = signJwt(pushClaims(NOW), google.privateKey, { kid: google.kid }).split('.');
    const segment = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64url')),
    );
    const header = fc.oneof(segment, fc.constant(valid[0] ?? ''));
    const claims = fc.oneof(
      segment,
      shaped(pushClaims(NOW)).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(header, claims, segment, async (h, c, s) => {
        const result = await verifyGoogleIdToken(`Bearer ${h}.${c}.${s}`, {}, keysFor, {
          audience: PUBSUB_AUDIENCE,
          email: PUBSUB_EMAIL,
          now: NOW,
        });
        expect(result.ok).toBe(false);
      }),
      { numRuns: PARSER_RUNS, seed: SEED },
    );
  });
});

describe('handleWebhook end to end, fuzzed: never throws, never 5xx, never echoes a secret', () => {
  it.each(TYPES)('%s', async (type) => {
    const harness = await createHarness();
    const accepted = receiverTypes.get(type)?.contentTypes;
    const allowed = new Set(
      Object.values(RECEIVERS.find((r) => r.type === type)?.images ?? {}).map(
        (image) => imageName(image).canonical,
      ),
    );
    const path = fc.oneof(
      { weight: 8, arbitrary: fc.constant(receiverPath(type)) },
      { weight: 1, arbitrary: fc.string().map((s) => `/hook/${s}`) },
    );
    const method = fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.string() },
    );
    const signing = fc.constantFrom('valid', 'valid', 'bad', 'missing') as fc.Arbitrary<
      'valid' | 'bad' | 'missing'
    >;
    await fc.assert(
      fc.asyncProperty(
        bodyFor(type),
        headersFor(type),
        contentTypeFor(accepted),
        signing,
        path,
        method,
        async (body, extra, media, auth, p, m) => {
          const answer = await harness.post(type, {
            body,
            auth,
            contentType: media,
            headers: { ...extra },
            path: p,
            method: m,
          });
          expect(ANSWERS, `${answer.status} ${answer.body}`).toContain(answer.status);
          expect(answer.body).not.toContain(tokenOf(type));
        },
      ),
      { numRuns: EDGE_RUNS, seed: SEED },
    );
    // Whatever got queued names only repositories the Receiver lists, once per delivery id.
    const ids = harness.queued.flatMap((message) => message.request.deliveryIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const message of harness.queued) {
      for (const repository of message.request.repositories) expect(allowed).toContain(repository);
    }
  });
});
