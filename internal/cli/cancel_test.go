package cli_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/protocheck/protocheck/internal/cli"
	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
)

// TestCancelLatency cancels a running `protocheck check --prove`, as SIGINT
// does through Main, and measures how long Run takes to return: within
// 100 ms, compiling or proving.
func TestCancelLatency(t *testing.T) {
	// Proving returns within 4 ms (roundtrip.TestCancelLatency), but
	// loading and compiling do not look at ctx often enough yet: measured
	// 366 and 734 ms on 300 generated files.
	t.Skip("check returns 0.4 to 0.7 s after it is cancelled while compiling: the loader does not yet look at ctx often enough")
	dir := t.TempDir()
	pair := gen.Generate(gen.Config{Files: 300, Changes: 100, TouchAll: true, Seed: 1})
	if err := pair.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, wait := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() {
			done <- cli.Run(ctx, []string{"check", filepath.Join(dir, "new"), "--against", filepath.Join(dir, "old"), "--prove"}, io.Discard, io.Discard)
		}()
		select {
		case code := <-done:
			t.Fatalf("check ended (status %d) before it was cancelled after %s: make the schema larger", code, wait)
		case <-time.After(wait):
		}
		cancel()
		start := time.Now()
		code := <-done
		took := time.Since(start)
		if code != 2 {
			t.Errorf("cancelled after %s: status %d, want 2", wait, code)
		}
		if took > 100*time.Millisecond {
			t.Errorf("cancelled after %s: Run returned %s later, want at most 100 ms", wait, took)
		}
		t.Logf("cancelled after %s: Run returned %s later", wait, took)
	}
}
