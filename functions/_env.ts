import { isAbsolute, resolve } from 'node:path';
import { InvalidConfigError } from '../lib/domain/errors.ts';

/**
 * The Lambda functions' settings: the ONLY reader of `process.env` for Lambda (ARCHITECTURE.md, style
 * anchor §6.7). Every variable is validated at once, each problem naming its variable, and the result is
 * frozen and passed down. Secrets never live here: the environment names where they are (a Secrets
 * Manager prefix), values are fetched and cached by the secret source. Every variable is in the README
 * table ("Deploy to AWS").
 *
 * Read elsewhere, by their own libraries: `AWS_REGION`, credentials and `AWS_ENDPOINT_URL_<SERVICE>`
 * (AWS SDK v3), `POWERTOOLS_*` (Powertools; our explicit options win where both exist).
 */
export const lambdaEnvDefaults = Object.freeze({
  configRefreshSeconds: 15,
  secretPrefix: 'image-automation/',
  receiverSecretPrefix: 'image-automation-receivers/',
  secretTtlSeconds: 300,
  gitTimeoutSeconds: 45,
  logLevel: 'info' as LambdaLogLevel,
  metricsNamespace: 'ImageAutomation',
  serviceName: 'image-automation',
});

export type LambdaLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ConfigLocation =
  | { readonly kind: 's3'; readonly url: string; readonly refreshMs: number }
  | { readonly kind: 'path'; readonly path: string };

export interface LambdaEnv {
  /** Where the Flux manifests are: one S3 object (re-checked), or a path bundled with the deployment. */
  readonly config: ConfigLocation;
  readonly stateTable: string;
  readonly queueUrl: string;
  readonly secretPrefix: string;
  /** Receiver tokens' own prefix: disjoint from `secretPrefix`, so IAM can give the webhook only these. */
  readonly receiverSecretPrefix: string;
  readonly secretTtlMs: number;
  readonly gitTimeoutMs: number;
  readonly logLevel: LambdaLogLevel;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /**
   * The IAM roles an ImageRepository may read ECR with (deploy parameter `ecrRoleArns`, the roles the
   * worker's execution role may assume); a configuration naming any other is refused at load.
   */
  readonly ecrRoleArns: ReadonlySet<string>;
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const loadLambdaEnv = (env: Env = process.env): LambdaEnv => {
  const problems: string[] = [];
  const text = (name: string) => env[name]?.trim() || undefined;
  const required = (name: string, what: string): string => {
    const value = text(name);
    if (!value) problems.push(`${name} is required: ${what}`);
    return value ?? '';
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number of seconds from ${min} to ${max}, not "${value}"`);
      return fallback;
    }
    return parsed;
  };

  const configValue = required(
    'IMAGE_AUTOMATION_CONFIG',
    's3://<bucket>/<key>.yaml or a path bundled with the functions',
  );
  const refreshMs =
    seconds('IMAGE_AUTOMATION_CONFIG_REFRESH_SECONDS', lambdaEnvDefaults.configRefreshSeconds, 0, 86_400) *
    1000;
  let config: ConfigLocation;
  if (configValue.startsWith('s3://')) {
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*[^/]$/.test(configValue)) {
      problems.push(
        `IMAGE_AUTOMATION_CONFIG must name one S3 object (s3://<bucket>/<key>.yaml), not "${configValue}"`,
      );
    }
    config = { kind: 's3', url: configValue, refreshMs };
  } else {
    // Relative paths are relative to the deployment package (/var/task), not to the process's cwd.
    const root = text('LAMBDA_TASK_ROOT') ?? process.cwd();
    config = { kind: 'path', path: isAbsolute(configValue) ? configValue : resolve(root, configValue) };
  }

  const logLevel = (text('IMAGE_AUTOMATION_LOG_LEVEL') ?? lambdaEnvDefaults.logLevel).toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`IMAGE_AUTOMATION_LOG_LEVEL must be debug, info, warn or error, not "${logLevel}"`);
  }
  const prefix = (name: string, fallback: string): string => {
    const value = env[name] ?? fallback;
    if (!SECRET_PREFIX.test(value)) {
      problems.push(`${name} may hold letters, digits and /_+=.@- only, not "${value}"`);
    }
    return value;
  };
  const secretPrefix = prefix('IMAGE_AUTOMATION_SECRET_PREFIX', lambdaEnvDefaults.secretPrefix);
  const receiverSecretPrefix = prefix(
    'IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX',
    lambdaEnvDefaults.receiverSecretPrefix,
  );
  // `<prefix>*` is what each role may read: one prefix inside the other would let the webhook read
  // every secret, or the worker every Receiver token.
  if (secretPrefix.startsWith(receiverSecretPrefix) || receiverSecretPrefix.startsWith(secretPrefix)) {
    problems.push(
      `IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX ("${receiverSecretPrefix}") and IMAGE_AUTOMATION_SECRET_PREFIX ("${secretPrefix}") must not be prefixes of each other`,
    );
  }

  const ecrRoleArns = (text('IMAGE_AUTOMATION_ECR_ROLE_ARNS') ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  for (const role of ecrRoleArns) {
    if (!ROLE_ARN.test(role)) {
      problems.push(
        `IMAGE_AUTOMATION_ECR_ROLE_ARNS must be IAM role ARNs separated by commas, not "${role}"`,
      );
    }
  }

  const settings: LambdaEnv = {
    config,
    stateTable: required(
      'IMAGE_AUTOMATION_STATE_TABLE',
      'the DynamoDB table holding status and delivery ids',
    ),
    queueUrl: required('IMAGE_AUTOMATION_QUEUE_URL', 'the URL of the SQS FIFO work queue'),
    secretPrefix,
    receiverSecretPrefix,
    secretTtlMs:
      seconds('IMAGE_AUTOMATION_SECRET_TTL_SECONDS', lambdaEnvDefaults.secretTtlSeconds, 0, 86_400) * 1000,
    gitTimeoutMs:
      seconds('IMAGE_AUTOMATION_GIT_TIMEOUT_SECONDS', lambdaEnvDefaults.gitTimeoutSeconds, 1, 900) * 1000,
    logLevel: logLevel as LambdaLogLevel,
    metricsNamespace: text('IMAGE_AUTOMATION_METRICS_NAMESPACE') ?? lambdaEnvDefaults.metricsNamespace,
    serviceName: lambdaEnvDefaults.serviceName,
    ecrRoleArns: new Set(ecrRoleArns),
  };
  if (problems.length > 0) {
    throw new InvalidConfigError(`the function's environment is invalid:\n  ${problems.join('\n  ')}`, {
      data: { variables: problems.map((p) => p.split(' ')[0]) },
    });
  }
  return Object.freeze({ ...settings, config: Object.freeze(config) });
};
