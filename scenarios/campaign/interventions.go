package campaign

import (
	"context"
	"math"
	"time"
)

func (s *sim) mobileActive(t time.Time) bool {
	for _, m := range s.c.Interventions.MobileEnrolment {
		if within(t, m.From, m.To) {
			return true
		}
	}
	return false
}

// waitWeb puts a citizen without a smartphone in line for a web activation team, or blocks
// them when no team works.
func (s *sim) waitWeb(i int32) {
	c := &s.cit[i]
	if s.webTeams(s.date(s.day)) == 0 {
		if !c.webWait {
			s.fail(i, causeNoSmartphone, true)
		}
		return
	}
	if !c.webWait {
		c.webWait = true
		s.web = append(s.web, i)
	}
}

func (s *sim) webTeams(t time.Time) float64 {
	var n float64
	for _, w := range s.c.Interventions.WebActivation {
		if within(t, w.From, w.To) {
			n += float64(w.Teams*w.PerTeamPerDay) * s.scale
		}
	}
	return n
}

func (s *sim) serveWeb(date time.Time) {
	capDay := s.webTeams(date)
	if capDay == 0 {
		s.webCarry = 0
		return
	}
	capDay += s.webCarry
	n := int(capDay)
	s.webCarry = capDay - float64(n)
	n = min(n, len(s.web))
	for k := 0; k < n; k++ {
		i := s.web[k]
		s.cit[i].webWait = false
		s.sessionAt(i, kindWebActivate, date.Add(8*time.Hour+time.Duration(k%600)*time.Minute))
	}
	s.web = s.web[n:]
	s.today.WebActivationTries += n
}

// applyInterventions runs the interventions dated today; it returns the store's error.
func (s *sim) applyInterventions(ctx context.Context, date time.Time) error {
	iv := s.c.Interventions
	for _, f := range iv.FreeSIMs {
		if !f.Date.Equal(date) {
			continue
		}
		n := int(math.Round(float64(f.Count) * s.scale))
		// Blocked for want of a SIM in their name, first come first served (blocked order).
		var err error
		for _, cause := range []uint8{causeNoPhone, causeNonOwnerSIM, causePhoneInUse} {
			s.wake(cause, func(i int32, c *citizen) bool {
				if n <= 0 || err != nil {
					return false
				}
				n--
				old := c.phone
				if c.handset == hsNone {
					c.handset = hsFeature // the SIM goes into a basic phone of the household
				}
				if err = s.giveSIM(ctx, i, true); err != nil {
					return false
				}
				if old != "" {
					if err = s.releaseNumber(ctx, old); err != nil {
						return false
					}
				}
				s.today.FreeSIMs++
				return true
			})
		}
		if err != nil {
			return err
		}
	}
	for _, oc := range iv.OwnerCleanup {
		if !oc.Date.Equal(date) {
			continue
		}
		for i := range s.cit {
			c := &s.cit[i]
			if c.phone == "" || c.owner {
				continue
			}
			u := c.u()
			switch {
			case u < oc.Converted:
				if err := s.registerOwner(ctx, c); err != nil {
					return err
				}
				s.today.SIMsConverted++
			case u < oc.Converted+oc.CutOff:
				if err := s.releaseNumber(ctx, c.phone); err != nil {
					return err
				}
				c.phone = ""
				s.today.SIMsCutOff++
				if c.u() < oc.Rebuy {
					if err := s.giveSIM(ctx, int32(i), true); err != nil {
						return err
					}
				}
			}
		}
		s.wake(causeNonOwnerSIM, func(_ int32, c *citizen) bool { return c.owner && c.phone != "" })
		s.wake(causeNoPhone, func(_ int32, c *citizen) bool { return c.phone != "" })
	}
	for _, w := range iv.WebActivation {
		if w.From.Equal(date) {
			s.wake(causeNoSmartphone, func(int32, *citizen) bool { return true })
		}
	}
	for _, m := range iv.MobileEnrolment {
		if m.From.Equal(date) {
			s.wake(causeCounterQueue, func(_ int32, c *citizen) bool { return c.cov == covNone })
		}
	}
	return nil
}
