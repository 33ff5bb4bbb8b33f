package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/protocheck/protocheck/internal/cli"
)

// TestCacheEqualsNone checks that the loader's cache of files
// (PROTOCHECK_CACHE_DIR) changes nothing check prints, on the random
// layouts of TestSelectiveEqualsFullGit (the pre-commit hook's case: a
// work tree against HEAD): a run with an empty cache, one with the cache
// it left, and one after every entry was damaged print what a run without
// a cache prints, with the same exit status. One cache serves every
// layout, so later layouts also meet entries of files they share with
// earlier ones, and none of the entries of files they changed.
func TestCacheEqualsNone(t *testing.T) {
	n := 8
	if testing.Short() {
		n = 3
	}
	cache := t.TempDir()
	for seed := range uint64(n) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			_, args := writeGitLayout(t, seed)
			run := func(dir string) string {
				t.Setenv("PROTOCHECK_CACHE_DIR", dir)
				var stdout, stderr bytes.Buffer
				code := cli.Run(context.Background(), args, &stdout, &stderr)
				return fmt.Sprintf("exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			want := run("off")
			for _, label := range []string{"cold", "warm"} {
				if got := run(cache); got != want {
					t.Errorf("seed %d, %s cache: check prints\n%s\nwithout a cache:\n%s", seed, label, got, want)
				}
			}
			// Half the linked files from the cache, the others compiled:
			// objects of both makings in one run, as when the hook has
			// seen HEAD's files and not the staged ones.
			// (A layout with an include directory keeps none.)
			if forget(t, cache) > 0 {
				if got := run(cache); got != want {
					t.Errorf("seed %d, half the cache: check prints\n%s\nwithout a cache:\n%s", seed, got, want)
				}
			}
			if damage(t, cache) == 0 {
				t.Fatalf("seed %d: the cache holds no entry", seed)
			}
			if got := run(cache); got != want {
				t.Errorf("seed %d, damaged cache: check prints\n%s\nwithout a cache:\n%s", seed, got, want)
			}
		})
	}
}

// forget removes every other entry of a linked file (the directory "f"
// of a build's entries) and returns how many it removed.
func forget(t *testing.T, dir string) int {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(filepath.Dir(p))) == "f" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := 0; i < len(files); i += 2 {
		if err := os.Remove(files[i]); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// damage damages every entry of a cache in one of three ways (a bit
// flipped, cut short, replaced) and returns how many it damaged.
func damage(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "pruned" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			return err
		}
		switch n++; n % 3 {
		case 0:
			data[len(data)/2] ^= 0x10
		case 1:
			data = data[:len(data)-1]
		case 2:
			data = []byte("not an entry")
		}
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
