package cli

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// heapCap is the memory the process keeps under while what it holds live
// is a small part of that. GOGC is 200 (capHeap): the heap grows to three times its live part between
// collections, which pays in CPU on large trees but took a month of
// googleapis (250 to 370 MB live) to 1.0 to 1.1 GB of peak RSS.
const heapCap = 800 << 20

// capHeap makes the Go runtime collect before the process passes heapCap,
// unless GOMEMLIMIT says otherwise. Once the live heap passes seven
// eighths of the cap, collecting to stay under it would cost more than the
// memory is worth (the heap could grow by a seventh of its live part
// between collections): the cap is lifted for good, and a large tree runs
// as it did without it. Seven eighths, not less: the live heap a collection
// reports counts what was allocated while it ran, and the month's two
// archives, outside git, reported 575 MB once, which two thirds of the cap
// took for a large tree (1.05 GB peak RSS).
//
// It also sets GOGC to 200 unless the environment sets it: a check holds
// two versions in memory for a few seconds, and fewer collections pay for
// the memory (touch-all 500 files: wall time -45%, peak RSS +20%; see
// bench/compare.sh). The library leaves the process's collector alone.
func capHeap() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(heapCap)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var watch func()
	watch = func() {
		// A finalizer runs after each collection that finds its object
		// unreachable: one new object per collection is a cheap way to
		// look at the live heap after each.
		runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 && live[0].Value.Uint64() > heapCap/8*7 {
				debug.SetMemoryLimit(math.MaxInt64)
				return
			}
			watch()
		})
	}
	watch()
}

// gcSentinel is the object whose finalizer capHeap uses; it holds a
// pointer so that the allocator gives it an object of its own.
type gcSentinel struct{ _ *byte }
