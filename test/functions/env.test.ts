import { describe, expect, it } from 'vitest';
import { lambdaEnvDefaults, loadLambdaEnv } from '../../functions/_env.ts';

const required = {
  IMAGE_AUTOMATION_CONFIG: 's3://fleet-config/prod/fleet.yaml',
  IMAGE_AUTOMATION_STATE_TABLE: 'image-automation-prod-state',
  IMAGE_AUTOMATION_QUEUE_URL:
    'https://sqs.eu-west-1.amazonaws.com/123456789012/image-automation-prod-work.fifo',
};

describe('loadLambdaEnv', () => {
  it('reads the required variables, applies defaults and freezes the result', () => {
    const env = loadLambdaEnv(required);
    expect(env).toEqual({
      config: { kind: 's3', url: 's3://fleet-config/prod/fleet.yaml', refreshMs: 15_000 },
      stateTable: 'image-automation-prod-state',
      queueUrl: required.IMAGE_AUTOMATION_QUEUE_URL,
      secretPrefix: lambdaEnvDefaults.secretPrefix,
      receiverSecretPrefix: 'image-automation-receivers/',
      secretTtlMs: 300_000,
      gitTimeoutMs: 45_000,
      logLevel: 'info',
      metricsNamespace: 'ImageAutomation',
      serviceName: 'image-automation',
      ecrRoleArns: new Set(),
    });
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.config)).toBe(true);
  });

  it('resolves a bundled configuration path against the deployment package', () => {
    const env = loadLambdaEnv({
      ...required,
      IMAGE_AUTOMATION_CONFIG: 'config/fleet',
      LAMBDA_TASK_ROOT: '/var/task',
    });
    expect(env.config).toEqual({ kind: 'path', path: '/var/task/config/fleet' });
  });

  it('reports every problem at once, each naming its variable', () => {
    const attempt = () =>
      loadLambdaEnv({
        IMAGE_AUTOMATION_CONFIG: 's3://Bad_Bucket/',
        IMAGE_AUTOMATION_CONFIG_REFRESH_SECONDS: 'soon',
        IMAGE_AUTOMATION_LOG_LEVEL: 'verbose',
        IMAGE_AUTOMATION_SECRET_PREFIX: 'has spaces/',
      });
    expect(attempt).toThrow(
      [
        "the function's environment is invalid:",
        '  IMAGE_AUTOMATION_CONFIG_REFRESH_SECONDS must be a whole number of seconds from 0 to 86400, not "soon"',
        '  IMAGE_AUTOMATION_CONFIG must name one S3 object (s3://<bucket>/<key>.yaml), not "s3://Bad_Bucket/"',
        '  IMAGE_AUTOMATION_LOG_LEVEL must be debug, info, warn or error, not "verbose"',
        '  IMAGE_AUTOMATION_SECRET_PREFIX may hold letters, digits and /_+=.@- only, not "has spaces/"',
        '  IMAGE_AUTOMATION_STATE_TABLE is required: the DynamoDB table holding status and delivery ids',
        '  IMAGE_AUTOMATION_QUEUE_URL is required: the URL of the SQS FIFO work queue',
      ].join('\n'),
    );
    expect(attempt).toThrowError(expect.objectContaining({ code: 'InvalidConfig' }));
  });

  it('refuses secret prefixes that IAM could not tell apart (one inside the other)', () => {
    for (const [secrets, receivers] of [
      ['image-automation/', 'image-automation/receivers/'],
      ['', 'image-automation-receivers/'],
      ['shared/', 'shared/'],
    ] as const) {
      expect(() =>
        loadLambdaEnv({
          ...required,
          IMAGE_AUTOMATION_SECRET_PREFIX: secrets,
          IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX: receivers,
        }),
      ).toThrow(/IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX .* must not be prefixes of each other/);
    }
    expect(
      loadLambdaEnv({ ...required, IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX: 'hooks/' }).receiverSecretPrefix,
    ).toBe('hooks/');
  });

  it('reads the roles ImageRepositories may name from IMAGE_AUTOMATION_ECR_ROLE_ARNS (ecrRoleArns)', () => {
    const roles = 'arn:aws:iam::210987654321:role/team-a-ecr-read, arn:aws:iam::210987654322:role/team-c';
    expect(loadLambdaEnv({ ...required, IMAGE_AUTOMATION_ECR_ROLE_ARNS: roles }).ecrRoleArns).toEqual(
      new Set(['arn:aws:iam::210987654321:role/team-a-ecr-read', 'arn:aws:iam::210987654322:role/team-c']),
    );
    expect(() => loadLambdaEnv({ ...required, IMAGE_AUTOMATION_ECR_ROLE_ARNS: 'team-a' })).toThrow(
      'IMAGE_AUTOMATION_ECR_ROLE_ARNS must be IAM role ARNs separated by commas, not "team-a"',
    );
  });
});
