//go:build !unix

package reference_test

// cpuTime is not measured on this platform.
func cpuTime() float64 { return 0 }
