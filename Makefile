# The commands CONTRIBUTING.md describes; CI runs .ci/run, which runs `make test`.
GO ?= go

.PHONY: test demo lint fuzz bench build

build:
	$(GO) build -o bin/protocheck ./cmd/protocheck

# internal/cli's scripts run the real pre-commit, git and buf: on a loaded
# 2-core machine the package passes go test's default 10-minute limit.
test:
	$(GO) test -timeout 30m ./...

demo:
	$(GO) run ./cmd/protocheck check testdata/demo/v2 --against testdata/demo/v1

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# Each fuzz target for FUZZTIME; the seeds under testdata/fuzz run in every
# `make test` anyway. scripts/fuzz.sh says what a failure is.
FUZZTIME ?= 20s
# The fuzzer shrinks every new interesting input for up to a minute by
# default, which in a 20 s budget leaves the targets idle; crashes are
# still shrunk within this.
FUZZMINIMIZETIME ?= 3s
FUZZ_TARGETS = loader:FuzzLoad loader:FuzzPrecheck loader:FuzzDescriptorSet config:FuzzConfig compat:FuzzCheck roundtrip:FuzzDecode roundtrip:FuzzProve recording:FuzzRead internal/cli:FuzzSelectiveEqualsFull

fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZMINIMIZETIME=$(FUZZMINIMIZETIME) scripts/fuzz.sh $(FUZZ_TARGETS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
