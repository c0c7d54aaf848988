package campaign

import (
	"fmt"
	"time"
)

// action is what a citizen does on the day it is scheduled for.
type action uint8

// Actions scheduled on a day.
const (
	actNone            action = iota
	actSelfRegister           // register at home in the app
	actJoinQueue              // arrive at a counter (after travelling)
	actActivate               // activate the account the counter created
	actLogin                  // log in, as citizens do a few times a year
	actPhoneChangeDone        // back at the counter when the ministry changed the phone
	actStandardise            // back from the carrier shop with the SIM in their own name
)

var actionNames = [...]string{"none", "self_register", "join_queue", "activate", "login", "phone_change_done", "standardise"}

func (a action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// sessionKind is the reference flow one citizen goes through in a session.
type sessionKind uint8

// Session kinds.
const (
	kindRegister        sessionKind = iota // level 1 in the app: Register, OTP, VerifyRegistration
	kindActivate                           // StartActivation, OTP, VerifyActivation in the app
	kindWebActivate                        // the same, by a community digital team on the web
	kindLogin                              // Login on the bound device; forgotten password → recovery
	kindRecovery                           // StartRecovery, OTP, VerifyRecovery
	kindEnrol                              // at the counter: Capture, Enroll (and activation there)
	kindReset                              // at the counter: phone change request or CounterPasswordReset
	kindPhoneChange                        // 7–10 days after the request: ChangePhone, then a counter reset
	kindCounterActivate                    // activation OTP finished after a counter reset
)

var kindNames = [...]string{"register", "activate", "web_activate", "login", "recovery", "enrol", "reset", "phone_change", "counter_activate"}

func (k sessionKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// flowState is where a session's flow stands.
type flowState uint8

const (
	flowStart    flowState = iota // the first call of the flow is due
	flowAwaitOTP                  // the OTP was sent: look for it in the inbox and type it
)

// within reports whether t falls in the dated window from–to, both days included.
func within(t time.Time, from, to Date) bool { return !t.Before(from.Time) && !t.After(to.Time) }
