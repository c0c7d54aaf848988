package campaign

import (
	"context"
	"errors"
	"fmt"

	"github.com/eidsim/eidsim/reference"
)

// drawSwaps applies the SIM swaps since the citizen's last action: each swap puts a new SIM
// (a new number, registered in the citizen's name as often as before) in the handset; the old
// number leaves the citizen (nobody reads its messages any more).
func (s *sim) drawSwaps(ctx context.Context, i int32) error {
	c := &s.cit[i]
	days := s.day - int(c.lastDay)
	c.lastDay = int32(s.day)
	if c.phone == "" || c.swaps <= 0 || days <= 0 {
		return nil
	}
	n := c.poisson(float64(c.swaps) * float64(days) / 365)
	if n == 0 {
		return nil
	}
	old := c.phone
	if err := s.giveSIM(ctx, i, c.owner); err != nil {
		return err
	}
	if err := s.releaseNumber(ctx, old); err != nil {
		return err
	}
	if c.level > 0 {
		c.swapped = true
	}
	return nil
}

// giveSIM puts a new SIM in the citizen's handset, owner-registered or not.
func (s *sim) giveSIM(ctx context.Context, i int32, owner bool) error {
	s.worldChanging(ctx)
	c := &s.cit[i]
	oid := ""
	if owner {
		oid = c.id
	}
	// A fresh number from a prefix the population generator does not hand out to the
	// area (new subscriptions): the first free one in a fixed sequence.
	for {
		n := s.freeSIMNext
		s.freeSIMNext++
		phone := numberFor(newSIMPrefix, n%10_000_000)
		added := false
		err := s.store.Update(ctx, func(tx reference.Tx) error {
			var err error
			added, err = tx.AddSubscriber(&reference.Subscriber{Phone: phone, Carrier: reference.CarrierOf(phone), OwnerID: oid, HolderID: c.id})
			return err
		})
		if err != nil {
			return fmt.Errorf("new SIM for citizen %s: %w", c.id, err)
		}
		if added {
			c.phone = phone
			break
		}
	}
	c.owner = owner
	c.lastMsg = 0
	return nil
}

// newSIMPrefix is the prefix of SIMs handed out during the campaign (Viettel).
const newSIMPrefix = "039"

// numberFor returns a 10-digit number with the prefix whose last seven digits are a bijection
// of n (n < 10^7), so different n never share a number.
func numberFor(prefix string, n uint64) string {
	const m = 10_000_000
	x := (n*2_654_437 + 1_234_567) % m // 2654437 is odd and not a multiple of 5: a bijection mod 10^7
	return prefix + fmt.Sprintf("%07d", x)
}

// releaseNumber takes a number out of its holder's handset: nobody reads its messages any
// more. A number without a subscriber record is left alone.
func (s *sim) releaseNumber(ctx context.Context, phone string) error {
	s.worldChanging(ctx)
	err := s.updateSubscriber(ctx, phone, func(sub *reference.Subscriber) { sub.HolderID = "" })
	if errors.Is(err, reference.ErrNotFound) {
		return nil
	}
	return err
}

// registerOwner registers the citizen's SIM in their own name.
func (s *sim) registerOwner(ctx context.Context, c *citizen) error {
	c.owner = true
	return s.updateSubscriber(ctx, c.phone, func(sub *reference.Subscriber) { sub.OwnerID = c.id })
}

// updateSubscriber changes the carrier's record of a number in one transaction; the error
// names the number.
func (s *sim) updateSubscriber(ctx context.Context, phone string, change func(*reference.Subscriber)) error {
	err := s.store.Update(ctx, func(tx reference.Tx) error {
		sub, err := tx.Subscriber(phone)
		if err != nil {
			return err
		}
		change(sub)
		return tx.PutSubscriber(sub)
	})
	if err != nil {
		return fmt.Errorf("subscriber %s: %w", phone, err)
	}
	return nil
}

// inTown sets the coverage the telco sees for the citizen's handset: the counter's town has
// 4G; home is the village's coverage.
func (s *sim) inTown(ctx context.Context, i int32, town bool) error {
	c := &s.cit[i]
	if c.cov == cov4G {
		return nil
	}
	s.worldChanging(ctx)
	cov := coverageNames[c.cov]
	if town {
		cov = coverageNames[cov4G]
	}
	err := s.store.Update(ctx, func(tx reference.Tx) error {
		z, err := tx.Citizen(c.id)
		if err != nil {
			return err
		}
		z.Coverage = cov
		return tx.PutCitizen(z)
	})
	if err != nil {
		return fmt.Errorf("citizen %s's coverage: %w", c.id, err)
	}
	return nil
}

// worldChanging delivers what is due before a change of the world that deliveries depend on,
// so every delivery attempt sees the world as it was at its time.
func (s *sim) worldChanging(ctx context.Context) { s.tel.Advance(ctx) }
