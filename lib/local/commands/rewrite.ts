import { resolve } from 'node:path';
import { createDirectoryTree } from '../../adapters/fs/directory-tree.ts';
import { rewriteTree } from '../../app/rewrite-tree.ts';
import { parsePolicyRefs } from '../../domain/flux/parse-policy-refs.ts';
import { buildSetters } from '../../domain/markers/setters.ts';
import { type Command, EXIT, parseOptions, requireOption } from '../command.ts';
import { readInput } from '../read-input.ts';

const usage = `
Usage: image-automation rewrite --dir DIR --policies FILE

Rewrites the $imagepolicy markers of every .yaml/.yml/Kustomization file under DIR in place,
changing only the bytes of the marked values. FILE holds ImagePolicy objects with metadata.name,
metadata.namespace and status.latestRef (name, tag, optional digest), as
"kubectl get imagepolicy -A -o yaml" prints them ("-" reads stdin).

Prints JSON on stdout:
  {"changes": [{"file", "line", "setter", "old", "new"}, …], "warnings": [{"file", "line", "message"}, …]}
Warnings name markers whose policy is not in FILE, and files that do not parse (left untouched).

Exit codes: 0 it ran (with or without changes) · 2 invalid input
`;

export const rewriteCommand: Command = {
  name: 'rewrite',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { dir: { type: 'string' }, policies: { type: 'string' } }, 'rewrite');
    const dir = requireOption(options.dir, '--dir', 'rewrite');
    const policiesPath = requireOption(options.policies, '--policies', 'rewrite');
    const load = parsePolicyRefs([
      { path: policiesPath, text: await readInput(io, policiesPath, 'policies file') },
    ]);
    for (const warning of load.warnings) io.stderr(`warning: ${warning.format()}\n`);
    if (load.errors.length > 0) {
      for (const error of load.errors) io.stderr(`${error.format()}\n`);
      return EXIT.invalid;
    }
    const result = await rewriteTree(createDirectoryTree(resolve(io.cwd, dir)), buildSetters(load.policies));
    const report = {
      changes: result.changes.map((c) => ({
        file: c.file,
        line: c.line,
        setter: c.setter,
        old: c.oldValue,
        new: c.newValue,
      })),
      warnings: result.warnings.map((w) => ({ file: w.file, line: w.line, message: w.message })),
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT.ok;
  },
};
