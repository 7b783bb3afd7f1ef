import { type AppError, ConflictError, isAppError } from '../domain/errors.ts';
import type { RecordedError, StateKind, StateRecords, StateStore } from '../ports/state-store.ts';

/**
 * Read → change → compare-and-set write, repeated when another writer got there first. `change`
 * must be a pure function of the current value: it may run several times.
 */
export const updateState = async <K extends StateKind>(
  state: StateStore,
  kind: K,
  key: string,
  change: (current: StateRecords[K] | undefined) => StateRecords[K],
  attempts = 5,
): Promise<StateRecords[K]> => {
  for (let attempt = 1; ; attempt++) {
    const current = await state.read(kind, key);
    const next = change(current?.value);
    try {
      await state.write(kind, key, next, current?.version ?? 0);
      return next;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= attempts) throw error;
    }
  }
};

/** An error as the state records it: code and message only (messages never carry secrets). */
export const recordedError = (error: AppError | unknown, at: Date): RecordedError =>
  isAppError(error)
    ? { code: error.code, message: error.message, at: at.toISOString() }
    : { code: 'Internal', message: String((error as Error)?.message ?? error), at: at.toISOString() };
