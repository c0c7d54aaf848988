package results

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// k6Raw builds k6 JSON output: Metric lines on first use unless bare, then points.
type k6Raw struct {
	b     strings.Builder
	t0    time.Time
	types map[string]string
	bare  bool // no Metric lines (as a truncated or hand-made file)
}

func newK6Raw() *k6Raw {
	return &k6Raw{t0: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), types: map[string]string{
		MetricHTTPReqDuration: TypeTrend, MetricHTTPReqs: TypeCounter, MetricHTTPReqFailed: TypeRate, MetricIterations: TypeCounter,
		MetricDroppedIterations: TypeCounter, MetricVUs: TypeGauge, MetricAttackReq: TypeTrend, MetricAttackTry: TypeCounter}}
}

func (r *k6Raw) point(metric string, at time.Duration, v float64, tags string) *k6Raw {
	if typ := r.types[metric]; typ != "" && !r.bare {
		fmt.Fprintf(&r.b, `{"type":"Metric","data":{"name":%q,"type":%q},"metric":%q}`+"\n", metric, typ, metric)
		r.types[metric] = ""
	}
	fmt.Fprintf(&r.b, `{"type":"Point","data":{"time":%q,"value":%g,"tags":{%s}},"metric":%q}`+"\n", r.t0.Add(at).Format(time.RFC3339Nano), v, tags, metric)
	return r
}

// loginRun is three seconds of a small run: requests of the service and of the simulated
// world, iterations, a drop, VUs and an attacker's request.
func loginRun(r *k6Raw) *k6Raw {
	for s := range 3 {
		at := time.Duration(s) * time.Second
		r.point(MetricHTTPReqDuration, at, float64(10*(s+1)), `"step":"L01_Login_01_Password"`).
			point(MetricHTTPReqs, at, 1, `"step":"L01_Login_01_Password"`).
			point(MetricHTTPReqFailed, at, float64(s%2), `"step":"L01_Login_01_Password"`).
			point(MetricHTTPReqDuration, at, 5000, `"step":"S01_Inbox"`).
			point(MetricHTTPReqs, at, 1, `"step":"S01_Inbox"`).
			point(MetricIterations, at+500*time.Millisecond, 2, "").
			point(MetricVUs, at, float64(3+s), "")
	}
	r.point(MetricDroppedIterations, 2*time.Second, 1, "")
	r.point(MetricAttackReq, time.Second, 8, `"vector":"otp","role":"attacker","status":"429","code":"rate_limited","ra":"y"`)
	r.point(MetricAttackTry, time.Second, 1, `"vector":"otp","result":"refused"`)
	return r
}

// One pass gives the three views of a run: the aggregate, the time series and the attack.
func TestReadK6OnePass(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write([]byte(loginRun(newK6Raw()).b.String()))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	plain := loginRun(newK6Raw()).b.String()
	for _, tt := range []struct {
		name string
		raw  []byte
	}{{"plain", []byte(plain)}, {"gzip", gz.Bytes()}} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ReadK6(bytes.NewReader(tt.raw), "raw")
			require.NoError(t, err)
			agg, err := out.Aggregate()
			require.NoError(t, err)
			assert.Equal(t, 6.0, agg.Counters[MetricHTTPReqs])
			assert.Equal(t, 6.0, agg.Counters[MetricIterations])
			assert.Equal(t, 1.0, agg.Counters[MetricDroppedIterations])
			assert.Equal(t, 5.0, agg.Gauges[MetricVUs])
			assert.Equal(t, uint64(3), agg.APILatency().Count(), "the simulated world's polls are not the service's latency")

			ts := out.TimeSeries()
			require.Len(t, ts.Windows, 1, "3 requests make one window of at least %d", MinRequestsPerWindow)
			w := ts.Windows[0]
			assert.Equal(t, 3*time.Second, w.Width)
			assert.Equal(t, uint64(3), w.Timed)
			assert.InDelta(t, 1.0, w.Requests, 1e-9, "the service's requests per second, not the world's")
			assert.InDelta(t, 2.0, w.Iterations, 1e-9)
			assert.InDelta(t, 1.0/3, w.Dropped, 1e-9)
			assert.InDelta(t, 1.0/3, w.FailedShare, 1e-9)
			assert.Equal(t, 5.0, w.VUs)

			a := out.Attack("attack-otp-bruteforce", AttackPolicy{})
			require.Len(t, a.Vectors, 1)
			assert.Equal(t, int64(1), a.Vectors[0].Requests)
			assert.Equal(t, map[string]int64{"refused": 1}, a.Vectors[0].Attempts)
			assert.Equal(t, []AttackAnswer{{Status: 429, Code: "rate_limited", RetryAfter: true, Count: 1}}, a.Defences)
		})
	}
}

// A line the aggregate cannot take (a point before its Metric line, an unknown line type)
// fails the aggregate with its line, and leaves the time series and the attack, which never
// needed the Metric lines, as they were.
func TestReadK6AggregateErrorLeavesTheOtherViews(t *testing.T) {
	bare := loginRun(&k6Raw{t0: newK6Raw().t0, bare: true}).b.String()
	for _, tt := range []struct {
		name, raw, want string
	}{
		{"point before its Metric line", bare, `raw:1: point of metric "http_req_duration" before its Metric line`},
		{"unknown line type", `{"type":"Summary","metric":"x"}` + "\n" + loginRun(newK6Raw()).b.String(), `raw:1: unknown line type "Summary"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ReadK6(strings.NewReader(tt.raw), "raw")
			require.NoError(t, err)
			_, err = out.Aggregate()
			assert.EqualError(t, err, tt.want)
			require.NotEmpty(t, out.TimeSeries().Windows)
			assert.Equal(t, uint64(3), out.TimeSeries().Windows[0].Timed)
			assert.Len(t, out.Attack("x", AttackPolicy{}).Vectors, 1)
		})
	}
}

func TestReadK6Errors(t *testing.T) {
	for _, tt := range []struct {
		name, raw, want string
	}{
		{"not JSON", `{"type":"Metric"` + "\n", "raw:1: "},
		{"bad gzip", "\x1f\x8bnot gzip", "raw: "},
		{"a line past the buffer", `{"type":"Point","x":"` + strings.Repeat("a", 5<<20) + `"}`, "raw:1: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadK6(strings.NewReader(tt.raw), "raw")
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), err.Error())
		})
	}
}

// Segments that ran side by side are laid over one another on the wall clock: counts and
// VUs add, the series starts at the earliest point.
func TestTimeSeriesSideBySide(t *testing.T) {
	a := loginRun(newK6Raw())
	b := newK6Raw()
	b.t0 = b.t0.Add(time.Second)
	loginRun(b)
	var outs []*K6Output
	for _, r := range []*k6Raw{a, b} {
		o, err := ReadK6(strings.NewReader(r.b.String()), "raw")
		require.NoError(t, err)
		outs = append(outs, o)
	}
	ts := TimeSeriesSideBySide(outs...)
	assert.Equal(t, a.t0, ts.Start)
	var timed uint64
	var iters, width float64
	for _, w := range ts.Windows {
		timed += w.Timed
		iters += w.Iterations * w.Width.Seconds()
		width += w.Width.Seconds()
	}
	assert.Equal(t, uint64(6), timed)
	assert.InDelta(t, 12.0, iters, 1e-9)
	assert.Equal(t, 4.0, width, "seconds 0–3 of the first and 1–4 of the second")
	assert.Equal(t, 5.0+4.0, ts.Windows[0].VUs, "the peak of the sum: 4 and 5 VUs in second 2 (one of each)")
}

func FuzzReadTimeSeries(f *testing.F) {
	f.Add([]byte(`{"type":"Metric","data":{"type":"trend"},"metric":"http_req_duration"}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T21:00:00Z","value":12.5,"tags":{"step":"L01_Login"}}}
{"metric":"iterations","type":"Point","data":{"time":"2026-11-22T21:00:03Z","value":1,"tags":{}}}
{"metric":"dropped_iterations","type":"Point","data":{"time":"2026-11-22T20:59:58Z","value":1,"tags":{}}}
`))
	f.Add([]byte(`{"metric":"vus","type":"Point","data":{"time":"2026-11-22T21:00:00Z","value":-3}}`))
	f.Add([]byte("\x1f\x8bnot gzip"))
	f.Add([]byte(`{"type":"Point"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := ReadK6(bytes.NewReader(b), "raw")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "raw") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		ts := out.TimeSeries()
		if len(ts.Windows) > MaxWindows {
			t.Fatalf("%d windows, at most %d", len(ts.Windows), MaxWindows)
		}
		for _, w := range ts.Windows {
			if w.Width <= 0 {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}
