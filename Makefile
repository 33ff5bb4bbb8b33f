# The same commands as the README; CI runs .ci/run, which runs `make test`.
GO ?= go

.PHONY: test demo lint fuzz bench build

build:
	$(GO) build -o bin/protocheck ./cmd/protocheck

test:
	$(GO) test ./...

demo:
	$(GO) run ./cmd/protocheck check testdata/demo/v2 --against testdata/demo/v1

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# Each fuzz target for FUZZTIME; the seeds under testdata/fuzz run in every
# `make test` anyway. A crash leaves its input under testdata/fuzz: keep it.
FUZZTIME ?= 20s
# The fuzzer shrinks every new interesting input for up to a minute by
# default, which in a 20 s budget leaves the targets idle; crashes are
# still shrunk within this.
FUZZMINIMIZETIME ?= 3s
FUZZ_TARGETS = loader:FuzzLoad loader:FuzzPrecheck loader:FuzzDescriptorSet compat:FuzzCheck roundtrip:FuzzDecode internal/cli:FuzzSelectiveEqualsFull

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "== $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./$$pkg; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
