package cli_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/protocheck/protocheck/internal/cli"
	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
)

// TestCancelLatency cancels a running `protocheck check`, as SIGINT does
// through Main, at points spread over the whole run (walking, comparing
// sources, compiling, checking, reporting), and measures how long Run
// takes to return. Proving has its own test (roundtrip.TestCancelLatency).
//
// The limit is 100 ms on a quiet machine. On a loaded one everything is
// slower, cancelling too, so the limit grows with the uncancelled run,
// measured first: a twenty-fifth of it, when that is more than 100 ms. A
// run is cancelled up to three times at each point before it fails.
func TestCancelLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a check of 300 files several times")
	}
	dir := t.TempDir()
	pair := gen.Generate(gen.Config{Files: 300, Changes: 100, TouchAll: true, Seed: 1})
	if err := pair.Write(dir); err != nil {
		t.Fatal(err)
	}
	args := []string{"check", filepath.Join(dir, "new"), "--against", filepath.Join(dir, "old")}
	// The first run fills the caches (the file system's, the loader's
	// well-known types): the second is the one the others repeat.
	var full time.Duration
	for range 2 {
		start := time.Now()
		if code := cli.Run(context.Background(), args, io.Discard, io.Discard); code != 1 {
			t.Fatalf("uncancelled check: status %d, want 1", code)
		}
		full = time.Since(start)
	}
	limit := max(100*time.Millisecond, full/25)
	t.Logf("uncancelled check took %s: limit %s", full, limit)
	// cancelAt cancels a check after frac of the run and returns how long
	// Run took to return, or 0 when it had ended. Past the limit, it logs
	// where the goroutines were.
	cancelAt := func(frac float64) time.Duration {
		wait := time.Duration(frac * float64(full))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan int, 1)
		go func() { done <- cli.Run(ctx, args, io.Discard, io.Discard) }()
		select {
		case <-done:
			return 0
		case <-time.After(wait):
		}
		cancel()
		start := time.Now()
		var code int
		select {
		case code = <-done:
		case <-time.After(limit):
			var stacks bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			code = <-done
			t.Logf("goroutines %s after cancelling at %.0f%%:\n%s", limit, frac*100, ourFrames(stacks.String()))
		}
		if code != 2 {
			t.Errorf("cancelled at %.0f%%: status %d, want 2", frac*100, code)
		}
		return time.Since(start)
	}
	for _, frac := range []float64{0.05, 0.25, 0.45, 0.65, 0.85} {
		// A loaded machine may stall the checking goroutines past the
		// limit once; a stretch of work that does not look at ctx
		// overruns it at every try.
		var took time.Duration
		for try := range 3 {
			if took = cancelAt(frac); took <= limit {
				break
			}
			t.Logf("cancelled at %.0f%%, try %d: Run returned %s later", frac*100, try+1, took)
		}
		if took > limit {
			t.Errorf("cancelled at %.0f%%: Run returned %s later three times, want at most %s", frac*100, took, limit)
		}
		if took == 0 {
			t.Logf("at %.0f%%, the check had ended", frac*100)
			continue
		}
		t.Logf("cancelled at %.0f%%: Run returned %s later", frac*100, took)
	}
}

// ourFrames keeps, of a goroutine profile, the lines that name this
// module's functions or the compiler's, each once.
func ourFrames(profile string) string {
	var out []string
	seen := make(map[string]bool)
	for line := range strings.SplitSeq(profile, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "#"))
		if i := strings.Index(line, " github.com/"); i >= 0 {
			line = line[i+1:]
		}
		if f, _, ok := strings.Cut(line, "+0x"); ok {
			line = strings.TrimSpace(f)
		}
		if (strings.Contains(line, "protocheck/protocheck/") || strings.Contains(line, "protocompile")) && !seen[line] {
			seen[line] = true
			out = append(out, "    "+line)
		}
	}
	return strings.Join(out, "\n")
}
