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

export const evaluate = (template: Template, value: unknown): unknown => {
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) conditions.set(name, Boolean(resolve(template.Conditions?.[name])));
    return conditions.get(name) as boolean;
  };
  const sub = (text: string, vars: Record<string, unknown> = {}) =>
    text.replace(/\$\{([^}]+)\}/g, (_all, name: string) => {
      if (name in vars) return String(resolve(vars[name]));
      if (name in PSEUDO) return PSEUDO[name as keyof typeof PSEUDO];
      if (name.includes('.')) return `${name.split('.')[1] === 'Arn' ? 'arn' : 'attr'}:${name}`;
      return `ref:${name}`;
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
          return PSEUDO[arg as keyof typeof PSEUDO] ?? `ref:${arg}`;
        case 'Fn::GetAtt':
          return args[1] === 'Arn' ? `arn:${args[0]}` : `attr:${args[0]}.${args[1]}`;
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
}

/** Every statement of a role's inline policies, evaluated. */
export const roleStatements = (
  template: Template & { Resources: Record<string, { Properties?: { Policies?: unknown } }> },
  role: string,
) =>
  ((template.Resources[role]?.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).flatMap(
    (policy) => (evaluate(template, policy.PolicyDocument) as { Statement: Statement[] }).Statement,
  );

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
