/**
 * A port whose adapter is loaded on its first call. The bundle of every function holds every adapter
 * (one composition root), but a function evaluates only what it touches: the sweep never loads
 * isomorphic-git, the webhook never loads ECR, and nobody loads S3 unless the configuration lives
 * there. esbuild keeps `import()` of bundled modules lazy, so this moves their initialisation
 * (most of a cold start) out of the functions that do not need them.
 *
 * `methods` lists every method of the port (`satisfies Record<keyof T, true>` at the call site keeps it
 * complete). A failed load is not cached: the next call tries again.
 */
export const lazyPort = <T extends object>(
  load: () => Promise<T>,
  methods: Readonly<Record<keyof T, true>>,
): T => {
  let instance: Promise<T> | undefined;
  const loaded = () => {
    instance ??= load().catch((error: unknown) => {
      instance = undefined;
      throw error;
    });
    return instance;
  };
  const port: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const target = (await loaded()) as Record<string, (...a: unknown[]) => unknown>;
      return target[name]?.(...args);
    };
  }
  return port as T;
};
