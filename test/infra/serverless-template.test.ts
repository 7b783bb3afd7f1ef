import { beforeAll, describe, expect, it } from 'vitest';
import { loadLambdaEnv } from '../../functions/_env.ts';
import { stateTableSchema, stateTableTimeToLive } from '../../lib/adapters/state/dynamodb-state-table.ts';
import {
  FUNCTIONS,
  PACKAGE_PARAMS,
  type PackagedService,
  packageService,
  type TemplateResource,
} from '../helpers/packaged-service.ts';
import { asList, evaluate, roleStatements } from './cloudformation.ts';

let service: PackagedService;
let resources: Record<string, TemplateResource>;

beforeAll(async () => {
  service = await packageService();
  resources = service.template.Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalId = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;
const ACCOUNT_ROLES = PACKAGE_PARAMS.ecrRoleArns.split(',');

describe('serverless package (osls + serverless-esbuild, offline)', () => {
  it('creates the four functions on nodejs22.x/arm64, each with its own role and log group', () => {
    for (const name of FUNCTIONS) {
      const fn = resources[`${logicalId(name)}LambdaFunction`];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Role: { 'Fn::GetAtt': [`${logicalId(name)}Role`, 'Arn'] },
      });
      expect(resources[`${logicalId(name)}LogGroup`]?.Properties.RetentionInDays).toBe(30);
    }
    expect(ofType('AWS::Lambda::Function')).toHaveLength(4);
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['EcrEventRole', 'SweepRole', 'WebhookRole', 'WorkerRole']);
    // No shared role that would give every function the union of the permissions.
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('gives every function the environment its cold start validates', () => {
    for (const name of FUNCTIONS) {
      const environment = resources[`${logicalId(name)}LambdaFunction`]?.Properties.Environment;
      const variables = evaluate(service.template, environment) as { Variables: Record<string, string> };
      expect(variables.Variables).toMatchObject({
        IMAGE_AUTOMATION_CONFIG: PACKAGE_PARAMS.config,
        IMAGE_AUTOMATION_STATE_TABLE: 'ref:StateTable',
        IMAGE_AUTOMATION_QUEUE_URL: 'ref:WorkQueue',
        IMAGE_AUTOMATION_SECRET_PREFIX: 'image-automation/',
        IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX: 'image-automation-receivers/',
      });
      expect(() => loadLambdaEnv({ ...variables.Variables, LAMBDA_TASK_ROOT: '/var/task' })).not.toThrow();
    }
  });

  it('routes POST /hook/{digest} on the HTTP API to the webhook function', () => {
    const [[, route] = []] = ofType('AWS::ApiGatewayV2::Route');
    expect(route?.Properties.RouteKey).toBe('POST /hook/{digest}');
    const [[, integration] = []] = ofType('AWS::ApiGatewayV2::Integration');
    expect(integration?.Properties).toMatchObject({ PayloadFormatVersion: '2.0' });
  });

  it('bounds a flood of POST /hook/<anything>: reserved concurrency on webhook, a throttle on the API', () => {
    expect(resources.WebhookLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(20);
    for (const name of ['EcrEvent', 'Worker', 'Sweep']) {
      expect(resources[`${name}LambdaFunction`]?.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    expect(stages[0]?.[1].Properties).toMatchObject({
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('subscribes the ecr-event function to successful ECR pushes only, and schedules the sweep', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const ecr = rules.find((r) => r.EventPattern);
    expect(ecr?.EventPattern).toEqual({
      source: ['aws.ecr'],
      'detail-type': ['ECR Image Action'],
      detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
    });
    expect(ecr?.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['EcrEventLambdaFunction', 'Arn'] });
    const schedule = rules.find((r) => r.ScheduleExpression);
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(5 minutes)' });
    expect(schedule?.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] });
    expect(resources.EcrEventLambdaEvConf?.Properties.MaximumRetryAttempts).toBe(2);
  });

  it('feeds the worker from an SQS FIFO queue with partial batch failures, a DLQ and an alarm on it', () => {
    const queue = resources.WorkQueue?.Properties;
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(queue.QueueName).toMatch(/\.fifo$/);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * resources.WorkerLambdaFunction?.Properties.Timeout,
    );
    expect(resources.DeadLetterQueue?.Properties).toMatchObject({ FifoQueue: true });
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(resources.DeadLetterAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('creates the state table from the adapter schema: on demand, PITR, TTL on expiresAt', () => {
    expect(resources.StateTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: stateTableSchema.KeySchema,
      AttributeDefinitions: stateTableSchema.AttributeDefinitions,
      TimeToLiveSpecification: stateTableTimeToLive,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(stateTableTimeToLive.AttributeName).toBe('expiresAt');
  });
});

describe('IAM: least privilege per function', () => {
  const roles = ['WebhookRole', 'EcrEventRole', 'WorkerRole', 'SweepRole'];

  it('has no wildcard action anywhere, and `*` resources only where AWS allows nothing else', () => {
    for (const role of roles) {
      for (const statement of roleStatements(service.template, role)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of asList(statement.Action)) expect(action).not.toContain('*');
        if (asList(statement.Resource).includes('*')) {
          expect(statement.Action).toEqual(['ecr:GetAuthorizationToken']);
        }
      }
    }
  });

  it('grants each function exactly what it calls, on its own resources', () => {
    const grants = (role: string) =>
      Object.fromEntries(
        roleStatements(service.template, role).flatMap((s) =>
          asList(s.Action).map((action) => [action, asList(s.Resource)] as const),
        ),
      );
    const logs = (fn: string) => ({
      'logs:CreateLogStream': [`arn:${fn}LogGroup`],
      'logs:PutLogEvents': [`arn:${fn}LogGroup`],
    });
    const secrets = ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:image-automation/*'];
    const receiverSecrets = [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:image-automation-receivers/*',
    ];
    expect(grants('WebhookRole')).toEqual({
      ...logs('Webhook'),
      'dynamodb:GetItem': ['arn:StateTable'],
      'dynamodb:PutItem': ['arn:StateTable'],
      'sqs:SendMessage': ['arn:WorkQueue'],
      'secretsmanager:GetSecretValue': receiverSecrets,
    });
    expect(grants('EcrEventRole')).toEqual({
      ...logs('EcrEvent'),
      'dynamodb:GetItem': ['arn:StateTable'],
      'dynamodb:PutItem': ['arn:StateTable'],
      'sqs:SendMessage': ['arn:WorkQueue'],
    });
    const ecrRepositories = ['arn:aws:ecr:*:123456789012:repository/*'];
    expect(grants('WorkerRole')).toEqual({
      ...logs('Worker'),
      'dynamodb:GetItem': ['arn:StateTable'],
      'dynamodb:PutItem': ['arn:StateTable'],
      'sqs:ReceiveMessage': ['arn:WorkQueue'],
      'sqs:DeleteMessage': ['arn:WorkQueue'],
      'sqs:GetQueueAttributes': ['arn:WorkQueue'],
      'ecr:DescribeImages': ecrRepositories,
      'ecr:BatchGetImage': ecrRepositories,
      'ecr:GetAuthorizationToken': ['*'],
      'secretsmanager:GetSecretValue': secrets,
      'sts:AssumeRole': ACCOUNT_ROLES,
    });
    expect(grants('SweepRole')).toEqual({ ...logs('Sweep'), 'sqs:SendMessage': ['arn:WorkQueue'] });
  });

  it('limits table access to delivery items (webhook, ecrEvent) or status records (worker)', () => {
    const conditions = (role: string) =>
      roleStatements(service.template, role)
        .filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')))
        .map((s) => s.Condition);
    const leadingKeys = (pattern: string) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [pattern] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
    expect(conditions('WebhookRole')).toEqual([leadingKeys('delivery#*')]);
    expect(conditions('EcrEventRole')).toEqual([leadingKeys('delivery#*')]);
    expect(conditions('WorkerRole')).toEqual([leadingKeys('state#*')]);
  });

  it('reads the configuration object from S3 only when it lives there, and only that object', () => {
    const inS3 = JSON.parse(
      service.templateText.replaceAll(PACKAGE_PARAMS.config, 's3://fleet-config/prod/fleet.yaml'),
    );
    for (const role of roles) {
      expect(roleStatements(service.template, role).flatMap((s) => asList(s.Action))).not.toContain(
        's3:GetObject',
      );
      expect(roleStatements(inS3, role)).toContainEqual({
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: 'arn:aws:s3:::fleet-config/prod/fleet.yaml',
      });
    }
  });

  it('lets the worker assume no role at all when none is configured', () => {
    const noRoles = JSON.parse(service.templateText.replaceAll(PACKAGE_PARAMS.ecrRoleArns, ''));
    expect(roleStatements(noRoles, 'WorkerRole').flatMap((s) => asList(s.Action))).not.toContain(
      'sts:AssumeRole',
    );
  });
});

describe('deployment packages', () => {
  it.each(FUNCTIONS)('%s.zip holds its bundle and the bundled configuration, within 1 MiB', async (name) => {
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(service.zipPath(name)));
    expect(size).toBeLessThanOrEqual(1024 * 1024);
    const entries = [...(await service.zipEntries(name)).keys()];
    const handler = `functions/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.js`;
    expect(entries).toContain(handler);
    expect(entries).toContain(`${PACKAGE_PARAMS.config}/apps/automation.yaml`);
    expect(entries.filter((e) => e !== handler && !e.startsWith(`${PACKAGE_PARAMS.config}/`))).toEqual([]);
  });

  it('bundles only the adapters each function uses, as its role allows', async () => {
    // Markers of each adapter's code in the minified bundles.
    const markers = {
      git: 'git-upload-pack',
      ecr: 'DescribeImages',
      dynamodb: 'ConsistentRead',
      secrets: 'GetSecretValue',
    };
    const carried = async (name: (typeof FUNCTIONS)[number]) => {
      const entries = await service.zipEntries(name);
      const code =
        [...entries.entries()].find(([path]) => path.startsWith('functions/'))?.[1].toString('utf8') ?? '';
      return Object.entries(markers)
        .filter(([, marker]) => code.includes(marker))
        .map(([adapter]) => adapter);
    };
    expect(await carried('webhook')).toEqual(['dynamodb', 'secrets']);
    expect(await carried('ecrEvent')).toEqual(['dynamodb']);
    expect(await carried('worker')).toEqual(['git', 'ecr', 'dynamodb', 'secrets']);
    expect(await carried('sweep')).toEqual([]);
  });
});
