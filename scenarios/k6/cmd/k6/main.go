// Command k6 is the pinned k6 (go.mod) with eidsim's output extension compiled in, built
// the way xk6 builds an extended k6: k6's own command, plus a blank import of each
// extension, which registers itself. `make k6` builds it offline from the module cache.
package main

import (
	k6cmd "go.k6.io/k6/cmd"

	_ "github.com/eidsim/eidsim/scenarios/k6/x/eidsimout"
)

func main() {
	k6cmd.Execute()
}
