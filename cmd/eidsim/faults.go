package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference/faults"
)

func init() {
	register(&command{
		name:    "faults",
		summary: "show, set, reset or play (from a scenario file) the injected faults of a running service",
		usage: "show|set SPEC_FILE|play TIMELINE_FILE|reset [--target URL] [--operator-token T | --data DIR]\n\n" +
			"  show            print the current faults and the journal of every change (JSON)\n" +
			"  set FILE        replace the faults with the setting in FILE (YAML or JSON)\n" +
			"  play FILE       apply a timeline (faults: [{at: 0s, set: {...}}, ...]) step by step\n" +
			"  reset           heal everything",
		run: runFaults,
	})
}

func runFaults(ctx context.Context, e *env, args []string) error {
	c := commands["faults"]
	fs := newFlagSet(c, e)
	target := fs.String("target", "http://127.0.0.1:8080", "base `URL` of the service (loopback only)")
	token := fs.String("operator-token", "", "the service's operator `TOKEN` (default $EIDSIM_OPERATOR_TOKEN, else DIR/operator-token of --data)")
	data := fs.String("data", defaultData, "`DIR` of the local eidsim serve whose operator-token file to read when no token is given")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErr("an action is required: show, set FILE, play FILE or reset")
	}
	if err := checkTarget(*target, false); err != nil {
		return usageErr("--target: %v", err)
	}
	base := strings.TrimRight(*target, "/")
	client := &http.Client{Timeout: 10 * time.Second}
	action, rest := rest[0], rest[1:]
	want := map[string]int{"show": 0, "reset": 0, "set": 1, "play": 1}
	n, known := want[action]
	if !known {
		return usageErr("unknown action %q (show, set FILE, play FILE, reset)", action)
	}
	if len(rest) != n {
		return usageErr("%s takes %d argument(s), got %d", action, n, len(rest))
	}
	tok, err := clientToken(e, *token, *data, *target)
	if err != nil {
		return err
	}
	authorized := func(method string) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, method, base+faults.Path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return req
	}
	switch action {
	case "show":
		res, err := client.Do(authorized(http.MethodGet))
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", faults.Path, res.Status)
		}
		var st faults.State
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			return fmt.Errorf("GET %s: %w", faults.Path, err)
		}
		b, _ := json.MarshalIndent(st, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
	case "reset":
		res, err := client.Do(authorized(http.MethodDelete))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			return fmt.Errorf("DELETE %s: %s", faults.Path, res.Status)
		}
		fmt.Fprintln(e.stderr, "faults reset")
	case "set":
		b, err := os.ReadFile(rest[0])
		if err != nil {
			return usageErr("%v", err)
		}
		spec, err := faults.ParseSpec(b)
		if err != nil {
			return usageErr("%s: %v", rest[0], err)
		}
		if err := (faults.Remote{Target: base, Token: tok, Client: client}).Set(spec, "eidsim faults set "+filepath.Base(rest[0])); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "faults set from %s\n", rest[0])
	case "play":
		tl, err := faults.LoadTimeline(rest[0])
		if err != nil {
			return usageErr("%v", err)
		}
		r := faults.Remote{Target: base, Token: tok, Client: client}
		logged := loggingSetter{r, e.stderr}
		if err := faults.Play(ctx, logged, tl, filepath.Base(rest[0])); err != nil {
			return err
		}
	}
	return nil
}

// loggingSetter reports each step it applies.
type loggingSetter struct {
	next faults.Setter
	w    io.Writer
}

func (l loggingSetter) Set(s faults.Spec, source string) error {
	if err := l.next.Set(s, source); err != nil {
		return err
	}
	fmt.Fprintf(l.w, "%s %s\n", time.Now().UTC().Format(time.RFC3339), source)
	return nil
}
