package reference

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Access tokens are stateless: "eid1." + base64url(JSON claims) + "." + base64url(HMAC-SHA256
// of the first two parts under the store's token key). They carry the citizen, the device,
// the level at issue, the expiry and the account's session epoch. Me re-reads the account and
// refuses a token whose device is no longer the bound one (a login elsewhere) or whose epoch
// changed (password reset, phone change), so issuing a token needs no store write.
const tokenPrefix = "eid1."

var b64url = base64.RawURLEncoding

type tokenClaims struct {
	Citizen string `json:"sub"`
	Device  string `json:"dev"`
	Level   int    `json:"lvl"`
	Epoch   int64  `json:"epo"`
	Expires int64  `json:"exp"` // Unix seconds
}

func (s *Service) issueToken(a *Account, now time.Time) (*Token, error) {
	c := tokenClaims{Citizen: a.CitizenID, Device: a.DeviceID, Level: a.Level, Epoch: a.Epoch,
		Expires: now.Add(s.policy.TokenTTL).Unix()}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, internal(err)
	}
	signed := tokenPrefix + b64url.EncodeToString(body)
	tok := signed + "." + b64url.EncodeToString(mac(s.tokenKey, signed))
	return &Token{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(s.policy.TokenTTL / time.Second), Level: a.Level}, nil
}

var errBadToken = errors.New("bad token")

func (s *Service) parseToken(tok string, now time.Time) (*tokenClaims, error) {
	if !strings.HasPrefix(tok, tokenPrefix) || len(tok) > 2048 || !isB64URLText(tok) {
		return nil, errBadToken
	}
	i := strings.LastIndexByte(tok, '.')
	if i <= len(tokenPrefix) {
		return nil, errBadToken
	}
	sig, err := b64url.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(sig, mac(s.tokenKey, tok[:i])) {
		return nil, errBadToken
	}
	body, err := b64url.DecodeString(tok[len(tokenPrefix):i])
	if err != nil {
		return nil, errBadToken
	}
	var c tokenClaims
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, errBadToken
	}
	if now.Unix() >= c.Expires {
		return nil, errors.New("token expired")
	}
	return &c, nil
}

// Me returns the profile behind an access token: unauthorized when the token is malformed,
// forged or expired, when the account signed in on another device since, when its epoch
// changed (password reset, phone change), or when the account is not active.
func (s *Service) Me(ctx context.Context, accessToken string) (*Profile, error) {
	now := s.now()
	c, err := s.parseToken(accessToken, now)
	if err != nil {
		return nil, &Error{Code: EUnauthorized, Message: "invalid or expired access token", Err: err}
	}
	var p *Profile
	err = s.store.View(ctx, func(tx Tx) error {
		a, err := tx.Account(c.Citizen)
		if errors.Is(err, ErrNotFound) {
			return Errorf(EUnauthorized, "invalid or expired access token")
		} else if err != nil {
			return err
		}
		switch {
		case a.DeviceID != c.Device:
			return Errorf(EUnauthorized, "signed out: the account is now used on another device")
		case a.Epoch != c.Epoch:
			return Errorf(EUnauthorized, "signed out: the password or phone changed")
		case a.Status != StatusActive:
			return Errorf(EUnauthorized, "the account is not active")
		}
		cit, err := tx.Citizen(c.Citizen)
		if err != nil {
			return err
		}
		p = &Profile{CitizenID: a.CitizenID, FullName: cit.FullName, Level: a.Level}
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	return p, nil
}

// isB64URLText reports whether s holds only base64url characters and dots. The decoder skips
// CR and LF, so without this check one token or capture would have many spellings.
func isB64URLText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
