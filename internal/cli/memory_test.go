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
