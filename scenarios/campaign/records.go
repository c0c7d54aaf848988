package campaign

import "github.com/eidsim/eidsim/results"

// The run-record types and file names of a simulation are declared once, in package
// results. These aliases name the same types and values (they cannot drift from them); they
// remain only so that callers not yet moved to package results (cmd/eidsim/simulate.go)
// compile. New code uses results directly.
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

// Deprecated: use the results constants of the same meaning.
const (
	CapacityFile       = results.CapacityFile
	CounterfactualFile = results.CounterfactualFile
	CalibrationCSV     = results.CalibrationCSVFile
	CalibrationMD      = results.CalibrationFile
)
