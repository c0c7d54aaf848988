package oidc

import (
	"encoding/json"
	"net/http"
)

// Discovery is the provider's OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3),
// generated from what the provider serves rather than from the library's defaults: only the
// code flow with PKCE S256, the two grants it answers, the scopes and claims it returns, the
// acr values it knows and the client authentication it enforces.
type Discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	ACRValuesSupported                []string `json:"acr_values_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	RevocationAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	ClaimsParameterSupported          bool     `json:"claims_parameter_supported"`
	RequestParameterSupported         bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	UILocalesSupported                []string `json:"ui_locales_supported"`
}

// ClaimsSupported are the claims of the ID token and of userinfo: the registered JWT claims,
// the authentication's (auth_time, nonce, acr, amr, at_hash, c_hash, azp, client_id), and the citizen's
// (citizen_id and level with openid; name, birthdate and gender with profile).
var ClaimsSupported = []string{
	"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash",
	"client_id", "citizen_id", "level", "name", "birthdate", "gender",
}

// discovery returns the metadata of the provider.
func (p *Provider) discovery() Discovery {
	iss := p.issuer
	methods := []string{"client_secret_basic", "client_secret_post", "none"}
	return Discovery{
		Issuer:                            iss,
		AuthorizationEndpoint:             iss + "/oidc/authorize",
		TokenEndpoint:                     iss + "/oidc/token",
		UserinfoEndpoint:                  iss + "/oidc/userinfo",
		JWKSURI:                           iss + "/oidc/keys",
		EndSessionEndpoint:                iss + "/oidc/end_session",
		RevocationEndpoint:                iss + "/oidc/revoke",
		IntrospectionEndpoint:             iss + "/oidc/introspect",
		ScopesSupported:                   []string{"openid", "profile", "offline_access"},
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		ACRValuesSupported:                []string{ACRLoA1, ACRLoA2},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  Algorithms,
		TokenEndpointAuthMethodsSupported: methods,
		RevocationAuthMethodsSupported:    methods[:2],
		IntrospectionAuthMethodsSupported: methods[:2],
		CodeChallengeMethodsSupported:     []string{"S256"},
		ClaimsSupported:                   ClaimsSupported,
		UILocalesSupported:                []string{"vi", "en"},
	}
}

func (p *Provider) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(p.discovery())
}
