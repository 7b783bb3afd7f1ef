import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { ROOT } from '../helpers/packaged-service.ts';

/**
 * The AWS API calls a function's code can make, derived from the code itself: esbuild bundles the
 * function's handler exactly as serverless.yml's `custom.esbuild` does (same tree-shaking), its
 * metafile names the project modules that reached the bundle, and every `XxxCommand` those modules
 * import from `@aws-sdk/client-<service>` or `@aws-sdk/lib-dynamodb` is one call. A module is the unit:
 * a command imported by a bundled module counts even if the function never takes that path, so the
 * derivation can only over-approximate (the DynamoDB adapter is split per item type to keep it exact).
 *
 * Only project modules are read: the SDK's own command modules all reach every bundle (each client
 * registers all its commands), and the credential provider chain's STS/SSO calls are not made on
 * Lambda, where credentials come from the environment.
 */
export interface SdkCall {
  /** Project-relative path of the module that imports the command. */
  readonly module: string;
  /** `@aws-sdk/client-dynamodb`, `@aws-sdk/lib-dynamodb`, … */
  readonly sdkPackage: string;
  readonly command: string;
  /** The IAM action that authorizes the call, e.g. `dynamodb:GetItem`. */
  readonly action: string;
}

/** IAM service prefix per SDK client package (https://docs.aws.amazon.com/service-authorization/latest/reference/). */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-ecr': 'ecr',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sts': 'sts',
};

/** lib-dynamodb's document commands wrap these DynamoDB operations. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Delete: 'DeleteItem',
  Update: 'UpdateItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** Operations that IAM authorizes with another action (they have no IAM action of their own). */
const AUTHORIZED_AS: Readonly<Record<string, string>> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  's3:HeadObject': 's3:GetObject',
  's3:ListObjectsV2': 's3:ListBucket',
};

export const iamActionOf = (sdkPackage: string, command: string): string => {
  const operation = command.replace(/Command$/, '');
  if (sdkPackage === '@aws-sdk/lib-dynamodb') {
    const item = DOCUMENT_COMMANDS[operation];
    if (!item)
      throw new Error(`lib-dynamodb ${command}: add the DynamoDB operation it wraps to DOCUMENT_COMMANDS`);
    return `dynamodb:${item}`;
  }
  const prefix = SERVICE_PREFIX[sdkPackage];
  if (!prefix) throw new Error(`${sdkPackage} ${command}: add the service's IAM prefix to SERVICE_PREFIX`);
  const action = `${prefix}:${operation}`;
  return AUTHORIZED_AS[action] ?? action;
};

const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))'/g;

/** The SDK commands one module's source imports (type-only imports excluded). */
export const sdkCommandsIn = (source: string): { sdkPackage: string; command: string }[] =>
  [...source.matchAll(IMPORT)].flatMap(([, typeOnly, names = '', sdkPackage = '']) =>
    typeOnly
      ? []
      : names
          .split(',')
          .map((name) => name.trim())
          .filter((name) => /^[A-Za-z0-9]+Command$/.test(name))
          .map((command) => ({ sdkPackage, command })),
  );

const esbuildSettings = async () => {
  const service = parse(await readFile(join(ROOT, 'serverless.yml'), 'utf8'));
  return service.custom.esbuild as Record<string, unknown>;
};

/** The project modules esbuild puts into a handler's bundle, with serverless.yml's esbuild settings. */
export const bundledModules = async (handlerModule: string): Promise<string[]> => {
  const { bundle, platform, format, target, mainFields, minify, exclude } = await esbuildSettings();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [handlerModule],
    bundle: bundle as boolean,
    platform: platform as 'node',
    format: format as 'cjs',
    target: target as string,
    mainFields: mainFields as string[],
    minify: minify as boolean,
    // serverless-esbuild leaves the `exclude`d packages out of the bundle: external to esbuild.
    external: (exclude as string[] | undefined) ?? [],
    metafile: true,
    write: false,
    outdir: join(ROOT, '.esbuild-iam'),
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([path, input]) => input.bytesInOutput > 0 && !path.startsWith('node_modules/'))
      .map(([path]) => path),
  );
};

/** Every SDK call the handler's bundle can make. */
export const sdkCallsOf = async (handlerModule: string): Promise<SdkCall[]> => {
  const calls: SdkCall[] = [];
  for (const module of await bundledModules(handlerModule)) {
    const source = await readFile(join(ROOT, module), 'utf8');
    for (const { sdkPackage, command } of sdkCommandsIn(source)) {
      calls.push({ module, sdkPackage, command, action: iamActionOf(sdkPackage, command) });
    }
  }
  return calls;
};

/** The handler module (`functions/webhook.ts`) of a function in serverless.yml. */
export const handlerModuleOf = async (functionName: string): Promise<string> => {
  const service = parse(await readFile(join(ROOT, 'serverless.yml'), 'utf8'));
  const handler: string = service.functions[functionName].handler;
  return `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
};
