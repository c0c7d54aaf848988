package reference

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config holds a Service's dependencies. Store and Gateway are required; the others have
// defaults.
type Config struct {
	Store Store
	// Clock is the source of every time the service reads (default SystemClock).
	Clock Clock
	// Hasher hashes passwords (default argon2id).
	Hasher Hasher
	// Gateway sends SMS.
	Gateway Gateway
	// Policy holds the rules; the zero Policy means DefaultPolicy().
	Policy Policy
	// Rand is the source of OTP codes and ids (default crypto/rand). A deterministic reader
	// makes a simulation reproducible; it is used under a lock.
	Rand io.Reader
	// Logger receives operational events (never OTPs, passwords or message bodies); default
	// discards.
	Logger *slog.Logger
	// Seed seeds the simulated scanner captures.
	Seed uint64
	// HashWorkers is the number of password-hashing slots of the admission queue (see
	// admission.go). The default is GOMAXPROCS, one per core, except with the fast hasher
	// (microseconds per hash), where there is nothing worth queueing and admission is off.
	HashWorkers int
}

// Service implements API on a Store. It keeps no state of its own that other instances on
// the same store would need: every counter and challenge lives in the store, so several
// Services (processes) may serve one store.
type Service struct {
	store  Store
	clock  Clock
	hasher Hasher
	gw     Gateway
	policy Policy
	log    *slog.Logger
	seed   uint64

	randMu sync.Mutex
	rand   io.Reader

	tokenKey    []byte
	otpKey      []byte
	passcodeKey []byte
	captureKey  []byte

	// dummyHash is verified for unknown citizen IDs so that a login's timing does not tell
	// whether the ID has an account.
	dummyHash string
	// hashPrefix is the algorithm-and-parameters prefix of the hasher's encodings; a stored
	// hash without it is replaced at the next successful login.
	hashPrefix string

	opened atomic.Uint64 // challenges opened by this instance, for periodic pruning

	hashq *hashQueue // admission control of password hashing
	probe writeProbe // Ready's rate-limited write check
}

var _ API = (*Service)(nil)

// Names of the secret keys kept in the store. They are created once, by the first service
// that finds them missing, and never change.
const (
	keyToken    = "token-hmac"
	keyOTP      = "otp-hmac"
	keyPasscode = "passcode-hmac"
	keyCapture  = "capture-hmac"
)

// pruneEvery is how many opened challenges pass between two deletions of long-expired ones.
var pruneEvery uint64 = 4096

// NewService returns a Service. It reads (or creates, on first use of the store) the secret
// keys, so it needs the store to answer.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("reference: Config.Store is required")
	}
	if cfg.Gateway == nil {
		return nil, errors.New("reference: Config.Gateway is required")
	}
	s := &Service{store: cfg.Store, clock: cfg.Clock, hasher: cfg.Hasher, gw: cfg.Gateway, policy: cfg.Policy,
		log: cfg.Logger, seed: cfg.Seed, rand: cfg.Rand}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.hasher == nil {
		h, err := NewHasher(HashArgon2id)
		if err != nil {
			return nil, err
		}
		s.hasher = h
	}
	if s.policy == (Policy{}) {
		s.policy = DefaultPolicy()
	}
	if err := s.policy.Validate(); err != nil {
		return nil, err
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.HashWorkers < 0 {
		return nil, fmt.Errorf("reference: Config.HashWorkers %d < 0", cfg.HashWorkers)
	}
	workers := cfg.HashWorkers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s.hashq = newHashQueue(workers, s.policy.HashQueue, s.policy.HashQueueWait)
	s.hashq.off = cfg.HashWorkers == 0 && s.hasher.Settings().Algorithm == HashFast
	if s.rand == nil {
		s.rand = rand.Reader
	}
	ctx := context.Background()
	for _, k := range []struct {
		name string
		dst  *[]byte
	}{{keyToken, &s.tokenKey}, {keyOTP, &s.otpKey}, {keyPasscode, &s.passcodeKey}, {keyCapture, &s.captureKey}} {
		v, err := s.key(ctx, k.name)
		if err != nil {
			return nil, fmt.Errorf("reference: key %s: %w", k.name, err)
		}
		*k.dst = v
	}
	dummy, err := s.hasher.Hash("dummy-Password-1!")
	if err != nil {
		return nil, fmt.Errorf("reference: dummy hash: %w", err)
	}
	s.dummyHash = dummy
	parts := strings.Split(dummy, "$")
	if len(parts) < 4 {
		return nil, fmt.Errorf("reference: hasher encoding %q has no salt and digest fields", parts[0])
	}
	s.hashPrefix = strings.Join(parts[:len(parts)-2], "$") + "$"
	return s, nil
}

// key returns the named key, creating it with 32 random bytes when the store has none.
func (s *Service) key(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		v, err = tx.Key(name)
		return err
	})
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	fresh := make([]byte, 32)
	if err := s.readRand(fresh); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, err = tx.Key(name); err == nil {
			return nil // another instance created it first
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		v = fresh
		return tx.PutKey(name, fresh)
	})
	return v, err
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func (s *Service) readRand(b []byte) error {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return fmt.Errorf("random source: %w", err)
	}
	return nil
}

// newID returns a random 128-bit identifier in hex.
func (s *Service) newID() (string, error) {
	var b [16]byte
	if err := s.readRand(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			m.Write([]byte{'|'})
		}
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// internal wraps an unexpected error (store, random source) as an internal error.
func internal(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: EUnavailable, Message: "request cancelled or timed out", Err: err}
	}
	return &Error{Code: EInternal, Message: "internal error", Err: err}
}

// Settings reports the hash settings, password pool size, policy, store and population size.
func (s *Service) Settings(ctx context.Context) (*Settings, error) {
	out := &Settings{Hash: s.hasher.Settings(), Policy: s.policy, Store: s.store.Name(), HashWorkers: s.hashq.snapshot().Slots}
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if out.Citizens, err = tx.CountCitizens(); err != nil {
			return err
		}
		if out.Accounts, err = tx.CountAccounts(); err != nil {
			return err
		}
		imports, err := tx.Imports()
		if err != nil {
			return err
		}
		out.Population = make([]PopulationFile, 0, len(imports))
		var last time.Time
		for _, r := range imports {
			out.PasswordPoolSize += r.Stats.PasswordPoolSize
			out.DeferredPasswordHashes += r.Stats.DeferredPasswordHashes
			out.Population = append(out.Population, PopulationFile{SHA256: r.SHA256, Path: r.Path, ImportedAt: r.ImportedAt,
				Citizens: r.Stats.Citizens, Accounts: r.Stats.Accounts})
			if r.ImportedAt.After(last) {
				last = r.ImportedAt
			}
		}
		if len(imports) > 0 {
			out.ChangedSinceImport, err = tx.CountAccountsChangedSince(last)
		}
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// Policy returns the service's rules.
func (s *Service) Policy() Policy { return s.policy }

// Hasher returns the service's password hasher.
func (s *Service) Hasher() Hasher { return s.hasher }
