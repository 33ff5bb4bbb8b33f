//go:build unix

package loader_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
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

// TestLoadPairThroughLinks checks that LoadPair compiles a file that is the
// same in both versions when a file it imports, which each version holds
// only through a symbolic link (vendored under an excluded directory that
// the walk reads first, as istio/api vendors its imports),
// changed, directly or through another such file, and that the vendored
// files are never checked.
func TestLoadPairThroughLinks(t *testing.T) {
	version := func(t *testing.T, deep string) string {
		dir := writeTree(t, map[string]string{
			"api/a.proto":              "syntax = \"proto3\";\npackage api;\nimport \"g/x.proto\";\nmessage A { g.X x = 1; }\n",
			"api/b.proto":              "syntax = \"proto3\";\npackage api;\nmessage B {}\n",
			"common/g/x.proto":         "syntax = \"proto3\";\npackage g;\nimport public \"g/y.proto\";\nmessage X { g.Y y = 1; }\n",
			"common/g/y.proto":         "syntax = \"proto3\";\npackage g;\n" + deep,
			"common/g/broken.proto":    "not a proto file",
			"common/g/unrelated.proto": "syntax = \"proto3\";\npackage g;\n",
		})
		if err := os.Symlink("common/g", filepath.Join(dir, "g")); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
		return dir
	}
	tests := []struct {
		name     string
		old, new string // vendor/g/y.proto, after its package
		want     []string
	}{
		{"same", "message Y {}\n", "message Y {}\n", []string{}},
		{"changed two links deep", "message Y {}\n", "enum Y { Y_UNSPECIFIED = 0; }\n", []string{"api/a.proto"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oldIn := loader.Dir(version(t, tc.old)).WithExcludes("common")
			newIn := loader.Dir(version(t, tc.new)).WithExcludes("common")
			l := &loader.Loader{}
			o, n, err := l.LoadPair(context.Background(), oldIn, newIn)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*schema.Schema{o, n} {
				if diff := cmp.Diff([]string{"api/a.proto", "api/b.proto"}, s.Paths); diff != "" {
					t.Errorf("paths (-want +got):\n%s", diff)
				}
				got := []string{}
				for _, f := range s.Files {
					got = append(got, f.Path())
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("compiled (-want +got):\n%s", diff)
				}
			}
			if len(n.Files) > 0 {
				// The new version's a.proto links to its own g.Y.
				y := n.Files[0].Messages().ByName("A").Fields().ByName("x").Message().Fields().ByName("y")
				if y.Enum() == nil {
					t.Errorf("new a.proto links to old g.Y: %v", y.Kind())
				}
			}
		})
	}
}

// TestLoadPairThroughLinksInAnotherRoot is TestLoadPairThroughLinks with
// the imported file in another module of the workspace
// (Input.ImportRoots), which holds it only through a link: a link named
// .proto to a file named otherwise, which the walk has read already.
func TestLoadPairThroughLinksInAnotherRoot(t *testing.T) {
	version := func(t *testing.T, deep string) (mod, other string) {
		dir := writeTree(t, map[string]string{
			"mod/api/a.proto":      "syntax = \"proto3\";\npackage api;\nimport \"x.proto\";\nmessage A { g.X x = 1; }\n",
			"other/o.proto":        "syntax = \"proto3\";\npackage o;\n",
			"other/common/x.proto": "syntax = \"proto3\";\npackage g;\nimport public \"y.proto\";\nmessage X { g.Y y = 1; }\n",
			"other/common/y.txt":   "syntax = \"proto3\";\npackage g;\n" + deep,
		})
		for link, target := range map[string]string{"other/x.proto": "common/x.proto", "other/y.proto": "common/y.txt"} {
			if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
		}
		return filepath.Join(dir, "mod"), filepath.Join(dir, "other")
	}
	for _, tc := range []struct {
		name     string
		old, new string
		want     []string
	}{
		{"same", "message Y {}\n", "message Y {}\n", []string{}},
		{"changed", "message Y {}\n", "enum Y { Y_UNSPECIFIED = 0; }\n", []string{"api/a.proto"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			om, oo := version(t, tc.old)
			nm, no := version(t, tc.new)
			// Each version's module imports from the other directory of
			// the same version.
			withOther := func(mod, other string) loader.Input {
				rel, err := filepath.Rel(mod, other)
				if err != nil {
					t.Fatal(err)
				}
				in, err := loader.Dir(mod).Narrow(".", rel)
				if err != nil {
					t.Fatal(err)
				}
				return in
			}
			o, n, err := (&loader.Loader{}).LoadPair(context.Background(), withOther(om, oo), withOther(nm, no))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*schema.Schema{o, n} {
				got := []string{}
				for _, f := range s.Files {
					got = append(got, f.Path())
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("compiled (-want +got):\n%s", diff)
				}
			}
		})
	}
}
