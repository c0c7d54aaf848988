package sqlite

import (
	"errors"
	"io/fs"
	"os"
)

// privateMode is the mode of the database and its WAL and shared-memory files.
const privateMode fs.FileMode = 0o600

// createPrivate creates the database file at path empty with privateMode when it does not
// exist, and narrows an existing one to privateMode, so that SQLite (which gives the -wal and
// -shm files it creates the database file's mode) never makes a file others can read.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, privateMode)
}

// narrowSidecars sets privateMode on the -wal and -shm files of the database at path, those
// that exist (belt and braces: SQLite already creates them with the database's mode).
func narrowSidecars(path string) error {
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, privateMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
