-- 0004: the simulated world's fault settings shared by every instance on this database
-- (reference/cluster.FaultSync): a journal of settings, the newest of which is in force.
-- spec is the faults.Spec as JSON; at is Unix nanoseconds (UTC).

CREATE TABLE world_faults (
	id     BIGSERIAL PRIMARY KEY,
	at     BIGINT NOT NULL,
	source TEXT NOT NULL,
	spec   BYTEA NOT NULL
);
