// Package cluster lets several instances of the reference service share one simulated world,
// so that behind a load balancer a citizen's OTP sent by instance A is read through instance B
// and a fault set on one instance applies to all.
//
// Where each part of the world lives:
//
//   - Accounts, lockout counters, OTP challenges, send records, scanner capture counters and
//     the OpenID Connect provider's state: the shared reference.Store (PostgreSQL), as before.
//   - The telco (SMSC queue, delivery state, handset inboxes, receipts): ONE telco process
//     (`eidsim telco`) that every instance calls over HTTP: TelcoHandler serves a telco.Sim,
//     Telco is the client, a reference.Gateway and an inbox reader. One process, because the
//     network is one system in reality too (one SMSC per aggregator), because the simulator's
//     deterministic draws are numbered per destination in submission order (one sequencer),
//     and because a long-poll on an inbox needs a wake-up when a delivery happens, which a
//     process gets for free and a table would have to poll for. Its cost is one more hop per
//     SMS and per inbox read, on loopback.
//   - Fault settings (and so the service clock, whose skew is a fault): the store, as a journal
//     of settings (FaultBoard, a table in PostgreSQL). FaultSync publishes every setting made
//     through /sim/faults on one instance and applies, on every instance and in the telco
//     process, each setting another one published, within PollInterval. Faults live in the
//     store rather than in the telco process because most of them (route latency and errors,
//     provider unavailability, clock skew) act in the instances, not in the network.
package cluster
