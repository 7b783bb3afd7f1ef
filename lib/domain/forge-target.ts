import type { ForgeKind, ReviewSettings } from './flux/review-annotations.ts';

/**
 * Which API opens the pull request, derived from the GitRepository URL:
 * `https://github.com/acme/fleet.git` → GitHub at `https://api.github.com`, repository `acme/fleet`;
 * `https://gitlab.com/group/sub/fleet.git` → GitLab at `https://gitlab.com/api/v4`, project
 * `group/sub/fleet`. Other hosts need the `forge` annotation; their API then lives at
 * `<origin>/api/v3` (GitHub Enterprise Server) or `<origin>/api/v4` (GitLab), unless
 * `forge-api-url` says otherwise.
 */

export interface ForgeTarget {
  readonly kind: ForgeKind;
  /** API base without a trailing slash. */
  readonly apiUrl: string;
  /** `owner/repo` (GitHub) or the full project path (GitLab). */
  readonly project: string;
}

export type ForgeTargetResult =
  | { readonly ok: true; readonly value: ForgeTarget }
  | { readonly ok: false; readonly message: string };

const SAAS: Readonly<Record<string, { kind: ForgeKind; apiUrl: string }>> = {
  'github.com': { kind: 'github', apiUrl: 'https://api.github.com' },
  'www.github.com': { kind: 'github', apiUrl: 'https://api.github.com' },
  'gitlab.com': { kind: 'gitlab', apiUrl: 'https://gitlab.com/api/v4' },
};

export const resolveForgeTarget = (
  gitUrl: string,
  settings: Pick<ReviewSettings, 'forge' | 'forgeApiUrl'>,
): ForgeTargetResult => {
  let url: URL;
  try {
    url = new URL(gitUrl);
  } catch {
    return { ok: false, message: `cannot read a host and path from ${JSON.stringify(gitUrl)}` };
  }
  const saas = SAAS[url.host.toLowerCase()];
  const kind = settings.forge ?? saas?.kind;
  if (!kind) {
    return {
      ok: false,
      message: `cannot tell which forge serves ${url.host}; set the image-automation.io/forge annotation to github or gitlab`,
    };
  }
  const project = decodeURIComponent(url.pathname)
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '');
  const segments = project.split('/').filter(Boolean);
  if (kind === 'github' && segments.length !== 2)
    return { ok: false, message: `${JSON.stringify(gitUrl)} does not name a GitHub owner/repository` };
  if (kind === 'gitlab' && segments.length < 2)
    return { ok: false, message: `${JSON.stringify(gitUrl)} does not name a GitLab group/project` };
  // ssh:// URLs name the host too; the API is HTTPS there.
  const scheme = url.protocol === 'http:' ? 'http:' : 'https:';
  const derived = `${scheme}//${url.host}/api/${kind === 'github' ? 'v3' : 'v4'}`;
  const apiUrl = settings.forgeApiUrl ?? (saas?.kind === kind ? saas.apiUrl : derived);
  return { ok: true, value: { kind, apiUrl: apiUrl.replace(/\/+$/, ''), project: segments.join('/') } };
};
