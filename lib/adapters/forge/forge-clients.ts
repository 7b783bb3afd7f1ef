import type { ForgeClientFactory } from '../../ports/forge.ts';
import { type ForgeHttpSettings, forgeHttpDefaults } from './forge-http.ts';
import { createGitHubClient } from './github-client.ts';
import { createGitLabClient } from './gitlab-client.ts';

/** The ForgeClientFactory of both composition roots: GitHub or GitLab by the target's kind. */
export const createForgeClients = (options: Partial<ForgeHttpSettings> = {}): ForgeClientFactory => {
  const http = { ...forgeHttpDefaults, ...options };
  return (target, auth) =>
    target.kind === 'github'
      ? createGitHubClient(target, auth, http)
      : createGitLabClient(target, auth, http);
};
