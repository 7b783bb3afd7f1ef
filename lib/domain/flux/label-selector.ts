import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import type { JsonObject } from './fields.ts';
import {
  describeValue,
  isObject,
  readEnum,
  readList,
  readObject,
  readString,
  readStringList,
  readStringMap,
} from './fields.ts';
import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * `metav1.LabelSelector`, decoded with the checks of apimachinery `LabelSelectorAsSelector`
 * (which is where Flux reports `InvalidPolicySelector`): `In`/`NotIn` need values,
 * `Exists`/`DoesNotExist` must have none. Matching follows the same semantics: all `matchLabels`
 * and all expressions must hold; `NotIn` and `DoesNotExist` hold for a missing key.
 */

const OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export const decodeLabelSelector = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
): LabelSelector | undefined => {
  const value = readObject(ctx, parent, key, path);
  if (!value) return undefined;
  const field = fieldPath(path, key);
  checkFields(ctx, value, field, ['matchLabels', 'matchExpressions']);
  const matchLabels = readStringMap(ctx, value, 'matchLabels', field);
  const expressions = readList(ctx, value, 'matchExpressions', field) ?? [];
  const matchExpressions: LabelSelectorRequirement[] = [];
  expressions.forEach((expression, index) => {
    const requirement = decodeRequirement(
      ctx,
      expression,
      fieldPath(fieldPath(field, 'matchExpressions'), index),
    );
    if (requirement) matchExpressions.push(requirement);
  });
  return { matchLabels, matchExpressions };
};

const decodeRequirement = (
  ctx: DecodeContext,
  expression: unknown,
  path: string,
): LabelSelectorRequirement | undefined => {
  if (!isObject(expression)) {
    ctx.error(path, `must be a mapping with key, operator and values, got ${describeValue(expression)}`);
    return undefined;
  }
  checkFields(ctx, expression, path, ['key', 'operator', 'values']);
  const key = readString(ctx, expression, 'key', path, { required: true });
  const operator =
    expression.operator == null ? undefined : readEnum(ctx, expression, 'operator', path, OPERATORS, 'In');
  if (expression.operator == null) ctx.error(fieldPath(path, 'operator'), 'required');
  const values = readStringList(ctx, expression, 'values', path) ?? [];
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    ctx.error(fieldPath(path, 'values'), `must not be empty for operator ${operator}`);
    return undefined;
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    ctx.error(fieldPath(path, 'values'), `must be empty for operator ${operator}`);
    return undefined;
  }
  if (key === undefined || operator === undefined) return undefined;
  return { key, operator, values };
};

/** True when `labels` satisfy the selector; an absent or empty selector matches everything. */
export const matchesLabelSelector = (
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean => {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  return selector.matchExpressions.every((requirement) => matchesRequirement(requirement, labels));
};

const matchesRequirement = (
  requirement: LabelSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean => {
  const present = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'In':
      return present && value !== undefined && requirement.values.includes(value);
    case 'NotIn':
      return !present || value === undefined || !requirement.values.includes(value);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
};
