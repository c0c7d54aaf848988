package telco

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels wrapped by *SubmitError; test with errors.Is.
var (
	// ErrInvalidDestination: the number is not a 10-digit national number.
	ErrInvalidDestination = errors.New("invalid destination address")
	// ErrOutage: the carrier's route is down (an injected outage window).
	ErrOutage = errors.New("carrier outage")
	// ErrThrottled: the carrier's submit rate is exceeded.
	ErrThrottled = errors.New("throttled")
	// ErrQueueFull: too many messages are waiting at the SMSC.
	ErrQueueFull = errors.New("message queue full")
)

// SMPP 3.4 command_status values of refused submissions.
const (
	StatusInvalidDestination uint32 = 0x0B // ESME_RINVDSTADR
	StatusQueueFull          uint32 = 0x14 // ESME_RMSGQFUL
	StatusSubmitFailed       uint32 = 0x45 // ESME_RSUBMITFAIL
	StatusThrottled          uint32 = 0x58 // ESME_RTHROTTLED
)

// SubmitError is a refused submission: the submit_sm_resp status and, for throttling and
// outages, how long until a retry can succeed.
type SubmitError struct {
	Phone      string
	Carrier    string
	Status     uint32
	RetryAfter time.Duration
	Err        error
}

func (e *SubmitError) Error() string {
	s := fmt.Sprintf("telco: submit to %s (%s) refused: %v (command_status 0x%02X)", e.Phone, e.Carrier, e.Err, e.Status)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(", retry after %v", e.RetryAfter)
	}
	return s
}

// Unwrap returns the sentinel.
func (e *SubmitError) Unwrap() error { return e.Err }
