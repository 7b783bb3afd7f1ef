import { createHash } from 'node:crypto';

/**
 * The receiver URL path exactly as Flux's notification-controller computes it:
 * `/hook/` + hex(sha256(token + name + namespace)). The token makes the URL unguessable; it is
 * the only secret for senders that cannot sign (Docker Hub, Quay, generic).
 */
export const hookDigest = (token: string, name: string, namespace: string): string =>
  createHash('sha256').update(`${token}${name}${namespace}`).digest('hex');

export const hookPath = (token: string, name: string, namespace: string): string =>
  `/hook/${hookDigest(token, name, namespace)}`;
