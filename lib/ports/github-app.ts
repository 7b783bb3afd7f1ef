/**
 * GitHub App authentication (Flux GitRepository `provider: github`, Secret keys `githubAppID`,
 * `githubAppInstallationID`, `githubAppPrivateKey`, optional `githubAppBaseURL`): the app signs a
 * short-lived JWT and exchanges it for an installation access token, which authenticates clone, push
 * (Basic `x-access-token:<token>`) and the REST API (Bearer).
 */
export interface GitHubAppCredentials {
  readonly appId: string;
  /**
   * The installation, or undefined (Flux 2.9: `githubAppInstallationID` may be left out): then the
   * installation of the app on `owner`'s account is looked up, and cached with its token.
   */
  readonly installationId?: string;
  /** The repository owner (user or organisation) whose installation is looked up. */
  readonly owner?: string;
  /** PEM (PKCS#1 or PKCS#8) RSA private key of the app. */
  readonly privateKey: string;
  /** API base, `https://api.github.com` by default; `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly baseUrl?: string;
}

export interface GitHubAppTokenSource {
  /**
   * An installation access token, from the cache while it has more than a margin left. `renew`
   * skips the cache: after a 401 the token was revoked or expired early.
   */
  installationToken(app: GitHubAppCredentials, options?: { readonly renew?: boolean }): Promise<string>;
}
