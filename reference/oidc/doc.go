// Package oidc is the OpenID Connect provider of the reference service: "login with VNeID"
// for relying parties (public-service portals, banks), built on zitadel/oidc's op package.
//
// Endpoints (issuer = the service's base URL):
//
//	GET  /.well-known/openid-configuration   discovery
//	GET  /oidc/keys                          JWKS (RS256)
//	GET  /oidc/authorize                     authorization code flow (PKCE S256 or plain)
//	POST /oidc/token                         code and refresh_token grants
//	GET  /oidc/userinfo                      claims of the access token's citizen
//	GET  /oidc/end_session                   RP-initiated logout
//	POST /oidc/revoke, /oidc/introspect      RFC 7009 / RFC 7662
//	GET  /oidc/login?id=…                    the login page (HTML): citizen ID + password,
//	                                         then the SMS OTP when the browser is a new device
//
// Logins go through the same domain flows as the app (reference.API Login and VerifyLogin):
// the same password hashing, lockout, device binding and OTP challenges. The browser is the
// device: its id lives in the eidsim_device cookie, so the first login from a browser asks for
// the OTP sent to the account's phone and binds that browser.
//
// Levels of assurance: acr_values LoA1 and LoA2 name the account level a relying party
// requires (see ACR). When several values are given the lowest listed level is required;
// unknown values are ignored; none means LoA1. A citizen whose account level is below the
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
// Provider state — pending authorization requests, codes, access and refresh tokens and the
// signing key — lives in a State. MemoryState, the only implementation here, keeps it in the
// process: it is lost on restart and is not shared between several service instances behind a
// load balancer (citizens, accounts and OTP challenges are in the reference Store and are).
// A code is valid for CodeTTL and for one exchange; a second exchange of a code is refused.
//
// Clients (relying parties) are registered from a YAML or JSON file (LoadClients).
//
// Test hooks for relying-party checks (Provider.Tamper) make the provider misbehave on one
// authorization request: an expired code, a wrong nonce in the ID token, an error instead of
// a code, a slow token endpoint.
package oidc
