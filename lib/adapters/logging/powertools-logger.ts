import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { LogFields, Logger } from '../../ports/logger.ts';
import { redactFields } from './redact-fields.ts';

/**
 * The Logger port on AWS Lambda Powertools: structured JSON with the Lambda context (request id, cold
 * start, function) and the invocation's correlation id, both set by the middleware on the one root
 * Powertools logger. A child keeps the root and merges its fields into each line instead of creating
 * a Powertools child, so keys appended per invocation (correlation id) reach every line.
 */
export const createPowertoolsPortLogger = (root: PowertoolsLogger, fields: LogFields = {}): Logger => {
  const attributes = (extra?: LogFields) => redactFields({ ...fields, ...extra }) as LogAttributes;
  return {
    debug: (message, extra) => root.debug(message, attributes(extra)),
    info: (message, extra) => root.info(message, attributes(extra)),
    warn: (message, extra) => root.warn(message, attributes(extra)),
    error: (message, extra) => root.error(message, attributes(extra)),
    child: (extra) => createPowertoolsPortLogger(root, { ...fields, ...extra }),
  };
};
