package results

import (
	"encoding/json"
	"path/filepath"
)

// Demo is demo.json (DemoFile) of a demo run: the run directories of its parts (relative to
// the demo's own directory) and the parts it left out, with why.
type Demo struct {
	Parts   []DemoPart `json:"parts"`
	Skipped []DemoPart `json:"skipped,omitempty"`
}

// DemoPart is one step of the demo.
type DemoPart struct {
	Name string `json:"name"`
	// Dir is the part's run directory relative to the demo's directory.
	Dir string `json:"dir,omitempty"`
	// Reason says why a skipped part was left out, or what went wrong in a part that ran.
	Reason string `json:"reason,omitempty"`
}

// WriteDemo stores d as dir/demo.json, atomically.
func WriteDemo(dir string, d Demo) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, DemoFile), append(b, '\n'))
}
