/**
 * Commit messages rendered from the user's Flux `spec.git.commit.messageTemplate`, exactly as Flux 2.7
 * renders them (image-automation-controller `internal/source/source.go` `templateMsg`): Go
 * text/template with Sprig's hermetic functions over `TemplateData` (see `commit-message-data.ts`).
 * The output is used verbatim.
 */
import type { Change } from './changes.ts';
import { buildTemplateData } from './commit-message-data.ts';
import { checkCommitTemplate, type RemovedField } from './commit-template-checks.ts';
import { InvalidConfigError, isAppError } from './errors.ts';
import { executeGoTemplate, type ParsedTemplate, parseGoTemplate } from './template/template.ts';

export const DEFAULT_COMMIT_MESSAGE = 'Update from image update automation';

/** Go's template name in Flux; it appears in every template error message. */
const TEMPLATE_NAME = 'commit message';

export interface CommitMessageInput {
  readonly automation: { readonly namespace: string; readonly name: string };
  readonly changes: readonly Change[];
  readonly values?: Readonly<Record<string, string>>;
}

const DOCS = 'See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template';

/** Flux's `RemovedTemplateFieldError` message. */
const removedFieldMessage = (field: RemovedField): string =>
  field === '.Updated'
    ? `template uses removed '.Updated' field. Please use '.Changed' instead. ${DOCS}`
    : `template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. ${DOCS}`;

const removedFieldError = (field: RemovedField, cause?: unknown): InvalidConfigError =>
  new InvalidConfigError(removedFieldMessage(field), {
    cause,
    data: { reason: 'RemovedTemplateField', field },
  });

/** The run-time errors Flux maps to `RemovedTemplateField` (`checkRemovedTemplateField`). */
const REMOVED_FIELD_PATTERNS: readonly (readonly [string, RemovedField])[] = [
  ["can't evaluate field Updated in type source.TemplateData", '.Updated'],
  ["can't evaluate field ImageResult in type update.Result", '.Changed.ImageResult'],
];

const rewrap = (prefix: string, error: unknown): never => {
  if (isAppError(error))
    throw new InvalidConfigError(`${prefix}: ${error.message}`, { cause: error, data: error.data });
  throw error;
};

const parse = (template: string): ParsedTemplate => {
  try {
    return parseGoTemplate(TEMPLATE_NAME, template);
  } catch (error) {
    return rewrap('unable to create commit message template from spec', error);
  }
};

/**
 * Renders the commit message. `undefined` or `''` gives {@link DEFAULT_COMMIT_MESSAGE}. Throws
 * `InvalidConfigError`: `data.reason` is `RemovedTemplateField` for `.Updated`/`.Changed.ImageResult`,
 * otherwise `TemplateParseError` or `TemplateExecError` with the position in `data.line`/`data.column`.
 */
export const renderCommitMessage = (template: string | undefined, input: CommitMessageInput): string => {
  if (template === undefined || template === '') return DEFAULT_COMMIT_MESSAGE;
  const parsed = parse(template);
  const [removed] = checkCommitTemplate(parsed).removed;
  if (removed) throw removedFieldError(removed);
  try {
    return executeGoTemplate(parsed, buildTemplateData(input));
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const hit = REMOVED_FIELD_PATTERNS.find(([pattern]) => message.includes(pattern));
    if (hit) throw removedFieldError(hit[1], error);
    return rewrap('failed to run template from spec', error);
  }
};

/**
 * Checks a template without rendering it: parse errors, removed fields, field chains the data cannot
 * have, and Sprig functions this implementation does not provide. `[]` means the template is fine.
 */
export const validateCommitTemplate = (template: string): readonly string[] => {
  if (template === '') return [];
  let parsed: ParsedTemplate;
  try {
    parsed = parse(template);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  const findings = checkCommitTemplate(parsed);
  return [
    ...[...findings.removed].map(removedFieldMessage),
    ...findings.unknownFields,
    ...[...findings.unsupportedFunctions].map(
      ([name, reason]) => `template uses function "${name}", which is not supported: ${reason}`,
    ),
  ];
};
