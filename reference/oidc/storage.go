package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/eidsim/eidsim/reference"
)

// storage implements op.Storage on the state in the store, the client registry, the signing
// keys and the accounts.
type storage struct {
	state    *state
	clients  map[string]*client
	accounts Accounts
	keys     *keyring
	subKey   []byte
	now      func() time.Time
}

// ctxKey keys the request context values of the provider.
type ctxKey int

// clientKey is the client_id of a token request (set by the token endpoint's guard), which
// chooses the ID token's signing algorithm.
const clientKey ctxKey = 0

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*storage)(nil)
	_ op.CanTerminateSessionFromRequest = (*storage)(nil)
)

// subject is the stable pseudonym of a citizen: a keyed hash of the citizen ID.
func (s *storage) subject(citizenID string) string {
	m := hmac.New(sha256.New, s.subKey)
	m.Write([]byte(citizenID))
	sub := "vn" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:20]))
	return sub
}

// op.AuthRequest on *AuthRequest.

func (a *AuthRequest) GetID() string { return a.ID }

// GetACR is the level the account has, as LoA1 or LoA2.
func (a *AuthRequest) GetACR() string {
	if a.Level == 0 {
		return ""
	}
	return ACROfLevel(a.Level)
}
func (a *AuthRequest) GetAMR() []string                      { return a.AMR }
func (a *AuthRequest) GetAudience() []string                 { return []string{a.ClientID} }
func (a *AuthRequest) GetAuthTime() time.Time                { return a.AuthTime }
func (a *AuthRequest) GetClientID() string                   { return a.ClientID }
func (a *AuthRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.CodeChallenge }

// GetNonce is the request's nonce, or a different one when the request is tampered with.
func (a *AuthRequest) GetNonce() string {
	if a.Tamper.WrongNonce {
		return "tampered-" + newID()
	}
	return a.Nonce
}
func (a *AuthRequest) GetRedirectURI() string             { return a.RedirectURI }
func (a *AuthRequest) GetResponseType() oidc.ResponseType { return a.ResponseType }
func (a *AuthRequest) GetResponseMode() oidc.ResponseMode { return a.ResponseMode }
func (a *AuthRequest) GetScopes() []string                { return a.Scopes }
func (a *AuthRequest) GetState() string                   { return a.State }
func (a *AuthRequest) GetSubject() string                 { return a.Subject }
func (a *AuthRequest) Done() bool                         { return a.LoggedIn }

// refreshRequest is a refresh token as op.RefreshTokenRequest.
type refreshRequest struct{ *refreshToken }

func (r refreshRequest) GetAMR() []string            { return r.AMR }
func (r refreshRequest) GetAudience() []string       { return r.Audience }
func (r refreshRequest) GetAuthTime() time.Time      { return r.AuthTime }
func (r refreshRequest) GetClientID() string         { return r.ClientID }
func (r refreshRequest) GetScopes() []string         { return r.Scopes }
func (r refreshRequest) GetSubject() string          { return r.Subject }
func (r refreshRequest) SetCurrentScopes(s []string) { r.Scopes = s }

func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired()
	}
	c := s.clients[req.ClientID]
	if c != nil && (c.cfg.RequirePKCE || c.cfg.public()) && req.CodeChallenge == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge is required for this client (PKCE)")
	}
	// RFC 7636 §4.3: a challenge without a method is plain, which is not offered.
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256 (plain is not supported)")
	}
	if err := checkACRValues(req.ACRValues); err != nil {
		return nil, err
	}
	browser, _ := ctx.Value(browserKey).(string)
	if browser == "" {
		return nil, oidc.ErrServerError().WithDescription("the login request is not bound to a browser")
	}
	r := &AuthRequest{
		ID: newID(), Created: s.now(), ClientID: req.ClientID, RedirectURI: req.RedirectURI,
		State: req.State, Nonce: req.Nonce, Scopes: req.Scopes, ResponseType: req.ResponseType,
		ResponseMode: req.ResponseMode, ACRValues: req.ACRValues, LoginHint: req.LoginHint,
		BrowserHash: browser,
	}
	if req.CodeChallenge != "" {
		r.CodeChallenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	if err := s.state.putRequest(ctx, r, s.now()); err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return r, nil
}

func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	return s.state.request(ctx, id, s.now())
}

// AuthRequestByCode claims the code: it is good for one exchange, and a second one revokes
// the tokens issued from it.
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.state.claimCode(ctx, code, s.now())
	if err != nil {
		return nil, err
	}
	if d := r.Tamper.TokenDelay; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return r, nil
}

func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.state.saveCode(ctx, id, code, s.now())
}

func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.state.deleteRequest(ctx, id, s.now())
}

func (s *storage) newAccess(clientID, subject, citizenID, refreshID, family string, scopes, aud []string) *accessToken {
	return &accessToken{ID: newID(), ClientID: clientID, Subject: subject, CitizenID: citizenID, Scopes: scopes,
		Audience: aud, Expires: s.now().Add(AccessTokenTTL), RefreshID: refreshID, Family: family}
}

// citizenOfRequest returns the client, citizen and token family of a token request.
func (s *storage) citizenOfRequest(req op.TokenRequest) (clientID, citizenID, family string, err error) {
	switch r := req.(type) {
	case *AuthRequest:
		return r.ClientID, r.CitizenID, r.ID, nil
	case refreshRequest:
		return r.ClientID, r.CitizenID, r.Family, nil
	}
	return "", "", "", fmt.Errorf("oidc: unsupported token request %T", req)
}

func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	clientID, citizenID, family, err := s.citizenOfRequest(req)
	if err != nil {
		return "", time.Time{}, err
	}
	t := s.newAccess(clientID, req.GetSubject(), citizenID, "", family, req.GetScopes(), req.GetAudience())
	if err := s.state.putToken(ctx, t, s.now()); err != nil {
		return "", time.Time{}, err
	}
	return t.ID, t.Expires, nil
}

func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	clientID, citizenID, family, err := s.citizenOfRequest(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	now := s.now()
	rt := &refreshToken{Token: newID(), ClientID: clientID, Subject: req.GetSubject(), CitizenID: citizenID,
		Scopes: req.GetScopes(), Audience: req.GetAudience(), Expires: now.Add(RefreshTokenTTL), Family: family}
	switch r := req.(type) {
	case *AuthRequest:
		rt.AuthTime, rt.AMR, rt.Level = r.AuthTime, r.AMR, r.Level
	case refreshRequest:
		rt.AuthTime, rt.AMR, rt.Level = r.AuthTime, r.AMR, r.Level
		// A refresh is refused once the account is no longer active.
		if _, err := s.accounts.Identity(ctx, citizenID); err != nil {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the account is no longer active").WithParent(err)
		}
	}
	at := s.newAccess(clientID, req.GetSubject(), citizenID, rt.Token, family, req.GetScopes(), req.GetAudience())
	rt.AccessID = at.ID
	if current == "" {
		err = s.state.putTokens(ctx, at, rt, now)
	} else {
		err = s.state.rotateRefresh(ctx, current, at, rt, now)
	}
	if err != nil {
		return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("refresh token invalid, expired or used already").WithParent(err)
	}
	return at.ID, rt.Token, at.Expires, nil
}

func (s *storage) TokenRequestByRefreshToken(ctx context.Context, tok string) (op.RefreshTokenRequest, error) {
	t, err := s.state.refreshToken(ctx, tok, s.now())
	if err != nil {
		return nil, op.ErrInvalidRefreshToken
	}
	return refreshRequest{t}, nil
}

func (s *storage) TerminateSession(ctx context.Context, userID, clientID string) error {
	return s.state.endSession(ctx, userID, clientID, s.now())
}

func (s *storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	if req.UserID != "" {
		if err := s.state.endSession(ctx, req.UserID, req.ClientID, s.now()); err != nil {
			return "", err
		}
	}
	return req.RedirectURI, nil
}

func (s *storage) RevokeToken(ctx context.Context, tok, userID, clientID string) *oidc.Error {
	ok, err := s.state.revoke(ctx, tok, clientID, s.now())
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	if !ok {
		return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	return nil
}

func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, tok string) (string, string, error) {
	t, err := s.state.refreshToken(ctx, tok, s.now())
	if err != nil || t.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.Subject, t.Token, nil
}

// SigningKey is the active key of the algorithm of the token request's client.
func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	alg := AlgRS256
	if id, ok := ctx.Value(clientKey).(string); ok {
		if c, ok := s.clients[id]; ok {
			alg = c.cfg.alg()
		}
	}
	return s.keys.signingKey(ctx, alg)
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256, jose.ES256}, nil
}

func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) { return s.keys.keySet(ctx) }

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client_id")
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok || c.cfg.public() || !hmac.Equal([]byte(c.cfg.Secret), []byte(secret)) {
		return oidc.ErrInvalidClient().WithDescription("client authentication failed")
	}
	return nil
}

// setClaims fills userinfo with the citizen's claims for the scopes.
func (s *storage) setClaims(ctx context.Context, u *oidc.UserInfo, subject, citizenID string, scopes []string) error {
	id, err := s.accounts.Identity(ctx, citizenID)
	if err != nil {
		var e *reference.Error
		if errors.As(err, &e) && (e.Code == reference.EUnauthorized || e.Code == reference.ENotFound) {
			return oidc.ErrAccessDenied().WithDescription("the account is no longer active")
		}
		return err
	}
	u.Subject = subject
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeOpenID:
			u.AppendClaims("citizen_id", id.CitizenID)
			u.AppendClaims("level", id.Level)
		case oidc.ScopeProfile:
			u.Name = id.FullName
			u.Birthdate = id.BirthDate
			switch id.Sex {
			case "M":
				u.Gender = "male"
			case "F":
				u.Gender = "female"
			}
		}
	}
	return nil
}

// SetUserinfoFromScopes does nothing: the library calls it for ID tokens only, always
// followed by SetUserinfoFromRequest, which knows the citizen (a subject alone does not name
// one: it is a keyed hash).
func (s *storage) SetUserinfoFromScopes(ctx context.Context, u *oidc.UserInfo, userID, clientID string, scopes []string) error {
	return nil
}

func (s *storage) SetUserinfoFromRequest(ctx context.Context, u *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	switch r := req.(type) {
	case *AuthRequest:
		return s.setClaims(ctx, u, r.Subject, r.CitizenID, scopes)
	case refreshRequest:
		// A refreshed ID token reports the level of the original authentication, as the
		// first one did (the library sets acr only for authorization requests).
		u.AppendClaims("acr", ACROfLevel(r.Level))
		return s.setClaims(ctx, u, r.Subject, r.CitizenID, scopes)
	}
	return fmt.Errorf("oidc: unsupported ID token request %T", req)
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, u *oidc.UserInfo, tokenID, subject, origin string) error {
	t, err := s.state.token(ctx, tokenID, s.now())
	if err != nil || t.Subject != subject {
		return oidc.ErrAccessDenied().WithDescription("access token invalid or expired")
	}
	return s.setClaims(ctx, u, t.Subject, t.CitizenID, t.Scopes)
}

func (s *storage) SetIntrospectionFromToken(ctx context.Context, in *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, err := s.state.token(ctx, tokenID, s.now())
	if err != nil || t.Subject != subject {
		return oidc.ErrAccessDenied().WithDescription("access token invalid or expired")
	}
	var u oidc.UserInfo
	if err := s.setClaims(ctx, &u, t.Subject, t.CitizenID, t.Scopes); err != nil {
		return err
	}
	in.SetUserInfo(&u)
	in.Scope = t.Scopes
	in.ClientID = t.ClientID
	in.Audience = t.Audience
	in.Expiration = oidc.FromTime(t.Expires)
	in.Active = true
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(ctx context.Context, keyID, clientID string) (*jose.JSONWebKey, error) {
	return nil, errors.New("oidc: private_key_jwt client authentication is not supported")
}

func (s *storage) ValidateJWTProfileScopes(ctx context.Context, userID string, scopes []string) ([]string, error) {
	return nil, errors.New("oidc: the JWT profile grant is not supported")
}

func (s *storage) Health(context.Context) error { return nil }
