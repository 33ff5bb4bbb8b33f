//go:build unix

package loader_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/loader"
)

// TestDirectorySymlinks follows links to directories as buf does, stops at
// a link back up, and skips a .proto that is not a regular file with a
// note rather than blocking on it.
func TestDirectorySymlinks(t *testing.T) {
	real := writeTree(t, map[string]string{"acme/a.proto": "syntax = \"proto3\";\npackage acme;\nmessage A {}\n"})
	dir := writeTree(t, map[string]string{"b.proto": "syntax = \"proto3\";\npackage b;\nmessage B {}\n"})
	for link, target := range map[string]string{
		"acme":   filepath.Join(real, "acme"), // a directory elsewhere
		"up/top": "..",                        // a loop
	} {
		full := filepath.Join(dir, link)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.proto"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	// The input itself may be a link to a directory.
	input := filepath.Join(t.TempDir(), "input")
	if err := os.Symlink(dir, input); err != nil {
		t.Fatal(err)
	}
	s, err := load(t, &loader.Loader{}, input)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"acme/a.proto", "b.proto"}, s.Paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	name := filepath.ToSlash(input)
	wantNotes := []string{
		name + "/pipe.proto: not a regular file: skipped",
		name + "/up/top: a symbolic link back to a directory above it: not followed",
	}
	if diff := cmp.Diff(wantNotes, s.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}
