# eidsim — the two commands a new user needs are `make run` (the main job on embedded
# defaults) and `make test` (every test). Everything else here is a helper for those or for
# benchmarks.

GO      ?= go
BIN     := bin
EIDSIM  := $(BIN)/eidsim
export K6_AUTO_EXTENSION_RESOLUTION := false

.PHONY: all build run test test-short vet fmt bench bench-calibrate posterior fuzz k6 k6-stock bench-stream stream-test clean report-screenshot demo-test node-deps

all: build

build:
	$(GO) build -o $(EIDSIM) ./cmd/eidsim

# k6 is pinned in go.mod and built offline from the module cache, with eidsim's output
# extension compiled in (scenarios/k6/cmd/k6: k6's command plus the extension, the way xk6
# builds one; docs/streaming.md). k6-stock builds the same k6 without it (for benchmarks).
k6:
	$(GO) build -o $(BIN)/k6 ./scenarios/k6/cmd/k6

k6-stock:
	$(GO) build -o $(BIN)/k6-stock go.k6.io/k6

# run is the demo: k6 is built once from the module cache (go build caches it afterwards).
run: build k6
	$(EIDSIM) demo

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# test runs vet, gofmt and every test (with the race detector), including the seed corpus of
# every fuzz test and the independent relying-party suite (interop: openid-client in Node
# against eidsim serve), then the quick demo end to end with k6 (the main job, without -race).
# gotestsum (pinned in go.mod) prints a line per package and, at the end, every skipped test
# with its reason, so a skip is never hidden.
test: vet node-deps
	$(GO) tool gotestsum --format pkgname-and-test-fails --format-hide-empty-pkg -- -race -count=1 -timeout 30m ./...
	$(MAKE) stream-test
	$(MAKE) demo-test

# node-deps installs the Node packages pinned in the lock files (npm ci) where they are
# missing or older than the lock file. Without npm the Node tests skip (and fail under CI=true).
NODE_DIRS := interop/node examples/rp-node
node-deps:
	@for d in $(NODE_DIRS); do \
	  [ -f $$d/package-lock.json ] || continue; \
	  if ! command -v npm >/dev/null 2>&1; then echo "npm not found: the Node tests in $$d will skip"; continue; fi; \
	  [ $$d/node_modules/.package-lock.json -nt $$d/package-lock.json ] || (cd $$d && npm ci --no-audit --no-fund); \
	done

test-short:
	$(GO) test -short -count=1 ./...

# bench-stream measures k6's memory and the run directory's size over a long run at
# BENCH_RATE iterations/s against `eidsim serve --hash fast`, streaming output then stock
# outputs, and k6's iterations per CPU-second with and without the extension
# (scripts/bench-stream.sh; docs/streaming.md). An hour per mode by default.
BENCH_SECONDS ?= 3600
BENCH_RATE    ?= 1000
bench-stream: build k6 k6-stock
	BENCH_NOBUILD=1 scripts/bench-stream.sh $(BENCH_SECONDS) $(BENCH_RATE)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

# bench-calibrate runs only the calibration's benchmarks: one model run (every campaign once at
# 3000 citizens; runs/s) and two rounds of a small calibration (24 model runs on 2 workers).
bench-calibrate:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./scenarios/calibrate/

# posterior refits the shipped posterior (scenarios/campaign/posterior/default.json) on every
# built-in campaign with evidence, at the default calibration scale, with validation and
# sensitivity (docs/calibration.md; about 10–20 minutes on 2 cores). The run record stays in
# bin/posterior-runs/; POSTERIOR_FLAGS adds flags (e.g. --particles 200).
POSTERIOR_FLAGS ?=
posterior: build
	rm -rf $(BIN)/posterior-runs
	$(EIDSIM) simulate --calibrate --progress never --out $(BIN)/posterior-runs $(POSTERIOR_FLAGS)
	cp "$$(ls -d $(BIN)/posterior-runs/*/ | tail -1)posterior.json" scenarios/campaign/posterior/default.json
	$(GO) test -count=1 -run 'Posterior' ./scenarios/campaign/

# fuzz runs every Fuzz* target of the repository for FUZZTIME each, one after another (not in
# CI: 29 targets × 30 s ≈ 15 min). Inputs that fail are written by Go to the package's
# testdata/fuzz/FuzzName/ (then part of every `make test`); with FUZZKEEP=1 the interesting
# inputs found (Go keeps them in its build cache) are copied there too. It stops at the
# first target that fails. FUZZPKG narrows the packages (e.g. FUZZPKG=./reference/...).
FUZZTIME ?= 30s
FUZZKEEP ?=
FUZZPKG  ?= ./...
fuzz:
	@mkdir -p $(BIN)
	@$(GO) test -list '^Fuzz' $(FUZZPKG) | awk '/^Fuzz/ { n[++k] = $$1; next } /^ok/ { for (i = 1; i <= k; i++) print $$2, n[i]; k = 0 }' > $(BIN)/.fuzz-targets
	@echo "fuzzing $$(wc -l < $(BIN)/.fuzz-targets) targets for $(FUZZTIME) each"
	@cache=$$($(GO) env GOCACHE)/fuzz; while read -r pkg name; do \
		echo "== $$pkg $$name"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg < /dev/null || exit 1; \
		if [ -n "$(FUZZKEEP)" ] && [ -d "$$cache/$$pkg/$$name" ]; then \
			dir=$$($(GO) list -f '{{.Dir}}' $$pkg)/testdata/fuzz/$$name; mkdir -p "$$dir"; cp -n "$$cache/$$pkg/$$name"/* "$$dir"/; \
			echo "   corpus kept in $$dir ($$(ls "$$dir" | wc -l) inputs)"; \
		fi; \
	done < $(BIN)/.fuzz-targets

# report-screenshot opens a report in headless Chromium (installed with apt-get when missing),
# saves bin/report-screenshot.png and checks that its plots were drawn.
report-screenshot:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y --no-install-recommends chromium; }
	@mkdir -p $(BIN)
	EIDSIM_SCREENSHOT=$(CURDIR)/$(BIN)/report-screenshot.png $(GO) test -count=1 -run '^TestScreenshot$$' -v ./results/report/

# stream-test runs the streaming output against a real k6 (the one `make k6` builds): the
# streamed aggregate and time series equal those read from k6's raw JSON output of the run.
stream-test: k6
	EIDSIM_K6=$(CURDIR)/$(BIN)/k6 $(GO) test -count=1 -run '^TestRealK6StreamEqualsRaw$$' -v ./scenarios/load/

# demo-test runs the quick demo end to end with k6 in process (one to two minutes).
demo-test: k6
	EIDSIM_DEMO_TEST=1 EIDSIM_K6=$(CURDIR)/$(BIN)/k6 $(GO) test -count=1 -run '^TestDemoWithK6$$' -v ./cmd/eidsim/

clean:
	rm -rf $(BIN)
