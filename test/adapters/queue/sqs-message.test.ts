import { describe, expect, it } from 'vitest';
import { fifoDeduplicationId, fifoGroupId, isValidFifoId } from '../../../lib/adapters/queue/sqs-fifo-ids.ts';
import { encodeSqsMessageBody, parseSqsMessageBody } from '../../../lib/adapters/queue/sqs-message.ts';
import { InvalidInputError } from '../../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../../lib/domain/work.ts';

const request: ReconcileRequest = {
  automation: 'flux-system/fleet',
  repositories: ['ghcr.io/a/web', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api'],
  reason: 'sweep',
  deliveryIds: [],
  triggeredAt: '2026-11-21T10:00:00.000Z',
};

describe('SQS message body', () => {
  it('round-trips a request and drops fields that are not part of it', () => {
    const body = encodeSqsMessageBody({ ...request, extra: 'x' } as ReconcileRequest);
    expect(JSON.parse(body)).not.toHaveProperty('extra');
    expect(parseSqsMessageBody(body)).toEqual(request);
  });

  it.each([
    ['not JSON', '{"automation":'],
    ['not a JSON object', '[1,2]'],
    ['not a JSON object', 'null'],
    ['"automation" must be', JSON.stringify({ ...request, automation: 'no-namespace' })],
    ['"automation" must be', JSON.stringify({ ...request, automation: 42 })],
    ['"reason" must be', JSON.stringify({ ...request, reason: 'whim' })],
    ['"triggeredAt" must be', JSON.stringify({ ...request, triggeredAt: 'yesterday' })],
    ['"repositories" must be an array', JSON.stringify({ ...request, repositories: 'ghcr.io/a' })],
    ['"deliveryIds" must hold strings', JSON.stringify({ ...request, deliveryIds: [1] })],
    ['"deliveryIds" must be an array', JSON.stringify({ ...request, deliveryIds: undefined })],
  ])('refuses garbage (%s) with InvalidInputError', (problem, body) => {
    let error: unknown;
    try {
      parseSqsMessageBody(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(problem);
    expect((error as InvalidInputError).retryable).toBe(false);
  });
});

describe('SQS FIFO ids', () => {
  it('keeps valid ids as they are', () => {
    const id = 'https://git.example/fleet.git#main';
    expect(isValidFifoId(id)).toBe(true);
    expect(fifoGroupId(id)).toBe(id);
    expect(fifoDeduplicationId('evt-1:flux-system/web')).toBe('evt-1:flux-system/web');
  });

  it.each([
    ['too long', `https://git.example/${'a'.repeat(200)}.git#main`],
    ['a space', 'https://git.example/fleet.git#my branch'],
    ['non-ASCII', 'https://git.example/fleet.git#fünf'],
    ['empty', ''],
  ])('encodes a group id with %s deterministically, within 128 valid characters', (_, id) => {
    const encoded = fifoGroupId(id);
    expect(isValidFifoId(encoded)).toBe(true);
    expect(encoded.length).toBeLessThanOrEqual(128);
    expect(fifoGroupId(id)).toBe(encoded);
    expect(fifoGroupId(`${id}x`)).not.toBe(encoded);
  });

  it('hashes an invalid deduplication id to sha256 hex', () => {
    expect(fifoDeduplicationId('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
    expect(fifoDeduplicationId('ä')).toBe(fifoDeduplicationId('ä'));
  });
});
