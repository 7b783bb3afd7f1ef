import { InvalidInputError } from '../../domain/errors.ts';

/** Parses a JSON body; a malformed one is the sender's fault (400), named by receiver type. */
export const parseJsonBody = (body: Uint8Array, type: string): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new InvalidInputError(`${type} payload is not valid JSON`, { cause });
  }
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const stringField = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
