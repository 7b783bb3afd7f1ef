import { describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../lib/adapters/aws/aws-error.ts';
import { NotFoundError } from '../../../lib/domain/errors.ts';

const sdkError = (name: string, status?: number, fault?: 'client' | 'server') =>
  Object.assign(new Error(`${name} message`), {
    name,
    ...(fault ? { $fault: fault } : {}),
    ...(status !== undefined ? { $metadata: { httpStatusCode: status, requestId: 'r-1' } } : {}),
  });

describe('translateAwsError', () => {
  it.each([
    [sdkError('ConditionalCheckFailedException', 400, 'client'), 'Conflict'],
    [sdkError('ThrottlingException', 400, 'client'), 'Upstream'],
    [sdkError('ProvisionedThroughputExceededException', 400, 'client'), 'Upstream'],
    [sdkError('SomethingNew', 503, 'server'), 'Upstream'],
    [sdkError('TooManyRequests', 429), 'Upstream'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'Upstream'],
    [sdkError('TimeoutError'), 'Upstream'],
    [sdkError('AccessDeniedException', 400, 'client'), 'Auth'],
    [sdkError('ExpiredTokenException', 400, 'client'), 'Auth'],
    [sdkError('Forbidden', 403, 'client'), 'Auth'],
    [sdkError('RepositoryNotFoundException', 400, 'client'), 'NotFound'],
    [sdkError('ImageNotFoundException', 400, 'client'), 'NotFound'],
    [sdkError('ResourceNotFoundException', 400, 'client'), 'NotFound'],
    [sdkError('ValidationException', 400, 'client'), 'InvalidConfig'],
    [sdkError('SomethingOdd', 400, 'client'), 'Internal'],
    [new TypeError('x is not a function'), 'Internal'],
  ])('maps %s to %s, keeping the cause', (error, code) => {
    const translated = translateAwsError(error, { action: 'X DoThing for y', data: { y: 1 } });
    expect(translated.code).toBe(code);
    expect(translated.cause).toBe(error);
    expect(translated.message.startsWith('X DoThing for y failed: ')).toBe(true);
    expect(translated.data).toMatchObject({ y: 1, awsError: error.name });
  });

  it('records status and request id, and passes AppErrors through', () => {
    const translated = translateAwsError(sdkError('ThrottlingException', 400, 'client'), { action: 'a' });
    expect(translated.data).toEqual({ awsError: 'ThrottlingException', status: 400, requestId: 'r-1' });
    expect(translated.message).toBe('a failed: ThrottlingException (HTTP 400): ThrottlingException message');
    const own = new NotFoundError('mine');
    expect(translateAwsError(own, { action: 'a' })).toBe(own);
  });
});
