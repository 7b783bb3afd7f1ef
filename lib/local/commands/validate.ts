import { resolve } from 'node:path';
import { readManifestFiles } from '../../adapters/config/read-manifest-files.ts';
import { loadConfig } from '../../app/load-config.ts';
import { type Command, EXIT, parseOptions, requireOption } from '../command.ts';

const usage = `
Usage: image-automation validate --config PATH

Loads the Flux manifests at PATH (a file, or a directory read recursively for .yaml/.yml files) and
checks them as the service would: every document, every field, every reference. All problems are
listed, each naming the file, document, object and field.

Exit codes: 0 valid (warnings, if any, on stderr) · 2 invalid (every error on stderr)
`;

export const validateCommand: Command = {
  name: 'validate',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { config: { type: 'string' } }, 'validate');
    const path = requireOption(options.config, '--config', 'validate');
    const { config, errors, warnings } = await loadConfig(resolve(io.cwd, path), { readManifestFiles });
    for (const warning of warnings) io.stderr(`warning: ${warning.format()}\n`);
    for (const error of errors) io.stderr(`${error.format()}\n`);
    if (errors.length > 0) {
      io.stderr(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${path}\n`);
      return EXIT.invalid;
    }
    io.stdout(
      `${path}: valid — ${config.gitRepositories.length} GitRepository, ${config.imageRepositories.length} ImageRepository, ` +
        `${config.imagePolicies.length} ImagePolicy, ${config.imageUpdateAutomations.length} ImageUpdateAutomation, ` +
        `${config.receivers.length} Receiver, ${config.secrets.length} Secret\n`,
    );
    return EXIT.ok;
  },
};
