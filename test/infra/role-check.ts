import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { AwsAdapterChoice } from '../../functions/_aws-adapters.ts';
import {
  deliveryItemKey,
  stateItemKey,
  statePartition,
} from '../../lib/adapters/state/dynamodb-state-table.ts';
import type { StateKind } from '../../lib/ports/state-store.ts';
import { asList, PSEUDO, type Statement } from './cloudformation.ts';
import type { SdkCall } from './sdk-calls.ts';

/**
 * Turns a function's derived calls (sdk-calls.ts) into concrete IAM requests — action, resource ARN,
 * condition context — and evaluates each against the function's role with @cloud-copilot/iam-simulate.
 *
 * What the requests assume (documented here because a simulator answers only what it is asked):
 * - Account, region and partition are the fake PSEUDO values; resource names are the packaged
 *   template's (table, queue, log groups), read through each function's environment.
 * - DynamoDB: each item module touches one kind of key (dynamodb-state-table.ts), sent as
 *   `dynamodb:LeadingKeys`: the delivery log a short and a hashed long `delivery#…` id, the status
 *   modules `state#<kind>` for every kind.
 * - Secrets Manager: a secret name under the prefix of each secret port the handler chose (`secrets`:
 *   IMAGE_AUTOMATION_SECRET_PREFIX, `receiverSecrets`: IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX), with the
 *   six-character suffix Secrets Manager appends to every ARN.
 * - ECR: repositories of the stack's own account in two regions (`ecrRepositoryArns` empty); a
 *   manifest HEAD on the registry API is authorized as `ecr:BatchGetImage`, a call the code makes over
 *   HTTP, not through the SDK. `GetAuthorizationToken` is on `*`, the only resource AWS defines for it.
 * - STS: every role of the `ecrRoleArns` parameter the template was packaged with; calls made with an
 *   assumed role's credentials are that role's business, not this stack's.
 * - S3: only when IMAGE_AUTOMATION_CONFIG is an `s3://` URL (functions/_aws-adapters.ts loads the
 *   reader only then), the object it names.
 * - Platform calls made with the role but not by our code: the Lambda runtime writing the function's
 *   log group, and an SQS event source mapping polling its queue.
 */
export interface AwsRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** Where the call comes from (module, or platform). */
  readonly why: string;
}

/** A function as the requests need it: its evaluated environment and the adapters its handler chose. */
export interface FunctionFacts {
  readonly environment: Readonly<Record<string, string>>;
  readonly adapters: AwsAdapterChoice;
  readonly ecrRoleArns: readonly string[];
}

const { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account } = PSEUDO;
const KINDS: readonly StateKind[] = ['repository', 'policy', 'automation'];
const DELIVERY_IDS = ['harbor/1f2e3d4c', `distribution/${'x'.repeat(3000)}`];

const tableArn = (env: FunctionFacts['environment']) =>
  `arn:${partition}:dynamodb:${region}:${account}:table/${env.IMAGE_AUTOMATION_STATE_TABLE}`;

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → the queue's ARN. */
export const queueArnOf = (url: string): string => {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([^/]+)$/.exec(url);
  if (!match) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:${partition}:sqs:${match[1]}:${match[2]}:${match[3]}`;
};

const onItems = (action: string, env: FunctionFacts['environment'], keys: string[], why: string) =>
  keys.map((pk) => ({ action, resource: tableArn(env), context: { 'dynamodb:LeadingKeys': [pk] }, why }));

type CallSite = (call: SdkCall, fn: FunctionFacts) => AwsRequest[];

/** Which resources (and condition context) each module's calls touch. A module missing here fails. */
export const CALL_SITES: Readonly<Record<string, CallSite>> = {
  'lib/adapters/state/dynamodb-delivery-log.ts': (call, { environment }) =>
    onItems(
      call.action,
      environment,
      DELIVERY_IDS.map((id) => deliveryItemKey(id).pk),
      call.module,
    ),
  'lib/adapters/state/dynamodb-status-records.ts': (call, { environment }) =>
    onItems(
      call.action,
      environment,
      KINDS.map((kind) => stateItemKey(kind, 'apps/web').pk),
      call.module,
    ),
  'lib/adapters/state/dynamodb-status-listing.ts': (call, { environment }) =>
    onItems(call.action, environment, KINDS.map(statePartition), call.module),
  'lib/adapters/queue/sqs-queue.ts': (call, { environment }) => [
    {
      action: call.action,
      resource: queueArnOf(environment.IMAGE_AUTOMATION_QUEUE_URL ?? ''),
      why: call.module,
    },
  ],
  'lib/adapters/secrets/secrets-manager-secret-source.ts': (call, { environment, adapters }) =>
    [
      adapters.secrets && environment.IMAGE_AUTOMATION_SECRET_PREFIX,
      adapters.receiverSecrets && environment.IMAGE_AUTOMATION_RECEIVER_SECRET_PREFIX,
    ]
      .filter((prefix): prefix is string => typeof prefix === 'string')
      .map((prefix) => ({
        action: call.action,
        resource: `arn:${partition}:secretsmanager:${region}:${account}:secret:${prefix}apps/some-secret-AbCdEf`,
        why: `${call.module} (${prefix}<namespace>/<name>)`,
      })),
  'lib/adapters/registry/ecr-registry-client.ts': (call) =>
    ['eu-west-1', 'us-east-1'].flatMap((repoRegion) => {
      const resource = `arn:${partition}:ecr:${repoRegion}:${account}:repository/tenant-a/web`;
      return [
        { action: call.action, resource, why: call.module },
        // HEAD /v2/<repo>/manifests/<tag> on the registry API (HTTP, not the SDK).
        { action: 'ecr:BatchGetImage', resource, why: `${call.module} (registry API HEAD of a manifest)` },
      ];
    }),
  'lib/adapters/registry/ecr-authorization.ts': (call) => [
    { action: call.action, resource: '*', why: call.module },
  ],
  'lib/adapters/aws/assumed-role-credentials.ts': (call, { ecrRoleArns }) =>
    ecrRoleArns.map((resource) => ({ action: call.action, resource, why: call.module })),
  'lib/adapters/config/s3-manifest-reader.ts': (call, { environment }) => {
    const config = environment.IMAGE_AUTOMATION_CONFIG ?? '';
    if (!config.startsWith('s3://')) return [];
    return [
      {
        action: call.action,
        resource: `arn:${partition}:s3:::${config.slice('s3://'.length)}`,
        why: call.module,
      },
    ];
  },
};

export const requestsOf = (calls: readonly SdkCall[], fn: FunctionFacts): AwsRequest[] =>
  calls.flatMap((call) => {
    const site = CALL_SITES[call.module];
    if (!site) {
      throw new Error(
        `${call.module} calls ${call.action}: add it to CALL_SITES (role-check.ts) with the resources it touches`,
      );
    }
    return site(call, fn);
  });

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | `invalid: ${string}`;

/** One request against a set of identity-policy statements, in the same account. */
export const simulate = async (statements: readonly Statement[], request: AwsRequest): Promise<Decision> => {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'role', policy: { Version: '2012-10-17', Statement: statements as never } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: `arn:${partition}:sts::${account}:assumed-role/role/function`,
        resource: { resource: request.resource, accountId: account },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === 'error') return `invalid: ${JSON.stringify(response.errors)}`;
  return response.overallResult as Decision;
};

export interface RoleVerdict {
  /** Requests the role does not allow (or the simulator refused as invalid). */
  readonly denied: readonly { request: AwsRequest; decision: Decision }[];
  /** Granted actions that no request uses. */
  readonly unusedActions: readonly string[];
  /** Statements that allow none of the requests (an unused resource or condition). */
  readonly unusedStatements: readonly Statement[];
}

export const checkRole = async (
  statements: readonly Statement[],
  requests: readonly AwsRequest[],
): Promise<RoleVerdict> => {
  const denied: { request: AwsRequest; decision: Decision }[] = [];
  for (const request of requests) {
    const decision = await simulate(statements, request);
    if (decision !== 'Allowed') denied.push({ request, decision });
  }
  const requested = new Set(requests.map((r) => r.action));
  const unusedActions = [...new Set(statements.flatMap((s) => asList(s.Action)))].filter(
    (a) => !requested.has(a),
  );
  const unusedStatements: Statement[] = [];
  for (const statement of statements) {
    const own = requests.filter((r) => asList(statement.Action).includes(r.action));
    const decisions = await Promise.all(own.map((r) => simulate([statement], r)));
    if (!decisions.includes('Allowed')) unusedStatements.push(statement);
  }
  return { denied, unusedActions, unusedStatements };
};
