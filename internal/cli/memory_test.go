package cli

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// TestCapHeap checks that the command caps the process's memory at
// heapCap unless GOMEMLIMIT names a limit, which the runtime then keeps.
func TestCapHeap(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	env, had := os.LookupEnv("GOMEMLIMIT")
	t.Cleanup(func() {
		if had {
			os.Setenv("GOMEMLIMIT", env)
		} else {
			os.Unsetenv("GOMEMLIMIT")
		}
	})

	os.Setenv("GOMEMLIMIT", "3GiB")
	debug.SetMemoryLimit(math.MaxInt64)
	capHeap()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit is %d, want it left alone", got)
	}

	os.Unsetenv("GOMEMLIMIT")
	capHeap()
	if got := debug.SetMemoryLimit(-1); got != heapCap {
		t.Errorf("without GOMEMLIMIT, the limit is %d, want %d", got, heapCap)
	}
}

// TestGCPercent checks that the command, not the library, sets GOGC to 200,
// and leaves a GOGC the environment sets to the runtime.
func TestGCPercent(t *testing.T) {
	prevLimit := debug.SetMemoryLimit(-1)
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() {
		debug.SetGCPercent(prev)
		debug.SetMemoryLimit(prevLimit)
	})
	t.Setenv("GOMEMLIMIT", "off")

	t.Setenv("GOGC", "50")
	capHeap()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, the percent is %d, want it left alone (100)", got)
	}

	os.Unsetenv("GOGC")
	capHeap()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("without GOGC, the percent is %d, want 200", got)
	}
}
