import { AuthError } from '../../domain/errors.ts';
import type { ForgeAuth, ForgeCredential } from '../../ports/forge.ts';
import {
  type ForgeHttpSettings,
  type ForgeRequest,
  type ForgeResponse,
  sendForgeRequest,
} from './forge-http.ts';

/**
 * Sends `request` with the credential's header; on a 401 with a renewable credential (GitHub App
 * installation token: revoked, or expired before its `expires_at`), renews it and sends once more.
 */
export const authorizedRequest = async (
  settings: ForgeHttpSettings,
  auth: ForgeAuth,
  header: (credential: ForgeCredential) => Readonly<Record<string, string>>,
  request: ForgeRequest,
): Promise<ForgeResponse> => {
  const send = async (renew: boolean) =>
    sendForgeRequest(settings, {
      ...request,
      headers: { ...request.headers, ...header(await auth.credential({ renew })) },
    });
  try {
    return await send(false);
  } catch (error) {
    if (!(error instanceof AuthError) || error.data.status !== 401 || !auth.renewable) throw error;
    return send(true);
  }
};
