// Package telco is the simulated mobile network behind the identity service's SMS gateway: an
// SMSC that accepts submissions per carrier, delivers each message after a carrier-specific
// latency to the handset that holds the number when the message arrives, holds and retries
// messages while that handset has no coverage, and reports every outcome as a delivery receipt
// (DLR) with an SMPP 3.4 stat value: DELIVRD, EXPIRED or UNDELIV.
//
// The contract:
//
//   - Send is the reference.Gateway. A submission is accepted, or refused at once with a
//     *SubmitError that wraps ErrInvalidDestination, ErrOutage, ErrThrottled or ErrQueueFull.
//   - Every accepted message has a due time: submit time plus a latency drawn from the
//     carrier's lognormal distribution (Config), plus any injected extra delay (Faults). The
//     draws are a pure function of (seed, destination number, n-th message to that number,
//     submit time), never of a global random source, so a run under a ManualClock replays
//     exactly, whatever the interleaving of senders to different numbers.
//   - Deliveries are evaluated lazily: Advance processes every message whose due time has
//     passed on the Clock. Messages, Receipts and Stats call it, so no background goroutine is
//     needed for correctness; Run keeps receipts and metrics current under the system clock.
//   - At each attempt the holder of the number is looked up through World. Coverage "none" holds
//     the message at the SMSC and retries it with a back-off (RetryInterval doubling up to
//     MaxRetryInterval) until its validity period ends → EXPIRED. A "2g" attempt fails with
//     probability WeakSignalFailure and is retried the same way. A number the world does not
//     know → UNDELIV. A message the SMSC lost (Faults loss) → UNDELIV at its due time.
//   - A delivered message goes to the inbox of the number: whoever holds the SIM then reads it,
//     which is how an OTP sent to a number the citizen no longer holds is lost to them. Its
//     DeliveredAt is the attempt's scheduled time, not the moment Advance ran.
//   - Memory is bounded: at most InboxSize messages per number, messages and idle numbers are
//     dropped after Retention, receipts are a ring of ReceiptBuffer, and at most MaxPending
//     messages wait at the SMSC (beyond that Send refuses with ErrQueueFull).
package telco
