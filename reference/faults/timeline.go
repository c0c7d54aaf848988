package faults

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Timeline is a scenario file's fault schedule: each step replaces the whole setting at its
// offset from the start of the run.
//
//	faults:
//	  - at: 0s
//	    set:
//	      sms:
//	        carriers:
//	          Viettel: {loss: 0.3}
//	  - at: 30s
//	    set: {}          # healthy again
type Timeline struct {
	Steps []Step `json:"faults" yaml:"faults"`
}

// Step sets Set at offset At.
type Step struct {
	At  time.Duration `json:"at" yaml:"at"`
	Set Spec          `json:"set" yaml:"set"`
}

// MaxTimeline bounds the length of a timeline's schedule.
const MaxTimeline = 24 * time.Hour

// LoadTimeline reads and validates a timeline file; errors name the file and the step.
func LoadTimeline(path string) (Timeline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Timeline{}, err
	}
	tl, err := ParseTimeline(b)
	if err != nil {
		return Timeline{}, fmt.Errorf("%s: %w", path, err)
	}
	return tl, nil
}

// ParseTimeline decodes (refusing unknown fields) and validates a timeline.
func ParseTimeline(b []byte) (Timeline, error) {
	var tl Timeline
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&tl); err != nil {
		return Timeline{}, err
	}
	if len(tl.Steps) == 0 {
		return Timeline{}, fmt.Errorf("faults: at least one step is required")
	}
	var last time.Duration
	for i, s := range tl.Steps {
		if s.At < last || s.At > MaxTimeline {
			return Timeline{}, fmt.Errorf("faults[%d].at: %v must be ≥ the previous step's and ≤ %v", i, s.At, MaxTimeline)
		}
		last = s.At
		if err := s.Set.Validate(); err != nil {
			return Timeline{}, fmt.Errorf("faults[%d].set.%w", i, err)
		}
	}
	return tl, nil
}

// Setter applies a step; *Controller (in process) and Remote (over the control plane) are
// Setters.
type Setter interface {
	Set(spec Spec, source string) error
}

// Play applies the timeline's steps at their offsets from now, each with source
// "scenario <name> step i", until the last step or until ctx ends.
func Play(ctx context.Context, s Setter, tl Timeline, name string) error {
	start := time.Now()
	for i, st := range tl.Steps {
		if wait := time.Until(start.Add(st.At)); wait > 0 && !sleep(ctx, wait) {
			return ctx.Err()
		}
		if err := s.Set(st.Set, fmt.Sprintf("scenario %s step %d (at %v)", name, i, st.At)); err != nil {
			return fmt.Errorf("faults[%d]: %w", i, err)
		}
	}
	return nil
}

// Remote sets faults on a running service through PUT /sim/faults.
type Remote struct {
	Target string // base URL
	// Token is the service's operator token, sent as a bearer token (the control plane
	// refuses requests without it).
	Token  string
	Client *http.Client
}

// Set PUTs spec (as YAML) with the source noted in the journal.
func (r Remote) Set(spec Spec, source string) error {
	b, err := yaml.Marshal(spec)
	if err != nil {
		return err
	}
	c := r.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequest(http.MethodPut, strings.TrimRight(r.Target, "/")+Path+"?source="+url.QueryEscape(source), bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/yaml")
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %s: %s: %s", Path, res.Status, bytes.TrimSpace(body))
	}
	return nil
}
