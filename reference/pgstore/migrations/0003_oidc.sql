-- 0003: the OpenID Connect provider's state (reference.ProviderTx): authorization requests,
-- codes, tokens, signing keys and browser bindings, opaque to the store. Times are BIGINT
-- Unix nanoseconds (UTC).

CREATE TABLE provider_records (
	kind    TEXT NOT NULL,
	id      TEXT NOT NULL,
	family  TEXT NOT NULL DEFAULT '',
	owner   TEXT NOT NULL DEFAULT '',
	data    BYTEA NOT NULL,
	expires BIGINT NOT NULL,
	PRIMARY KEY (kind, id)
);

CREATE INDEX provider_records_family ON provider_records (family) WHERE family <> '';
CREATE INDEX provider_records_owner ON provider_records (kind, owner) WHERE owner <> '';
CREATE INDEX provider_records_expires ON provider_records (expires);
