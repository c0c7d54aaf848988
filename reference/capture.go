package reference

import (
	"context"
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// Simulated scanner captures. A capture is "cap1." + base64url of
//
//	template (16 bytes: HMAC of the citizen ID under the store's capture key)
//	score    (uint16, match score × 10000)
//	counter  (uint64, the citizen's capture number)
//	tag      (16 bytes: HMAC of the above, so a capture cannot be edited or forged)
//
// The score is the person's biometric quality plus Gaussian noise of standard deviation
// CaptureNoise, clipped to [0,1], drawn from a PRNG seeded by (Config.Seed, citizen ID,
// capture number): the same seed and the same sequence of captures give the same scores.
const (
	capturePrefix = "cap1."
	captureTplLen = 16
	captureTagLen = 16
	captureLen    = captureTplLen + 2 + 8 + captureTagLen
	// CaptureNoise is the standard deviation of a capture's score around the person's
	// biometric quality.
	CaptureNoise = 0.1
)

func (s *Service) template(citizenID string) []byte {
	return mac(s.captureKey, "template", citizenID)[:captureTplLen]
}

// captureScore draws the score of capture number n of a person.
func (s *Service) captureScore(citizenID string, quality float64, n uint64) float64 {
	h := fnv.New64a()
	h.Write([]byte(citizenID))
	r := rand.New(rand.NewPCG(s.seed^h.Sum64(), n))
	return min(1, max(0, quality+CaptureNoise*r.NormFloat64()))
}

// Capture is what the station's scanner captures from a person now; the match score follows
// the person's biometric quality. not_found for unknown citizens.
func (s *Service) Capture(ctx context.Context, citizenID string) (string, error) {
	if err := checkCitizenID(citizenID); err != nil {
		return "", err
	}
	var n uint64
	var quality float64
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Citizen(citizenID)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENotFound, "no citizen with this ID")
		} else if err != nil {
			return err
		}
		quality = c.BiometricQuality
		n, err = tx.NextCapture(citizenID)
		return err
	})
	if err != nil {
		return "", internal(err)
	}
	score := s.captureScore(citizenID, quality, n)
	b := make([]byte, 0, captureLen)
	b = append(b, s.template(citizenID)...)
	b = binary.BigEndian.AppendUint16(b, uint16(math.Round(score*10000)))
	b = binary.BigEndian.AppendUint64(b, n)
	b = append(b, mac(s.captureKey, "capture", string(b))[:captureTagLen]...)
	return capturePrefix + b64url.EncodeToString(b), nil
}

// matchCapture checks that capture is a genuine capture of citizenID scoring at least the
// policy's minimum: invalid_input (field capture) when it is malformed or forged,
// biometric_mismatch when it is someone else's or scores too low.
func (s *Service) matchCapture(capture, citizenID string) error {
	if len(capture) <= len(capturePrefix) || capture[:len(capturePrefix)] != capturePrefix || !isB64URLText(capture) {
		return InvalidField("capture", "not a scanner capture")
	}
	b, err := b64url.DecodeString(capture[len(capturePrefix):])
	if err != nil || len(b) != captureLen {
		return InvalidField("capture", "not a scanner capture")
	}
	body, tag := b[:captureLen-captureTagLen], b[captureLen-captureTagLen:]
	if !hmac.Equal(tag, mac(s.captureKey, "capture", string(body))[:captureTagLen]) {
		return InvalidField("capture", "not a capture of this system's scanners")
	}
	if !hmac.Equal(body[:captureTplLen], s.template(citizenID)) {
		return Errorf(EBiometricMismatch, "the fingerprints and portrait do not match the registry")
	}
	score := float64(binary.BigEndian.Uint16(body[captureTplLen:])) / 10000
	if score < s.policy.BiometricMinScore {
		return Errorf(EBiometricMismatch, "the capture quality is too low to confirm the match; capture again").
			With("score", score)
	}
	return nil
}

// MatchCapture reports whether capture would pass the counter's biometric check for
// citizenID (nil), and if not, why (invalid_input or biometric_mismatch). It changes nothing.
func (s *Service) MatchCapture(citizenID, capture string) error {
	return s.matchCapture(capture, citizenID)
}
