import type { CommitMessageInput } from './commit-message.ts';
import { InvalidConfigError } from './errors.ts';
import { REVIEW_ANNOTATIONS } from './flux/review-annotations.ts';
import { renderReviewTemplate } from './review-template.ts';

/**
 * Templated push branches (`image-automation.io/push-branch-template`), e.g. one branch per policy
 * or per new tag: `image-updates/{{ range .Changed.Changes }}{{ .NewValue }}{{ end }}`. Template
 * output is made a valid branch name rather than refused, because it is built from image references
 * (`host:5000/web:1.4.2@sha256:…`) whose `:` and `@` git does not allow: every run of characters git
 * forbids becomes one `-` (git check-ref-format rules).
 */

const MAX_LENGTH = 200;

export const sanitiseBranchName = (raw: string): string => {
  const components = raw
    .trim()
    .replace(/@\{/g, '-')
    // Control characters, space, ~ ^ : ? * [ \ are never allowed in a ref name.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what git forbids
    .replace(/[\x00-\x20\x7f~^:?*[\\]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .split('/')
    .map((part) =>
      part
        .replace(/^[.-]+/, '')
        .replace(/\.lock$/i, '-lock')
        .replace(/[.]+$/, '')
        .replace(/-{2,}/g, '-'),
    )
    .filter((part) => part !== '');
  const name = components
    .join('/')
    .slice(0, MAX_LENGTH)
    .replace(/[/.]+$/, '');
  return name === '@' ? '' : name;
};

/** Renders the push-branch template; throws InvalidConfigError when nothing usable remains. */
export const renderPushBranch = (template: string, input: CommitMessageInput): string => {
  const annotation = REVIEW_ANNOTATIONS.pushBranchTemplate;
  const rendered = renderReviewTemplate(annotation, template, input);
  const name = sanitiseBranchName(rendered);
  if (name === '') {
    throw new InvalidConfigError(
      `annotation ${annotation}: rendered ${JSON.stringify(rendered)}, which is not a usable branch name`,
      { data: { annotation } },
    );
  }
  return name;
};
