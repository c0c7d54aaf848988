// Package load is the Go side of eidsim's load scenarios: the catalogue of scenarios (which
// k6 script, which citizens each flow needs, the default options), the sampling of citizens
// from a population file for a run, the k6 command line of a run or of one execution segment,
// and the search for the highest sustainable arrival rate (FindMax).
//
// The scripts themselves are in scenarios/k6 and are embedded there.
package load
