//go:build !linux

package load

import "syscall"

// k6ProcAttr leaves k6 in eidsim's process group off Linux.
func k6ProcAttr() *syscall.SysProcAttr { return nil }
