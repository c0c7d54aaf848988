package results

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// k6Line is one line of k6's JSON output (k6 run --out json=FILE).
type k6Line struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		// Metric lines
		Type string `json:"type"`
		// Point lines
		Time  time.Time         `json:"time"`
		Value float64           `json:"value"`
		Tags  map[string]string `json:"tags"`
	} `json:"data"`
}

// K6Output is what one pass over a run's k6 JSON output yields: the mergeable Aggregate,
// the run's figures second by second (TimeSeries), and the points of the adversarial
// scenarios (Attack). Every reader of k6-raw.json.gz goes through ReadK6.
type K6Output struct {
	agg *Aggregate
	// aggErr is the first line the Aggregate could not take (a point before its metric's
	// Metric line, an unknown line type); the time series and the attack points do not need
	// the Metric lines and are kept regardless.
	aggErr error
	secs   seconds
	attack *attackRaw
}

// ReadK6 reads k6's JSON output (gzip-compressed when the stream starts with the gzip magic)
// in one pass. name is used in error messages, which give the line. An error means the
// stream could not be read or a line is not JSON.
func ReadK6(r io.Reader, name string) (*K6Output, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	o := &K6Output{agg: NewAggregate(), attack: newAttackRaw()}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var l k6Line
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		switch l.Type {
		case "Metric":
			o.agg.Types[l.Metric] = l.Data.Type
		case "Point":
			if typ, ok := o.agg.Types[l.Metric]; ok {
				o.agg.add(typ, l.Metric, l.Data.Time, l.Data.Value, l.Data.Tags)
			} else if o.aggErr == nil {
				o.aggErr = fmt.Errorf("%s:%d: point of metric %q before its Metric line", name, line, l.Metric)
			}
			o.addSecond(l.Metric, l.Data.Time, l.Data.Value, l.Data.Tags)
			o.attack.add(l.Metric, l.Data.Time, l.Data.Value, l.Data.Tags)
		default:
			if o.aggErr == nil {
				o.aggErr = fmt.Errorf("%s:%d: unknown line type %q", name, line, l.Type)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return o, nil
}

// ReadK6File is ReadK6 on a file.
func ReadK6File(path string) (*K6Output, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadK6(f, path)
}

// addSecond counts a point in its second: the latency and requests of the service's own
// steps (not the simulated world's), iterations, drops and VUs.
func (o *K6Output) addSecond(metric string, t time.Time, v float64, tags map[string]string) {
	if t.IsZero() {
		return
	}
	world := strings.HasPrefix(tags["step"], SimStepPrefix)
	switch metric {
	case MetricHTTPReqDuration:
		if tags["step"] != "" && !world {
			o.secs.at(t).latency.Record(v)
		}
	case MetricHTTPReqs:
		if !world {
			o.secs.at(t).requests += v
		}
	case MetricHTTPReqFailed:
		if v != 0 && !world {
			o.secs.at(t).failed++
		}
	case MetricIterations:
		o.secs.at(t).iterations += v
	case MetricDroppedIterations:
		o.secs.at(t).dropped += v
	case MetricVUs:
		s := o.secs.at(t)
		s.vus = max(s.vus, v)
	}
}

// Aggregate returns the run's Aggregate, or the error of the first line it could not take.
func (o *K6Output) Aggregate() (*Aggregate, error) {
	if o.aggErr != nil {
		return nil, o.aggErr
	}
	return o.agg, nil
}

// TimeSeries returns the run's figures in at most MaxWindows windows.
func (o *K6Output) TimeSeries() *TimeSeries { return o.secs.windows() }

// Attack reduces the eidsim_attack_* and eidsim_enum_* points to the Attack of scenario.
func (o *K6Output) Attack(scenario string, p AttackPolicy) *Attack {
	return o.attack.summarize(scenario, p)
}

// TimeSeriesSideBySide is the time series of k6 instances that ran side by side (the
// segments of one split run), as if one instance had emitted every point.
func TimeSeriesSideBySide(outs ...*K6Output) *TimeSeries {
	parts := make([]*seconds, len(outs))
	for i, o := range outs {
		parts[i] = &o.secs
	}
	return sideBySide(parts).windows()
}

// ReadK6JSON reduces k6's JSON output to an Aggregate (ReadK6, then Aggregate).
func ReadK6JSON(r io.Reader, name string) (*Aggregate, error) {
	o, err := ReadK6(r, name)
	if err != nil {
		return nil, err
	}
	return o.Aggregate()
}

// ReadK6JSONFile is ReadK6JSON on a file.
func ReadK6JSONFile(path string) (*Aggregate, error) {
	o, err := ReadK6File(path)
	if err != nil {
		return nil, err
	}
	return o.Aggregate()
}
