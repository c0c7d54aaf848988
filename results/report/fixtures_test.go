package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eidsim/eidsim/results"
)

// -fixtures rewrites the synthetic run directories under testdata/runs (deterministic from
// their seeds); the golden reports then need -update. The simulation fixtures are not
// synthetic but outputs of eidsim simulate dien-bien-2023 with daily.csv thinned to every
// tenth day: simulation (--replicas 2 --seed 1), counterfactual (--count 3000 --replicas 2
// --counterfactual owner_cleanup,web_activation) and capacity (--count 2000 --replicas 2
// --capacity kits).
var writeFixtures = flag.Bool("fixtures", false, "rewrite the synthetic run directories in testdata/runs")

// synthLoad describes a synthetic load run.
type synthLoad struct {
	seed     uint64
	seconds  int
	rate     float64
	baseMS   float64 // median latency of a service step at the start
	growth   float64 // factor by which latency grows by the end
	dropFrom int     // second from which iterations are dropped
	failOTP  float64 // share of non-owner SIM recoveries whose OTP goes to another phone
	// rampSecs is how long the arrival rate takes to climb from 0 to rate, as the scripts'
	// rampHold does (a third of the run; 5 s in a find-max step); 0 starts at the rate.
	rampSecs int
}

var fixtureStart = time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC)

// k6Writer writes k6's JSON output lines.
type k6Writer struct {
	b    bytes.Buffer
	seen map[string]bool
}

func (w *k6Writer) point(metric, typ string, t time.Time, v float64, tags map[string]string) {
	if !w.seen[metric] {
		w.seen[metric] = true
		fmt.Fprintf(&w.b, `{"type":"Metric","data":{"name":%q,"type":%q,"contains":"default","thresholds":[],"submetrics":null},"metric":%q}`+"\n", metric, typ, metric)
	}
	tb, _ := json.Marshal(tags)
	fmt.Fprintf(&w.b, `{"metric":%q,"type":"Point","data":{"time":%q,"value":%g,"tags":%s}}`+"\n", metric, t.Format(time.RFC3339Nano), v, tb)
}

// raw returns the k6 JSON output of a synthetic recovery-storm run and its outcome counts.
func (s synthLoad) raw() []byte {
	rng := rand.New(rand.NewPCG(s.seed, 7))
	w := &k6Writer{seen: map[string]bool{}}
	steps := []string{"C01_Recover_01_ForgottenLogin", "C01_Recover_02_Start", "C01_Recover_03_Verify"}
	sims := []string{"owner", "owner", "owner", "non_owner"}
	covs := []string{"4g", "4g", "4g", "2g", "none"}
	hands := []string{"smartphone", "smartphone", "smartphone", "feature", "none"}
	eths := []string{"Kinh", "Thai", "Thai", "Hmong", "Dao"}
	for sec := 0; sec < s.seconds; sec++ {
		t0 := fixtureStart.Add(time.Duration(sec) * time.Second)
		w.point("vus", "gauge", t0, float64(5+sec/4), map[string]string{})
		frac := float64(sec) / float64(s.seconds)
		n := int(s.rate)
		if sec < s.rampSecs {
			n = int(math.Round(s.rate * (float64(sec) + 0.5) / float64(s.rampSecs)))
		}
		for i := 0; i < n; i++ {
			t := t0.Add(time.Duration(i) * time.Second / time.Duration(n))
			if sec >= s.dropFrom && i%3 == 0 {
				w.point("dropped_iterations", "counter", t, 1, map[string]string{"scenario": "recoveries"})
				continue
			}
			seg := map[string]string{"sim": sims[rng.IntN(len(sims))], "coverage": covs[rng.IntN(len(covs))],
				"handset": hands[rng.IntN(len(hands))], "ethnicity": eths[rng.IntN(len(eths))]}
			for _, st := range steps {
				lat := s.baseMS * math.Pow(s.growth, frac) * math.Exp(0.6*rng.NormFloat64())
				tags := map[string]string{"scenario": "recoveries", "step": st}
				w.point("http_req_duration", "trend", t, math.Round(lat*1000)/1000, tags)
				w.point("http_reqs", "counter", t, 1, tags)
				failed := 0.0
				if rng.Float64() < 0.01+0.04*frac {
					failed = 1
				}
				w.point("http_req_failed", "rate", t, failed, tags)
				w.point("checks", "rate", t, 1-failed, map[string]string{"scenario": "recoveries"})
			}
			w.point("http_req_duration", "trend", t, 40+rng.Float64()*200, map[string]string{"scenario": "recoveries", "step": "S01_Inbox_02_Wait"})
			outcome, cause := "ok", "none"
			switch {
			case seg["handset"] == "none":
				outcome, cause = "failed", "no_handset"
			case seg["sim"] == "non_owner" && rng.Float64() < s.failOTP:
				outcome, cause = "failed", "otp_to_other_phone"
			case seg["coverage"] == "none":
				outcome, cause = "failed", "no_coverage"
			case seg["coverage"] == "2g" && rng.Float64() < 0.3:
				outcome, cause = "failed", "gave_up_waiting"
			case rng.Float64() < 0.05:
				outcome, cause = "rejected", "locked"
			}
			tags := map[string]string{"scenario": "recoveries", "flow": "recovery", "outcome": outcome, "cause": cause}
			for k, v := range seg {
				tags[k] = v
			}
			w.point("eidsim_outcomes", "counter", t, 1, tags)
			w.point("iterations", "counter", t, 1, map[string]string{"scenario": "recoveries"})
		}
	}
	return w.b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fixtureManifest(id, kind, status string, seed uint64, opts map[string]any) results.Manifest {
	code := 0
	if status == results.StatusThresholdsFailed {
		code = 99
	}
	return results.Manifest{
		RunID: id, Kind: kind, Command: []string{"eidsim", "load", "recovery-storm", "--target", "http://127.0.0.1:8080", "--population", "dienbien.jsonl"},
		Scenario: "recovery-storm", Started: fixtureStart, Ended: fixtureStart.Add(62 * time.Second), Status: status, ExitCode: &code,
		Target: "http://127.0.0.1:8080", Options: opts, Hash: map[string]any{"algorithm": "argon2id", "memory_kib": 19456, "time": 2, "threads": 1, "pool": 64},
		Seed: seed, Population: &results.PopulationInfo{File: "dienbien.jsonl", Lines: 20000, Bytes: 9000000, Sampled: map[string]int{"recover": 700}},
		Versions: map[string]string{"eidsim": "v0.0.0-fixture", "k6": "k6 v1.8.1", "go": "go1.26"}, GitCommit: "0123456789abcdef0123456789abcdef01234567",
		Host: map[string]any{"os": "linux", "arch": "amd64", "cpus": 2},
	}
}

// fixtureThresholds are the thresholds recovery-storm.js sets (stepThresholds on its three
// steps and a dropped-iterations budget).
func fixtureThresholds() map[string]map[string]bool {
	defs := map[string]map[string]bool{
		"http_req_failed":    {"rate<0.05": false},
		"dropped_iterations": {"count<=10": false},
	}
	for _, st := range []string{"C01_Recover_01_ForgottenLogin", "C01_Recover_02_Start", "C01_Recover_03_Verify"} {
		defs["http_req_duration{step:"+st+"}"] = map[string]bool{"p(95)<=1000": false, "p(99)<=2500": false}
	}
	return defs
}

// k6Summary is the end-of-test summary k6 would write for raw: every threshold of
// fixtureThresholds judged on the run's points, as k6 judges them.
func k6Summary(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	agg, err := results.ReadK6JSON(bytes.NewReader(raw), "fixture")
	if err != nil {
		t.Fatal(err)
	}
	metrics := map[string]any{}
	for _, th := range evaluate(agg, fixtureThresholds(), false) {
		m, ok := metrics[th.Metric].(map[string]any)
		if !ok {
			m = map[string]any{"thresholds": map[string]any{}}
			metrics[th.Metric] = m
		}
		m["thresholds"].(map[string]any)[th.Expr] = map[string]any{"ok": th.OK}
	}
	return map[string]any{"metrics": metrics}
}

// statusOf is the manifest status eidsim load records for a k6 summary.
func statusOf(sum map[string]any) string {
	for _, m := range sum["metrics"].(map[string]any) {
		for _, v := range m.(map[string]any)["thresholds"].(map[string]any) {
			if !v.(map[string]any)["ok"].(bool) {
				return results.StatusThresholdsFailed
			}
		}
	}
	return results.StatusPassed
}

func TestWriteFixtures(t *testing.T) {
	if !*writeFixtures {
		t.Skip("run with -fixtures to rewrite testdata/runs")
	}
	root := filepath.Join("testdata", "runs")
	mk := func(name string) string {
		d := filepath.Join(root, name)
		os.RemoveAll(d)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// A recovery storm that the service did not hold: latency grows, iterations drop.
	before := synthLoad{seed: 1, seconds: 60, rate: 12, baseMS: 40, growth: 35, dropFrom: 45, failOTP: 0.8, rampSecs: 20}
	d := mk("load-before")
	raw := before.raw()
	sum := k6Summary(t, raw)
	writeJSON(t, filepath.Join(d, results.ManifestFile), fixtureManifest("20261122T210000Z-recovery-storm-aaaaaa", "load", statusOf(sum), 1,
		map[string]any{"rate": 12.0, "duration": "1m0s", "vus": 400, "otp_wait": "20s"}))
	os.WriteFile(filepath.Join(d, results.RawFile), gz(raw), 0o644)
	writeJSON(t, filepath.Join(d, results.SummaryFile), sum)
	// The same storm after a change (a faster hasher, SIMs cleaned up): it holds.
	after := synthLoad{seed: 2, seconds: 60, rate: 12, baseMS: 20, growth: 2, dropFrom: 1000, failOTP: 0.3, rampSecs: 20}
	d = mk("load-after")
	raw = after.raw()
	sum = k6Summary(t, raw)
	writeJSON(t, filepath.Join(d, results.ManifestFile), fixtureManifest("20261122T211000Z-recovery-storm-bbbbbb", "load", statusOf(sum), 1,
		map[string]any{"rate": 12.0, "duration": "1m0s", "vus": 400, "otp_wait": "20s"}))
	os.WriteFile(filepath.Join(d, results.RawFile), gz(raw), 0o644)
	writeJSON(t, filepath.Join(d, results.SummaryFile), sum)
	// An interrupted run: the manifest still says running and k6 wrote nothing.
	d = mk("load-interrupted")
	m := fixtureManifest("20261122T212000Z-recovery-storm-cccccc", "load", results.StatusRunning, 3, map[string]any{"rate": 50.0})
	m.Ended, m.ExitCode = time.Time{}, nil
	writeJSON(t, filepath.Join(d, results.ManifestFile), m)
	// A find-max search with its steps.
	d = mk("findmax")
	fm := fixtureManifest("20261122T213000Z-login-throughput-dddddd", "find-max", results.StatusPassed, 4, map[string]any{"rate": 10.0})
	fm.Scenario = "login-throughput"
	var steps []results.LoadStep
	for i, rate := range []float64{10, 20, 30, 25, 27.5} {
		passed := rate <= 25
		st := results.LoadStep{N: i + 1, Rate: rate, Passed: passed, P50: 3 * rate, P95: 12 * rate * rate / 10, P99: 20 * rate * rate / 10,
			Requests: rate * 20 * 3, ErrorRate: 0.001 * rate, Achieved: math.Min(rate, 26) * 0.98, K6CPUShare: 0.01 * rate,
			Dir: "/elsewhere/steps/" + fmt.Sprintf("step%02d-rate-%g", i+1, rate)}
		if !passed {
			st.Dropped, st.ExitCode = 40*(rate-25), 99
		}
		steps = append(steps, st)
	}
	fm.Result = map[string]any{"max_sustainable_rate": 25.0, "best": steps[3], "steps": steps}
	writeJSON(t, filepath.Join(d, results.ManifestFile), fm)
	sd := filepath.Join(d, "steps", "step04-rate-25")
	os.MkdirAll(sd, 0o755)
	st := synthLoad{seed: 5, seconds: 20, rate: 25, baseMS: 30, growth: 3, dropFrom: 1000, failOTP: 0.5, rampSecs: 5}
	raw = st.raw()
	sum = k6Summary(t, raw)
	sm := fixtureManifest("step04-rate-25", "find-max-step", statusOf(sum), 4, map[string]any{"rate": 25.0, "duration": "20s"})
	writeJSON(t, filepath.Join(sd, results.ManifestFile), sm)
	os.WriteFile(filepath.Join(sd, results.RawFile), gz(raw), 0o644)
	writeJSON(t, filepath.Join(sd, results.SummaryFile), sum)
	// The merge of two segments: the merged aggregate, and the parts beside it (the manifest
	// records them elsewhere, as after the results tree moved), each with its manifest, raw
	// output and k6 summary, as eidsim load --segment i/2 leaves them.
	var aggs []*results.Aggregate
	var parts []string
	for i, seed := range []uint64{8, 9} {
		name := fmt.Sprintf("merged-seg%dof2", i+1)
		pd := mk(name)
		raw := synthLoad{seed: seed, seconds: 10, rate: 6, baseMS: 20, growth: 2, dropFrom: 1000, failOTP: 0.5, rampSecs: 3}.raw()
		sum := k6Summary(t, raw)
		pm := fixtureManifest("20261122T214000Z-recovery-storm-"+name, "load", statusOf(sum), 1, map[string]any{"rate": 12.0, "duration": "10s", "vus": 400, "otp_wait": "20s"})
		pm.Segment = fmt.Sprintf("%d/2", i+1)
		writeJSON(t, filepath.Join(pd, results.ManifestFile), pm)
		os.WriteFile(filepath.Join(pd, results.RawFile), gz(raw), 0o644)
		writeJSON(t, filepath.Join(pd, results.SummaryFile), sum)
		a, err := results.ReadK6JSON(bytes.NewReader(raw), name)
		if err != nil {
			t.Fatal(err)
		}
		a.Segments = []string{pm.Segment}
		aggs = append(aggs, a)
		parts = append(parts, "/elsewhere/results/"+name)
	}
	d = mk("merged")
	mm := fixtureManifest("20261122T214000Z-recovery-storm-merged-eeeeee", "merge", results.StatusMerged, 1, nil)
	mm.MergedFrom, mm.ExitCode = parts, nil
	writeJSON(t, filepath.Join(d, results.ManifestFile), mm)
	merged, err := results.Merge(aggs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := results.WriteAggregate(d, merged); err != nil {
		t.Fatal(err)
	}
	// A directory with no manifest, only a k6 summary.
	d = mk("no-manifest")
	writeJSON(t, filepath.Join(d, results.SummaryFile), k6Summary(t, after.raw()))
}
