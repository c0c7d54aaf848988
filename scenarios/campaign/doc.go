// Package campaign is the campaign simulation behind `eidsim simulate`: a province's
// population living through an e-ID activation campaign day by day, each citizen going through
// the reference service's own flows (registration, enrolment, activation, login, recovery,
// counter operations) in-process on an in-memory store, with OTPs delivered by the simulated
// telco, all under one virtual clock.
//
// # Model
//
// Decision (Bass hazard). Every citizen without an account sits in their village's decision
// pool. On day t the village's pressure grows by
//
//	g_v(t) = (p·(1 + Σ outreach intensities active on t) + q·F_v(t−1)) · boost(t) / 365
//
// with p, q the Bass coefficients per year, F_v = ½·(share of the village's adults who have
// acted) + ½·(share of the whole area), and boost rising linearly from 1 to deadline_boost over
// the deadline_window_days before each deadline. A citizen acts when the cumulative pressure
// passes an Exp(1) threshold drawn from their own stream — exactly the discrete hazard
// 1 − exp(−g) per day, evaluated event by event (a heap per village) rather than by a
// citizen × day loop.
//
// Route. A decider with a smartphone and a SIM in their name tries level 1 in the app with
// probability self_register_share; everybody else goes to a police counter for level 2.
// Villages without coverage travel (mean 7 days) unless a mobile enrolment team is working.
//
// Counters. Capacity per open day = kits × scale × hours × 60 / minutes per enrolment, served
// first come first served (arrival day, then order of arrival). A citizen who finds a queue
// longer than patience × queue_days_per_patience days gives up (counter_queue) and returns to
// the pool. Each service consumes one slot whatever its outcome.
//
// Flows and barriers. Every failure is the answer of a flow: Register and Enroll refuse a SIM
// not registered in the citizen's name (phone_not_owner) or on another account (phone_in_use);
// a counter visit takes up to three captures, and a person whose biometric quality keeps the
// score under the policy minimum leaves with biometric_mismatch; activation needs the app
// (smartphone) or a community digital team on the web; the OTP is read from the telco inbox of
// the number the handset holds now, so no coverage (held, then expired), 2G paging failures,
// a SIM swapped since the account was made (recovery OTP to the old number; activation with
// the new number is refused) and wrong entries (typo rate, up to patience) all come from the
// telco and the service. Logins happen at logins_per_year; a password is forgotten with
// forget_per_year, leading to StartRecovery; failed recovery leads to the counter (phone
// change completed 7–10 days later when the SIM changed, then CounterPasswordReset). SIM swaps
// follow the record's swaps_per_year.
//
// Interventions. Free SIMs go to citizens blocked for want of a SIM in their name, first
// blocked first served; an owner clean-up converts or cuts off non-owner SIMs; web activation
// teams activate pending accounts of people without a smartphone (OTP to their feature
// phone), a capacity per day; mobile enrolment teams serve villages without coverage.
//
// Determinism. Every draw comes from a per-citizen stream seeded by (seed, replica, citizen
// index); the service's random source is a ChaCha8 seeded from (seed, replica); the telco's
// draws are its own pure functions; one replica runs on one goroutine in a fixed order. Workers
// run replicas (and capacity-search probes) in parallel, so results do not depend on their
// number.
package campaign
