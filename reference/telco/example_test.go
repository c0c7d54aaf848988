package telco_test

import (
	"context"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/telco"
)

// world is a one-handset World.
type world struct{ coverage string }

func (w *world) Handset(_ context.Context, phone string) (*reference.Handset, error) {
	return &reference.Handset{Phone: phone, Carrier: reference.CarrierOf(phone), HolderID: "079203001234", Coverage: w.coverage}, nil
}

// The campaign simulation moves a virtual clock and calls Advance; the handset's holder reads
// the inbox of the number.
func Example() {
	ctx := context.Background()
	clock := reference.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &world{coverage: "none"}
	sim := telco.New(telco.DefaultConfig(), w, clock, 1)

	_ = sim.Send(ctx, reference.SMS{To: "0981234567", Sender: "VNeID", Body: "Ma OTP: 123456", OTP: "123456", Purpose: "login"})
	clock.Advance(2 * time.Minute)
	sim.Advance(ctx)
	msgs, _ := sim.Messages(ctx, "0981234567", 0, 0)
	fmt.Println("in a village without coverage:", len(msgs), "messages")

	w.coverage = "4g" // the holder walks up the hill
	clock.Advance(10 * time.Minute)
	sim.Advance(ctx)
	msgs, _ = sim.Messages(ctx, "0981234567", 0, 0)
	fmt.Println("with coverage, before the OTP message expired:", msgs[0].OTP)
	r := sim.Receipts(0)[0]
	fmt.Println(r.Status, r.Carrier, r.Attempts > 1)
	// Output:
	// in a village without coverage: 0 messages
	// with coverage, before the OTP message expired: 123456
	// DELIVRD Viettel true
}
