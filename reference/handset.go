package reference

import (
	"context"
	"errors"
)

// StoreWorld answers the telco's question — who holds a number now, on which carrier, with
// what coverage — by reading the store: the number's subscriber record and its holder's
// village coverage ("4g" for holders outside the population). A number without a subscriber
// record is not in service (code ENotFound). Any Store will do, one shared by several service
// instances included, so a telco needs a store, not a service, to deliver. StoreWorld
// satisfies telco.World; Service.Handset answers the same through it.
type StoreWorld struct{ Store Store }

// Handset returns who holds phone now.
func (w StoreWorld) Handset(ctx context.Context, phone string) (*Handset, error) {
	var h *Handset
	err := w.Store.View(ctx, func(tx Tx) error {
		sub, err := tx.Subscriber(phone)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENotFound, "no subscriber record for this number")
		} else if err != nil {
			return err
		}
		h = &Handset{Phone: sub.Phone, Carrier: sub.Carrier, HolderID: sub.HolderID, Coverage: "4g"}
		if h.Carrier == "" {
			h.Carrier = CarrierOf(phone)
		}
		if sub.HolderID == "" {
			return nil
		}
		c, err := tx.Citizen(sub.HolderID)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		h.Coverage = c.Coverage
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	return h, nil
}
