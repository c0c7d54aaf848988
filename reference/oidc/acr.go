package oidc

import (
	"fmt"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// ACR values: the authentication context class a relying party asks for with acr_values and
// the one the ID token's acr reports. They name the account level (reference levels 1 and 2);
// see the package doc for how they map to NIST/eIDAS levels (a judgement, not a fact about
// the real VNeID).
const (
	ACRLoA1 = "LoA1"
	ACRLoA2 = "LoA2"
)

// ErrUnmetAuthenticationRequirements is the OAuth error code of a refused level.
const ErrUnmetAuthenticationRequirements = "unmet_authentication_requirements"

// LevelOfACR returns the account level an acr value names, or 0 for an unknown value.
func LevelOfACR(acr string) int {
	switch acr {
	case ACRLoA1:
		return 1
	case ACRLoA2:
		return 2
	}
	return 0
}

// ACROfLevel returns the acr value of an account level.
func ACROfLevel(level int) string {
	if level >= 2 {
		return ACRLoA2
	}
	return ACRLoA1
}

// RequiredLevel is the account level acr_values require: the lowest level among the known
// values (any of them satisfies the relying party), 1 when none is given. (Requests whose
// values are all unknown are refused at authorize, see checkACRValues.)
func RequiredLevel(acrValues []string) int {
	req := 0
	for _, v := range acrValues {
		if l := LevelOfACR(v); l > 0 && (req == 0 || l < req) {
			req = l
		}
	}
	if req == 0 {
		return 1
	}
	return req
}

// levelRefusal is the error_description of a refused level.
func levelRefusal(have, want int) string {
	return fmt.Sprintf("the account is level %d (%s) but %s (level %d) was required; level 2 is obtained in person at a police counter",
		have, ACROfLevel(have), ACROfLevel(want), want)
}

// checkACRValues refuses acr_values of which no value is known (LoA3 alone, say) with
// unmet_authentication_requirements, before any login: the request is well formed (acr_values
// are values the relying party chooses), but the provider cannot authenticate at any of the
// asked classes, which is what that error code (OpenID Connect Core Error Code 1.0) says;
// invalid_request would tell the relying party its request was malformed. Serving LoA1
// instead, as before, would let a relying party believe it got a class it did not. An unknown
// value beside a known one is ignored (the known one is served).
func checkACRValues(acrValues []string) error {
	if len(acrValues) == 0 {
		return nil
	}
	for _, v := range acrValues {
		if LevelOfACR(v) > 0 {
			return nil
		}
	}
	return &oidc.Error{ErrorType: ErrUnmetAuthenticationRequirements,
		Description: fmt.Sprintf("acr_values %v: none is supported (supported: %s %s)", acrValues, ACRLoA1, ACRLoA2)}
}
