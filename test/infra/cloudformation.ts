/**
 * Just enough of CloudFormation's intrinsic functions to read a template the way a deployment would:
 * conditions evaluated, `Fn::If` branches chosen, `AWS::NoValue` dropped, `Fn::Sub`/`Split`/`Select`/
 * `Join` computed with fixed pseudo parameters. `Ref` and `Fn::GetAtt` of resources become readable
 * markers (`ref:WorkQueue`, `arn:StateTable`), so policies can be compared with plain values.
 */
export const PSEUDO = Object.freeze({
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
});

const NO_VALUE = Symbol('AWS::NoValue');

type Template = { Conditions?: Record<string, unknown> };

/** What `Ref` (no attribute) and `Fn::GetAtt` of a resource resolve to; markers when absent. */
export type PhysicalName = (logicalId: string, attribute?: string) => string;

const markers: PhysicalName = (id, attribute) =>
  attribute === undefined ? `ref:${id}` : attribute === 'Arn' ? `arn:${id}` : `attr:${id}.${attribute}`;

export const evaluate = (template: Template, value: unknown, physical: PhysicalName = markers): unknown => {
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) conditions.set(name, Boolean(resolve(template.Conditions?.[name])));
    return conditions.get(name) as boolean;
  };
  const sub = (text: string, vars: Record<string, unknown> = {}) =>
    text.replace(/\$\{([^}]+)\}/g, (_all, name: string) => {
      if (name in vars) return String(resolve(vars[name]));
      if (name in PSEUDO) return PSEUDO[name as keyof typeof PSEUDO];
      if (name.includes('.')) return physical(name.split('.')[0] as string, name.split('.')[1]);
      return physical(name);
    });

  function resolve(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      const args = arg as unknown[];
      switch (key) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          return PSEUDO[arg as keyof typeof PSEUDO] ?? physical(arg as string);
        case 'Fn::GetAtt':
          return physical(args[0] as string, args[1] as string);
        case 'Fn::If':
          return resolve(condition(args[0] as string) ? args[1] : args[2]);
        case 'Fn::Equals':
          return resolve(args[0]) === resolve(args[1]);
        case 'Fn::Not':
          return !resolve(args[0]);
        case 'Fn::Split':
          return String(resolve(args[1])).split(args[0] as string);
        case 'Fn::Select':
          return (resolve(args[1]) as unknown[])[Number(args[0])];
        case 'Fn::Join':
          return (resolve(args[1]) as unknown[]).join(args[0] as string);
        case 'Fn::Sub':
          return typeof arg === 'string'
            ? sub(arg)
            : sub(args[0] as string, args[1] as Record<string, unknown>);
      }
    }
    return Object.fromEntries(
      entries.map(([k, v]) => [k, resolve(v)] as const).filter(([, v]) => v !== NO_VALUE),
    );
  }
  return resolve(value);
};

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

/**
 * Physical names and ARNs as CloudFormation would give them in the fake account and region (PSEUDO):
 * the resource's own name property where the template sets one, the logical id otherwise. Enough for
 * the resource types whose ARNs the roles name (table, queue, log group, function).
 */
export const physicalNames = (template: Template & { Resources: Resources }): PhysicalName => {
  const { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account } = PSEUDO;
  const name = (id: string, property: string) =>
    String(evaluate(template, template.Resources[id]?.Properties?.[property] ?? id, physical));
  function physical(id: string, attribute?: string): string {
    const type = template.Resources[id]?.Type;
    switch (type) {
      case 'AWS::DynamoDB::Table':
        if (attribute === 'Arn')
          return `arn:${partition}:dynamodb:${region}:${account}:table/${name(id, 'TableName')}`;
        return name(id, 'TableName');
      case 'AWS::SQS::Queue':
        if (attribute === 'Arn') return `arn:${partition}:sqs:${region}:${account}:${name(id, 'QueueName')}`;
        if (attribute === 'QueueName') return name(id, 'QueueName');
        return `https://sqs.${region}.amazonaws.com/${account}/${name(id, 'QueueName')}`;
      case 'AWS::Logs::LogGroup':
        // A log group's `Arn` attribute ends with `:*` (it covers the group's streams).
        if (attribute === 'Arn')
          return `arn:${partition}:logs:${region}:${account}:log-group:${name(id, 'LogGroupName')}:*`;
        return name(id, 'LogGroupName');
      case 'AWS::Lambda::Function':
        if (attribute === 'Arn')
          return `arn:${partition}:lambda:${region}:${account}:function:${name(id, 'FunctionName')}`;
        return name(id, 'FunctionName');
      default:
        return markers(id, attribute);
    }
  }
  return physical;
};

/** Every statement of a role's inline policies, evaluated. */
export const roleStatements = (
  template: Template & { Resources: Record<string, { Properties?: { Policies?: unknown } }> },
  role: string,
  physical: PhysicalName = markers,
) =>
  ((template.Resources[role]?.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).flatMap(
    (policy) => (evaluate(template, policy.PolicyDocument, physical) as { Statement: Statement[] }).Statement,
  );

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
