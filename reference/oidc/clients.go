package oidc

import (
	"bytes"
	"fmt"
	"github.com/eidsim/eidsim/internal/yamlerr"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"gopkg.in/yaml.v3"
)

// ClientConfig registers one relying party.
type ClientConfig struct {
	// ID is the client_id.
	ID string `json:"client_id" yaml:"client_id"`
	// Secret is the client secret of a confidential client; empty for a public client
	// (which must then use PKCE).
	Secret string `json:"client_secret" yaml:"client_secret"`
	// Name is shown on the login page.
	Name string `json:"name" yaml:"name"`
	// RedirectURIs are the exact callback URLs the client may use.
	RedirectURIs []string `json:"redirect_uris" yaml:"redirect_uris"`
	// PostLogoutRedirectURIs are where end_session may send the browser afterwards.
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris" yaml:"post_logout_redirect_uris"`
	// AuthMethod is client_secret_basic (default for a confidential client),
	// client_secret_post, or none (public client).
	AuthMethod string `json:"token_endpoint_auth_method" yaml:"token_endpoint_auth_method"`
	// RequirePKCE refuses authorization requests without a code_challenge (always true for
	// public clients).
	RequirePKCE bool `json:"require_pkce" yaml:"require_pkce"`
	// IDTokenAlg is the ID token's signing algorithm: RS256 (default, the one every relying
	// party must support) or ES256.
	IDTokenAlg string `json:"id_token_signed_response_alg" yaml:"id_token_signed_response_alg"`
}

// ClientsFile is the file format: {"clients": [...]}.
type ClientsFile struct {
	Clients []ClientConfig `json:"clients" yaml:"clients"`
}

// LoadClients reads a clients file (YAML, of which JSON is a subset). Unknown fields are
// refused; errors name the file and the client.
func LoadClients(path string) ([]ClientConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("clients file: %w", err)
	}
	var f ClientsFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		pr := yamlerr.Describe(err)
		switch {
		case pr.Line > 0 && pr.Field != "":
			return nil, fmt.Errorf("%s:%d: field %s: %s", path, pr.Line, pr.Field, pr.Msg)
		case pr.Line > 0:
			return nil, fmt.Errorf("%s:%d: %s", path, pr.Line, pr.Msg)
		}
		return nil, fmt.Errorf("%s: %s", path, pr.Msg)
	}
	if len(f.Clients) == 0 {
		return nil, fmt.Errorf("%s: clients: at least one client is required", path)
	}
	seen := map[string]bool{}
	for i, c := range f.Clients {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s: clients[%d]: %w", path, i, err)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("%s: clients[%d]: client_id %q registered twice", path, i, c.ID)
		}
		seen[c.ID] = true
	}
	return f.Clients, nil
}

// Validate reports the first invalid field.
func (c ClientConfig) Validate() error {
	if c.ID == "" {
		return fmt.Errorf("client_id: required")
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("client %q: redirect_uris: at least one is required", c.ID)
	}
	for _, u := range append(slices.Clone(c.RedirectURIs), c.PostLogoutRedirectURIs...) {
		p, err := url.Parse(u)
		if err != nil || p.Scheme == "" || p.Host == "" || p.Fragment != "" {
			return fmt.Errorf("client %q: %q is not an absolute URL without a fragment", c.ID, u)
		}
	}
	switch c.AuthMethod {
	case "", "client_secret_basic", "client_secret_post":
		if c.Secret == "" && c.AuthMethod != "" {
			return fmt.Errorf("client %q: token_endpoint_auth_method %s needs a client_secret", c.ID, c.AuthMethod)
		}
	case "none":
		if c.Secret != "" {
			return fmt.Errorf("client %q: a public client (token_endpoint_auth_method none) has no client_secret", c.ID)
		}
	default:
		return fmt.Errorf("client %q: token_endpoint_auth_method: %q is not client_secret_basic, client_secret_post or none", c.ID, c.AuthMethod)
	}
	switch c.IDTokenAlg {
	case "", AlgRS256, AlgES256:
	default:
		return fmt.Errorf("client %q: id_token_signed_response_alg: %q is not RS256 or ES256", c.ID, c.IDTokenAlg)
	}
	return nil
}

// public reports whether the client has no secret.
func (c ClientConfig) public() bool { return c.Secret == "" }

// alg is the client's ID-token signing algorithm.
func (c ClientConfig) alg() string {
	if c.IDTokenAlg == "" {
		return AlgRS256
	}
	return c.IDTokenAlg
}

// authMethod is the registered token_endpoint_auth_method.
func (c ClientConfig) authMethod() string {
	switch {
	case c.public():
		return "none"
	case c.AuthMethod == "":
		return "client_secret_basic"
	}
	return c.AuthMethod
}

// client is a registered relying party as op.Client.
type client struct {
	cfg      ClientConfig
	loginURL func(id string) string
	skew     func() time.Duration
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                    { return c.cfg.ID }
func (c *client) RedirectURIs() []string           { return c.cfg.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return c.cfg.PostLogoutRedirectURIs }

// ApplicationType is web for every client: a public client is a web application without a
// secret (token_endpoint_auth_method none, PKCE required), and http redirect URIs are allowed
// because relying parties under test run on plain-HTTP test hosts.
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod {
	switch {
	case c.cfg.public():
		return oidc.AuthMethodNone
	case c.cfg.AuthMethod == "client_secret_post":
		return oidc.AuthMethodPost
	default:
		return oidc.AuthMethodBasic
	}
}
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *client) LoginURL(id string) string           { return c.loginURL(id) }
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }

// IDTokenLifetime is IDTokenTTL, lengthened by twice the clock skew so that, with ClockSkew,
// exp moves by the skew as iat does.
func (c *client) IDTokenLifetime() time.Duration { return IDTokenTTL + 2*c.skewNow() }
func (c *client) DevMode() bool                  { return false }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed refuses scopes beyond the standard ones (openid, profile, offline_access…).
func (c *client) IsScopeAllowed(scope string) bool { return false }

// IDTokenUserinfoClaimsAssertion puts the userinfo claims into the ID token as well, so a
// relying party needs no userinfo call to read the citizen ID and level.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

// ClockSkew is minus the provider's injected clock skew: the library subtracts it from iat
// and auth_time and adds it to exp.
func (c *client) ClockSkew() time.Duration { return -c.skewNow() }

// skewNow is the injected skew, bounded so that an ID token stays valid for at least a minute.
func (c *client) skewNow() time.Duration {
	if c.skew == nil {
		return 0
	}
	limit := (IDTokenTTL - time.Minute) / 2
	return max(-limit, min(limit, c.skew()))
}
