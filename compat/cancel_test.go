package compat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// TestCheckCancel cancels Check at points spread over a run of every rule
// on 300 files and measures how long it takes to return: at most a
// tenth of the uncancelled run (measured first, so that the limit
// holds on a loaded machine too), and no findings, only ctx's error.
func TestCheckCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles 600 files")
	}
	load := func(mutate bool) *schema.Schema {
		dir := t.TempDir()
		benchSchema(t, dir, 300, 40, 20, mutate)
		s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	old, new := load(false), load(true)
	cfg := compat.Config{Use: []string{"FILE", "PACKAGE", "WIRE_JSON", "WIRE"}}
	// The first run also builds what the descriptors keep for later
	// (source locations): the second is the one the others repeat.
	var full time.Duration
	for range 2 {
		start := time.Now()
		if _, err := compat.Check(context.Background(), old, new, cfg); err != nil {
			t.Fatal(err)
		}
		full = time.Since(start)
	}
	limit := full / 10
	t.Logf("uncancelled Check took %s: limit %s", full, limit)
	// cancelAt cancels a Check after frac of the run and returns how long
	// it took to return, or 0 when it had ended.
	cancelAt := func(frac float64) time.Duration {
		ctx, cancel := context.WithCancel(context.Background())
		type result struct {
			fs  []compat.Finding
			err error
		}
		done := make(chan result, 1)
		go func() {
			fs, err := compat.Check(ctx, old, new, cfg)
			done <- result{fs, err}
		}()
		time.Sleep(time.Duration(frac * float64(full)))
		cancel()
		start := time.Now()
		r := <-done
		took := time.Since(start)
		if r.err == nil {
			return 0
		}
		if !errors.Is(r.err, context.Canceled) || r.fs != nil {
			t.Errorf("cancelled at %.0f%%: %d findings, error %v; want none and context.Canceled", frac*100, len(r.fs), r.err)
		}
		return took
	}
	for _, frac := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		// A loaded machine may stall the checking goroutine past the
		// limit once; a stretch of work that does not look at ctx
		// overruns it at every try.
		var took time.Duration
		for try := range 3 {
			if took = cancelAt(frac); took <= limit {
				break
			}
			t.Logf("cancelled at %.0f%%, try %d: returned %s later", frac*100, try+1, took)
		}
		if took > limit {
			t.Errorf("cancelled at %.0f%%: Check returned %s later three times, want at most %s", frac*100, took, limit)
		}
		if took == 0 {
			t.Logf("at %.0f%%, Check had ended", frac*100)
			continue
		}
		t.Logf("cancelled at %.0f%%: returned %s later", frac*100, took)
	}
}
