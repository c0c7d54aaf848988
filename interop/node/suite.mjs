// The independent relying-party suite: openid-client (Node) as the relying party and jose as
// the second library for the ID token, against a running `eidsim serve --clients`; the
// citizen's browser is plain HTTP (browser.mjs). Run by interop/node_test.go, which starts
// serve and sets the EIDSIM_* environment (see rp.mjs); tests named "defect N" check the
// defects of issue 11.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as client from 'openid-client';
import { Browser, Inbox, formID, signIn } from './browser.mjs';
import { env, pool, discover, start, exchange, login, verifyWithJose, forgetKeys, lastAnswer } from './rp.mjs';

let config;
let inbox;
const level1 = pool(env.level1, 'level-1');
const level2 = pool(env.level2, 'level-2');

before(async () => {
  for (const k of ['issuer', 'clientID', 'clientSecret', 'redirectURI', 'operatorToken']) {
    assert.ok(env[k], `EIDSIM_* environment: ${k} is missing`);
  }
  config = await discover();
  inbox = new Inbox(env.issuer, env.operatorToken);
});

/** The OAuth error code of an openid-client failure. */
function oauthError(err) {
  return err?.error ?? err?.cause?.error ?? err?.code;
}

async function raw(path, { method = 'GET', headers = {}, form } = {}) {
  const h = { ...headers };
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(new URL(path, env.issuer), { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

const basic = () => 'Basic ' + Buffer.from(`${encodeURIComponent(env.clientID)}:${encodeURIComponent(env.clientSecret)}`).toString('base64');

test('discovery: endpoints, PKCE S256, code flow', () => {
  const m = config.serverMetadata();
  assert.equal(m.issuer, env.issuer);
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    assert.ok(m[k]?.startsWith(env.issuer + '/'), `${k}: ${m[k]}`);
  }
  assert.ok(m.code_challenge_methods_supported?.includes('S256'));
  assert.ok(m.response_types_supported?.includes('code'));
  assert.ok(m.id_token_signing_alg_values_supported?.includes('RS256'));
  assert.ok(m.grant_types_supported?.includes('refresh_token'));
});

test('defect 6: discovery describes what is served', async () => {
  const m = config.serverMetadata();
  assert.deepEqual([...(m.acr_values_supported ?? [])].sort(), ['LoA1', 'LoA2'], 'acr_values_supported');
  for (const c of ['sub', 'citizen_id', 'level', 'name', 'birthdate', 'gender', 'acr']) {
    assert.ok(m.claims_supported?.includes(c), `claims_supported lacks ${c}: ${m.claims_supported}`);
  }
  for (const c of ['email', 'email_verified', 'phone_number', 'phone_number_verified', 'address']) {
    assert.ok(!m.claims_supported?.includes(c), `claims_supported lists ${c}, never returned`);
  }
  for (const s of ['email', 'phone', 'address']) {
    assert.ok(!m.scopes_supported?.includes(s), `scopes_supported lists ${s}`);
  }
  assert.deepEqual(m.response_types_supported, ['code'], 'response_types_supported');
  assert.ok(!m.grant_types_supported?.includes('implicit'), 'grant_types_supported lists implicit');
  assert.ok(!m.grant_types_supported?.includes('urn:ietf:params:oauth:grant-type:jwt-bearer'), 'jwt-bearer grant advertised');
  assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  if (m.device_authorization_endpoint) {
    const r = await raw(m.device_authorization_endpoint, { method: 'POST', form: { client_id: env.clientID } });
    assert.notEqual(r.status, 404, 'device_authorization_endpoint answers 404');
  }
});

test('code flow at LoA1 (PKCE S256, state, nonce); ID token verified by jose; userinfo', async () => {
  const c = level1();
  const { tokens, claims } = await login(config, inbox, c);
  assert.equal(claims.acr, 'LoA1');
  assert.equal(claims.iss, env.issuer);
  assert.ok(claims.sub);
  const { payload, protectedHeader } = await verifyWithJose(config, tokens.id_token);
  assert.equal(payload.sub, claims.sub);
  assert.ok(protectedHeader.kid, 'the ID token names its key (kid)');
  const ui = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(ui.citizen_id, c.id);
  assert.equal(ui.name, c.name);
  assert.equal(ui.level, 1);
});

test('ES256: discovery advertises it; a client registered for ES256 gets ES256 ID tokens', { skip: !env.es256ClientID && 'no EIDSIM_ES256_CLIENT_ID' }, async () => {
  assert.ok(config.serverMetadata().id_token_signing_alg_values_supported?.includes('ES256'), 'ES256 not advertised');
  const es = await discover({ clientID: env.es256ClientID, alg: 'ES256' });
  let r;
  try {
    r = await login(es, inbox, level1());
  } catch (err) {
    throw new Error(`${err.message}: ${err.cause?.message ?? err.cause ?? ''}`); // openid-client puts the reason in cause
  }
  const { tokens, claims } = r;
  const { protectedHeader } = await verifyWithJose(es, tokens.id_token);
  assert.equal(protectedHeader.alg, 'ES256');
  assert.deepEqual([claims.aud].flat(), [env.es256ClientID]);
});

test('defect 7: token responses carry Cache-Control: no-store', async () => {
  await login(config, inbox, level1());
  const a = lastAnswer(new URL(config.serverMetadata().token_endpoint).pathname);
  assert.ok(a, 'no token answer recorded');
  assert.match(a.headers.get('cache-control') ?? '', /no-store/, `Cache-Control: ${a.headers.get('cache-control')}`);
});

test('acr LoA2 for a level-2 citizen; a level-1 citizen is refused LoA2', async () => {
  const c2 = level2();
  const { tokens, claims } = await login(config, inbox, c2, { acr: 'LoA2' });
  assert.equal(claims.acr, 'LoA2');
  await verifyWithJose(config, tokens.id_token);

  const c1 = level1();
  const attempt = await start(config, { acr: 'LoA2' });
  const si = await signIn(new Browser(env.issuer), inbox, attempt.url, c1);
  await assert.rejects(exchange(config, attempt, si.callback), (err) => {
    assert.equal(oauthError(err), 'unmet_authentication_requirements');
    return true;
  });
});

test('step-up: an LoA1 login, then LoA2 in the same browser', async () => {
  const c2 = level2();
  const first = await login(config, inbox, c2);
  assert.equal(first.claims.acr, 'LoA2', 'a level-2 account signs in at its level');
  const second = await login(config, inbox, c2, { acr: 'LoA2', browser: first.browser });
  assert.equal(second.claims.acr, 'LoA2');
  assert.equal(second.claims.sub, first.claims.sub);
  assert.equal(second.signIn.otpAsked, false, 'the bound browser needs no second OTP');
});

test('defect 7: an unknown acr_values (LoA3) is refused, not served as LoA1', async () => {
  const c = level1();
  const attempt = await start(config, { acr: 'LoA3' });
  const b = new Browser(env.issuer);
  const page = await b.follow(attempt.url);
  if (page.leftFor) {
    assert.ok(page.leftFor.searchParams.get('error'), `sent back without an error: ${page.leftFor}`);
    return;
  }
  if (!/name="id"/.test(page.text)) {
    assert.ok(page.status >= 400, `no login form and status ${page.status}`);
    return;
  }
  const si = await signIn(b, inbox, attempt.url, c);
  const err = si.callback.searchParams.get('error');
  assert.ok(err, `a code was issued for acr_values=LoA3 (callback ${si.callback.pathname}?${[...si.callback.searchParams.keys()]})`);
});

test('refresh: rotation, ID token with acr, reuse refused', async () => {
  const { tokens } = await login(config, inbox, level1());
  const r1 = tokens.refresh_token;
  assert.ok(r1, 'a refresh token is issued');
  const t2 = await client.refreshTokenGrant(config, r1);
  assert.ok(t2.refresh_token && t2.refresh_token !== r1, 'the refresh token rotates');
  await client.fetchUserInfo(config, t2.access_token, client.skipSubjectCheck);
  await assert.rejects(client.refreshTokenGrant(config, r1), (err) => {
    assert.equal(oauthError(err), 'invalid_grant');
    return true;
  });
});

test('defect 7: refreshed ID tokens carry acr', async () => {
  const { tokens, claims } = await login(config, inbox, level1());
  const t2 = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(t2.id_token, 'the refresh answer has an ID token');
  const c2 = t2.claims();
  assert.equal(c2.sub, claims.sub);
  assert.equal(c2.acr, 'LoA1', 'acr of the refreshed ID token');
});

test('defect 7: refresh-token reuse revokes the family (RFC 9700 §4.14.2)', async () => {
  const { tokens } = await login(config, inbox, level1());
  const t2 = await client.refreshTokenGrant(config, tokens.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token));
  await assert.rejects(client.refreshTokenGrant(config, t2.refresh_token), 'after a replay the current refresh token still works');
});

test('code replay refused', async () => {
  const attempt = await start(config);
  const si = await signIn(new Browser(env.issuer), inbox, attempt.url, level1());
  await exchange(config, attempt, si.callback);
  await assert.rejects(exchange(config, attempt, si.callback), (err) => {
    assert.equal(oauthError(err), 'invalid_grant');
    return true;
  });
});

test('defect 7: a replayed code revokes the tokens issued from it', async () => {
  const attempt = await start(config);
  const si = await signIn(new Browser(env.issuer), inbox, attempt.url, level1());
  const tokens = await exchange(config, attempt, si.callback);
  await assert.rejects(exchange(config, attempt, si.callback));
  await assert.rejects(client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck), 'the access token still works');
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), 'the refresh token still works');
});

test('defect 1: the sign-in link does not work in another browser', async () => {
  const attempt = await start(config);
  const victim = new Browser(env.issuer);
  const page = await victim.follow(attempt.url);
  const id = formID(page);
  const attacker = new Browser(env.issuer);
  const other = await attacker.request(`/oidc/login?id=${encodeURIComponent(id)}`);
  assert.ok(!/name="id" value=/.test(other.text), `another browser got the login form (status ${other.status})`);
});

test('defect 1: the callback replayed from another browser (or again) mints no code', async () => {
  const attempt = await start(config);
  const victim = new Browser(env.issuer);
  const si = await signIn(victim, inbox, attempt.url, level1());
  assert.ok(si.callbackPath, 'the login went through the provider callback');
  assert.ok(si.callback.searchParams.get('code'));
  for (const [who, b] of [['another browser', new Browser(env.issuer)], ['the same browser again', victim]]) {
    const replay = await b.follow(si.callbackPath);
    const code = replay.leftFor?.searchParams.get('code');
    assert.ok(!code, `${who} replaying ${si.callbackPath.pathname} got a fresh code`);
  }
});

test('defect 3: a planted device cookie (the app device_id) does not skip the OTP', async () => {
  const c = level1();
  const b = new Browser(env.issuer);
  b.cookies.set('eidsim_device', c.device);
  const attempt = await start(config);
  const si = await signIn(b, inbox, attempt.url, c);
  assert.equal(si.otpAsked, true, 'the planted cookie was trusted as the bound device');
});

test('defect 3: a web login does not unbind the phone app', async () => {
  const c = level1();
  await login(config, inbox, c); // a new browser: an OTP, then a web binding
  const res = await fetch(new URL('/v1/sessions', env.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ citizen_id: c.id, password: c.password, device_id: c.device }),
  });
  const body = await res.text();
  assert.ok(res.status < 300 && res.status !== 202 && /"access_token"/.test(body), `the app's own device got ${res.status}: ${body}`);
});

test('defect 7: 401s carry WWW-Authenticate (RFC 6750 §3, RFC 6749 §5.2)', async () => {
  const ui = await raw(config.serverMetadata().userinfo_endpoint, { headers: { authorization: 'Bearer not-a-token' } });
  assert.equal(ui.status, 401);
  assert.match(ui.headers.get('www-authenticate') ?? '', /^Bearer\b.*invalid_token/i, `userinfo: ${ui.headers.get('www-authenticate')}`);
  const tok = await raw(config.serverMetadata().token_endpoint, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`${env.clientID}:wrong-secret`).toString('base64') },
    form: { grant_type: 'refresh_token', refresh_token: 'x' },
  });
  assert.equal(tok.status, 401);
  assert.equal(tok.json?.error, 'invalid_client');
  assert.match(tok.headers.get('www-authenticate') ?? '', /^Basic\b/i, `token: ${tok.headers.get('www-authenticate')}`);
});

test('defect 7: a revoked access token gets 401 invalid_token at userinfo', async () => {
  const { tokens } = await login(config, inbox, level1());
  await client.tokenRevocation(config, tokens.access_token);
  const ui = await raw(config.serverMetadata().userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(ui.status, 401, ui.text);
  assert.match(ui.headers.get('www-authenticate') ?? '', /invalid_token/);
});

test('defect 7: code_challenge_method=plain is refused', async () => {
  const verifier = client.randomPKCECodeVerifier();
  const attempt = await start(config, { extra: { code_challenge: verifier, code_challenge_method: 'plain' } });
  const page = await new Browser(env.issuer).follow(attempt.url);
  if (page.leftFor) {
    assert.ok(page.leftFor.searchParams.get('error'), `sent back without an error: ${page.leftFor}`);
  } else {
    assert.ok(!/name="id" value=/.test(page.text), 'the login form was shown for a plain challenge');
  }
});

test('defect 7: a 3-character code_verifier is refused (RFC 7636: 43–128)', async () => {
  const verifier = 'abc';
  const attempt = await start(config, {
    extra: { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
  });
  const b = new Browser(env.issuer);
  const page = await b.follow(attempt.url);
  if (page.leftFor || !/name="id"/.test(page.text)) return; // refused at the authorization endpoint
  const si = await signIn(b, inbox, attempt.url, level1());
  const code = si.callback.searchParams.get('code');
  if (!code) return;
  const tok = await raw(config.serverMetadata().token_endpoint, {
    method: 'POST',
    headers: { authorization: basic() },
    form: { grant_type: 'authorization_code', code, redirect_uri: env.redirectURI, code_verifier: verifier },
  });
  assert.equal(tok.status, 400, `a 3-character verifier was accepted: ${tok.text}`);
});

test('defect 5: the issuer does not follow the Host header', async () => {
  const u = new URL('/.well-known/openid-configuration', env.issuer);
  const body = await new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host: 'evil.example' } }, (res) => {
      let s = '';
      res.on('data', (d) => (s += d));
      res.on('end', () => resolve({ status: res.statusCode, text: s }));
    });
    req.on('error', reject);
    req.end();
  });
  if (body.status === 200) {
    assert.equal(JSON.parse(body.text).issuer, env.issuer);
  } else {
    assert.ok(body.status >= 400 && body.status < 500, `status ${body.status}`);
  }
});

test('defect 7: login pages send X-Content-Type-Options: nosniff', async () => {
  const attempt = await start(config);
  const page = await new Browser(env.issuer).follow(attempt.url);
  formID(page);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
});

test('defects 2, 4, 8: after a restart sub, keys, access and refresh tokens still hold', { skip: !env.restartURL && 'no EIDSIM_RESTART_URL' }, async () => {
  const c = level1();
  const before = await login(config, inbox, c);
  const res = await fetch(env.restartURL, { method: 'POST' });
  assert.equal(res.status, 200, `restart: ${await res.text()}`);
  forgetKeys();
  config = await discover();
  const errors = [];
  const attempt = async (what, fn) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${err.message}${err.error ? ` (${err.error}: ${err.error_description})` : ''}`);
    }
  };
  await attempt('defect 4: the old ID token verifies against the new JWKS', () => verifyWithJose(config, before.tokens.id_token));
  await attempt('defect 8: the old access token works at userinfo', () =>
    client.fetchUserInfo(config, before.tokens.access_token, before.claims.sub));
  await attempt('defect 8: the old refresh token works', () => client.refreshTokenGrant(config, before.tokens.refresh_token));
  await attempt('defect 2: sub is stable', async () => {
    const after = await login(config, inbox, c, { browser: before.browser });
    assert.equal(after.claims.sub, before.claims.sub);
  });
  assert.deepEqual(errors, []);
});
