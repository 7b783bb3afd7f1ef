// Child process of invoke-bundled-handler.ts: loads a bundled handler like the Lambda Node.js runtime
// does for a CommonJS `.js` handler (require), invokes it once with a Lambda-like context, and writes
// `{ result }` or `{ error }` to the result file.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [handlerPath = '', eventFile = '', resultFile = ''] = process.argv.slice(2);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'image-automation-test';
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: 'bundled-invocation-1',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 60_000,
};

try {
  const { handler } = createRequire(import.meta.url)(handlerPath) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
  writeFileSync(resultFile, JSON.stringify({ result }));
} catch (error) {
  writeFileSync(
    resultFile,
    JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
// Keep-alive sockets of the SDK would hold the process open; Lambda freezes it instead.
process.exit(0);
