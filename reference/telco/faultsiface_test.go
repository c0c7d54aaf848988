package telco_test

import (
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/telco"
)

// The simulator is the telco the fault controller drives (faults.New(sim, …)), although
// neither package imports the other.
var _ faults.Telco = (*telco.Sim)(nil)
