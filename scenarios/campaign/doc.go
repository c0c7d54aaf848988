// Package campaign is the campaign simulation behind `eidsim simulate`: an area's population
// (a province, a district or the whole country, scaled) living through the e-ID roll-out day by
// day, each citizen going through the reference service's own flows (registration, enrolment,
// activation, login, recovery, counter operations) in-process on an in-memory store, with OTPs
// delivered by the simulated telco, all under one virtual clock. docs/model.md states every
// assumption, the parameters and what the evidence says about them.
//
// # Model
//
// One parameter set for every area. Areas differ only by their population (the profile: urban
// share, handsets, SIM ownership, coverage, age, communes) and their dated inputs (start,
// kits, outreach windows, interventions); behaviour is shared (DefaultBehaviour, or the
// calibration's posterior). ParamSpace lists the calibratable parameters with hard bounds;
// WithParams sets them; Predict reads a replica's value of an evidence point
// (scenarios/evidence) like for like with its definition.
//
// Decision (Bass hazard). Every citizen without an account sits in their village's decision
// pool. On day t the village's pressure grows by
//
//	g_v(t) = (p·O(t)·(1 + w·E(t))·G(t) + q·F_v(t−1)) · boost(t) / 365
//
// with p, q the Bass coefficients per year, O(t) = 1 + the local outreach intensities active,
// E(t) the national events' pressures active (scenarios/evidence events.yaml: Directive
// 05/CT-TTg, the single login of 1 Jul 2024, level 2 required from 1 Jan 2025), w =
// pressure_on_decision (a drive fades after its end date with pressure_half_life_days), G(t) = 1 + need_growth_per_year × years since the app's launch, F_v =
// ½·(share of the village's adults who have acted) + ½·(share of the whole area), and boost
// rising linearly from 1 to deadline_boost over the deadline_window_days before each of the
// campaign's deadlines. A citizen acts when the cumulative pressure passes an Exp(1) threshold
// drawn from their own stream (a heap per village, event by event).
//
// Route. From the app's launch (18 Jul 2022), a decider with a smartphone and a SIM in their
// name tries level 1 in the app with probability self_register_share; everybody else goes to a
// police counter for a level-2 dossier. Villages without coverage travel (mean 7 days) unless a
// mobile enrolment team is working.
//
// Counters. Capacity per open day = kits × scale × hours × 60 / minutes per enrolment, first
// come first served; a citizen who finds a queue longer than patience × queue_days_per_patience
// days gives up (counter_queue) and returns to the pool. The counter visit runs Capture and
// Enroll: the officer's checks (phone ownership, phone in use, biometrics) are the flows'.
//
// Approval (pipeline.go). A level-2 dossier goes to the ministry's national FIFO; its daily
// capacity approval_per_day × (1 + approval_growth_per_year × years since the launch) is shared
// by the areas in proportion to their adults. rejection_share of new dossiers are rejected (the
// citizen goes back to a counter; the one drawn outcome, standing for data mismatches the
// reference service has no flow for). The account exists for its holder only once approved.
//
// Activation (activation.go). An approved account is activated on the spot when its dossier
// was approved the day it was taken and the holder has a smartphone (counter_activation_share
// of them); otherwise its holder activates when their cumulative hazard
// need_i · Σ activation_rate · O(t)·(1 + E(t))·G(t) / 365 passes an Exp(1) threshold, with
// need_i = need_urban (urban) × need_old (aged 60+). The try is the activation flow itself: the
// app for smartphone holders, a community digital team on the web for the others (capacity a
// day). Level-1 holders get an upgrade hazard from the level-2-only events.
//
// Flows and barriers. Every failure is the answer of a flow: Register and Enroll refuse a SIM
// not registered in the citizen's name (phone_not_owner) or on another account (phone_in_use);
// a counter visit takes up to three captures (biometric_mismatch); activation needs the app or
// a web team; the OTP is read from the telco inbox of the number the handset holds now, so no
// coverage, 2G paging failures, a SIM swapped since the account was made and wrong entries all
// come from the telco and the service. Logins happen at logins_per_year; a forgotten password
// leads to StartRecovery, failed recovery to the counter. SIM swaps follow the record's
// swaps_per_year.
//
// Interventions. Free SIMs go to citizens blocked for want of a SIM in their name; an owner
// clean-up converts or cuts off non-owner SIMs; web activation teams activate pending accounts
// of people without a smartphone; mobile enrolment teams serve villages without coverage.
//
// Neutral defaults (defaults.go). A file may name only population.profile, start and days:
// the name is the file's, 10,000 citizens are simulated, counters get one kit per commune of
// the profile, a community digital team per commune works from the launch, no outreach.
//
// Determinism. Every draw comes from a per-citizen stream seeded by (seed, replica, citizen
// index); the service's random source is a ChaCha8 seeded from (seed, replica); the telco's
// draws are its own pure functions; one replica runs on one goroutine in a fixed order. Workers
// run replicas (and capacity-search probes) in parallel, so results do not depend on their
// number.
package campaign
