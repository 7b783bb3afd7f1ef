import type { FileTree } from '../ports/file-tree.ts';

/** A FileTree view that keeps writes to itself: `--dry-run` rewrites through it and diffs the result. */
export const createRecordingTree = (tree: FileTree) => {
  const written = new Map<string, Uint8Array>();
  const recording: FileTree = {
    listFiles: (dir) => tree.listFiles(dir),
    readFile: async (path) => written.get(path) ?? tree.readFile(path),
    writeFile: async (path, content) => {
      written.set(path, content);
    },
  };
  return { tree: recording, written };
};
