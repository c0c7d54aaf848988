-- 0002: dated events per key, for limits over windows longer than a challenge lives (failed
-- OTP challenges per account) and the service's write probe. Times are Unix nanoseconds (UTC).

CREATE TABLE events (
	id  BIGSERIAL PRIMARY KEY,
	key TEXT NOT NULL,
	at  BIGINT NOT NULL
);

CREATE INDEX events_key_at ON events (key, at);
CREATE INDEX events_at ON events (at);
