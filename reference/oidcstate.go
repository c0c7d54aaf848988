package reference

import "time"

// ProviderRecord is one entry of the OpenID Connect provider's state (reference/oidc): a
// pending authorization request, a code, an access or refresh token, a signing key, a
// browser's web-login binding. The store keeps it opaque: Data is the provider's encoding.
//
// Kind and ID together are the key. Family groups the records that must end together (the
// tokens issued from one code, across refresh rotations), Owner those of one session (a
// subject at a client) or one citizen; either may be "". Expires is when the record stops
// being valid; the store returns expired records like live ones (the provider decides) and
// removes them only in DeleteExpiredProviderRecords.
type ProviderRecord struct {
	Kind    string
	ID      string
	Family  string
	Owner   string
	Data    []byte
	Expires time.Time
}

// ProviderTx is implemented by the Tx of a store that can hold the OpenID Connect provider's
// state, so that a restart keeps every issued token valid and several service instances on one
// store serve the same logins. It is optional: a provider on a store whose Tx lacks it keeps its
// state in the process. The methods follow Tx's rules (ErrNotFound, ErrReadOnly, fresh copies,
// the transaction's atomicity); storetest.RunProvider is their conformance suite.
type ProviderTx interface {
	// ProviderRecord returns the record kind/id.
	ProviderRecord(kind, id string) (*ProviderRecord, error)
	// PutProviderRecord inserts the record or replaces the one with its kind and id.
	PutProviderRecord(r *ProviderRecord) error
	// DeleteProviderRecord removes the record kind/id; ErrNotFound when there is none.
	DeleteProviderRecord(kind, id string) error
	// ProviderRecords returns every record of a kind, ordered by id.
	ProviderRecords(kind string) ([]ProviderRecord, error)
	// DeleteProviderFamily removes every record of a family (of any kind) and returns how
	// many it removed; family "" removes nothing.
	DeleteProviderFamily(family string) (int64, error)
	// DeleteProviderOwner removes every record of kind with that owner and returns how many
	// it removed; owner "" removes nothing.
	DeleteProviderOwner(kind, owner string) (int64, error)
	// DeleteExpiredProviderRecords removes the records that expired before t and returns how
	// many it removed.
	DeleteExpiredProviderRecords(before time.Time) (int64, error)
}
