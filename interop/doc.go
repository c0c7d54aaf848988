// Package interop holds the independent relying-party suites: relying-party libraries not
// written in Go, driven against the real `eidsim serve` by this package's tests. node/ is the
// Node suite (openid-client and jose, pinned in node/package-lock.json; `npm ci` in node/
// installs them, as .ci/run does). The suite is part of `go test ./...`: it skips with a
// message when node or node/node_modules is missing, and fails instead under CI=true.
// EIDSIM_INTEROP_BIN runs the suites against another build of eidsim instead of building
// ./cmd/eidsim.
package interop
