// Command eidsim is the one CLI of the eidsim harness: generate populations, serve the
// reference identity service, run load scenarios and campaign simulations, and report on runs.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
