import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../lib/adapters/logging/json-logger.ts';

const capture = (level?: 'debug' | 'info' | 'warn' | 'error') => {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({
    level,
    write: (line) => lines.push(JSON.parse(line)),
    now: () => new Date('2026-11-21T10:00:00.000Z'),
  });
  return { logger, lines };
};

describe('json logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { logger, lines } = capture();
    logger.info('pushed', { commit: 'abc', durationMs: 12 });
    expect(lines).toEqual([
      { time: '2026-11-21T10:00:00.000Z', level: 'info', message: 'pushed', commit: 'abc', durationMs: 12 },
    ]);
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('adds child fields to every line', () => {
    const { logger, lines } = capture();
    logger.child({ eventId: 'evt-1' }).child({ automation: 'apps/fleet' }).info('run');
    expect(lines[0]).toMatchObject({ eventId: 'evt-1', automation: 'apps/fleet', message: 'run' });
  });

  it('redacts fields whose names look like secrets, at any depth', () => {
    const { logger, lines } = capture();
    logger.info('request', {
      headers: { authorization: 'Bearer abc', 'x-signature': 'sha256=1' },
      password: 'p',
      user: 'u',
    });
    expect(lines[0]).toMatchObject({
      headers: { authorization: '[redacted]', 'x-signature': '[redacted]' },
      password: '[redacted]',
      user: 'u',
    });
    expect(JSON.stringify(lines)).not.toContain('Bearer abc');
  });
});
