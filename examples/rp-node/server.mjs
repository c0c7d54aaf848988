// A sample relying party for "login with VNeID" against eidsim: node:http and openid-client
// (the authorization code flow with PKCE S256, state and nonce; openid-client checks the ID
// token's iss, aud, exp and nonce; this app verifies its signature with jose against the
// provider's JWKS — openid-client trusts the token endpoint's TLS for that — and its acr). Pages: GET / (links), GET
// /start[?acr=LoA2], GET /callback (greets the citizen: <p id="welcome">NAME CITIZEN_ID ACR</p>,
// or refuses with <p id="refused">…</p> and 401).
//
// Environment: RP_ISSUER (http://127.0.0.1:8090), RP_CLIENT_ID (vendor-rp), RP_CLIENT_SECRET
// (vendor-secret), RP_ADDR (127.0.0.1:9001), RP_CARELESS: comma-separated checks to leave
// out — state, pkce, acr (openid-client itself always checks iss and nonce).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import * as jose from 'jose';

const issuer = process.env.RP_ISSUER ?? 'http://127.0.0.1:8090';
const clientID = process.env.RP_CLIENT_ID ?? 'vendor-rp';
const clientSecret = process.env.RP_CLIENT_SECRET ?? 'vendor-secret';
const [host, port] = (process.env.RP_ADDR ?? '127.0.0.1:9001').split(/:(?=\d+$)/);
const careless = new Set((process.env.RP_CARELESS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
for (const c of careless) {
  if (!['state', 'pkce', 'acr'].includes(c)) {
    console.error(`rp-node: RP_CARELESS: "${c}" is not one of state, pkce, acr`);
    process.exit(2);
  }
}

let base;
let config; // discovered on the first login (the provider may start after this app)
let jwks; // the provider's key set; jose fetches it again for a key it does not know
const sessions = new Map(); // cookie → login attempt

async function provider() {
  config ??= await client.discovery(new URL(issuer), clientID, undefined, client.ClientSecretBasic(clientSecret), {
    execute: issuer.startsWith('http:') ? [client.allowInsecureRequests] : [],
  });
  // cooldownDuration 0: fetch the key set again as soon as an ID token names an unknown key (a
  // key rotation); jose's default waits 30 s between fetches, failing logins meanwhile.
  jwks ??= jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri), { cooldownDuration: 0 });
  return config;
}

function page(res, status, html, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(`<!doctype html><html><body>${html}</body></html>`);
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const refuse = (res, status, msg) => page(res, status, `<p id="refused">${esc(msg)}</p>`);

async function start(req, res, url) {
  const acr = url.searchParams.get('acr') ?? '';
  if (acr && acr !== 'LoA1' && acr !== 'LoA2') return refuse(res, 400, 'acr: want LoA1 or LoA2');
  const cfg = await provider();
  const s = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), acr, at: Date.now() };
  const params = { redirect_uri: `${base}/callback`, scope: 'openid profile', state: s.state, nonce: s.nonce };
  if (!careless.has('pkce')) {
    params.code_challenge = await client.calculatePKCECodeChallenge(s.verifier);
    params.code_challenge_method = 'S256';
  }
  if (acr) params.acr_values = acr;
  const id = randomBytes(16).toString('hex');
  for (const [k, v] of sessions) if (Date.now() - v.at > 15 * 60 * 1000) sessions.delete(k);
  sessions.set(id, s);
  res.writeHead(302, {
    location: client.buildAuthorizationUrl(cfg, params).href,
    'set-cookie': `rp_node_session=${id}; Path=/; HttpOnly; SameSite=Lax`,
  });
  res.end();
}

async function callback(req, res, url) {
  const id = /(?:^|;\s*)rp_node_session=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
  const s = id && sessions.get(id);
  if (!s) return refuse(res, 401, 'no login in progress in this browser');
  sessions.delete(id); // one callback per login attempt
  const cfg = await provider();
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(cfg, url, {
      pkceCodeVerifier: careless.has('pkce') ? undefined : s.verifier,
      expectedState: careless.has('state') ? client.skipStateCheck : s.state,
      expectedNonce: s.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    return refuse(res, 401, `login refused: ${err.error ?? err.code ?? ''} ${err.error_description ?? err.message}`);
  }
  const c = tokens.claims();
  try {
    await jose.jwtVerify(tokens.id_token, jwks, { issuer: cfg.serverMetadata().issuer, audience: clientID, algorithms: ['RS256', 'ES256'] });
  } catch (err) {
    return refuse(res, 401, `ID token rejected: ${err.code ?? ''} ${err.message}`);
  }
  if (!careless.has('acr') && s.acr && !(c.acr >= s.acr)) {
    return refuse(res, 401, `ID token rejected: acr ${c.acr} is below the requested ${s.acr}`);
  }
  page(res, 200, `<p id="welcome">${esc(`${c.name} ${c.citizen_id} ${c.acr}`)}</p><p><a href="/">home</a></p>`);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (req.method !== 'GET') return refuse(res, 405, 'GET only');
    if (url.pathname === '/') {
      return page(res, 200, '<h1>rp-node</h1><p><a href="/start">Đăng nhập bằng VNeID (LoA1)</a> · <a href="/start?acr=LoA2">LoA2</a></p>');
    }
    if (url.pathname === '/start') return await start(req, res, url);
    if (url.pathname === '/callback') return await callback(req, res, url);
    refuse(res, 404, 'not found');
  } catch (err) {
    config = jwks = undefined; // discover again next time (the provider may have been down)
    refuse(res, 502, `provider unreachable: ${err.message}`);
  }
});

server.listen(Number(port), host, () => {
  const a = server.address();
  base = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  console.error(`rp-node listening on ${base} (callback ${base}/callback, issuer ${issuer}, careless ${[...careless].join(',') || 'none'})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
