package oidc

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/eidsim/eidsim/reference"
)

// Names of the provider's secrets among the store's keys (reference.Tx Key/PutKey), which
// never change once stored: so sub stays the same pseudonym, and access tokens stay readable,
// across restarts and instances.
const (
	subjectKeyName = "oidc.subject"
	cryptoKeyName  = "oidc.access-token"
)

// storeSecret returns the named 32-byte secret of the store, creating it on first use (when
// several providers start at once, the first one's value wins).
func storeSecret(ctx context.Context, store reference.Store, name string) ([]byte, error) {
	var v []byte
	err := store.View(ctx, func(tx reference.Tx) (err error) {
		v, err = tx.Key(name)
		return err
	})
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, reference.ErrNotFound) {
		return nil, fmt.Errorf("oidc: key %s: %w", name, err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = store.Update(ctx, func(tx reference.Tx) error {
		err := tx.PutKey(name, fresh)
		if errors.Is(err, reference.ErrExists) {
			fresh, err = tx.Key(name)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("oidc: key %s: %w", name, err)
	}
	return fresh, nil
}
