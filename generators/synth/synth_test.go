package synth

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/generators/profile"
)

func build(t testing.TB, name string, seed uint64, n int64) *Population {
	t.Helper()
	p, err := profile.Load(name)
	require.NoError(t, err)
	m, err := NewModel(p, seed)
	require.NoError(t, err)
	pop, err := m.NewPopulation(n)
	require.NoError(t, err)
	return pop
}

func generate(t testing.TB, pop *Population, o Options) ([]byte, *Tally) {
	t.Helper()
	var buf bytes.Buffer
	tl, err := pop.Write(context.Background(), &buf, o)
	require.NoError(t, err)
	return buf.Bytes(), tl
}

func TestSmoke(t *testing.T) {
	pop := build(t, "dien-bien", 1, 200000)
	out, tl := generate(t, pop, Options{Tally: true})
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var r population.Record
		require.NoError(t, population.DecodeLine(sc.Bytes(), &r), "line %d: %s", n+1, sc.Text())
		n++
		if n <= 3 {
			t.Log(sc.Text())
		}
	}
	require.Equal(t, 200000, n)
	v := pop.M.Validate(tl)
	v.Print(os.Stderr, "Điện Biên", tl.N)
}
