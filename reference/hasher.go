package reference

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes and verifies passwords. Hash returns a self-describing encoding (algorithm,
// parameters, salt, digest); Verify compares in constant time and reports a mismatch as
// (false, nil) and an undecodable encoding as an error. Settings names the algorithm and cost
// for run manifests: login throughput is bounded by them.
type Hasher interface {
	Hash(pw string) (string, error)
	Verify(encoded, pw string) (bool, error)
	Settings() HashSettings
}

// Hasher names accepted by NewHasher.
const (
	HashArgon2id = "argon2id"
	HashFast     = "fast"
)

// Default argon2id cost: the OWASP minimum (m=19 MiB, t=2, p=1), [owasp-password-storage] in docs/sources.md.
const (
	Argon2Memory  = 19456 // KiB
	Argon2Time    = 2
	Argon2Threads = 1
	saltLen       = 16
	argon2KeyLen  = 32
	// maxArgon2Memory bounds the memory a stored encoding may ask Verify for (1 GiB).
	maxArgon2Memory = 1 << 20
)

// argonSem bounds concurrent argon2 computations in the process to GOMAXPROCS: each holds
// Argon2Memory KiB, and more of them than cores only queue while holding memory.
var argonSem = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// NewHasher returns the hasher called name: "argon2id" (the default cost above, PHC-encoded
// "$argon2id$v=19$m=…,t=…,p=…$salt$digest") or "fast" (salted SHA-256, "$sha256$salt$digest"),
// meant only for simulations and for measuring the service's own overhead. "" means argon2id.
// Either hasher verifies encodings of both kinds, so a store written with one can be served
// with the other.
func NewHasher(name string) (Hasher, error) {
	switch name {
	case "", HashArgon2id:
		return &argon2Hasher{memory: Argon2Memory, time: Argon2Time, threads: Argon2Threads}, nil
	case HashFast:
		return fastHasher{}, nil
	}
	return nil, fmt.Errorf("unknown password hasher %q (want %q or %q)", name, HashArgon2id, HashFast)
}

var b64 = base64.RawStdEncoding

type argon2Hasher struct {
	memory  uint32
	time    uint32
	threads uint8
}

func (h *argon2Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2Key([]byte(pw), salt, h.time, h.memory, h.threads, argon2KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.memory, h.time, h.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func (h *argon2Hasher) Verify(encoded, pw string) (bool, error) { return verifyEncoded(encoded, pw) }

func (h *argon2Hasher) Settings() HashSettings {
	return HashSettings{Algorithm: HashArgon2id, Params: map[string]any{
		"memory_kib": int(h.memory), "time": int(h.time), "threads": int(h.threads),
		"salt_len": saltLen, "key_len": argon2KeyLen, "version": argon2.Version,
	}}
}

func argon2Key(pw, salt []byte, t, m uint32, p uint8, keyLen uint32) []byte {
	argonSem <- struct{}{}
	defer func() { <-argonSem }()
	return argon2.IDKey(pw, salt, t, m, p, keyLen)
}

type fastHasher struct{}

func (fastHasher) Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	d := fastDigest(salt, pw)
	return "$sha256$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(d[:]), nil
}

func (fastHasher) Verify(encoded, pw string) (bool, error) { return verifyEncoded(encoded, pw) }

func (fastHasher) Settings() HashSettings {
	return HashSettings{Algorithm: HashFast, Params: map[string]any{"digest": "sha256", "salt_len": saltLen}}
}

func fastDigest(salt []byte, pw string) [sha256.Size]byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(pw))
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

var errBadEncoding = errors.New("malformed password hash encoding")

// verifyEncoded checks pw against an encoding of either hasher.
func verifyEncoded(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	switch {
	case len(parts) == 4 && parts[0] == "" && parts[1] == "sha256":
		salt, err1 := b64.DecodeString(parts[2])
		want, err2 := b64.DecodeString(parts[3])
		if err1 != nil || err2 != nil || len(want) != sha256.Size {
			return false, errBadEncoding
		}
		got := fastDigest(salt, pw)
		return subtle.ConstantTimeCompare(got[:], want) == 1, nil
	case len(parts) == 6 && parts[0] == "" && parts[1] == "argon2id":
		if parts[2] != "v="+strconv.Itoa(argon2.Version) {
			return false, fmt.Errorf("%w: argon2 version %q", errBadEncoding, parts[2])
		}
		var m, t, p uint64
		if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
			return false, fmt.Errorf("%w: argon2 parameters %q", errBadEncoding, parts[3])
		}
		if m == 0 || m > maxArgon2Memory || t == 0 || t > 100 || p == 0 || p > 255 {
			return false, fmt.Errorf("%w: argon2 parameters %q out of range", errBadEncoding, parts[3])
		}
		salt, err1 := b64.DecodeString(parts[4])
		want, err2 := b64.DecodeString(parts[5])
		if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 1024 {
			return false, errBadEncoding
		}
		got := argon2Key([]byte(pw), salt, uint32(t), uint32(m), uint8(p), uint32(len(want)))
		return subtle.ConstantTimeCompare(got, want) == 1, nil
	}
	return false, errBadEncoding
}
