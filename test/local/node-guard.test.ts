import { describe, expect, it } from 'vitest';
import { assertNode22, nodeMajor } from '../../lib/local/node-guard.js';

describe('node guard', () => {
  it('passes on the Node 22 that npm scripts run', () => {
    expect(nodeMajor(process.versions.node)).toBe(22);
    expect(() => assertNode22()).not.toThrow();
  });

  it('fails loudly, saying what to do, on any other Node', () => {
    expect(() => assertNode22('20.20.2')).toThrow(/needs Node 22.*runs on Node 20\.20\.2.*npm ci/s);
    expect(() => assertNode22('24.1.0')).toThrow(/Node 24\.1\.0/);
  });
});
