package pgstore

import (
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// OTP challenges, their send records and dated events.

const challengeCols = `id, purpose, citizen_id, phone, device_id, code_mac, attempts, resends,
	created_at, sent_at, expires_at, consumed_at`

func (t *tx) Challenge(id string) (*reference.Challenge, error) {
	var c reference.Challenge
	var created, sent, expires, consumed int64
	err := t.get(`SELECT `+challengeCols+` FROM challenges WHERE id = $1`, []any{id},
		&c.ID, &c.Purpose, &c.CitizenID, &c.Phone, &c.DeviceID, &c.CodeMAC, &c.Attempts, &c.Resends,
		&created, &sent, &expires, &consumed)
	if err != nil {
		return nil, notFound(err, "challenge", id)
	}
	c.CreatedAt, c.SentAt, c.ExpiresAt, c.ConsumedAt = fromNanos(created), fromNanos(sent), fromNanos(expires), fromNanos(consumed)
	return &c, nil
}

func (t *tx) CreateChallenge(c *reference.Challenge) error {
	n, err := t.exec(`INSERT INTO challenges (`+challengeCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Purpose, c.CitizenID, c.Phone, c.DeviceID, c.CodeMAC, c.Attempts, c.Resends,
		nanos(c.CreatedAt), nanos(c.SentAt), nanos(c.ExpiresAt), nanos(c.ConsumedAt))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("challenge %q: %w", c.ID, reference.ErrExists)
	}
	return nil
}

func (t *tx) UpdateChallenge(c *reference.Challenge) error {
	n, err := t.exec(`UPDATE challenges SET purpose = $1, citizen_id = $2, phone = $3, device_id = $4,
		code_mac = $5, attempts = $6, resends = $7, created_at = $8, sent_at = $9, expires_at = $10,
		consumed_at = $11 WHERE id = $12`, c.Purpose, c.CitizenID, c.Phone, c.DeviceID, c.CodeMAC,
		c.Attempts, c.Resends, nanos(c.CreatedAt), nanos(c.SentAt), nanos(c.ExpiresAt), nanos(c.ConsumedAt), c.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("challenge %q: %w", c.ID, reference.ErrNotFound)
	}
	return nil
}

func (t *tx) DeleteChallenge(id string) error {
	n, err := t.exec(`DELETE FROM challenges WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("challenge %q: %w", id, reference.ErrNotFound)
	}
	_, err = t.exec(`DELETE FROM otp_sends WHERE challenge_id = $1`, id)
	return err
}

func (t *tx) DeleteExpiredChallenges(before time.Time) (int64, error) {
	if _, err := t.exec(`DELETE FROM otp_sends WHERE challenge_id IN
		(SELECT id FROM challenges WHERE expires_at < $1)`, nanos(before)); err != nil {
		return 0, err
	}
	return t.exec(`DELETE FROM challenges WHERE expires_at < $1`, nanos(before))
}

func (t *tx) AddSend(phone string, at time.Time, challengeID string) error {
	_, err := t.exec(`INSERT INTO otp_sends (phone, at, challenge_id) VALUES ($1, $2, $3)`, phone, nanos(at), challengeID)
	return err
}

func (t *tx) CountSends(phone string, since time.Time) (int, error) {
	n, err := t.count(`SELECT count(*) FROM otp_sends WHERE phone = $1 AND at >= $2`, phone, nanos(since))
	return int(n), err
}

func (t *tx) DeleteSend(challengeID string, at time.Time) (int64, error) {
	return t.exec(`DELETE FROM otp_sends WHERE challenge_id = $1 AND at = $2`, challengeID, nanos(at))
}

func (t *tx) AddEvent(key string, at time.Time) error {
	_, err := t.exec(`INSERT INTO events (key, at) VALUES ($1, $2)`, key, nanos(at))
	return err
}

func (t *tx) CountEvents(key string, since time.Time) (int, error) {
	n, err := t.count(`SELECT count(*) FROM events WHERE key = $1 AND at >= $2`, key, nanos(since))
	return int(n), err
}

func (t *tx) DeleteEvents(key string, before time.Time) (int64, error) {
	if key == "" {
		return t.exec(`DELETE FROM events WHERE at < $1`, nanos(before))
	}
	return t.exec(`DELETE FROM events WHERE key = $1 AND at < $2`, key, nanos(before))
}
