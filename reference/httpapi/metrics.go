package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/eidsim/eidsim/reference"
)

// DurationBuckets are the request-duration histogram buckets in seconds: Prometheus'
// defaults from 1 ms, extended past 1 s because password hashing (argon2id) and long-polls
// take seconds under load.
var DurationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 4, 8, 16, 32}

// Metrics holds the service's Prometheus metrics on a private registry, which /metrics
// serves. Labels are bounded: routes are patterns, methods are HTTP's, outcomes are codes.
type Metrics struct {
	Registry *prometheus.Registry
	handler  http.Handler

	requests *prometheus.CounterVec   // eidsim_http_requests_total{route,method,code,outcome}
	duration *prometheus.HistogramVec // eidsim_http_request_duration_seconds{route,outcome}
	logins   *prometheus.CounterVec   // eidsim_logins_total{outcome}
	otpSent  *prometheus.CounterVec   // eidsim_otp_sent_total{purpose}
}

// NewMetrics returns the metrics on a fresh registry that also holds the Go runtime and
// process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_http_requests_total",
			Help: "HTTP requests by route pattern, method, status code and outcome (ok or the error code).",
		}, []string{"route", "method", "code", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "eidsim_http_request_duration_seconds",
			Help:    "HTTP request duration by route pattern and outcome (ok or the error code).",
			Buckets: DurationBuckets,
		}, []string{"route", "outcome"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_logins_total",
			Help: "Password logins by outcome: token (bound device), challenge (new device, OTP sent) or the error code.",
		}, []string{"outcome"}),
		otpSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_otp_sent_total",
			Help: "OTP messages accepted by the SMS gateway, by purpose (registration, login, recovery, activation).",
		}, []string{"purpose"}),
	}
	m.handler = promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
	m.Registry.MustRegister(m.requests, m.duration, m.logins, m.otpSent,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds collectors (for example the telco simulator's) to the registry.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.Registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler { return m.handler }

func (m *Metrics) observe(route, method string, status int, outcome string, d time.Duration) {
	m.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status), outcome).Inc()
	m.duration.WithLabelValues(route, outcome).Observe(d.Seconds())
}

func (m *Metrics) login(outcome string) { m.logins.WithLabelValues(outcome).Inc() }

// Gateway wraps an SMS gateway so that every OTP message it accepts counts in
// eidsim_otp_sent_total{purpose}; messages without an OTP (notices) are not counted.
func (m *Metrics) Gateway(next reference.Gateway) reference.Gateway {
	return countingGateway{next: next, sent: m.otpSent}
}

type countingGateway struct {
	next reference.Gateway
	sent *prometheus.CounterVec
}

func (g countingGateway) Send(ctx context.Context, msg reference.SMS) error {
	if err := g.next.Send(ctx, msg); err != nil {
		return err
	}
	if msg.OTP == "" {
		return nil
	}
	purpose := msg.Purpose
	if purpose == "" {
		purpose = "unknown"
	}
	g.sent.WithLabelValues(purpose).Inc()
	return nil
}

// WatchAdmission exports the service's password-hashing queue (reference.Service.Admission):
// eidsim_hash_queue_depth (requests waiting for a slot), eidsim_hash_slots{state="busy|all"}
// and eidsim_hash_admissions_total{outcome="admitted|rejected|cancelled"}, rejected being the
// overloaded (503) answers.
func (m *Metrics) WatchAdmission(stats func() reference.AdmissionStats) error {
	return m.Registry.Register(admissionCollector{stats: stats})
}

var (
	descHashQueue = prometheus.NewDesc("eidsim_hash_queue_depth",
		"Password-hashing requests waiting for a slot.", nil, nil)
	descHashSlots = prometheus.NewDesc("eidsim_hash_slots",
		"Password-hashing slots: busy, and all (one per core).", []string{"state"}, nil)
	descHashAdmissions = prometheus.NewDesc("eidsim_hash_admissions_total",
		"Password-hashing requests by outcome: admitted, rejected (overloaded, 503) or cancelled (client gone while waiting).",
		[]string{"outcome"}, nil)
)

type admissionCollector struct {
	stats func() reference.AdmissionStats
}

func (c admissionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descHashQueue
	ch <- descHashSlots
	ch <- descHashAdmissions
}

func (c admissionCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(descHashQueue, prometheus.GaugeValue, float64(st.Queued))
	ch <- prometheus.MustNewConstMetric(descHashSlots, prometheus.GaugeValue, float64(st.Running), "busy")
	ch <- prometheus.MustNewConstMetric(descHashSlots, prometheus.GaugeValue, float64(st.Slots), "all")
	for _, o := range []struct {
		name string
		n    uint64
	}{{"admitted", st.Admitted}, {"rejected", st.Rejected}, {"cancelled", st.Cancelled}} {
		ch <- prometheus.MustNewConstMetric(descHashAdmissions, prometheus.CounterValue, float64(o.n), o.name)
	}
}
