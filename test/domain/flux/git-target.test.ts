import { describe, expect, it } from 'vitest';
import { resolveGitTarget } from '../../../lib/domain/flux/git-target.ts';
import { gitRepositoryOf } from '../../../lib/domain/flux/scope.ts';
import { build, loadText, patch, yamlOf } from './builders.ts';

const target = (gitRef: object | undefined, automationGit: object) => {
  // Replace the GitRepository's ref rather than merge into it.
  const git = patch(build('git', { spec: { ref: undefined } }), { spec: { ref: gitRef } });
  const load = loadText(yamlOf(git, build('automation', { spec: { git: automationGit } })));
  const [automation] = load.config.imageUpdateAutomations;
  if (!automation) throw new Error(load.errors.map((e) => e.format()).join('\n'));
  return resolveGitTarget(automation, gitRepositoryOf(load.config, automation));
};

// flux-semantics §5.5: push branch and "switch branch".
describe('resolveGitTarget', () => {
  it.each([
    {
      name: 'GitRepository branch, no push spec: same branch',
      gitRef: { branch: 'main' },
      git: {},
      expected: { checkoutRef: { branch: 'main' }, pushBranch: 'main', switchBranch: false },
    },
    {
      name: 'no ref anywhere: master',
      gitRef: undefined,
      git: {},
      expected: { checkoutRef: { branch: 'master' }, pushBranch: 'master', switchBranch: false },
    },
    {
      name: 'checkout ref overrides the GitRepository',
      gitRef: { branch: 'main' },
      git: { checkout: { ref: { branch: 'release' } } },
      expected: { checkoutRef: { branch: 'release' }, pushBranch: 'release', switchBranch: false },
    },
    {
      name: 'push to another branch',
      gitRef: { branch: 'main' },
      git: {
        push: { branch: 'auto', refspec: 'refs/heads/auto:refs/for/main', options: { topic: 'images' } },
      },
      expected: {
        checkoutRef: { branch: 'main' },
        pushBranch: 'auto',
        switchBranch: true,
        refspec: 'refs/heads/auto:refs/for/main',
        pushOptions: { topic: 'images' },
      },
    },
    {
      name: 'tag checkout with a push branch is a switch',
      gitRef: { tag: 'v1' },
      git: { push: { branch: 'auto' } },
      expected: { checkoutRef: { tag: 'v1' }, pushBranch: 'auto', switchBranch: true },
    },
  ])('$name', ({ gitRef, git, expected }) => {
    const automationGit = { commit: { author: { email: 'bot@example.com' } }, ...git };
    expect(target(gitRef, automationGit)).toEqual({ ok: true, value: { pushOptions: {}, ...expected } });
  });

  it('a commit checkout without a branch has nowhere to push', () => {
    expect(target({ commit: 'abc123' }, { commit: { author: { email: 'bot@example.com' } } })).toEqual({
      ok: false,
      field: 'spec.git.push.branch',
      message: 'required: the checkout ref (commit abc123) has no branch to push to',
    });
  });
});
