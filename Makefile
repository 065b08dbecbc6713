# Pincel — every target installs what it needs first, so each works on a fresh machine.
SWIFT        ?= swift
CONFIG       ?= release
SWIFTFLAGS   := -c $(CONFIG)
PINCEL_HOME  ?= $(HOME)/.cache/pincel
WEIGHTS      := $(PINCEL_HOME)/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin
BIN           = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path)/pincel
DEMO_OUT     ?= out/demo.png

export PINCEL_HOME

.PHONY: all deps weights build test fuzz demo bench clean

all: build

deps:
	@bash scripts/install-deps.sh

weights: deps
	@bash scripts/fetch-weights.sh >/dev/null
	@echo "weights: $(WEIGHTS)"

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

# Numeric tests are slow in debug builds, so tests run optimised (with testability).
test: deps weights
	$(SWIFT) build $(SWIFTFLAGS) -Xswiftc -enable-testing
	$(SWIFT) test $(SWIFTFLAGS) -Xswiftc -enable-testing
	FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) bash scripts/fuzz.sh

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
