// Package load is the Go side of eidsim's load scenarios: the catalogue of scenarios (which
// k6 script, which citizens each flow needs, the default options), the sampling of citizens
// from a population file for a run, the k6 command line of a run or of one execution segment,
// the search for the highest sustainable arrival rate (FindMax), and the Runner that does a
// run into a run directory (Runner.Once) or a whole search (Runner.FindMax), writing the
// records of package results. k6 itself is behind K6Exec (Process runs the binary), so the
// runner is tested without k6.
//
// The scripts themselves are in scenarios/k6 and are embedded there.
package load
