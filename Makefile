# Pincel — every target installs what it needs first, so each works on a fresh machine.
SWIFT        ?= swift
CONFIG       ?= release
SWIFTFLAGS   := -c $(CONFIG)
PINCEL_HOME  ?= $(HOME)/.cache/pincel
WEIGHTS      := $(PINCEL_HOME)/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin
BIN           = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path)/pincel
DEMO_OUT     ?= out/demo.png

export PINCEL_HOME

.PHONY: all deps weights build test test-fast fuzz demo bench clean

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
	FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) bash scripts/fuzz.sh

test-fast: deps
	SWIFT=$(SWIFT) CONFIG=$(CONFIG) bash scripts/test.sh fast

# libFuzzer targets in Fuzz/Targets (see scripts/fuzz.sh); crashes land in .fuzz/artifacts/.
FUZZ_SECONDS      ?= 300
TEST_FUZZ_SECONDS ?= 30
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

demo: build weights
	@mkdir -p $(dir $(DEMO_OUT))
	$(BIN) --content Examples/astronaut.png --style Examples/starry_night.jpg \
	    --output $(DEMO_OUT) --size 512 --iterations 500 --seed 1
	@echo "demo result: $(DEMO_OUT)"

bench: build weights
	$(BIN) bench

clean:
	rm -rf .build out .fuzz
