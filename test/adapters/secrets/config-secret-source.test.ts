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

  it('names environment variables after namespace and name', () => {
    expect(secretEnvironmentVariable('flux-system', 'ghcr-auth')).toBe(
      'IMAGE_AUTOMATION_SECRET_FLUX_SYSTEM_GHCR_AUTH',
    );
    expect(secretEnvironmentVariable('team.a', 'webhook-token.v2')).toBe(
      'IMAGE_AUTOMATION_SECRET_TEAM_A_WEBHOOK_TOKEN_V2',
    );
  });

  it('falls back to the environment: JSON objects, plain tokens, empty as unset', async () => {
    const source = createConfigSecretSource({
      secrets: [secret('ns', 'doc', { token: utf8('from-document') })],
      env: {
        IMAGE_AUTOMATION_SECRET_NS_DOC: '{"token":"from-env"}',
        IMAGE_AUTOMATION_SECRET_NS_JSON: '{"username":"u","password":"p"}',
        IMAGE_AUTOMATION_SECRET_NS_PLAIN: 's3cr3t',
        IMAGE_AUTOMATION_SECRET_NS_EMPTY: '',
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
      env: { IMAGE_AUTOMATION_SECRET_NS_BAD: '{"password": "hunter2",' },
    });
    const error = await source.getSecret('ns', 'bad').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidConfig' });
    expect((error as Error).message).toContain('IMAGE_AUTOMATION_SECRET_NS_BAD');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
