package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/eidsim/eidsim/reference"
)

// Signing algorithms of ID tokens. RS256 is the default of a client: OpenID Connect Core
// §15.1 makes it the one algorithm every relying party must support, so a client that says
// nothing gets it. ES256 (a P-256 signature, far cheaper to make than a 2048-bit RSA one) is
// chosen per client with id_token_signed_response_alg.
const (
	AlgRS256 = "RS256"
	AlgES256 = "ES256"
)

// Algorithms are the ID-token signing algorithms the provider has keys for.
var Algorithms = []string{AlgRS256, AlgES256}

// KeyOverlap is how long a rotated-out signing key stays in the JWKS, so ID tokens signed
// before a rotation still verify (and a relying party's cached JWKS still matches) until they
// have long expired.
const KeyOverlap = 24 * time.Hour

// keyCacheTTL bounds how long a provider signs with keys read from the store before reading
// them again, so a rotation by another instance on the same store takes effect within it.
const keyCacheTTL = 30 * time.Second

// keyRecord is a signing key in the store. Retired is zero while the key is the active one of
// its algorithm.
type keyRecord struct {
	Alg     string
	KID     string
	PKCS8   []byte
	Created time.Time
	Retired time.Time
}

// liveKey is a parsed key.
type liveKey struct {
	alg     jose.SignatureAlgorithm
	kid     string
	priv    crypto.Signer
	created time.Time
	retired time.Time
}

func (k liveKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.alg }
func (k liveKey) Key() any                                    { return k.priv }
func (k liveKey) ID() string                                  { return k.kid }

// publicKey is a key of the JWKS.
type publicKey struct{ liveKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return k.alg }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.priv.Public() }

// keyring holds the signing keys, read from the store and cached for keyCacheTTL.
type keyring struct {
	state *state
	now   func() time.Time

	mu     sync.Mutex
	loaded time.Time
	active map[jose.SignatureAlgorithm]liveKey
	all    []liveKey // the JWKS: active and those retired less than KeyOverlap ago
}

func generate(alg string) (crypto.Signer, error) {
	switch alg {
	case AlgRS256:
		return rsa.GenerateKey(rand.Reader, 2048)
	case AlgES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return nil, fmt.Errorf("oidc: unknown algorithm %q", alg)
}

func newKeyRecord(alg string, now time.Time) (*keyRecord, error) {
	k, err := generate(alg)
	if err != nil {
		return nil, fmt.Errorf("oidc: %s signing key: %w", alg, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return &keyRecord{Alg: alg, KID: alg[:2] + "-" + newID()[:12], PKCS8: der, Created: now}, nil
}

// keyExpiry is the store expiry of a key record: never (for a century) while active.
func (k *keyRecord) expiry() time.Time {
	if k.Retired.IsZero() {
		return k.Created.AddDate(100, 0, 0)
	}
	return k.Retired.Add(KeyOverlap)
}

// ensure makes sure each algorithm has an active key in the store (creating the missing ones,
// once even when several providers start together), then loads the keys.
func (kr *keyring) ensure(ctx context.Context) error {
	_, err := kr.rotate(ctx, false)
	return err
}

// rotate makes a new active key for every algorithm (all: a rotation) or for those without one
// (!all), retires the keys it replaces and reloads. It returns the new key ids.
func (kr *keyring) rotate(ctx context.Context, all bool) ([]string, error) {
	now := kr.now()
	fresh := map[string]*keyRecord{}
	for _, alg := range Algorithms {
		k, err := newKeyRecord(alg, now) // outside the transaction: RSA generation is slow
		if err != nil {
			return nil, err
		}
		fresh[alg] = k
	}
	var made []string
	err := kr.state.update(ctx, now, func(tx reference.ProviderTx) error {
		made = nil
		recs, err := loadKeyRecords(tx)
		if err != nil {
			return err
		}
		for _, alg := range Algorithms {
			var active []*keyRecord
			for _, r := range recs {
				if r.Alg == alg && r.Retired.IsZero() {
					active = append(active, r)
				}
			}
			if len(active) > 0 && !all {
				continue
			}
			for _, r := range active {
				r.Retired = now
				if err := put(tx, kindKey, r.KID, "", "", r.expiry(), r); err != nil {
					return err
				}
			}
			k := fresh[alg]
			if err := put(tx, kindKey, k.KID, "", "", k.expiry(), k); err != nil {
				return err
			}
			made = append(made, k.KID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return made, kr.load(ctx)
}

func loadKeyRecords(tx reference.ProviderTx) ([]*keyRecord, error) {
	rs, err := tx.ProviderRecords(kindKey)
	if err != nil {
		return nil, err
	}
	out := make([]*keyRecord, 0, len(rs))
	for _, r := range rs {
		var k keyRecord
		if err := json.Unmarshal(r.Data, &k); err != nil {
			return nil, fmt.Errorf("oidc: signing key %s: %w", r.ID, err)
		}
		out = append(out, &k)
	}
	return out, nil
}

// load reads the keys from the store.
func (kr *keyring) load(ctx context.Context) error {
	var recs []*keyRecord
	err := kr.state.view(ctx, func(tx reference.ProviderTx) (err error) {
		recs, err = loadKeyRecords(tx)
		return err
	})
	if err != nil {
		return err
	}
	now := kr.now()
	active := map[jose.SignatureAlgorithm]liveKey{}
	var all []liveKey
	for _, r := range recs {
		if !r.Retired.IsZero() && now.After(r.expiry()) {
			continue
		}
		priv, err := x509.ParsePKCS8PrivateKey(r.PKCS8)
		if err != nil {
			return fmt.Errorf("oidc: signing key %s: %w", r.KID, err)
		}
		s, ok := priv.(crypto.Signer)
		if !ok {
			return fmt.Errorf("oidc: signing key %s: %T is not a signer", r.KID, priv)
		}
		k := liveKey{alg: jose.SignatureAlgorithm(r.Alg), kid: r.KID, priv: s, created: r.Created, retired: r.Retired}
		all = append(all, k)
		if r.Retired.IsZero() {
			if cur, ok := active[k.alg]; !ok || k.created.After(cur.created) {
				active[k.alg] = k
			}
		}
	}
	for _, alg := range Algorithms {
		if _, ok := active[jose.SignatureAlgorithm(alg)]; !ok {
			return fmt.Errorf("oidc: no active %s signing key in the store", alg)
		}
	}
	kr.mu.Lock()
	kr.active, kr.all, kr.loaded = active, all, now
	kr.mu.Unlock()
	return nil
}

// current returns the cached keys, reloading them when older than keyCacheTTL.
func (kr *keyring) current(ctx context.Context) (map[jose.SignatureAlgorithm]liveKey, []liveKey, error) {
	kr.mu.Lock()
	stale := kr.now().Sub(kr.loaded) > keyCacheTTL
	kr.mu.Unlock()
	if stale {
		if err := kr.load(ctx); err != nil {
			return nil, nil, err
		}
	}
	kr.mu.Lock()
	defer kr.mu.Unlock()
	return kr.active, kr.all, nil
}

// signingKey is the active key of alg.
func (kr *keyring) signingKey(ctx context.Context, alg string) (op.SigningKey, error) {
	active, _, err := kr.current(ctx)
	if err != nil {
		return nil, err
	}
	k, ok := active[jose.SignatureAlgorithm(alg)]
	if !ok {
		return nil, errors.New("oidc: no signing key for " + alg)
	}
	return k, nil
}

// keySet is the JWKS.
func (kr *keyring) keySet(ctx context.Context) ([]op.Key, error) {
	_, all, err := kr.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(all))
	for i, k := range all {
		out[i] = publicKey{k}
	}
	return out, nil
}

// RotateKey makes a new signing key for every algorithm the active one. The keys it replaces
// stay in the JWKS for KeyOverlap; other providers on the same store sign with the new keys
// within 30 s. It returns the new key ids.
func (p *Provider) RotateKey(ctx context.Context) ([]string, error) {
	return p.keys.rotate(ctx, true)
}
