package calibrate

import (
	"context"
	"testing"
)

// BenchmarkModelRun is one model run of the calibration (every built-in campaign with evidence
// once) at the default calibration scale (3000 citizens per campaign).
func BenchmarkModelRun(b *testing.B) {
	p := smallProblem(b, 3000, true)
	theta := p.Space.Theta(mid(p.Space))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := p.Simulate(context.Background(), theta, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkCalibrationRound is round 0 and round 1 of a small calibration (the nation and one
// province, 8 particles, 500 citizens per campaign): 24 model runs on 2 workers, proposals and
// merges included.
func BenchmarkCalibrationRound(b *testing.B) {
	p := smallProblem(b, 500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := NewState(p.Config(8, 1, 0, uint64(i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(context.Background(), st, p, 2, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func mid(sp Space) []float64 {
	z := make([]float64, len(sp))
	for i, p := range sp {
		lo, hi := p.ZBounds()
		z[i] = (lo + hi) / 2
	}
	return z
}
