import type { CommitMessageInput } from './commit-message.ts';
import { buildTemplateData } from './commit-message-data.ts';
import { InvalidConfigError, isAppError } from './errors.ts';
import { executeGoTemplate, parseGoTemplate } from './template/template.ts';

/**
 * Renders a review annotation's Go template (push branch, pull-request title) over the data a Flux
 * commit-message template sees (`.AutomationObject`, `.Changed`, `.Values`), so one vocabulary serves
 * the message, the branch and the title. Errors name the annotation.
 */
export const renderReviewTemplate = (
  annotation: string,
  template: string,
  input: CommitMessageInput,
): string => {
  try {
    return executeGoTemplate(parseGoTemplate(annotation, template), buildTemplateData(input));
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new InvalidConfigError(`annotation ${annotation}: ${error.message}`, {
      cause: error,
      data: { ...error.data, annotation },
    });
  }
};
