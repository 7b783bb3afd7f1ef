import {
  type AppError,
  AuthError,
  ConflictError,
  InternalError,
  InvalidConfigError,
  isAppError,
  NotFoundError,
  UpstreamError,
} from '../../domain/errors.ts';
import { NETWORK_ERROR_CODES } from '../network-error-codes.ts';

/**
 * Translates an AWS SDK v3 failure into the error taxonomy (ARCHITECTURE.md rule 4). SDK v3 errors carry
 * the service's error name, `$fault` and `$metadata.httpStatusCode`
 * (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/handling-exceptions.html); network
 * failures carry a Node `code` instead. The SDK has already retried throttling and 5xx by the time an
 * error reaches us, so those become UpstreamError and the queue retries later with backoff.
 */

export interface AwsCallContext {
  /** What was attempted, for the message: `ECR DescribeImages for 1234….dkr.ecr…/team/web`. */
  readonly action: string;
  /** Extra structured data (never a secret). */
  readonly data?: Readonly<Record<string, unknown>>;
}

const CONFLICT = new Set(['ConditionalCheckFailedException', 'TransactionConflictException']);

const NOT_FOUND = new Set([
  'RepositoryNotFoundException',
  'ImageNotFoundException',
  'ResourceNotFoundException',
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
]);

const AUTH = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

const INVALID_REQUEST = new Set([
  'ValidationException',
  'InvalidParameterException',
  'InvalidParameterValueException',
  'InvalidParameterValue',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly requestId?: unknown };
}

/** The parts of an SDK error that are safe to log: name, HTTP status, request id. */
export const awsErrorFacts = (error: unknown) => {
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const requestId = shape.$metadata?.requestId;
  return {
    name: typeof shape.name === 'string' ? shape.name : 'Error',
    status: typeof status === 'number' ? status : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    fault: shape.$fault === 'server' || shape.$fault === 'client' ? shape.$fault : undefined,
    code: typeof shape.code === 'string' ? shape.code : undefined,
    message: typeof shape.message === 'string' ? shape.message : '',
  };
};

/** Maps `error` onto AppError, keeping it as `cause`. AppErrors pass through unchanged. */
export const translateAwsError = (error: unknown, context: AwsCallContext): AppError => {
  if (isAppError(error)) return error;
  const facts = awsErrorFacts(error);
  const data = {
    ...context.data,
    awsError: facts.name,
    ...(facts.status !== undefined ? { status: facts.status } : {}),
    ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
  };
  // AWS messages name principals and resources, never credentials; keep them short all the same.
  const detail = facts.message ? `: ${facts.message.slice(0, 240)}` : '';
  const status = facts.status !== undefined ? ` (HTTP ${facts.status})` : '';
  const message = `${context.action} failed: ${facts.name}${status}${detail}`;
  const options = { cause: error, data };
  const { name } = facts;

  if (CONFLICT.has(name)) return new ConflictError(message, options);
  if (NOT_FOUND.has(name) || facts.status === 404) return new NotFoundError(message, options);
  if (AUTH.has(name) || facts.status === 401 || facts.status === 403) return new AuthError(message, options);
  if (
    THROTTLED.has(name) ||
    facts.fault === 'server' ||
    (facts.status !== undefined && (facts.status >= 500 || facts.status === 429)) ||
    (facts.code !== undefined && NETWORK_ERROR_CODES.has(facts.code))
  ) {
    return new UpstreamError(message, options);
  }
  if (INVALID_REQUEST.has(name)) return new InvalidConfigError(message, options);
  return new InternalError(message, options);
};
