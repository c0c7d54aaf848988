// The relying party of the suite: openid-client for the protocol, jose (a second library) for
// the ID token's signature against the provider's JWKS, and a recorder of the provider's
// answers (headers included) so the suite can check what the library does not show.
import * as client from 'openid-client';
import * as jose from 'jose';
import { Browser, signIn } from './browser.mjs';

export const env = {
  issuer: process.env.EIDSIM_ISSUER,
  clientID: process.env.EIDSIM_CLIENT_ID,
  clientSecret: process.env.EIDSIM_CLIENT_SECRET,
  // A client registered with id_token_signed_response_alg ES256 (same secret and redirect URI).
  es256ClientID: process.env.EIDSIM_ES256_CLIENT_ID,
  redirectURI: process.env.EIDSIM_REDIRECT_URI,
  operatorToken: process.env.EIDSIM_OPERATOR_TOKEN,
  restartURL: process.env.EIDSIM_RESTART_URL,
  level1: JSON.parse(process.env.EIDSIM_LEVEL1 ?? '[]'),
  level2: JSON.parse(process.env.EIDSIM_LEVEL2 ?? '[]'),
};

/** Takes citizens from a pool, one per use, so no phone reaches the OTP send limit. */
export function pool(list, name) {
  let next = 0;
  return () => {
    if (next >= list.length) throw new Error(`the ${name} pool is used up (${list.length} citizens)`);
    return list[next++];
  };
}

/** The last answers of the provider to the relying party, newest last. */
export const answers = [];

async function recordingFetch(url, options) {
  const res = await fetch(url, options);
  answers.push({ url: String(url), status: res.status, headers: res.headers });
  if (answers.length > 50) answers.shift();
  return res;
}

/** The last recorded answer from an endpoint path. */
export function lastAnswer(path) {
  for (let i = answers.length - 1; i >= 0; i--) if (new URL(answers[i].url).pathname === path) return answers[i];
  return undefined;
}

/** Discovers the provider with openid-client (client_secret_basic) for a client. */
export async function discover({ clientID = env.clientID, alg = 'RS256' } = {}) {
  const config = await client.discovery(
    new URL(env.issuer),
    clientID,
    { redirect_uris: [env.redirectURI], id_token_signed_response_alg: alg },
    client.ClientSecretBasic(env.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
  config[client.customFetch] = recordingFetch;
  return config;
}

/** A login attempt: the RP's checks (PKCE S256, state, nonce) and the authorization URL. */
export async function start(config, { acr, extra = {} } = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const params = {
    redirect_uri: env.redirectURI,
    scope: 'openid profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
    ...extra,
  };
  if (acr) params.acr_values = acr;
  return { verifier, state: params.state, nonce: params.nonce, url: client.buildAuthorizationUrl(config, params) };
}

/** Exchanges the callback with every check of openid-client. */
export function exchange(config, attempt, callback) {
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: attempt.verifier,
    expectedState: attempt.state,
    expectedNonce: attempt.nonce,
    idTokenExpected: true,
  });
}

/** A whole login of citizen in browser (a new one when not given). */
export async function login(config, inbox, citizen, { acr, browser } = {}) {
  const b = browser ?? new Browser(env.issuer);
  const attempt = await start(config, { acr });
  const si = await signIn(b, inbox, attempt.url, citizen);
  const tokens = await exchange(config, attempt, si.callback);
  return { tokens, claims: tokens.claims(), browser: b, signIn: si, attempt };
}

let jwks;

/** Verifies an ID token with jose against the provider's JWKS (issuer, audience, expiry). */
export async function verifyWithJose(config, idToken) {
  jwks ??= jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const { payload, protectedHeader } = await jose.jwtVerify(idToken, jwks, {
    issuer: env.issuer,
    audience: config.clientMetadata().client_id,
    algorithms: ['RS256', 'ES256'],
  });
  return { payload, protectedHeader };
}

/** Forgets the cached JWKS (after a restart of the provider). */
export function forgetKeys() {
  jwks = undefined;
}
