package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/eidsim/eidsim/reference"
)

// checkWorld compares the population file a load run was given with the ones the target
// says it imported (GET /sim/settings). A file the service never imported is bad usage:
// every flow would draw citizens the service does not know, and the run would end in
// misleading causes (wrong_password, identity_mismatch). It returns a warning, or "", when
// the service has served flows since the import, so that fresh-citizen flows may fail.
// Targets that do not describe their population (another implementation) are not checked.
func checkWorld(settings json.RawMessage, population string) (warning string, err error) {
	if len(settings) == 0 {
		return "", nil
	}
	var st reference.Settings
	if json.Unmarshal(settings, &st) != nil || len(st.Population) == 0 {
		return "", nil
	}
	sum, err := fileSHA256(population)
	if err != nil {
		return "", usageErr("--population %s: %v", population, err)
	}
	found := false
	for _, p := range st.Population {
		found = found || p.SHA256 == sum
	}
	if !found {
		last := st.Population[len(st.Population)-1]
		return "", usageErr("--population %s (sha256 %.12s) is not the population the service was started with: it imported %s (sha256 %.12s, %d citizens, %d accounts); give that file, or restart serve with this one",
			population, sum, last.Path, last.SHA256, last.Citizens, last.Accounts)
	}
	if st.ChangedSinceImport > 0 {
		return fmt.Sprintf("the service has served flows since its population was imported (%d accounts created or changed, e.g. by an earlier run): flows that need fresh citizens (registration, enrolment, a new device) may find them used and fail; restart serve with --reset for a fresh world, or pass another --seed",
			st.ChangedSinceImport), nil
	}
	return "", nil
}

// fileSHA256 is the hex SHA-256 of a file's content (the import records files by it).
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
