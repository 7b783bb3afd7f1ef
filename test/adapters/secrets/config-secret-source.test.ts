import { describe, expect, it } from 'vitest';
import {
  createConfigSecretSource,
  secretEnvironmentVariable,
} from '../../../lib/adapters/secrets/config-secret-source.ts';
import type { Secret } from '../../../lib/domain/flux/types.ts';

const secret = (namespace: string, name: string, data: Record<string, Uint8Array>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name, labels: {}, annotations: {} },
  source: { file: 'secrets.yaml', document: 1 },
  type: 'Opaque',
  data,
});

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('config secret source', () => {
  it('reads Secret documents as UTF-8 strings', async () => {
    const source = createConfigSecretSource({
      secrets: [secret('flux-system', 'ghcr-auth', { username: utf8('bot'), password: utf8('pässwörd') })],
    });
    expect(await source.getSecret('flux-system', 'ghcr-auth')).toEqual({
      username: 'bot',
      password: 'pässwörd',
    });
    expect(await source.getSecret('other', 'ghcr-auth')).toBeUndefined();
  });

  it('refuses binary data that is not UTF-8, without showing it', async () => {
    const source = createConfigSecretSource({
      secrets: [secret('ns', 'bin', { blob: new Uint8Array([0xff, 0xfe, 0x41]) })],
    });
    await expect(source.getSecret('ns', 'bin')).rejects.toMatchObject({
      code: 'InvalidConfig',
      message: 'Secret ns/bin: data.blob is not UTF-8 text',
    });
  });

  it('names environment variables after namespace and name, one variable per Secret', () => {
    expect(secretEnvironmentVariable('flux-system', 'ghcr-auth')).toBe(
      'IMAGE_AUTOMATION_SECRET_FLUX_SYSTEM__GHCR_AUTH',
    );
    expect(secretEnvironmentVariable('team-a', 'webhook-token.v2')).toBe(
      'IMAGE_AUTOMATION_SECRET_TEAM_A__WEBHOOK_TOKEN___V2',
    );
    expect(secretEnvironmentVariable('xn--bcher-kva', 'a--b')).toBe(
      'IMAGE_AUTOMATION_SECRET_XN____BCHER_KVA__A____B',
    );
    // Names a Kubernetes API server would refuse name no Secret, and could collide: never looked up.
    expect(secretEnvironmentVariable('Team', 'git')).toBeUndefined();
    expect(secretEnvironmentVariable('team', 'a_git')).toBeUndefined();
  });

  it.each([
    ['team/a-git', 'team-a/git'],
    ['team/a.git', 'team-a/git'],
    ['a/b.c', 'a/b-c'],
    ['a-b/c', 'a/b--c'],
    ['a/b--c', 'a/b.c'],
    ['a--b/c', 'a/b---c'],
  ])('never gives %s and %s one variable', (one, other) => {
    const variable = (key: string) => {
      const [namespace = '', name = ''] = key.split('/');
      return secretEnvironmentVariable(namespace, name);
    };
    expect(variable(one)).toBeDefined();
    expect(variable(one)).not.toBe(variable(other));
  });

  it('is injective on every pair of short valid names', () => {
    const alphabet = ['a', '1', '-', '.'];
    const words = (length: number): string[] =>
      length === 0 ? [''] : words(length - 1).flatMap((w) => alphabet.map((c) => w + c));
    const all = [1, 2, 3, 4].flatMap(words);
    const seen = new Map<string, string>();
    for (const namespace of all)
      for (const name of all) {
        const variable = secretEnvironmentVariable(namespace, name);
        if (variable === undefined) continue;
        const key = `${namespace}/${name}`;
        expect(seen.get(variable) ?? key, variable).toBe(key);
        seen.set(variable, key);
      }
    expect(seen.size).toBeGreaterThan(1000);
  });

  it('falls back to the environment: JSON objects, plain tokens, empty as unset', async () => {
    const source = createConfigSecretSource({
      secrets: [secret('ns', 'doc', { token: utf8('from-document') })],
      env: {
        IMAGE_AUTOMATION_SECRET_NS__DOC: '{"token":"from-env"}',
        IMAGE_AUTOMATION_SECRET_NS__JSON: '{"username":"u","password":"p"}',
        IMAGE_AUTOMATION_SECRET_NS__PLAIN: 's3cr3t',
        IMAGE_AUTOMATION_SECRET_NS__EMPTY: '',
      },
    });
    expect(await source.getSecret('ns', 'doc')).toEqual({ token: 'from-document' });
    expect(await source.getSecret('ns', 'json')).toEqual({ username: 'u', password: 'p' });
    expect(await source.getSecret('ns', 'plain')).toEqual({ token: 's3cr3t' });
    expect(await source.getSecret('ns', 'empty')).toBeUndefined();
    expect(await source.getSecret('ns', 'unset')).toBeUndefined();
  });

  it('refuses malformed JSON in the environment, naming the variable but not the value', async () => {
    const source = createConfigSecretSource({
      secrets: [],
      env: { IMAGE_AUTOMATION_SECRET_NS__BAD: '{"password": "hunter2",' },
    });
    const error = await source.getSecret('ns', 'bad').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidConfig' });
    expect((error as Error).message).toContain('IMAGE_AUTOMATION_SECRET_NS__BAD');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
