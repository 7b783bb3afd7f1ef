import { describe, expect, it } from 'vitest';
import { decodeBase64, secretText } from '../../../lib/domain/flux/decode-secret.ts';
import { build, loadText, yamlOf } from './builders.ts';

describe('decodeBase64 (Kubernetes []byte: standard alphabet, padded)', () => {
  it.each([
    ['', ''],
    ['Zg==', 'f'],
    ['Zm8=', 'fo'],
    ['Zm9v', 'foo'],
    ['Zm9v\nYmFy', 'foobar'],
  ])('%j → %j', (text, decoded) => {
    expect(new TextDecoder().decode(decodeBase64(text))).toBe(decoded);
  });

  it.each(['Zg', 'Zm9v!', 'Zm9v YmFy', 'Zg=a', 'Z===', 'Zm9v_-8='])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  it('keeps binary bytes', () => {
    expect([...(decodeBase64('AP8=') ?? [])]).toEqual([0, 255]);
  });
});

describe('Secret', () => {
  it('lays stringData over data, as the API server does', () => {
    const load = loadText(
      yamlOf(build('secret', { data: { token: 'b2xk', other: 'eA==' }, stringData: { token: 'new' } })),
    );
    const [secret] = load.config.secrets;
    expect(load.errors).toEqual([]);
    expect(secret && secretText(secret, 'token')).toBe('new');
    expect(secret && secretText(secret, 'other')).toBe('x');
    expect(secret && secretText(secret, 'absent')).toBeUndefined();
  });

  it('refuses invalid keys', () => {
    const load = loadText(yamlOf(build('secret', { stringData: { 'bad key': 'x' } })));
    expect(load.errors.map((issue) => issue.format())).toEqual([
      `clusters/apps.yaml: document 1 (Secret apps/token): stringData["bad key"]: is not a valid key (letters, digits, '-', '_' and '.')`,
    ]);
  });
});
