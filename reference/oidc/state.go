package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/eidsim/eidsim/reference"
)

// Lifetimes of the provider's artefacts.
const (
	// AuthRequestTTL is how long a started authorization request waits for the login.
	AuthRequestTTL = 15 * time.Minute
	// CodeTTL is how long an authorization code may be exchanged (once).
	CodeTTL = 60 * time.Second
	// AccessTokenTTL is the lifetime of an access token.
	AccessTokenTTL = 10 * time.Minute
	// RefreshTokenTTL is the lifetime of a refresh token (rotated on every use) and of the
	// record of a used code or refresh token, kept for replay detection.
	RefreshTokenTTL = 8 * time.Hour
	// IDTokenTTL is the lifetime of an ID token.
	IDTokenTTL = 10 * time.Minute
	// pruneEvery is how many writes pass between two sweeps of expired records.
	pruneEvery = 4096
)

// Record kinds in the store (reference.ProviderRecord.Kind).
const (
	kindRequest = "oidc_request"
	kindCode    = "oidc_code"
	kindAccess  = "oidc_access"
	kindRefresh = "oidc_refresh"
	kindKey     = "oidc_key"
)

var (
	// errNotFound is returned for a missing or expired entry.
	errNotFound = errors.New("not found or expired")
	// errReplay is returned for a second use of a code or refresh token; the tokens of its
	// family are revoked by then.
	errReplay = errors.New("used already: every token issued from it is revoked")
)

// AuthRequest is one authorization request from its start at /oidc/authorize to the code
// exchange.
type AuthRequest struct {
	ID            string
	Created       time.Time
	ClientID      string
	RedirectURI   string
	State         string
	Nonce         string
	Scopes        []string
	ResponseType  oidc.ResponseType
	ResponseMode  oidc.ResponseMode
	CodeChallenge *oidc.CodeChallenge
	ACRValues     []string
	LoginHint     string
	// BrowserHash is the SHA-256 (base64url) of the login cookie set at authorize: the login
	// pages and the callback serve only the browser holding it.
	BrowserHash string

	// Set by the login page.
	CitizenID string
	Subject   string
	Level     int
	AuthTime  time.Time
	AMR       []string
	LoggedIn  bool
	// Challenge is the pending new-device OTP challenge of the login, if any.
	Challenge          string
	ChallengeCitizenID string
	// CallbackUsed is set when the callback minted the request's code: it mints one.
	CallbackUsed bool

	// Tamper makes the provider misbehave on this request (relying-party checks).
	Tamper Tamper
}

// Tamper lists the misbehaviours of the provider on one authorization request, for checking
// how a relying party copes.
type Tamper struct {
	// ExpireCode makes the code expired when it is exchanged (invalid_grant).
	ExpireCode bool `json:"expire_code,omitempty"`
	// WrongNonce puts a nonce into the ID token that differs from the request's.
	WrongNonce bool `json:"wrong_nonce,omitempty"`
	// ProviderError answers the authorization request with error=server_error instead of a
	// code.
	ProviderError bool `json:"provider_error,omitempty"`
	// TokenDelay delays the token endpoint's answer for this request's code.
	TokenDelay time.Duration `json:"token_delay,omitempty"`
}

// codeRecord is an issued code; a used one stays (for RefreshTokenTTL) so a replay is seen.
type codeRecord struct {
	RequestID string
	Used      bool
}

// accessToken is an issued access token. Family is the authorization request it descends
// from.
type accessToken struct {
	ID        string
	ClientID  string
	Subject   string
	CitizenID string
	Scopes    []string
	Audience  []string
	Expires   time.Time
	RefreshID string
	Family    string
}

// refreshToken is an issued refresh token; Token is what the client holds. A rotated one stays
// as Used, so that its reuse revokes the family (RFC 9700 §4.14.2).
type refreshToken struct {
	Token     string
	ClientID  string
	Subject   string
	CitizenID string
	Level     int
	Scopes    []string
	Audience  []string
	AuthTime  time.Time
	AMR       []string
	Expires   time.Time
	AccessID  string
	Family    string
	Used      bool
}

// owner is the session key of a subject at a client (end_session ends it).
func owner(subject, clientID string) string { return subject + "|" + clientID }

// state is the provider's state in a store whose Tx implements reference.ProviderTx. Every
// operation is one store transaction, so several providers on one store share logins and
// tokens, and each read-modify-write (claiming a code, rotating a refresh token) has one
// winner.
type state struct {
	store  reference.Store
	writes atomic.Int64
}

// errNoProviderTx: the store cannot hold provider state.
var errNoProviderTx = errors.New("the store's transactions do not implement reference.ProviderTx")

func (s *state) view(ctx context.Context, fn func(reference.ProviderTx) error) error {
	return s.store.View(ctx, func(tx reference.Tx) error {
		ptx, ok := tx.(reference.ProviderTx)
		if !ok {
			return errNoProviderTx
		}
		return fn(ptx)
	})
}

// update runs fn in a write transaction, sweeping expired records every pruneEvery writes.
func (s *state) update(ctx context.Context, now time.Time, fn func(reference.ProviderTx) error) error {
	return s.store.Update(ctx, func(tx reference.Tx) error {
		ptx, ok := tx.(reference.ProviderTx)
		if !ok {
			return errNoProviderTx
		}
		if err := fn(ptx); err != nil {
			return err
		}
		if s.writes.Add(1)%pruneEvery == 0 {
			_, err := ptx.DeleteExpiredProviderRecords(now)
			return err
		}
		return nil
	})
}

// get decodes the live record kind/id into v; errNotFound when missing or expired.
func get(tx reference.ProviderTx, kind, id string, now time.Time, v any) (*reference.ProviderRecord, error) {
	r, err := tx.ProviderRecord(kind, id)
	if errors.Is(err, reference.ErrNotFound) || (err == nil && now.After(r.Expires)) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		return nil, fmt.Errorf("oidc: record %s: %w", kind, err)
	}
	return r, nil
}

func put(tx reference.ProviderTx, kind, id, family, own string, exp time.Time, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.PutProviderRecord(&reference.ProviderRecord{Kind: kind, ID: id, Family: family, Owner: own, Data: b, Expires: exp})
}

func putRequest(tx reference.ProviderTx, r *AuthRequest) error {
	return put(tx, kindRequest, r.ID, r.ID, "", r.Created.Add(AuthRequestTTL), r)
}

func (s *state) putRequest(ctx context.Context, r *AuthRequest, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error { return putRequest(tx, r) })
}

// request returns a live request.
func (s *state) request(ctx context.Context, id string, now time.Time) (*AuthRequest, error) {
	var r AuthRequest
	err := s.view(ctx, func(tx reference.ProviderTx) error {
		_, err := get(tx, kindRequest, id, now, &r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// updateRequest runs fn on a live request and stores it when fn returns nil.
func (s *state) updateRequest(ctx context.Context, id string, now time.Time, fn func(*AuthRequest) error) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error {
		var r AuthRequest
		if _, err := get(tx, kindRequest, id, now, &r); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		return putRequest(tx, &r)
	})
}

// saveCode records the code of a request; a request gets one code (errCallbackUsed after).
func (s *state) saveCode(ctx context.Context, id, code string, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error {
		var r AuthRequest
		if _, err := get(tx, kindRequest, id, now, &r); err != nil {
			return err
		}
		if r.CallbackUsed {
			return errCallbackUsed
		}
		r.CallbackUsed = true
		if err := putRequest(tx, &r); err != nil {
			return err
		}
		return put(tx, kindCode, code, id, "", now.Add(CodeTTL), codeRecord{RequestID: id})
	})
}

// claimCode marks a live code used and returns its request. A second use revokes every token
// of the code's family and returns errReplay (RFC 6749 §4.1.2).
func (s *state) claimCode(ctx context.Context, code string, now time.Time) (*AuthRequest, error) {
	var r AuthRequest
	var replay bool
	err := s.update(ctx, now, func(tx reference.ProviderTx) error {
		var c codeRecord
		rec, err := get(tx, kindCode, code, now, &c)
		if err != nil {
			return err
		}
		if c.Used {
			replay = true
			_, err := tx.DeleteProviderFamily(rec.Family)
			return err
		}
		if _, err := get(tx, kindRequest, c.RequestID, now, &r); err != nil {
			return err
		}
		if r.Tamper.ExpireCode {
			return errNotFound
		}
		c.Used = true
		return put(tx, kindCode, code, rec.Family, "", now.Add(RefreshTokenTTL), c)
	})
	if err == nil && replay {
		err = errReplay
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func (s *state) deleteRequest(ctx context.Context, id string, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error {
		err := tx.DeleteProviderRecord(kindRequest, id)
		if errors.Is(err, reference.ErrNotFound) {
			return nil
		}
		return err
	})
}

func putAccess(tx reference.ProviderTx, t *accessToken) error {
	return put(tx, kindAccess, t.ID, t.Family, owner(t.Subject, t.ClientID), t.Expires, t)
}

func putRefresh(tx reference.ProviderTx, t *refreshToken, exp time.Time) error {
	return put(tx, kindRefresh, t.Token, t.Family, owner(t.Subject, t.ClientID), exp, t)
}

func (s *state) putToken(ctx context.Context, t *accessToken, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error { return putAccess(tx, t) })
}

// putTokens stores an access token and a new refresh token of a code exchange.
func (s *state) putTokens(ctx context.Context, at *accessToken, rt *refreshToken, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error {
		if err := putAccess(tx, at); err != nil {
			return err
		}
		return putRefresh(tx, rt, rt.Expires)
	})
}

func (s *state) token(ctx context.Context, id string, now time.Time) (*accessToken, error) {
	var t accessToken
	err := s.view(ctx, func(tx reference.ProviderTx) error {
		_, err := get(tx, kindAccess, id, now, &t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// refreshToken returns a live, unused refresh token. A used one revokes its family and
// returns errReplay.
func (s *state) refreshToken(ctx context.Context, tok string, now time.Time) (*refreshToken, error) {
	var t refreshToken
	err := s.view(ctx, func(tx reference.ProviderTx) error {
		_, err := get(tx, kindRefresh, tok, now, &t)
		return err
	})
	if err != nil {
		return nil, err
	}
	if t.Used {
		return nil, s.revokeFamily(ctx, t.Family, now)
	}
	return &t, nil
}

func (s *state) revokeFamily(ctx context.Context, family string, now time.Time) error {
	err := s.update(ctx, now, func(tx reference.ProviderTx) error {
		_, err := tx.DeleteProviderFamily(family)
		return err
	})
	if err != nil {
		return err
	}
	return errReplay
}

// rotateRefresh marks old used, ends its access token and stores the new access and refresh
// tokens, atomically. A used old token revokes the family (errReplay): of two uses of one
// refresh token, the second ends the session.
func (s *state) rotateRefresh(ctx context.Context, old string, at *accessToken, next *refreshToken, now time.Time) error {
	var replay bool
	err := s.update(ctx, now, func(tx reference.ProviderTx) error {
		var t refreshToken
		rec, err := get(tx, kindRefresh, old, now, &t)
		if err != nil {
			return err
		}
		if t.Used {
			replay = true
			_, err := tx.DeleteProviderFamily(rec.Family)
			return err
		}
		t.Used = true
		if err := putRefresh(tx, &t, rec.Expires); err != nil {
			return err
		}
		if err := tx.DeleteProviderRecord(kindAccess, t.AccessID); err != nil && !errors.Is(err, reference.ErrNotFound) {
			return err
		}
		next.Family, at.Family = t.Family, t.Family
		if err := putAccess(tx, at); err != nil {
			return err
		}
		return putRefresh(tx, next, next.Expires)
	})
	if err == nil && replay {
		err = errReplay
	}
	return err
}

// revoke deletes an access token, or a refresh token with its family (RFC 7009 §2.1), of
// clientID; it reports false when the token belongs to another client. An unknown token is
// revoked already (true).
func (s *state) revoke(ctx context.Context, tok, clientID string, now time.Time) (bool, error) {
	ok := true
	err := s.update(ctx, now, func(tx reference.ProviderTx) error {
		var at accessToken
		if _, err := get(tx, kindAccess, tok, now, &at); err == nil {
			if ok = at.ClientID == clientID; ok {
				return tx.DeleteProviderRecord(kindAccess, tok)
			}
			return nil
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		var rt refreshToken
		rec, err := get(tx, kindRefresh, tok, now, &rt)
		if errors.Is(err, errNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if ok = rt.ClientID == clientID; ok {
			_, err = tx.DeleteProviderFamily(rec.Family)
		}
		return err
	})
	return ok, err
}

// endSession removes every token of a subject at a client.
func (s *state) endSession(ctx context.Context, subject, clientID string, now time.Time) error {
	return s.update(ctx, now, func(tx reference.ProviderTx) error {
		if _, err := tx.DeleteProviderOwner(kindAccess, owner(subject, clientID)); err != nil {
			return err
		}
		_, err := tx.DeleteProviderOwner(kindRefresh, owner(subject, clientID))
		return err
	})
}

// newID returns 128 random bits, URL-safe.
func newID() string { return randomString(16) }

// randomString returns n random bytes, base64url without padding.
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oidc: crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
