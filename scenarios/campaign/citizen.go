package campaign

import (
	"math"

	"github.com/eidsim/eidsim/generators/population"
)

// Stages of a citizen in the campaign.
const (
	stPool     uint8 = iota // has not acted (yet): in the decision pool of their village
	stQueued                // travelling to or waiting at a counter
	stPending               // level-2 profile collected, account pending activation
	stActive                // account active
	stBlocked               // stopped by a barrier until an intervention removes it
	stLocked                // had an active account, lost access (forgotten password, no way back)
	stApproval              // level-2 dossier taken, waiting for the ministry's approval (pipeline.go)
)

// Causes are the barriers a flow met. Each is the outcome of a reference flow, the telco or the
// counter, never a drawn rate.
const (
	causeNone           uint8 = iota
	causeNoPhone              // no SIM: Enroll and Register need a phone number
	causeNonOwnerSIM          // phone_not_owner from Register, Enroll or ChangePhone
	causePhoneInUse           // phone_in_use: the number is on someone else's account
	causeNoSmartphone         // no app to activate in, and no web activation team
	causeNoCoverage           // the OTP was held at the SMSC and expired (no coverage)
	causeOTPNotReceived       // the OTP did not arrive in time with coverage (2G failures, latency)
	causeOTPTypo              // wrong OTP entries until patience ran out
	causeBiometric            // biometric_mismatch at every capture of a counter visit
	causeCounterQueue         // the queue was longer than the citizen's patience
	causeSIMSwapped           // the SIM changed since the account was made: the OTP goes to the old number
	causeSMSUnavailable       // the SMS gateway refused (throttled, queue full): unavailable / rate_limited
	causeLocked               // account_locked after wrong passwords
	causeOther                // any other error code
	nCauses
)

var causeNames = [nCauses]string{"none", "no_phone", "non_owner_sim", "phone_in_use", "no_smartphone", "no_coverage",
	"otp_not_received", "otp_typo", "biometric_mismatch", "counter_queue", "sim_swapped", "sms_unavailable",
	"account_locked", "other"}

// Handset and coverage codes.
const (
	hsNone uint8 = iota
	hsFeature
	hsSmart
)

const (
	covNone uint8 = iota
	cov2G
	cov4G
)

var coverageNames = [...]string{population.CoverageNone, population.Coverage2G, population.Coverage4G}

// citizen is one person's state. Strings are the identity the flows need.
type citizen struct {
	id, name, birth string
	phone           string // the SIM in the handset now, "" for none
	device          string
	password        string
	village         int32
	handset, cov    uint8
	owner           bool // the SIM now is registered in the citizen's name
	poverty         uint8
	minority, urban bool
	ageBand         uint8
	typo, bioQ      float32
	forget, swaps   float32
	patience        uint8

	stage     uint8
	cause     uint8 // the last barrier met
	level     uint8 // account level, 0 for none
	visits    uint8 // counter visits that failed
	forgotten bool
	acted     bool  // enrolled or registered at least once (imitation counts it)
	activated bool  // an account was activated at least once
	swapped   bool  // the SIM changed since the account was made
	webWait   bool  // waiting for a web activation team
	townNext  bool  // the next activation try is on a trip to town (coverage)
	resetNext bool  // the pending queue join is for a password reset / phone change
	hs0, sim0 uint8 // handset and SIM status at the start (segments)
	chipCard  bool  // holds a chip ID card (a carrier shop needs it to register a SIM in the holder's name)

	threshold float64 // decision pool: acts when the village's cumulative pressure reaches it
	nextDay   int32   // day of the next scheduled action, -1 none
	action    action
	lastDay   int32 // last day SIM swaps were drawn up to
	lastMsg   int64 // last inbox message id seen
	queuedDay int32
	capture   string // capture taken at a counter for a phone change completed later
	newPhone  string // the number a pending phone change re-binds to
	rng       uint64
}

// Age bands for segments.
var ageBandNames = [...]string{"14-17", "18-29", "30-44", "45-59", "60+"}

func ageBandOf(age int) uint8 {
	switch {
	case age < 18:
		return 0
	case age < 30:
		return 1
	case age < 45:
		return 2
	case age < 60:
		return 3
	}
	return 4
}

// splitmix64 is the SplitMix64 finaliser.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seedOf derives the citizen's stream from (seed, replica, index).
func seedOf(seed uint64, replica int, idx int) uint64 {
	return splitmix64(splitmix64(splitmix64(seed^0xca3a16)^uint64(replica)) ^ uint64(idx))
}

// u returns the next uniform in (0,1) of the citizen's own stream.
func (c *citizen) u() float64 {
	c.rng += 0x9e3779b97f4a7c15
	x := splitmix64(c.rng)
	return (float64(x>>11) + 0.5) / (1 << 53)
}

// exp returns an exponential draw of the given mean.
func (c *citizen) exp(mean float64) float64 { return -mean * math.Log(c.u()) }

// poisson returns a Poisson draw of mean m (inversion; m is small here).
func (c *citizen) poisson(m float64) int {
	if m <= 0 {
		return 0
	}
	l, k, p := math.Exp(-m), 0, 1.0
	for k < 1000 {
		p *= c.u()
		if p <= l {
			return k
		}
		k++
	}
	return k
}

// SIM status codes at the start.
const (
	simNone uint8 = iota
	simOwner
	simNonOwner
)

var simNames = [...]string{"none", "owner", "non_owner"}
var handsetNames = [...]string{"none", "feature", "smartphone"}
var povertyNames = [...]string{"none", "near_poor", "poor"}
