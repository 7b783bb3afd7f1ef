import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { Context } from 'aws-lambda';
import { type AppError, toAppError } from '../lib/domain/errors.ts';
import type { AwsAdapterChoice } from './_aws-adapters.ts';
import { type LambdaRuntime, lambdaRuntime } from './_runtime.ts';

/**
 * The one middleware stack of every function (style anchor §6.4), middy's configurable skeleton:
 * frozen defaults, a factory, named phases.
 *
 * - before: the container's runtime (built on first use) goes into the context; the Powertools logger
 *   gets the Lambda context and the invocation's correlation id (API Gateway request id, EventBridge
 *   event id, SQS message ids — delivery ids are logged by the use cases), and the cold start is counted.
 * - after / onError: metrics are flushed (EMF on stdout), per-invocation log keys cleared.
 * - onError: every failure is logged once with its code and counted (`Errors`). For HTTP the error
 *   becomes the answer: invalid input 400 with its message, upstream trouble 503 with Retry-After,
 *   anything else a generic 500 that tells the caller nothing (@middy/http-error-handler). For events and
 *   SQS the error is rethrown, so Lambda retries the invocation or returns the whole batch to the queue.
 */
export type FunctionKind = 'http' | 'event' | 'sqs';

export type FunctionCore<E, R> = (event: E, runtime: LambdaRuntime) => Promise<R>;

export interface StandardMiddlewareOptions {
  readonly kind: FunctionKind;
  /** The AWS adapters the function uses (the rest are not bundled). */
  readonly adapters?: AwsAdapterChoice;
  /** The runtime to use; the container's Lambda runtime unless a test gives its own. */
  readonly runtime?: () => LambdaRuntime;
}

type RuntimeContext = Context & { runtime?: LambdaRuntime };

export const standardMiddlewareDefaults = Object.freeze({
  adapters: {} as AwsAdapterChoice,
  fallbackMessage: JSON.stringify({ error: 'internal error' }),
  retryAfterSeconds: 5,
});

const correlationIdOf = (kind: FunctionKind, event: unknown): string | undefined => {
  const e = (event ?? {}) as {
    requestContext?: { requestId?: string };
    id?: string;
    Records?: { messageId?: string }[];
  };
  if (kind === 'http') return e.requestContext?.requestId;
  if (kind === 'sqs') return e.Records?.map((r) => r.messageId).join(',');
  return e.id;
};

/** The shape @middy/http-error-handler answers from: `expose` errors as they are, others as a generic 500. */
const httpError = (statusCode: number, body: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(body), { statusCode, expose: statusCode < 500 || statusCode === 503, headers });

const httpErrorFor = (error: AppError, retryAfterSeconds: number) => {
  if (error.code === 'InvalidInput') return httpError(400, JSON.stringify({ error: error.message }));
  if (error.retryable) {
    return httpError(503, JSON.stringify({ error: 'temporarily unavailable' }), {
      'retry-after': String(retryAfterSeconds),
    });
  }
  return httpError(500, 'internal error');
};

const standardMiddleware = (
  options: StandardMiddlewareOptions,
): MiddlewareObj<unknown, unknown, Error, RuntimeContext> => {
  const { kind, adapters, retryAfterSeconds } = { ...standardMiddlewareDefaults, ...options };
  const runtime = options.runtime ?? (() => lambdaRuntime(adapters));

  const flush = (rt: LambdaRuntime | undefined) => {
    if (rt?.metrics.hasStoredMetrics()) rt.metrics.publishStoredMetrics();
    rt?.powertoolsLogger.resetKeys();
  };

  const standardMiddlewareBefore = (request: Request<unknown, unknown, Error, RuntimeContext>) => {
    const rt = runtime();
    request.context.runtime = rt;
    rt.powertoolsLogger.addContext(request.context);
    const correlationId = correlationIdOf(kind, request.event);
    if (correlationId) rt.powertoolsLogger.setCorrelationId(correlationId);
    rt.metrics.captureColdStartMetric(request.context.functionName);
  };

  const standardMiddlewareAfter = (request: Request<unknown, unknown, Error, RuntimeContext>) => {
    flush(request.context.runtime);
  };

  const standardMiddlewareOnError = (request: Request<unknown, unknown, Error, RuntimeContext>) => {
    const rt = request.context.runtime;
    const error = toAppError(request.error);
    const fields = {
      kind,
      error: { ...error.toJSON(), stack: error.code === 'Internal' ? error.stack : undefined },
    };
    if (rt) {
      rt.logger.error('invocation failed', fields);
      rt.recordError(error);
    } else {
      // No runtime (e.g. an invalid environment): nothing to log with but the console, as JSON.
      console.error(JSON.stringify({ level: 'ERROR', message: 'invocation failed', ...fields }));
    }
    flush(rt);
    if (kind === 'http') request.error = httpErrorFor(error, retryAfterSeconds);
  };

  return {
    before: standardMiddlewareBefore,
    after: standardMiddlewareAfter,
    onError: standardMiddlewareOnError,
  };
};

/** Wraps a function core (decode → use case → encode) with the standard stack. */
export const withStandardMiddleware = <E, R>(
  core: FunctionCore<E, R>,
  options: StandardMiddlewareOptions,
) => {
  const handler = middy<E, R, Error, RuntimeContext>(async (event: E, context: RuntimeContext) =>
    core(event, context.runtime as LambdaRuntime),
  );
  // onError runs in reverse order: ours maps the error first, then http-error-handler answers.
  if (options.kind === 'http') {
    handler.use(
      httpErrorHandler({ logger: false, fallbackMessage: standardMiddlewareDefaults.fallbackMessage }),
    );
  }
  return handler.use(standardMiddleware(options) as MiddlewareObj<E, R, Error, RuntimeContext>);
};
