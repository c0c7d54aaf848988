package campaign

import (
	"time"
)

// nationalAdults is the number of people aged 14+ in Viet Nam in the `vietnam` profile
// (101,112,656 × its share aged 14+); TestNationalAdults checks it against the profile. A
// campaign's share of the ministry's national approval capacity is its adults over this.
const nationalAdults = 79_171_210

// dossier is a level-2 dossier waiting for the ministry: who, on which day it was taken,
// and whether it upgrades an active level-1 account.
type dossier struct {
	idx     int32
	day     int32
	upgrade bool
}

// submitDossier sends a dossier taken at a counter to the ministry's approval pipeline (a
// FIFO). The citizen waits (stage stApproval) unless they upgrade an active level-1 account,
// which stays usable meanwhile.
func (s *sim) submitDossier(i int32, upgrade bool) {
	if !upgrade {
		s.cit[i].stage = stApproval
	}
	s.approvals = append(s.approvals, dossier{idx: i, day: int32(s.day), upgrade: upgrade})
}

// approvalCapacity is the day's approvals in simulated dossiers: the national capacity
// approval_per_day × (1 + approval_growth_per_year × years since the app's launch), times
// the campaign's share of the nation's adults (its simulated citizens ÷ scale ÷
// nationalAdults), times the scale. The scale cancels: simulated citizens ÷ nationalAdults.
func (s *sim) approvalCapacity(date time.Time) float64 {
	b := &s.c.Behaviour
	years := max(0, date.Sub(appLaunch()).Hours()/24/365.25)
	return b.ApprovalPerDay * (1 + b.ApprovalGrowthPerYear*years) * float64(len(s.cit)) / nationalAdults
}

// serveApprovals answers the day's share of the pipeline in FIFO order: a rejection_share of
// new dossiers are rejected (the citizen goes back to a counter); the others become accounts
// that exist for their holder. A dossier approved on the day it was taken lets the officer
// activate a smartphone holder on the spot (counter_activation_share of them, once the app is
// open); every other approved account enters the activation hazard (activation.go).
func (s *sim) serveApprovals(d int, date time.Time) {
	capDay := s.approvalCapacity(date) + s.approvalCarry
	n := int(capDay)
	s.approvalCarry = capDay - float64(n)
	n = min(n, len(s.approvals))
	if n == len(s.approvals) {
		s.approvalCarry = 0 // capacity unused today is not banked
	}
	b := &s.c.Behaviour
	for k := 0; k < n; k++ {
		e := s.approvals[k]
		c := &s.cit[e.idx]
		if e.upgrade {
			s.approvedL2++
			if c.activated && c.level >= 2 {
				s.level2++
			}
			continue
		}
		if c.stage != stApproval {
			continue
		}
		if c.u() < b.RejectionShare {
			s.rejected++
			c.stage = stQueued
			s.scheduleQueue(e.idx, d+1+int(c.exp(b.RetryDays)), false)
			continue
		}
		s.approvedL2++
		c.stage, c.visits = stPending, 0
		if int(e.day) == d && s.appOpen(d) && c.handset == hsSmart && c.u() < b.CounterActivationShare {
			// the officer helps activate on the spot, in town, the dossier approved the same day
			a := s.sessionAt(e.idx, kindActivate, date.Add(16*time.Hour+time.Duration(k%120)*time.Minute))
			a.away = true
			continue
		}
		s.enterActivation(e.idx)
	}
	s.approvals = s.approvals[n:]
	s.today.ApprovalQueue = len(s.approvals)
}

// mechanisms is the state of the pipeline, the activation hazard and the pressure series,
// embedded in sim.
type mechanisms struct {
	mult, multL2, boost []float64 // per day: activation multiplier M, its level-2 part, deadline boost
	multDec             []float64 // per day: the decision's outreach multiplier O
	launchDay           int       // first day the app is open (may be negative)
	hasL2               bool      // some day has a level-2-only event
	approvals           []dossier // the ministry's FIFO
	approvalCarry       float64
	actPool, upPool     poolHeap // activation and upgrade hazards
	actLevel, upLevel   float64  // their cumulative levels A(t), U(t)
}
