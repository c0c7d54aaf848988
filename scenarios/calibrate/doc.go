// Package calibrate fits one pooled parameter set of the campaign model to the evidence of
// several campaigns at once (the nation and its provinces) and returns a posterior sample,
// with its out-of-sample validation, identifiability and sensitivity.
//
// # Method
//
// The model is a stochastic simulation without a likelihood, so the calibration is
// approximate Bayesian computation: adaptive population Monte Carlo (ABC-PMC) with adaptive
// tolerances (Lenormand, Jabot and Deffuant 2013; the Gaussian perturbation kernel of twice the
// weighted covariance of Beaumont et al. 2009; the adaptive tolerance idea of Del Moral, Doucet
// and Jasra 2012). Round 0 draws 2K points from the prior; every later round proposes K points
// by perturbing particles of the population; the population is the K runs closest to the
// evidence so far, and the tolerance is the K-th distance. It stops after a number of rounds
// or when fewer than MinAcceptance of a round's proposals fall within the previous tolerance.
// Importance weights are prior ÷ the deterministic mixture of all rounds' proposal densities
// (the balance heuristic), so particles surviving from early rounds do not swamp the later ones.
//
// Why this and not ABC-SMC with a fixed number of accepted particles per round (Toni et al.
// 2009) or history matching with an emulator: every round here is a fixed batch of K runs known
// before the round starts, so a round splits over machines deterministically (RunShard, Merge);
// and at 0.1–0.5 s per campaign run a direct sampler is affordable, returns a weighted posterior
// sample (not a not-implausible region) and needs no emulator per output. See
// docs/calibration.md.
//
// # Distance
//
// A run is compared with every evidence point of every campaign by its log error
// ln((pred + r)/(value + r)), r one simulated citizen at full scale; a lower bound costs nothing
// when the prediction is above it. The distance is the root mean square over the points.
//
// # Determinism
//
// Proposal i of round g draws from its own ChaCha8 stream seeded from (seed, g, i), and its
// model run gets a seed derived from the same triple; ties are broken by round and index. The
// state after each round is byte-identical for any number of workers or shards.
//
// # Validation
//
// Validate refits without each hold-out (leave one province out; the national time split) by
// reusing the stored simulations with importance weights: no extra model runs, at the price of
// possibly understating the uncertainty (see ValidationMethod).
package calibrate
