import { InvalidConfigError } from '../../domain/errors.ts';
import { parseSinglePolicy } from '../../domain/flux/parse-single-policy.ts';
import { compilePolicy } from '../../domain/policy/compile-policy.ts';
import { type Command, EXIT, parseOptions, requireOption } from '../command.ts';
import { readInput } from '../read-input.ts';

const usage = `
Usage: image-automation eval --policy FILE --tags FILE

Evaluates one ImagePolicy (a manifest file) against a list of tags (one per line; "-" reads stdin;
blank lines ignored), with Flux 2.7's semantics, and prints the selected tag.

Exit codes: 0 a tag was selected (printed on stdout) · 1 nothing selected (the reason on stderr) ·
            2 invalid policy or input (every problem on stderr, naming the field)
`;

export const evalCommand: Command = {
  name: 'eval',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { policy: { type: 'string' }, tags: { type: 'string' } }, 'eval');
    const policyPath = requireOption(options.policy, '--policy', 'eval');
    const tagsPath = requireOption(options.tags, '--tags', 'eval');
    if (policyPath === '-' && tagsPath === '-')
      throw new InvalidConfigError('eval: --policy and --tags cannot both read stdin');
    const parsed = parseSinglePolicy(await readInput(io, policyPath, 'policy file'), policyPath);
    for (const warning of parsed.warnings) io.stderr(`warning: ${warning.format()}\n`);
    if (!parsed.ok) {
      for (const error of parsed.errors) io.stderr(`${error.format()}\n`);
      return EXIT.invalid;
    }
    const compiled = compilePolicy(parsed.spec);
    if (!compiled.ok) {
      const { namespace, name } = parsed.policy.metadata;
      for (const error of compiled.errors)
        io.stderr(`${policyPath} (ImagePolicy ${namespace}/${name}): ${error.field}: ${error.message}\n`);
      return EXIT.invalid;
    }
    const tags = (await readInput(io, tagsPath, 'tags file'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const selection = compiled.policy.select(tags);
    if (selection.kind === 'none') {
      io.stderr(`no tag selected: ${selection.reason}\n`);
      return EXIT.none;
    }
    io.stdout(`${selection.tag}\n`);
    return EXIT.ok;
  },
};
