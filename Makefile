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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
