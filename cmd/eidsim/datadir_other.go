//go:build !unix

package main

// lockData is a no-op where flock is not available: a second serve on the same --data is
// not detected there.
func lockData(dir string) (release func(), err error) { return func() {}, nil }
