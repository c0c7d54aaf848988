package reference

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// Web login: a citizen signing in through a browser (the OpenID Connect login page, as VNeID's
// web login through the national portal). A browser is bound on its own record, a browser
// binding, which never replaces the account's app device (Account.DeviceID): a web login leaves
// the phone app bound. The browser's credential is an opaque value the service issues (never
// one the client chose: an unknown value is a new browser), stored only as a hash, and
// replaced by a new value at every successful login, so a copied value stops working after the
// owner's next login.

// kindBrowserBinding is the ProviderRecord kind of browser bindings.
const kindBrowserBinding = "web_browser"

// PurposeWebLogin is the challenge purpose (and SMS.Purpose) of a web login's OTP: its own, so
// the app's VerifyLogin never takes a web login's challenge for a device to bind.
const PurposeWebLogin = "web_login"

func init() {
	otpBodies[PurposeWebLogin] = "VNeID: Ma OTP dang nhap tren trinh duyet moi la %s. Ma co hieu luc trong %d phut. Neu khong phai ban dang nhap, hay doi mat khau ngay."
}

// browserBinding is the stored record of a bound browser.
type browserBinding struct {
	CitizenID string
	// Epoch is the account's epoch at binding: a password reset or a phone change (which
	// move it) ends every browser binding as it ends every token.
	Epoch int64
	Bound time.Time
}

// WebLoginResult is the answer of WebLogin and VerifyWebLogin: either the login is complete
// (Browser is the browser's new credential, to set as its cookie) or an OTP is needed first
// (Challenge, on a browser that is not bound to the account).
type WebLoginResult struct {
	CitizenID string
	Browser   string
	Challenge *Ticket
}

func hashBrowser(v string) string {
	h := sha256.Sum256([]byte("eidsim browser binding\x00" + v))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

func providerTx(tx Tx) (ProviderTx, error) {
	ptx, ok := tx.(ProviderTx)
	if !ok {
		return nil, errors.New("the store cannot hold browser bindings (its Tx lacks ProviderTx)")
	}
	return ptx, nil
}

// WebLogin checks a password as Login does (authenticate: the same hashing, lockout and
// answers). When browser is the current credential of a browser bound to this account (and
// the account's epoch has not moved since), the login is complete and the browser gets a new
// credential (the old one stops working); otherwise the answer is a login challenge whose OTP
// goes to the account's phone (purpose PurposeWebLogin, under the same send limits), and
// VerifyWebLogin completes it. The account's app device is
// never read or changed.
func (s *Service) WebLogin(ctx context.Context, citizenID, password, browser string) (*WebLoginResult, error) {
	if len(browser) > 256 {
		browser = "" // not one the service issued
	}
	acc, err := s.authenticate(ctx, citizenID, password)
	if err != nil {
		return nil, err
	}
	if browser != "" {
		next, err := s.rebind(ctx, acc, hashBrowser(browser))
		if err != nil {
			return nil, err
		}
		if next != "" {
			return &WebLoginResult{CitizenID: acc.CitizenID, Browser: next}, nil
		}
	}
	t, err := s.openChallenge(ctx, PurposeWebLogin, func(tx Tx, now time.Time) (challengeSpec, error) {
		return challengeSpec{citizenID: acc.CitizenID, phone: acc.Phone, deliver: true}, nil
	})
	if err != nil {
		return nil, err
	}
	return &WebLoginResult{CitizenID: acc.CitizenID, Challenge: t}, nil
}

// rebind replaces the binding old of acc by a new credential and returns it; "" when old is
// not a live binding of acc.
func (s *Service) rebind(ctx context.Context, acc *Account, old string) (string, error) {
	next, err := s.newBrowserValue()
	if err != nil {
		return "", err
	}
	found := false
	err = s.store.Update(ctx, func(tx Tx) error {
		ptx, err := providerTx(tx)
		if err != nil {
			return err
		}
		now := s.now()
		r, err := ptx.ProviderRecord(kindBrowserBinding, old)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		var b browserBinding
		if err := json.Unmarshal(r.Data, &b); err != nil {
			return err
		}
		a, err := tx.Account(acc.CitizenID)
		if err != nil {
			return err
		}
		if b.CitizenID != a.CitizenID || b.Epoch != a.Epoch || now.After(r.Expires) {
			return nil
		}
		if err := ptx.DeleteProviderRecord(kindBrowserBinding, old); err != nil {
			return err
		}
		found = true
		return putBinding(ptx, next, a, now)
	})
	if err != nil {
		return "", internal(err)
	}
	if !found {
		return "", nil
	}
	return next, nil
}

func putBinding(ptx ProviderTx, value string, a *Account, now time.Time) error {
	data, err := json.Marshal(browserBinding{CitizenID: a.CitizenID, Epoch: a.Epoch, Bound: now})
	if err != nil {
		return err
	}
	return ptx.PutProviderRecord(&ProviderRecord{Kind: kindBrowserBinding, ID: hashBrowser(value), Owner: a.CitizenID,
		Data: data, Expires: now.Add(BrowserBindingTTL)})
}

func (s *Service) newBrowserValue() (string, error) {
	b := make([]byte, 32)
	if err := s.readRand(b); err != nil {
		return "", internal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// VerifyWebLogin checks the OTP of a WebLogin challenge and binds the browser: a new browser
// binding with a new credential, returned in Browser. The account's app device stays bound.
func (s *Service) VerifyWebLogin(ctx context.Context, challengeID, otp string) (*WebLoginResult, error) {
	next, err := s.newBrowserValue()
	if err != nil {
		return nil, err
	}
	var citizen string
	err = s.verifyChallenge(ctx, challengeID, PurposeWebLogin, otp, func(tx Tx, ch *Challenge, now time.Time) error {
		a, err := s.signInAccount(tx, ch.CitizenID, now)
		if err != nil {
			return err
		}
		ptx, err := providerTx(tx)
		if err != nil {
			return err
		}
		citizen = a.CitizenID
		return putBinding(ptx, next, a, now)
	})
	if err != nil {
		return nil, err
	}
	return &WebLoginResult{CitizenID: citizen, Browser: next}, nil
}

// TrustBrowser binds a new browser to a citizen's active account without a login and returns
// its credential: for test harnesses (rp-check, benchmarks) that play a citizen whose browser
// signed in before. It is not reachable over HTTP.
func (s *Service) TrustBrowser(ctx context.Context, citizenID string) (string, error) {
	next, err := s.newBrowserValue()
	if err != nil {
		return "", err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Account(citizenID)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENotFound, "no such account")
		} else if err != nil {
			return err
		}
		if a.Status != StatusActive {
			return Errorf(EAccountNotActive, "the account is not active")
		}
		ptx, err := providerTx(tx)
		if err != nil {
			return err
		}
		return putBinding(ptx, next, a, s.now())
	})
	if err != nil {
		return "", internal(err)
	}
	return next, nil
}
