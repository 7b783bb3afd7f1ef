import { describe, expect, it } from 'vitest';
import { notifySettingsOf } from '../../../lib/domain/notify/notify-settings.ts';

const a = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`image-automation.io/notify-${k}`, v]));

describe('notifySettingsOf', () => {
  it('is off without annotations, and ignores other annotations', () => {
    expect(notifySettingsOf({})).toEqual({ kind: 'none' });
    expect(notifySettingsOf({ 'image-automation.io/pull-request': 'true' })).toEqual({ kind: 'none' });
  });

  it.each([
    [
      a({ url: 'https://hooks.example.com/deploys' }),
      { format: 'json', url: 'https://hooks.example.com/deploys' },
    ],
    [a({ secret: 'slack-hook', format: 'Slack' }), { format: 'slack', secretName: 'slack-hook' }],
    [
      a({ url: 'http://127.0.0.1:9/x', events: 'error, push ,error' }),
      { format: 'json', url: 'http://127.0.0.1:9/x', events: ['error', 'push'] },
    ],
  ])('reads %j', (annotations, expected) => {
    expect(notifySettingsOf(annotations)).toEqual({
      kind: 'ok',
      settings: { events: ['push', 'pull-request', 'error'], ...expected },
    });
  });

  it.each([
    [a({ format: 'slack' }), /notify-url or .*notify-secret is required/],
    [a({ url: 'https://hooks.example.com/x', format: 'teams' }), /must be one of json, slack, not "teams"/],
    [a({ url: 'ftp://example.com/x' }), /must be an http or https URL/],
    [a({ url: 'not a url' }), /is not a URL/],
    [a({ url: 'https://user:pass@example.com/x' }), /holds credentials or a query string/],
    [a({ url: 'https://example.com/x?token=abc' }), /put the address in the Secret/],
    [a({ url: 'https://example.com/x', events: 'push,deploy' }), /unknown: deploy/],
    [a({ url: 'https://example.com/x', events: ' , ' }), /must list some of push, pull-request, error/],
  ])('refuses %j without echoing the URL', (annotations, message) => {
    const result = notifySettingsOf(annotations);
    expect(result).toMatchObject({ kind: 'invalid', message: expect.stringMatching(message) });
    if (result.kind === 'invalid') expect(result.message).not.toMatch(/pass@|token=abc/);
  });
});
