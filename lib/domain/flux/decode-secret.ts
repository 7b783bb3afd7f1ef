import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import type { JsonObject } from './fields.ts';
import { readString, readStringMap } from './fields.ts';
import type { ManifestSource, ObjectMeta, Secret } from './types.ts';
import { checkFields } from './unknown-fields.ts';

/**
 * Core `v1` Secret, for local use (registry credentials, Git credentials, receiver tokens next to the
 * Flux objects). `data` is base64 as the API server requires it (standard alphabet with padding; line
 * breaks ignored, as Go's decoder does); `stringData` is plain text and wins over `data` for the same
 * key. Values never appear in messages.
 */

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'type', 'data', 'stringData', 'immutable', 'status'];
// Kubernetes `validation.IsConfigMapKey`.
const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const decodeSecret = (
  ctx: DecodeContext,
  document: JsonObject,
  head: { apiVersion: string; metadata: ObjectMeta; source: ManifestSource },
): Secret | undefined => {
  const before = ctx.errorCount();
  checkFields(ctx, document, '', TOP_FIELDS);
  const type = readString(ctx, document, 'type', '') ?? 'Opaque';
  const data: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(readStringMap(ctx, document, 'data', ''))) {
    if (!checkKey(ctx, 'data', key)) continue;
    const bytes = decodeBase64(value);
    if (bytes) data[key] = bytes;
    else ctx.error(fieldPath('data', key), 'is not valid base64 (use stringData for plain text)');
  }
  const encoder = new TextEncoder();
  for (const [key, value] of Object.entries(readStringMap(ctx, document, 'stringData', ''))) {
    if (checkKey(ctx, 'stringData', key)) data[key] = encoder.encode(value);
  }
  if (ctx.errorCount() > before) return undefined;
  return { ...head, kind: 'Secret', type, data };
};

const checkKey = (ctx: DecodeContext, path: string, key: string): boolean => {
  if (KEY.test(key) && key.length <= 253) return true;
  ctx.error(fieldPath(path, key), "is not a valid key (letters, digits, '-', '_' and '.')");
  return false;
};

/** Standard base64 with padding; undefined when malformed. */
export const decodeBase64 = (text: string): Uint8Array | undefined => {
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

/** A Secret value as UTF-8 text, or undefined when the key is absent. */
export const secretText = (secret: Secret, key: string): string | undefined => {
  const bytes = secret.data[key];
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
};
