import { escapeControl } from '../terminal-text.ts';

/**
 * The OCI Distribution tag grammar, `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`:
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 * A tag outside it cannot be pulled, so it can only come from a broken or hostile registry; it would
 * otherwise reach YAML, commit messages, trailers and terminals (newlines, `#`, escape sequences).
 */
const OCI_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export const isOciTag = (tag: string): boolean => OCI_TAG.test(tag);

export interface ScreenedTags {
  /** The valid tags, in listed order. */
  readonly tags: string[];
  /** How many were dropped. */
  readonly dropped: number;
  /** A few dropped tags, shortened and escaped, for a log line. */
  readonly examples: string[];
}

const EXAMPLES = 3;
const EXAMPLE_LENGTH = 40;

/** The one place listed tags are checked: every listing (OCI or ECR) passes through it before any policy. */
export const screenTags = (listed: readonly string[]): ScreenedTags => {
  const tags: string[] = [];
  const examples: string[] = [];
  let dropped = 0;
  for (const tag of listed) {
    if (isOciTag(tag)) {
      tags.push(tag);
      continue;
    }
    dropped++;
    if (examples.length < EXAMPLES) {
      const short = tag.length > EXAMPLE_LENGTH ? `${tag.slice(0, EXAMPLE_LENGTH)}…` : tag;
      examples.push(escapeControl(short));
    }
  }
  return { tags, dropped, examples };
};
