package reference_test

import (
	"testing"

	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// TestMain stops the private PostgreSQL cluster that the tests on every store start.
func TestMain(m *testing.M) { pgtest.Main(m) }
