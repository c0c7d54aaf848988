package faults_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSiblingsDoNotImportEachOther keeps the fault controller and the telco simulator apart:
// neither package's code imports the other (they share reference/smsfault), so either can
// change without the other, and a driver wires them (faults.New(sim, …)).
func TestSiblingsDoNotImportEachOther(t *testing.T) {
	const mod = "github.com/eidsim/eidsim/reference/"
	tests := []struct{ dir, forbidden string }{
		{".", mod + "telco"},
		{"../telco", mod + "faults"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.forbidden), func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join(tt.dir, "*.go"))
			require.NoError(t, err)
			checked := 0
			for _, f := range files {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				src, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
				require.NoError(t, err)
				for _, imp := range src.Imports {
					path, err := strconv.Unquote(imp.Path.Value)
					require.NoError(t, err)
					assert.NotEqual(t, tt.forbidden, path, "%s imports %s", f, path)
				}
				checked++
			}
			assert.Positive(t, checked, "no Go files in %s", tt.dir)
		})
	}
}
