package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestCacheVerified checks that a Cache with a Verified directory records
// the modules it verified, and checks again an entry whose files changed,
// even with their times set back.
func TestCacheVerified(t *testing.T) {
	_, base := testModules(t, false)
	c := &Cache{Dir: t.TempDir(), Verified: t.TempDir()}
	put(t, c, base)
	ctx := context.Background()
	dir, deps, err := c.Get(ctx, base.Key)
	if err != nil {
		t.Fatal(err)
	}
	if stamps, _ := os.ReadDir(c.Verified); len(stamps) != 1 {
		t.Fatalf("after one Get, %d stamps, want 1", len(stamps))
	}
	dir2, deps2, err := c.Get(ctx, base.Key)
	if err != nil || dir2 != dir || len(deps2) != len(deps) {
		t.Fatalf("second Get: %s %v %v, want %s %v", dir2, deps2, err, dir, deps)
	}

	// The same size, and the times set back as touch -r sets them: the
	// change time still moves, and the change is seen.
	p := filepath.Join(dir, filepath.FromSlash(base.Files[0].Path))
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	same := slices.Clone(base.Files[0].Data)
	same[len(same)-1] ^= 1
	if err := os.WriteFile(p, same, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get(ctx, base.Key); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("Get of an entry rewritten with its times set back: %v, want a digest mismatch", err)
	}
	// Without the stamps, the change is seen.
	if _, _, err := (&Cache{Dir: c.Dir}).Get(ctx, base.Key); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("Get without Verified: %v, want a digest mismatch", err)
	}
	// A new modification time brings a full check.
	later := info.ModTime().Add(time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get(ctx, base.Key); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("Get after the file's time changed: %v, want a digest mismatch", err)
	}
}
