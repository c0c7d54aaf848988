//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockData takes an exclusive flock on DIR/serve.lock and writes the process ID into it, so
// that a second serve on the same --data refuses at once (exit 2, naming the holder's pid):
// its handset inboxes and faults would be separate from the first one's while the store is
// shared. The kernel drops the lock when the process ends in any way, SIGKILL included, so a
// stale file never blocks. release unlocks and closes it.
func lockData(dir string) (release func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--data: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(b))
			if pid == "" {
				pid = "unknown"
			}
			return nil, exitErr(exitUsage, fmt.Errorf("--data %s is in use by another eidsim serve or rp-check (pid %s, lock %s); stop it or give another --data", dir, pid, path))
		}
		return nil, fmt.Errorf("--data: lock %s: %w", path, err)
	}
	_ = os.Chmod(path, 0o600)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
