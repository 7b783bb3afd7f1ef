import { readFile } from 'node:fs/promises';

/**
 * Samples a child process's resident set size from /proc/<pid>/status (Linux), every `intervalMs`
 * until stopped: "memory bounded" is asserted on the peak, not on one reading.
 */
export interface RssSampler {
  /** Stops sampling; resolves the peak and the last reading in MiB. */
  stop(): Promise<{ peakMiB: number; lastMiB: number; samples: number }>;
}

const rssMiB = async (pid: number): Promise<number | undefined> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status?.match(/^VmRSS:\s+(\d+) kB/m)?.[1];
  return kib === undefined ? undefined : Number(kib) / 1024;
};

export const sampleRss = (pid: number, intervalMs = 100): RssSampler => {
  let peak = 0;
  let last = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const value = await rssMiB(pid);
      if (value !== undefined) {
        peak = Math.max(peak, value);
        last = value;
        samples++;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peakMiB: Math.round(peak), lastMiB: Math.round(last), samples };
    },
  };
};
