package telco

import (
	"context"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
)

// CarrierStats are one carrier's counters since New.
type CarrierStats struct {
	Submitted   int64 `json:"submitted"`
	Delivered   int64 `json:"delivered"`
	Expired     int64 `json:"expired"`
	Undelivered int64 `json:"undelivered"`
	// Throttled counts submissions refused over the submit rate; RefusedOutage and
	// RefusedQueueFull those refused in an outage and with a full queue.
	Throttled        int64 `json:"throttled"`
	RefusedOutage    int64 `json:"refused_outage"`
	RefusedQueueFull int64 `json:"refused_queue_full"`
	// Pending is how many messages wait at the SMSC now.
	Pending int64 `json:"pending"`
}

// Stats are the network's counters by carrier and in total.
type Stats struct {
	Carriers map[string]CarrierStats `json:"carriers"`
	Total    CarrierStats            `json:"total"`
	// Numbers is how many numbers the network holds state for (inboxes, pending, waiters).
	Numbers int `json:"numbers"`
}

// Stats advances deliveries to the clock's now and returns the counters.
func (s *Sim) Stats() Stats {
	s.Advance(context.Background())
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Carriers: make(map[string]CarrierStats, len(s.carriers)), Numbers: len(s.numbers)}
	names := make([]string, 0, len(s.carriers))
	for name := range s.carriers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := s.carriers[name].CarrierStats
		st.Carriers[name] = c
		st.Total.Submitted += c.Submitted
		st.Total.Delivered += c.Delivered
		st.Total.Expired += c.Expired
		st.Total.Undelivered += c.Undelivered
		st.Total.Throttled += c.Throttled
		st.Total.RefusedOutage += c.RefusedOutage
		st.Total.RefusedQueueFull += c.RefusedQueueFull
		st.Total.Pending += c.Pending
	}
	return st
}

// counter is one carrier's counters and its metric children, resolved once.
type counter struct {
	CarrierStats
	key                                            string // normalised name
	mSubmitted, mDelivered, mExpired, mUndelivered prometheus.Counter
	mThrottled, mRefusedOutage, mRefusedQueue      prometheus.Counter
	mSeconds                                       prometheus.Observer
}

// counterLocked returns the counters of a carrier, creating them.
func (s *Sim) counterLocked(carrier string) *counter {
	c := s.carriers[carrier]
	if c == nil {
		m := s.metrics
		c = &counter{
			key:            carrierKey(carrier),
			mSubmitted:     m.submitted.WithLabelValues(carrier),
			mDelivered:     m.delivered.WithLabelValues(carrier),
			mExpired:       m.expired.WithLabelValues(carrier),
			mUndelivered:   m.undelivered.WithLabelValues(carrier),
			mThrottled:     m.refused.WithLabelValues(carrier, "throttled"),
			mRefusedOutage: m.refused.WithLabelValues(carrier, "outage"),
			mRefusedQueue:  m.refused.WithLabelValues(carrier, "queue_full"),
			mSeconds:       m.seconds.WithLabelValues(carrier),
		}
		s.carriers[carrier] = c
	}
	return c
}

type metrics struct {
	submitted, delivered, expired, undelivered *prometheus.CounterVec
	refused                                    *prometheus.CounterVec
	seconds                                    *prometheus.HistogramVec
}

func newMetrics() *metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	return &metrics{
		submitted:   counter("eidsim_sms_submitted_total", "SMS accepted by the simulated SMSC.", "carrier"),
		delivered:   counter("eidsim_sms_delivered_total", "SMS delivered to a handset (DLR DELIVRD).", "carrier"),
		expired:     counter("eidsim_sms_expired_total", "SMS whose validity period ended undelivered (DLR EXPIRED).", "carrier"),
		undelivered: counter("eidsim_sms_undelivered_total", "SMS that could not be delivered (DLR UNDELIV).", "carrier"),
		refused:     counter("eidsim_sms_refused_total", "SMS submissions refused by the SMSC, by reason.", "carrier", "reason"),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "eidsim_sms_delivery_seconds",
			Help:    "Time from submission to delivery of delivered SMS (clock time).",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 15, 20, 30, 60, 120, 300, 900, 3600},
		}, []string{"carrier"}),
	}
}

// Collectors returns the simulator's Prometheus metrics for the caller to register:
// eidsim_sms_submitted_total, eidsim_sms_delivered_total, eidsim_sms_expired_total,
// eidsim_sms_undelivered_total, eidsim_sms_refused_total{carrier,reason} and the
// eidsim_sms_delivery_seconds histogram, all labelled by carrier, and the eidsim_sms_pending
// gauge.
func (s *Sim) Collectors() []prometheus.Collector {
	pending := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "eidsim_sms_pending",
		Help: "SMS waiting at the simulated SMSC.",
	}, func() float64 {
		s.mu.Lock()
		defer s.mu.Unlock()
		return float64(len(s.queue))
	})
	m := s.metrics
	return []prometheus.Collector{m.submitted, m.delivered, m.expired, m.undelivered, m.refused, m.seconds, pending}
}
