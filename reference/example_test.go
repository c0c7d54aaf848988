package reference_test

import (
	"context"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// inbox is a Gateway that keeps the last OTP per phone, as a handset would show it.
type inbox map[string]string

func (b inbox) Send(_ context.Context, m reference.SMS) error {
	fmt.Printf("SMS to %s (%s)\n", m.To, m.Purpose)
	b[m.To] = m.OTP
	return nil
}

// A citizen registers at level 1 and logs in, on a service over an in-memory SQLite store
// with the fixture population.
func ExampleService() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer store.Close()
	hasher, _ := reference.NewHasher(reference.HashFast)
	phones := inbox{}
	svc, err := reference.NewService(reference.Config{Store: store, Hasher: hasher, Gateway: phones,
		Clock: reference.NewManualClock(time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC))})
	if err != nil {
		panic(err)
	}
	stats, err := assemble.ImportFile(ctx, svc, "testdata/population.jsonl", reference.ImportOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println("citizens:", stats.Citizens, "accounts:", stats.Accounts)

	tk, err := svc.Register(ctx, reference.RegisterRequest{CitizenID: "079201000103", FullName: "Lê Hoàng Cường",
		BirthDate: "2001-07-21", Phone: "0901234503", DeviceID: "phone-1"})
	if err != nil {
		panic(err)
	}
	fmt.Println("OTP expires:", tk.ExpiresAt.Format(time.TimeOnly))
	acc, err := svc.VerifyRegistration(ctx, tk.ID, reference.VerifyRequest{OTP: phones["0901234503"],
		Password: "Cuong@2001", Passcode: "123456"})
	if err != nil {
		panic(err)
	}
	fmt.Println("account:", acc.CitizenID, "level", acc.Level)

	res, err := svc.Login(ctx, reference.LoginRequest{CitizenID: "079201000103", Password: "Cuong@2001", DeviceID: "phone-1"})
	if err != nil {
		panic(err)
	}
	me, _ := svc.Me(ctx, res.Token.AccessToken)
	fmt.Println("me:", me.FullName, "level", me.Level)

	_, err = svc.Login(ctx, reference.LoginRequest{CitizenID: "079201000103", Password: "wrong", DeviceID: "phone-1"})
	fmt.Println("wrong password:", reference.ErrorCode(err))
	// Output:
	// citizens: 12 accounts: 6
	// SMS to 0901234503 (registration)
	// OTP expires: 08:03:00
	// account: 079201000103 level 1
	// me: Lê Hoàng Cường level 1
	// wrong password: invalid_credentials
}
