package campaign

import "github.com/eidsim/eidsim/results"

// The run-record types and file names of a simulation are declared once, in package
// results. These aliases name the same types and values (they cannot drift from them); they
// remain only so that study.go and cmd/eidsim/simulate_study.go, written alongside the move,
// compile until they use results directly. New code uses results.
type (
	// Summary is results.SimSummary.
	//
	// Deprecated: use results.SimSummary.
	Summary = results.SimSummary
	// Probe is results.CapacityProbe.
	//
	// Deprecated: use results.CapacityProbe.
	Probe = results.CapacityProbe
)

// Deprecated: use the results constants of the same name.
const (
	CapacityFile       = results.CapacityFile
	CounterfactualFile = results.CounterfactualFile
)
