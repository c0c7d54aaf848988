// Package oidc is the OpenID Connect provider of the reference service: "login with VNeID"
// for relying parties (public-service portals, banks), built on zitadel/oidc's op package.
//
// Endpoints (issuer = Config.Issuer, fixed: never taken from the Host header):
//
//	GET  /.well-known/openid-configuration   discovery, generated from what is served (Discovery)
//	GET  /oidc/keys                          JWKS: the active RS256 and ES256 keys and, for
//	                                         KeyOverlap, rotated-out ones (Provider.RotateKey)
//	GET  /oidc/authorize                     authorization code flow (PKCE S256 only); sets the
//	                                         LoginCookie that binds the login to the browser
//	POST /oidc/token                         code and refresh_token grants
//	GET  /oidc/userinfo                      claims of the access token's citizen
//	GET  /oidc/end_session                   RP-initiated logout
//	POST /oidc/revoke, /oidc/introspect      RFC 7009 / RFC 7662
//	GET  /oidc/login?id=…                    the login page (HTML), only in the browser that
//	                                         started the request: citizen ID + password, then
//	                                         the SMS OTP when the browser is not bound yet
//
// Logins go through the reference service's web login (reference.Service WebLogin and
// VerifyWebLogin): the same password check and lockout as the app's Login, and the same SMS
// OTP, but a browser is bound on its own record, never as the account's app device. Its
// credential is the DeviceCookie the provider sets, issued by the service and replaced at
// every login; a value it did not issue is a new browser.
//
// Levels of assurance: acr_values LoA1 and LoA2 name the account level a relying party
// requires (see ACR). When several values are given the lowest known level is required;
// unknown values beside a known one are ignored; only unknown values are refused at authorize
// (checkACRValues); none means LoA1. A citizen whose account level is below the
// requirement is sent back to the relying party with error=unmet_authentication_requirements
// (OpenID Connect Core Error Code unmet_authentication_requirements 1.0) and an
// error_description naming both levels, after a successful password (and OTP) check, so the
// refusal never reveals the level of an account to someone who cannot sign in to it. The ID
// token's acr is the level the account has (LoA1 or LoA2).
//
// Claims (ID token and userinfo): sub (a stable pseudonym: a keyed hash of the citizen ID),
// citizen_id (12 digits), name, birthdate (YYYY-MM-DD), gender, level (1 or 2), and acr/amr in
// the ID token. citizen_id and level come with the openid scope, name, birthdate and gender
// with profile.
//
// Provider state — pending authorization requests, codes, access and refresh tokens, the
// signing keys — lives in the reference Store through reference.ProviderTx (Config.Store),
// with the subject key and the access-token key among the store's keys: a restart keeps sub,
// the JWKS and every issued token, and several providers on one store serve the same logins.
// A code is valid for CodeTTL and for one exchange; a second exchange revokes the tokens
// issued from it (RFC 6749 §4.1.2). A refresh token is good for one rotation; reusing a rotated
// one revokes its family (RFC 9700 §4.14.2).
//
// Clients (relying parties) are registered from a YAML or JSON file (LoadClients).
//
// Test hooks for relying-party checks (Provider.Tamper) make the provider misbehave on one
// authorization request: an expired code, a wrong nonce in the ID token, an error instead of
// a code, a slow token endpoint.
package oidc
