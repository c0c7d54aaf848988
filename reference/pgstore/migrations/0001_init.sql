-- 0001: the identity domain. Times are BIGINT Unix nanoseconds (UTC); 0 means "not set"
-- (timestamptz keeps only microseconds, and the store keeps nanoseconds).

CREATE TABLE citizens (
	id                TEXT PRIMARY KEY,
	full_name         TEXT NOT NULL,
	sex               TEXT NOT NULL,
	birth_date        TEXT NOT NULL,
	province_code     TEXT NOT NULL,
	ethnicity         TEXT NOT NULL,
	village_id        TEXT NOT NULL DEFAULT '',
	coverage          TEXT NOT NULL,
	handset           TEXT NOT NULL,
	biometric_quality DOUBLE PRECISION NOT NULL,
	captures          BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE subscribers (
	phone     TEXT PRIMARY KEY,
	carrier   TEXT NOT NULL,
	owner_id  TEXT NOT NULL DEFAULT '',
	holder_id TEXT NOT NULL DEFAULT ''
);

CREATE TABLE accounts (
	citizen_id    TEXT PRIMARY KEY,
	level         INTEGER NOT NULL,
	phone         TEXT NOT NULL UNIQUE,
	status        TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	passcode_mac  BYTEA,
	device_id     TEXT NOT NULL DEFAULT '',
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until  BIGINT NOT NULL DEFAULT 0,
	epoch         BIGINT NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL
);

CREATE TABLE challenges (
	id          TEXT PRIMARY KEY,
	purpose     TEXT NOT NULL,
	citizen_id  TEXT NOT NULL,
	phone       TEXT NOT NULL,
	device_id   TEXT NOT NULL DEFAULT '',
	code_mac    BYTEA,
	attempts    INTEGER NOT NULL DEFAULT 0,
	resends     INTEGER NOT NULL DEFAULT 0,
	created_at  BIGINT NOT NULL,
	sent_at     BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL,
	consumed_at BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX challenges_expires_at ON challenges (expires_at);

CREATE TABLE otp_sends (
	id           BIGSERIAL PRIMARY KEY,
	phone        TEXT NOT NULL,
	at           BIGINT NOT NULL,
	challenge_id TEXT NOT NULL
);

CREATE INDEX otp_sends_phone_at ON otp_sends (phone, at);
CREATE INDEX otp_sends_challenge ON otp_sends (challenge_id);

CREATE TABLE keys (
	name  TEXT PRIMARY KEY,
	value BYTEA NOT NULL
);

CREATE TABLE imports (
	sha256      TEXT PRIMARY KEY,
	path        TEXT NOT NULL,
	imported_at BIGINT NOT NULL,
	stats       TEXT NOT NULL
);
