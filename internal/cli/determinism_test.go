package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/protocheck/protocheck/internal/cli"
	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
)

// TestDeterminism runs the same checks at GOMAXPROCS 1 and 8, twice each,
// and wants byte-identical output: loading, pairing and reporting run
// concurrently and over maps, and none of that may leak into what a user
// (or a CI cache keyed on the output) sees.
func TestDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated tree eight times")
	}
	demo, err := filepath.Abs("../../testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// About three hundred messages in twelve files, with breaking changes.
	pair := gen.Generate(gen.Config{Files: 12, Changes: 6, Messages: 25, Fields: 8, Seed: 7})
	if err := pair.Write(dir); err != nil {
		t.Fatal(err)
	}
	inputs := []struct{ name, new, old string }{
		{"demo", filepath.Join(demo, "v2"), filepath.Join(demo, "v1")},
		{"generated", filepath.Join(dir, "new"), filepath.Join(dir, "old")},
	}
	for _, in := range inputs {
		for _, format := range []string{"text", "json"} {
			for _, full := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/full=%v", in.name, format, full)
				t.Run(name, func(t *testing.T) {
					args := []string{"check", in.new, "--against", in.old, "--format", format,
						"--use", "FILE,PACKAGE,WIRE_JSON,WIRE,CSR"}
					if full {
						args = append(args, "--full")
					}
					var first []byte
					for _, procs := range []int{1, 8, 1, 8} {
						out, code := runAt(procs, args)
						if code != 1 {
							t.Fatalf("GOMAXPROCS=%d: exit status %d, want 1 (breaking changes):\n%s", procs, code, out)
						}
						if first == nil {
							first = out
							continue
						}
						if !bytes.Equal(out, first) {
							t.Fatalf("GOMAXPROCS=%d: output differs from the first run:\n%s\n---- first:\n%s", procs, out, first)
						}
					}
				})
			}
		}
	}
}

// runAt runs protocheck in process with GOMAXPROCS set to procs and
// returns its stdout and exit status.
func runAt(procs int, args []string) ([]byte, int) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), args, &stdout, &stderr)
	return append(stdout.Bytes(), stderr.Bytes()...), code
}
