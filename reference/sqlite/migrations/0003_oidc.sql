-- 0003: the OpenID Connect provider's state (reference.ProviderTx): authorization requests,
-- codes, tokens, signing keys and browser bindings, opaque to the store. Times are INTEGER
-- Unix nanoseconds (UTC).

CREATE TABLE provider_records (
	kind    TEXT NOT NULL,
	id      TEXT NOT NULL,
	family  TEXT NOT NULL DEFAULT '',
	owner   TEXT NOT NULL DEFAULT '',
	data    BLOB NOT NULL,
	expires INTEGER NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE INDEX provider_records_family ON provider_records (family) WHERE family <> '';
CREATE INDEX provider_records_owner ON provider_records (kind, owner) WHERE owner <> '';
CREATE INDEX provider_records_expires ON provider_records (expires);
