import { Errors } from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { redactUrl, translateGitError } from '../../../lib/adapters/git/git-errors.ts';
import { ConflictError, UpstreamError } from '../../../lib/domain/errors.ts';

const context = {
  url: 'https://bot:s3cret@git.example.com/org/repo.git',
  branch: 'main',
  operation: 'push',
} as const;
const pushResult = (ok: boolean, error: string) => ({
  ok: true,
  error: '',
  refs: { 'refs/heads/main': { ok, error } },
});
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('translateGitError', () => {
  it.each([
    [
      'PushRejectedError (client saw the remote move)',
      new Errors.PushRejectedError('not-fast-forward'),
      'Conflict',
      true,
    ],
    [
      'GitPushError "failed to update ref" (server lost the race)',
      new Errors.GitPushError('', pushResult(false, 'failed to update ref')),
      'Conflict',
      true,
    ],
    [
      'GitPushError from a hook (not a race)',
      new Errors.GitPushError('', pushResult(false, 'pre-receive hook declined')),
      'Upstream',
      true,
    ],
    [
      'GitPushError with an unpack failure',
      new Errors.GitPushError('', { ok: false, error: 'index-pack abnormal exit', refs: {} }),
      'Upstream',
      true,
    ],
    ['UserCanceledError (onAuth cancelled)', new Errors.UserCanceledError(), 'Auth', false],
    ['HTTP 401', new Errors.HttpError(401, 'Unauthorized', ''), 'Auth', false],
    ['HTTP 403', new Errors.HttpError(403, 'Forbidden', ''), 'Auth', false],
    ['HTTP 404', new Errors.HttpError(404, 'Not Found', ''), 'NotFound', false],
    ['HTTP 429', new Errors.HttpError(429, 'Too Many Requests', ''), 'Upstream', true],
    ['HTTP 503', new Errors.HttpError(503, 'Service Unavailable', ''), 'Upstream', true],
    ['a non-git answer', new Errors.SmartHttpError('<html>', '<html>'), 'Upstream', true],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), 'Upstream', true],
    ['ECONNRESET', networkError('ECONNRESET'), 'Upstream', true],
    ['a timeout', new DOMException('The operation timed out', 'TimeoutError'), 'Upstream', true],
    ['anything else (a bug)', new TypeError('x is undefined'), 'Internal', false],
  ])('%s → %s', (_name, error, code, retryable) => {
    const translated = translateGitError(error, context);
    expect(translated).toMatchObject({ code, retryable, cause: error });
    expect(translated.data).toMatchObject({ url: 'https://git.example.com/org/repo.git', branch: 'main' });
    expect(translated.message).toContain('https://git.example.com/org/repo.git (branch main)');
    expect(JSON.stringify(translated)).not.toContain('s3cret');
  });

  it('names the refusal reason of a lost race', () => {
    const translated = translateGitError(
      new Errors.GitPushError('', pushResult(false, 'failed to update ref')),
      context,
    );
    expect(translated).toBeInstanceOf(ConflictError);
    expect(translated.data).toMatchObject({ reason: 'failed to update ref' });
  });

  it('reads a missing ref at checkout as a missing branch', () => {
    const translated = translateGitError(new Errors.NotFoundError('refs/heads/nope'), {
      ...context,
      operation: 'checkout',
    });
    expect(translated).toMatchObject({ code: 'NotFound', data: { reason: 'branch not found' } });
  });

  it('keeps errors that are already translated', () => {
    const error = new UpstreamError('already translated');
    expect(translateGitError(error, context)).toBe(error);
  });

  it('strips credentials from URLs and from messages it repeats', () => {
    expect(redactUrl('https://user:token@host/repo.git')).toBe('https://host/repo.git');
    expect(redactUrl('not a url://user:token@host')).toBe('not a url://host');
    const translated = translateGitError(new Error('failed for https://user:token@host/x'), context);
    expect(translated.message).not.toContain('token');
  });
});
