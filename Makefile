# Pincel — every target installs what it needs first, so each works on a fresh machine.
SWIFT        ?= swift
CONFIG       ?= release
SWIFTFLAGS   := -c $(CONFIG)
PINCEL_HOME  ?= $(HOME)/.cache/pincel
WEIGHTS      := $(PINCEL_HOME)/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin
BIN           = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path)/pincel
DEMO_OUT     ?= out/demo.png
DEMO_INSTANT ?= out/demo-instant.png
# The refined demo picture: L-BFGS iterations from the instant picture (BENCHMARKS.md, "Instant pictures").
DEMO_ITERATIONS ?= 80
# `make bench-instant`: threads for both Pincel and onnxruntime (the throw-away venv .venv-ort holds onnxruntime).
BENCH_THREADS ?= 2
# The example package (Examples/QuickStart): a separate package that uses Pincel by path.
EXAMPLE_DIR  := Examples/QuickStart
EXAMPLE_BIN   = $(shell $(SWIFT) build $(SWIFTFLAGS) --package-path $(EXAMPLE_DIR) --show-bin-path)/QuickStart
EXAMPLE_SECONDS ?= 10
# `make docs` writes a static site here (python3 -m http.server -d .build/docs, then
# http://localhost:8000/documentation/pincel).
DOCS_OUT     ?= .build/docs

export PINCEL_HOME

.PHONY: all deps weights build test test-fast test-browser test-ray bench-ray studio-screenshots studio studio-load fuzz demo bench bench-instant example example-build docs clean

all: build

deps:
	@bash scripts/install-deps.sh

weights: deps
	@bash scripts/fetch-weights.sh >/dev/null
	@echo "weights: $(WEIGHTS)"

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

# Tests run optimised (with testability) in two tiers (scripts/test.sh, README "Tests"):
# test-fast needs no weights; test runs the fast tier, the full tier, then each fuzz target.
test: deps weights
	SWIFT=$(SWIFT) CONFIG=$(CONFIG) bash scripts/test.sh all
	$(MAKE) example-build
	$(MAKE) test-browser
	$(MAKE) test-ray
	FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) bash scripts/fuzz.sh

test-fast: deps
	SWIFT=$(SWIFT) CONFIG=$(CONFIG) bash scripts/test.sh fast

# Pincel Studio in a real browser (Tests/Browser/studio_test.py): headless Chromium and Selenium
# (scripts/install-browser-deps.sh), the binary built as scripts/test.sh builds it; screenshots
# to .build/studio-screenshots (make studio-screenshots writes the README's, docs/images/studio_*.png).
STUDIO_SHOTS ?= .build/studio-screenshots
test-browser: deps weights
	@bash scripts/install-browser-deps.sh
	$(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --product pincel
	PINCEL_WEIGHTS=$(WEIGHTS) .venv-browser/bin/python Tests/Browser/studio_test.py \
	    --binary $$($(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --show-bin-path)/pincel \
	    --screenshots $(STUDIO_SHOTS)

# pincel-ray (clients/ray) on a local two-node Ray cluster (Tests/Ray/test_ray.py): Ray 2.60 and
# the client in .venv-ray (scripts/install-ray-deps.sh), the binary built as scripts/test.sh builds
# it. Runs in network, mount and process namespaces of its own: loopback only, and every Ray
# process ends with the namespace (no `ray stop`, no broad kill). Not root: a user namespace too.
RAY_UNSHARE = unshare $(if $(filter 0,$(shell id -u)),,--user --map-root-user) --net --pid --fork --mount-proc
test-ray: deps weights
	@bash scripts/install-ray-deps.sh
	$(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --product pincel
	PINCEL_WEIGHTS=$(WEIGHTS) $(RAY_UNSHARE) .venv-ray/bin/python Tests/Ray/test_ray.py \
	    --binary $$($(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --show-bin-path)/pincel

# Items per minute of pincel, pincel batch and pincel-ray batch with 1 and 2 single-thread
# workers (Tests/Ray/bench_ray.py; BENCHMARKS.md, "Batch and Ray"). A benchmark, not a test.
bench-ray: deps weights
	@bash scripts/install-ray-deps.sh
	$(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --product pincel
	PINCEL_WEIGHTS=$(WEIGHTS) $(RAY_UNSHARE) .venv-ray/bin/python Tests/Ray/bench_ray.py \
	    --binary $$($(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --show-bin-path)/pincel

studio-screenshots:
	$(MAKE) test-browser STUDIO_SHOTS=docs/images

# Pincel Studio under load: the same 256 px job alone and beside wrk (64 connections, 20 s) on
# the page and the job list; checks no 5xx and no lost job, prints the times (BENCHMARKS.md).
# A benchmark figure, not a test. Installs wrk (scripts/install-load-deps.sh).
studio-load: deps weights
	@bash scripts/install-load-deps.sh
	$(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --product pincel
	PINCEL_WEIGHTS=$(WEIGHTS) PINCEL_BIN=$$($(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing --show-bin-path)/pincel \
	    bash scripts/studio-load.sh

# Serves Pincel Studio on http://127.0.0.1:8080 (pincel studio --help for the options).
studio: build weights
	$(BIN) studio

# libFuzzer targets in Fuzz/Targets (see scripts/fuzz.sh); crashes land in .fuzz/artifacts/.
FUZZ_SECONDS      ?= 300
TEST_FUZZ_SECONDS ?= 30
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

# The instant network's picture first (about a second), then the optimisation started from it.
demo: build weights
	@mkdir -p $(dir $(DEMO_OUT)) $(dir $(DEMO_INSTANT))
	$(BIN) --content Examples/astronaut.png --style Examples/starry_night.jpg \
	    --output $(DEMO_INSTANT) --size 512 --instant
	@echo "instant picture: $(DEMO_INSTANT)"
	$(BIN) --content Examples/astronaut.png --style Examples/starry_night.jpg \
	    --output $(DEMO_OUT) --size 512 --seed 1 --init instant --iterations $(DEMO_ITERATIONS) --tolerance 0
	@echo "instant picture: $(DEMO_INSTANT)"
	@echo "refined picture: $(DEMO_OUT)"

bench: build weights
	$(BIN) bench

# The instant network against onnxruntime on the same input, same thread count, same run.
bench-instant: build weights .venv-ort/bin/python
	$(BIN) bench --instant --threads $(BENCH_THREADS) --peer .venv-ort/bin/python

.venv-ort/bin/python:
	python3 -m venv .venv-ort
	.venv-ort/bin/pip install --quiet onnxruntime numpy pillow

# The documentation's code: builds the example package and checks that every swift block of
# the DocC articles appears in it word for word.
example-build: deps
	python3 scripts/check-doc-snippets.py
	$(SWIFT) build $(SWIFTFLAGS) --package-path $(EXAMPLE_DIR)

# Runs the example: a 128 px transfer cancelled after EXAMPLE_SECONDS, then one stopped at
# its 5th evaluation through the event stream; both images saved to out/.
example: example-build weights
	@mkdir -p out
	$(EXAMPLE_BIN) --seconds $(EXAMPLE_SECONDS) --output out/quickstart.png
	$(EXAMPLE_BIN) --stop-after 5 --output out/quickstart-5.png

# DocC documentation of the Pincel library (with the modules it re-exports) and of PincelVideo
# (into $(DOCS_OUT)-video), by scripts/docs.sh. Fails on any DocC warning,
# on a public symbol without documentation, or on an article's swift block that is not in
# the example's sources.
docs: deps
	python3 scripts/check-doc-snippets.py
	SWIFT=$(SWIFT) CONFIG=$(CONFIG) bash scripts/docs.sh $(DOCS_OUT)
	@echo "documentation: $(DOCS_OUT) (python3 -m http.server -d $(DOCS_OUT); open /documentation/pincel)"

clean:
	rm -rf .build out .fuzz $(EXAMPLE_DIR)/.build
