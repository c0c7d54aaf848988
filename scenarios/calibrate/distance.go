package calibrate

import "math"

// LogError is the error of a prediction against a target on the log scale,
// ln((pred+r)/(value+r)) with r the target's resolution (at least 1); for a bound (at least)
// it is zero when the prediction is above.
func LogError(t Target, pred float64) float64 {
	r := math.Max(1, t.Resolution)
	e := math.Log((math.Max(pred, 0) + r) / (t.Value + r))
	if t.AtLeast && e > 0 {
		return 0
	}
	return e
}

// Distance is the root mean square of the log errors over the targets in use (use nil: all):
// every campaign's points count alike whatever its size.
func Distance(ts []Target, preds []float64, use []bool) float64 {
	var s float64
	n := 0
	for i, t := range ts {
		if use != nil && !use[i] {
			continue
		}
		e := LogError(t, preds[i])
		s += e * e
		n++
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(s / float64(n))
}
