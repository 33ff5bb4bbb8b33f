package loader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestScanHeader(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		pkg     string
		imports []string
		fails   bool
	}{
		{
			name:    "plain",
			src:     "syntax = \"proto3\";\npackage acme.v1;\nimport \"a.proto\";\nimport public \"b/c.proto\";\nimport weak 'd.proto';\nmessage M {}\n",
			pkg:     "acme.v1",
			imports: []string{"a.proto", "b/c.proto", "d.proto"},
		},
		{
			name: "comments and strings hide look-alikes",
			src: `// import "no1.proto";
/* import "no2.proto";
   package nope; */
syntax = "proto3";
package /* here */ acme . v2 ; // trailing
option (x) = "import \"no3.proto\";";
import "yes.proto"; import "a" "b.proto";
`,
			pkg:     "acme.v2",
			imports: []string{"yes.proto", "ab.proto"},
		},
		{
			name: "words inside blocks are not statements",
			src: `edition = "2023";
message M {
  string import = 1;
  message package { int32 x = 1; }
  map<string, int32> m = 2;
}
option (opt) = { import: "no.proto" package: 1 };
option (opt2) = < a: 1 >;
enum E { E_ZERO = 0; }
import "late.proto";
`,
			imports: []string{"late.proto"},
		},
		{name: "unterminated comment", src: "/* import \"a.proto\";", fails: true},
		{name: "unterminated string", src: "import \"a.proto;\n", fails: true},
		{name: "escaped import", src: `import "a\x2eproto";`, fails: true},
		{name: "import without a string", src: "import foo;", fails: true},
		{name: "two packages", src: "package a; package b;", fails: true},
		{name: "unbalanced", src: "message M { ", fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, imps, err := scanHeader([]byte(tt.src))
			if tt.fails {
				if err == nil {
					t.Fatalf("scanHeader succeeded (package %q, imports %q), want an error", pkg, imps)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pkg != tt.pkg {
				t.Errorf("package %q, want %q", pkg, tt.pkg)
			}
			if diff := cmp.Diff(tt.imports, imps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("imports (-want +got):\n%s", diff)
			}
		})
	}
}

func writeProtos(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// base is a small tree: c imports b imports a; d stands alone; e imports
// d publicly, f uses d through e.
var base = map[string]string{
	"a.proto":     "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n",
	"b.proto":     "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage B { A a = 1; }\n",
	"c.proto":     "syntax = \"proto3\";\npackage p;\nimport \"b.proto\";\nmessage C { B b = 1; }\n",
	"q/d.proto":   "syntax = \"proto3\";\npackage q;\nmessage D { int32 x = 1; }\n",
	"q/e.proto":   "syntax = \"proto3\";\npackage q;\nimport public \"q/d.proto\";\n",
	"q/f.proto":   "syntax = \"proto3\";\npackage q;\nimport \"q/e.proto\";\nmessage F { D d = 1; }\n",
	"lone.proto":  "syntax = \"proto3\";\npackage lone;\nmessage L {}\n",
	"other.proto": "syntax = \"proto3\";\npackage lone;\nmessage O {}\n",
}

func with(changes map[string]string) map[string]string {
	out := make(map[string]string)
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestChanged(t *testing.T) {
	tests := []struct {
		name             string
		changes          map[string]string
		oldWant, newWant []string
	}{
		{name: "nothing", oldWant: []string{}, newWant: []string{}},
		{
			name:    "a leaf",
			changes: map[string]string{"c.proto": base["c.proto"] + "// more\n"},
			oldWant: []string{"c.proto"}, newWant: []string{"c.proto"},
		},
		{
			name:    "the root of a chain",
			changes: map[string]string{"a.proto": base["a.proto"] + "message A2 {}\n"},
			oldWant: []string{"a.proto", "b.proto", "c.proto"}, newWant: []string{"a.proto", "b.proto", "c.proto"},
		},
		{
			name:    "through a public import",
			changes: map[string]string{"q/d.proto": base["q/d.proto"] + "// more\n"},
			oldWant: []string{"q/d.proto", "q/e.proto", "q/f.proto"}, newWant: []string{"q/d.proto", "q/e.proto", "q/f.proto"},
		},
		{
			name:    "deleted and added",
			changes: map[string]string{"lone.proto": "", "new.proto": "syntax = \"proto3\";\npackage lone;\n"},
			oldWant: []string{"lone.proto"}, newWant: []string{"new.proto"},
		},
		{
			name:    "an unscannable unchanged file is compiled",
			changes: map[string]string{"c.proto": base["c.proto"] + "// more\n", "lone.proto": base["lone.proto"] + "option (x) = \"\\\n"},
			oldWant: []string{"c.proto", "lone.proto"}, newWant: []string{"c.proto", "lone.proto"},
		},
	}
	ctx := context.Background()
	l := &Loader{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldFiles := base
			if tt.name == "an unscannable unchanged file is compiled" {
				oldFiles = with(map[string]string{"lone.proto": tt.changes["lone.proto"]})
			}
			oldT, err := l.Open(ctx, Input{Kind: Dir, Path: writeProtos(t, oldFiles)})
			if err != nil {
				t.Fatal(err)
			}
			newT, err := l.Open(ctx, Input{Kind: Dir, Path: writeProtos(t, with(tt.changes))})
			if err != nil {
				t.Fatal(err)
			}
			o, n, err := Changed(ctx, oldT, newT)
			if err != nil {
				t.Fatal(err)
			}
			if o == nil || n == nil {
				t.Fatal("Changed returned a nil slice, which Compile reads as everything")
			}
			if diff := cmp.Diff(tt.oldWant, o); diff != "" {
				t.Errorf("old (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.newWant, n); diff != "" {
				t.Errorf("new (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadPairPackages(t *testing.T) {
	ctx := context.Background()
	oldDir := writeProtos(t, base)
	newDir := writeProtos(t, with(map[string]string{"lone.proto": ""}))
	o, n, err := (&Loader{}).LoadPair(ctx, Input{Kind: Dir, Path: oldDir}, Input{Kind: Dir, Path: newDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Files) != 1 || o.Files[0].Path() != "lone.proto" || len(n.Files) != 0 {
		t.Errorf("compiled old %d files, new %d; want lone.proto alone", len(o.Files), len(n.Files))
	}
	if got := n.Packages["other.proto"]; got != "lone" {
		t.Errorf("package of the uncompiled other.proto is %q, want lone", got)
	}
	if len(n.Paths) != len(base)-1 {
		t.Errorf("new lists %d paths, want %d", len(n.Paths), len(base)-1)
	}
}

// TestChangedDirAgainstGit checks that a work tree compared with the commit
// it was checked out from is seen as unchanged, although directories and
// git name contents by different digests.
func TestChangedDirAgainstGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := writeProtos(t, base)
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "b.proto"), []byte(base["b.proto"]+"// edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l := &Loader{}
	gitT, err := l.Open(ctx, Input{Kind: Git, Path: dir, RefKind: "ref", Ref: "HEAD", Raw: dir + "#ref=HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	dirT, err := l.Open(ctx, Input{Kind: Dir, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	o, n, err := Changed(ctx, gitT, dirT)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"b.proto", "c.proto"}
	if !cmp.Equal(o, want) || !cmp.Equal(n, want) {
		t.Errorf("Changed = %q, %q; want %q for both", o, n, want)
	}
}
