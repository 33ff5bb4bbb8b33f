package cli_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
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
// measured first: a twenty-fifth of it, when that is more than 100 ms (a
// quiet 2-core machine runs this check in about 2.5 s).
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
	for _, frac := range []float64{0.05, 0.25, 0.45, 0.65, 0.85} {
		wait := time.Duration(frac * float64(full))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() { done <- cli.Run(ctx, args, io.Discard, io.Discard) }()
		select {
		case code := <-done:
			cancel()
			t.Logf("check ended (status %d) before it was cancelled after %s", code, wait)
			continue
		case <-time.After(wait):
		}
		cancel()
		start := time.Now()
		var code int
		select {
		case code = <-done:
		case <-time.After(limit):
			stacks := filepath.Join(os.TempDir(), fmt.Sprintf("cancel-%d.txt", int(frac*100)))
			if f, err := os.Create(stacks); err == nil {
				pprof.Lookup("goroutine").WriteTo(f, 2)
				f.Close()
			}
			code = <-done
			t.Logf("goroutines %s after cancelling: %s", limit, stacks)
		}
		took := time.Since(start)
		if code != 2 {
			t.Errorf("cancelled after %s: status %d, want 2", wait, code)
		}
		if took > limit {
			t.Errorf("cancelled after %s: Run returned %s later, want at most %s", wait, took, limit)
		}
		t.Logf("cancelled after %s: Run returned %s later", wait, took)
	}
}
