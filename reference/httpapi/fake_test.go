package httpapi_test

import (
	"context"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/httpapi"
)

// expires is the OTP expiry every fake ticket carries.
var expires = time.Date(2026, 7, 1, 8, 3, 0, 0, time.UTC)

// fakeAPI implements reference.API with canned answers: err, when set, is returned by every
// call; otherwise each call succeeds with fixed values. It records the last call and request.
type fakeAPI struct {
	mu       sync.Mutex
	err      error
	newDev   bool          // Login answers with a challenge instead of a token
	block    chan struct{} // when set, Register waits for it to close
	lastCall string
	lastID   string
	lastReq  any
}

var _ reference.API = (*fakeAPI)(nil)

func (f *fakeAPI) record(call, id string, req any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastCall, f.lastID, f.lastReq = call, id, req
	return f.err
}

func ticket(id string) *reference.Ticket { return &reference.Ticket{ID: id, ExpiresAt: expires} }

func (f *fakeAPI) Register(_ context.Context, req reference.RegisterRequest) (*reference.Ticket, error) {
	if err := f.record("Register", "", req); err != nil {
		return nil, err
	}
	if f.block != nil {
		<-f.block
	}
	return ticket("reg-1"), nil
}

func (f *fakeAPI) VerifyRegistration(_ context.Context, id string, req reference.VerifyRequest) (*reference.AccountInfo, error) {
	if err := f.record("VerifyRegistration", id, req); err != nil {
		return nil, err
	}
	return &reference.AccountInfo{CitizenID: "001090000001", Level: 1}, nil
}

func (f *fakeAPI) Login(_ context.Context, req reference.LoginRequest) (*reference.LoginResult, error) {
	if err := f.record("Login", "", req); err != nil {
		return nil, err
	}
	if f.newDev {
		return &reference.LoginResult{Challenge: ticket("chl-1")}, nil
	}
	return &reference.LoginResult{Token: token()}, nil
}

func token() *reference.Token {
	return &reference.Token{AccessToken: "tok-1", TokenType: "Bearer", ExpiresIn: 3600, Level: 1}
}

func (f *fakeAPI) VerifyLogin(_ context.Context, id string, otp string) (*reference.Token, error) {
	if err := f.record("VerifyLogin", id, otp); err != nil {
		return nil, err
	}
	return token(), nil
}

func (f *fakeAPI) StartRecovery(_ context.Context, req reference.RecoveryRequest) (*reference.Ticket, error) {
	if err := f.record("StartRecovery", "", req); err != nil {
		return nil, err
	}
	return ticket("rec-1"), nil
}

func (f *fakeAPI) VerifyRecovery(_ context.Context, id string, req reference.RecoveryVerifyRequest) (string, error) {
	if err := f.record("VerifyRecovery", id, req); err != nil {
		return "", err
	}
	return "001090000001", nil
}

func (f *fakeAPI) StartActivation(_ context.Context, req reference.ActivationRequest) (*reference.Ticket, error) {
	if err := f.record("StartActivation", "", req); err != nil {
		return nil, err
	}
	return ticket("act-1"), nil
}

func (f *fakeAPI) VerifyActivation(_ context.Context, id string, req reference.VerifyRequest) (*reference.AccountInfo, error) {
	if err := f.record("VerifyActivation", id, req); err != nil {
		return nil, err
	}
	return &reference.AccountInfo{CitizenID: "001090000001", Level: 2}, nil
}

func (f *fakeAPI) Resend(_ context.Context, id string) (time.Time, error) {
	if err := f.record("Resend", id, nil); err != nil {
		return time.Time{}, err
	}
	return expires, nil
}

func (f *fakeAPI) Me(_ context.Context, tok string) (*reference.Profile, error) {
	if err := f.record("Me", tok, nil); err != nil {
		return nil, err
	}
	return &reference.Profile{CitizenID: "001090000001", FullName: "Nguyễn Văn An", Level: 1}, nil
}

func (f *fakeAPI) Enroll(_ context.Context, req reference.EnrollRequest) (*reference.Enrollment, error) {
	if err := f.record("Enroll", "", req); err != nil {
		return nil, err
	}
	return &reference.Enrollment{ID: "enr-1", Level: 2, Status: "active"}, nil
}

func (f *fakeAPI) ChangePhone(_ context.Context, req reference.PhoneChangeRequest) (*reference.AccountInfo, error) {
	if err := f.record("ChangePhone", "", req); err != nil {
		return nil, err
	}
	return &reference.AccountInfo{CitizenID: "001090000001", Level: 2}, nil
}

func (f *fakeAPI) CounterPasswordReset(_ context.Context, req reference.CounterRequest) (*reference.Ticket, error) {
	if err := f.record("CounterPasswordReset", "", req); err != nil {
		return nil, err
	}
	return ticket("act-2"), nil
}

func (f *fakeAPI) Unlock(_ context.Context, req reference.CounterRequest) (*reference.AccountInfo, error) {
	if err := f.record("Unlock", "", req); err != nil {
		return nil, err
	}
	return &reference.AccountInfo{CitizenID: "001090000001", Level: 1}, nil
}

func (f *fakeAPI) Capture(_ context.Context, citizenID string) (string, error) {
	if err := f.record("Capture", citizenID, nil); err != nil {
		return "", err
	}
	return "cap:" + citizenID, nil
}

func (f *fakeAPI) Handset(_ context.Context, phone string) (*reference.Handset, error) {
	return &reference.Handset{Phone: phone, Carrier: "Viettel", Coverage: "4g"}, nil
}

func (f *fakeAPI) Settings(context.Context) (*reference.Settings, error) {
	if err := f.record("Settings", "", nil); err != nil {
		return nil, err
	}
	return &reference.Settings{
		Hash:             reference.HashSettings{Algorithm: "argon2id", Params: map[string]any{"t": 2}},
		PasswordPoolSize: 64,
		Store:            "sqlite",
	}, nil
}

func (f *fakeAPI) Ready(context.Context) error { return f.record("Ready", "", nil) }

// fakeInbox answers from a fixed list and records the wait it was asked for.
type fakeInbox struct {
	mu       sync.Mutex
	msgs     []httpapi.Message
	err      error
	lastWait time.Duration
	block    bool // wait for ctx to end instead of answering
}

func (f *fakeInbox) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]httpapi.Message, error) {
	f.mu.Lock()
	f.lastWait = wait
	block, err := f.block, f.err
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	var out []httpapi.Message
	for _, m := range f.msgs {
		if m.ID > after {
			out = append(out, m)
		}
	}
	return out, nil
}
