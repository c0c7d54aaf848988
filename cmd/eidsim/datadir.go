package main

import (
	"fmt"
	"os"
)

// lockFile, inside --data, holds the pid of the serve using the directory (see lockData).
const lockFile = "serve.lock"

// secureDataDir creates dir (0700) or, when it exists with access for the group or others,
// narrows it to 0700 with a warning on stderr: it holds the database (password hashes and
// the keys that sign tokens, OTPs and captures) and the operator token.
func secureDataDir(e *env, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--data: %s is not a directory", dir)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("--data: %s is accessible to other users (%v) and cannot be narrowed: %w", dir, perm, err)
		}
		fmt.Fprintf(e.stderr, "warning: --data %s was accessible to other users (%v); changed to 0700\n", dir, perm)
	}
	return nil
}
