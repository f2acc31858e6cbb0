import { failForStatus, parseJson, type HttpClient } from '../../http/client.js';
import { AuthError, MalformedResponseError } from '../../http/errors.js';
import { describeIssues } from '../../mention.js';
import type { IssuedToken } from '../shared/tokens.js';
import { problemMessage, WireOAuthToken } from './wire.js';

/** Scopes of the user-context token: replies need it, and reads when there is no app bearer token. */
const USER_SCOPES = 'tweet.read tweet.write users.read offline.access';

interface TokenEnv {
  http: HttpClient;
  api: string;
  sourceId: string;
  options: { clientSecret?: string | undefined; timeoutMs: number };
}

export function userHint(sourceId: string): string {
  return `authorize the X app again (OAuth 2.0 with scopes ${USER_SCOPES}) and set the new refresh token in options.refreshToken of source "${sourceId}"`;
}

/** X rotates refresh tokens: the configured one seeds the first token, later ones are kept in the source KV. */
export function userTokenSource(
  env: TokenEnv,
  clientId: string,
  seed: string,
): { issue(): Promise<IssuedToken>; refresh(token: string): Promise<IssuedToken> } {
  const exchange = async (refreshToken: string): Promise<IssuedToken> => {
    const secret = env.options.clientSecret;
    const res = await env.http.send({
      method: 'POST',
      url: `${env.api}/2/oauth2/token`,
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
      headers: secret ? { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` } : {},
      timeoutMs: env.options.timeoutMs,
    });
    if (res.status === 400 || res.status === 401)
      throw new AuthError(`X refused the refresh token (HTTP ${res.status} ${problemMessage(res)}): ${userHint(env.sourceId)}`, res.status);
    if (res.status < 200 || res.status >= 300) failForStatus(res, problemMessage(res));
    const token = WireOAuthToken.safeParse(parseJson(res));
    if (!token.success) throw new MalformedResponseError(`${res.url}: unexpected token response (${describeIssues(token.error)})`);
    return {
      accessToken: token.data.access_token,
      refreshToken: token.data.refresh_token,
      expiresAt: Date.now() + token.data.expires_in * 1000,
    };
  };
  return { issue: () => exchange(seed), refresh: exchange };
}
