//go:build unix

package load

import (
	"os"
	"syscall"
)

func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) // KiB on Linux
	}
	return 0
}
