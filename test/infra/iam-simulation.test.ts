import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryItemKey, stateItemKey } from '../../lib/adapters/state/dynamodb-state-table.ts';
import {
  FUNCTIONS,
  type FunctionName,
  PACKAGE_PARAMS,
  type PackagedService,
  packageService,
  ROOT,
} from '../helpers/packaged-service.ts';
import { asList, evaluate, PSEUDO, physicalNames, roleStatements, type Statement } from './cloudformation.ts';
import { type AwsRequest, checkRole, type FunctionFacts, requestsOf, simulate } from './role-check.ts';
import { handlerModuleOf, iamActionOf, type SdkCall, sdkCallsOf, sdkCommandsIn } from './sdk-calls.ts';

/**
 * IAM that matches the code, proven against the packaged template: every AWS call each function's
 * code can make (derived from its bundle, sdk-calls.ts) is simulated against that function's role
 * (@cloud-copilot/iam-simulate) and must be allowed; every granted action and statement must be used by
 * one of those calls (least privilege). Resource ARNs and condition context: role-check.ts.
 */
type Template = PackagedService['template'];

let service: PackagedService;
const calls = new Map<FunctionName, SdkCall[]>();
const adapters = new Map<FunctionName, FunctionFacts['adapters']>();

beforeAll(async () => {
  service = await packageService();
  for (const name of FUNCTIONS) {
    const module = await handlerModuleOf(name);
    calls.set(name, await sdkCallsOf(module));
    adapters.set(name, (await import(/* @vite-ignore */ join(ROOT, module))).adapters);
  }
}, 300_000);

const logicalId = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;
const ECR_ROLES = PACKAGE_PARAMS.ecrRoleArns.split(',');
const { 'AWS::Region': region, 'AWS::AccountId': account } = PSEUDO;

const factsOf = (template: Template, name: FunctionName): FunctionFacts => {
  const fn = template.Resources[`${logicalId(name)}LambdaFunction`];
  const { Variables } = evaluate(template, fn?.Properties.Environment, physicalNames(template)) as {
    Variables: Record<string, string>;
  };
  return { environment: Variables, adapters: adapters.get(name) ?? {}, ecrRoleArns: ECR_ROLES };
};

/** Calls the platform makes with the function's role: the runtime's logs, an SQS event source mapping. */
const platformRequests = (template: Template, name: FunctionName): AwsRequest[] => {
  const physical = physicalNames(template);
  const logGroup = physical(`${logicalId(name)}LogGroup`);
  const stream = `arn:aws:logs:${region}:${account}:log-group:${logGroup}:log-stream:2026/01/01/[$LATEST]0123abcd`;
  const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    action,
    resource: stream,
    why: 'Lambda runtime (function logs)',
  }));
  const mappings = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map(
      (r) => evaluate(template, r.Properties, physical) as { FunctionName: string; EventSourceArn: string },
    )
    .filter((m) => m.FunctionName === physical(`${logicalId(name)}LambdaFunction`, 'Arn'));
  const polling = mappings.flatMap((m) =>
    // https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
      action,
      resource: m.EventSourceArn,
      why: 'SQS event source mapping',
    })),
  );
  return [...logs, ...polling];
};

const requestsFor = (template: Template, name: FunctionName): AwsRequest[] => [
  ...requestsOf(calls.get(name) ?? [], factsOf(template, name)),
  ...platformRequests(template, name),
];

const statementsOf = (template: Template, name: FunctionName): Statement[] =>
  roleStatements(template, `${logicalId(name)}Role`, physicalNames(template));

const describeVerdict = async (template: Template, name: FunctionName) => {
  const verdict = await checkRole(statementsOf(template, name), requestsFor(template, name));
  return {
    denied: verdict.denied.map(
      ({ request, decision }) => `${decision}: ${request.action} on ${request.resource} (${request.why})`,
    ),
    unusedActions: verdict.unusedActions,
    unusedStatements: verdict.unusedStatements.map((s) => JSON.stringify(s)),
  };
};

const inS3 = () =>
  JSON.parse(
    service.templateText.replaceAll(PACKAGE_PARAMS.config, 's3://fleet-config/prod/fleet.yaml'),
  ) as Template;

describe('AWS calls derived from each function bundle', () => {
  it('finds the SDK commands each handler can reach, and nothing of the others', () => {
    const actions = (name: FunctionName) => [...new Set(calls.get(name)?.map((c) => c.action))].sort();
    // The reason for this test: the webhook and ecrEvent call GetItem (state.hasDelivery).
    expect(actions('webhook')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
    expect(actions('ecrEvent')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      's3:GetObject',
      'sqs:SendMessage',
    ]);
    expect(actions('worker')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'ecr:DescribeImages',
      'ecr:GetAuthorizationToken',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'sts:AssumeRole',
    ]);
    expect(actions('sweep')).toEqual(['s3:GetObject', 'sqs:SendMessage']);
    // Which item module each function carries decides the keys its calls touch.
    const modules = (name: FunctionName) => calls.get(name)?.map((c) => c.module) ?? [];
    expect(modules('webhook')).toContain('lib/adapters/state/dynamodb-delivery-log.ts');
    expect(modules('webhook')).not.toContain('lib/adapters/state/dynamodb-status-records.ts');
    expect(modules('worker')).toContain('lib/adapters/state/dynamodb-status-records.ts');
    expect(modules('worker')).not.toContain('lib/adapters/state/dynamodb-delivery-log.ts');
    expect(modules('worker')).not.toContain('lib/adapters/state/dynamodb-status-listing.ts');
  });
});

describe('IAM simulation of the packaged template (@cloud-copilot/iam-simulate)', () => {
  it.each(FUNCTIONS)(
    '%s: every call allowed, every permission used (configuration bundled)',
    async (name) => {
      expect(await describeVerdict(service.template, name)).toEqual({
        denied: [],
        unusedActions: [],
        unusedStatements: [],
      });
    },
  );

  it.each(FUNCTIONS)(
    '%s: the same with the configuration in S3 (s3:GetObject on that object)',
    async (name) => {
      const template = inS3();
      expect(requestsFor(template, name).map((r) => r.action)).toContain('s3:GetObject');
      expect(await describeVerdict(template, name)).toEqual({
        denied: [],
        unusedActions: [],
        unusedStatements: [],
      });
      const elsewhere = {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::fleet-config/other.yaml',
        why: 'test',
      };
      expect(await simulate(statementsOf(template, name), elsewhere)).toBe('ImplicitlyDenied');
    },
  );

  const table = `arn:aws:dynamodb:${region}:${account}:table/image-automation-ci-state`;
  const secret = (prefix: string) =>
    `arn:aws:secretsmanager:${region}:${account}:secret:${prefix}apps/git-auth-AbCdEf`;
  const item = (action: string, pk?: string): AwsRequest => ({
    action,
    resource: table,
    ...(pk === undefined ? {} : { context: { 'dynamodb:LeadingKeys': [pk] } }),
    why: 'attack',
  });
  const mustDeny: Record<FunctionName, AwsRequest[]> = {
    webhook: [
      // A Git credential, signing key or GitHub App key: not a Receiver token.
      { action: 'secretsmanager:GetSecretValue', resource: secret('image-automation/'), why: 'attack' },
      item('dynamodb:PutItem', stateItemKey('automation', 'team-b/apps').pk),
      item('dynamodb:GetItem', stateItemKey('policy', 'team-b/web').pk),
      item('dynamodb:DeleteItem', stateItemKey('repository', 'ghcr.io/b/web').pk),
      // Delivery ids are remembered and checked, never deleted (they expire by TTL).
      item('dynamodb:DeleteItem', deliveryItemKey('x').pk),
      item('dynamodb:PutItem'),
      item('dynamodb:Query', 'delivery#x'),
      item('dynamodb:Scan'),
    ],
    ecrEvent: [
      item('dynamodb:PutItem', stateItemKey('automation', 'team-b/apps').pk),
      item('dynamodb:GetItem', stateItemKey('policy', 'team-b/web').pk),
      { action: 'secretsmanager:GetSecretValue', resource: secret('image-automation/'), why: 'attack' },
    ],
    worker: [
      {
        action: 'secretsmanager:GetSecretValue',
        resource: secret('image-automation-receivers/'),
        why: 'attack',
      },
      item('dynamodb:PutItem', deliveryItemKey('x').pk),
      item('dynamodb:DeleteItem', stateItemKey('policy', 'a/b').pk),
      item('dynamodb:GetItem'),
      {
        action: 'sts:AssumeRole',
        resource: 'arn:aws:iam::210987654321:role/tenant-c-ecr-read',
        why: 'attack',
      },
      {
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:${region}:${account}:image-automation-ci-work.fifo`,
        why: 'attack',
      },
    ],
    sweep: [item('dynamodb:GetItem', stateItemKey('policy', 'a/b').pk)],
  };

  it.each(FUNCTIONS)(
    '%s: denies what it must never do (other secrets, other items, other roles)',
    async (name) => {
      const statements = statementsOf(service.template, name);
      for (const request of mustDeny[name]) {
        expect(
          `${request.action} ${JSON.stringify(request.context ?? {})}: ${await simulate(statements, request)}`,
        ).toBe(`${request.action} ${JSON.stringify(request.context ?? {})}: ImplicitlyDenied`);
      }
    },
  );
});

describe('the check itself fails when it should', () => {
  it('reports every call a role lacks: the webhook role of before (no dynamodb:GetItem)', async () => {
    const without = statementsOf(service.template, 'webhook').map((s) => ({
      ...s,
      Action: asList(s.Action).filter((a) => a !== 'dynamodb:GetItem'),
    }));
    const verdict = await checkRole(without, requestsFor(service.template, 'webhook'));
    expect(verdict.denied.map((d) => `${d.request.action} ${d.decision}`)).toEqual([
      'dynamodb:GetItem ImplicitlyDenied',
      'dynamodb:GetItem ImplicitlyDenied',
    ]);
  });

  it('reports a call a handler gains: the webhook calling the worker’s status records', async () => {
    const gained: SdkCall = {
      module: 'lib/adapters/state/dynamodb-status-records.ts',
      sdkPackage: '@aws-sdk/lib-dynamodb',
      command: 'PutCommand',
      action: 'dynamodb:PutItem',
    };
    const requests = [
      ...requestsFor(service.template, 'webhook'),
      ...requestsOf([gained], factsOf(service.template, 'webhook')),
    ];
    const verdict = await checkRole(statementsOf(service.template, 'webhook'), requests);
    expect(verdict.denied.map((d) => d.request.context?.['dynamodb:LeadingKeys'])).toEqual([
      ['state#repository'],
      ['state#policy'],
      ['state#automation'],
    ]);
  });

  it('reports permissions no call uses, and a module whose calls have no known resources', async () => {
    const statements: Statement[] = [
      ...statementsOf(service.template, 'sweep'),
      {
        Effect: 'Allow',
        Action: ['sqs:PurgeQueue'],
        Resource: `arn:aws:sqs:${region}:${account}:image-automation-ci-work.fifo`,
      },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: `arn:aws:sqs:${region}:${account}:other.fifo`,
      },
    ];
    const verdict = await checkRole(statements, requestsFor(service.template, 'sweep'));
    expect(verdict.unusedActions).toEqual(['sqs:PurgeQueue']);
    expect(verdict.unusedStatements.map((s) => s.Resource)).toEqual([
      `arn:aws:sqs:${region}:${account}:image-automation-ci-work.fifo`,
      `arn:aws:sqs:${region}:${account}:other.fifo`,
    ]);
    const unknown: SdkCall = {
      module: 'lib/adapters/new.ts',
      sdkPackage: '@aws-sdk/client-sqs',
      command: 'PurgeQueueCommand',
      action: 'sqs:PurgeQueue',
    };
    expect(() => requestsOf([unknown], factsOf(service.template, 'sweep'))).toThrow(/add it to CALL_SITES/);
  });

  it('maps SDK commands to IAM actions, ignoring type-only imports', () => {
    const source = [
      "import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';",
      "import { type GetObjectCommandOutput, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';",
      "import type { SendMessageCommand } from '@aws-sdk/client-sqs';",
      "import {\n  SendMessageBatchCommand,\n  type SQSClient,\n} from '@aws-sdk/client-sqs';",
    ].join('\n');
    expect(sdkCommandsIn(source).map((c) => iamActionOf(c.sdkPackage, c.command))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      's3:GetObject',
      'sqs:SendMessage',
    ]);
    expect(() => iamActionOf('@aws-sdk/client-kms', 'DecryptCommand')).toThrow(/SERVICE_PREFIX/);
  });
});
