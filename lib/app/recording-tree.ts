import type { FileTree } from '../ports/file-tree.ts';

/** A FileTree view that keeps writes to itself: `--dry-run` rewrites through it and diffs the result. */
export const createRecordingTree = (tree: FileTree) => {
  const written = new Map<string, Uint8Array>();
  const screen = tree.pathsContaining?.bind(tree);
  const recording: FileTree = {
    listFiles: (dir) => tree.listFiles(dir),
    readFile: async (path) => written.get(path) ?? tree.readFile(path),
    writeFile: async (path, content) => {
      written.set(path, content);
    },
    // The underlying tree screens what it holds; a recorded write is always a "maybe" (a superset is allowed).
    ...(screen && {
      pathsContaining: async (paths: readonly string[], token: string) => {
        const maybe = new Set(
          await screen(
            paths.filter((path) => !written.has(path)),
            token,
          ),
        );
        for (const path of paths) if (written.has(path)) maybe.add(path);
        return maybe;
      },
    }),
  };
  return { tree: recording, written };
};
