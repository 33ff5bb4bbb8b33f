package loader

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestLoadPairDuplicateInUnchanged checks that a changed file defining a
// symbol that an unchanged file already defines fails LoadPair with the
// errors of a full compile, although neither file imports the other.
func TestLoadPairDuplicateInUnchanged(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    string // in the error
		// loose is set when the compiler itself words the clash one way or
		// another from run to run (which file it links first): then only
		// want is checked, not that the errors are those of a full compile.
		loose bool
	}{
		{
			name:    "same package",
			changes: map[string]string{"other.proto": base["other.proto"] + "message L {}\n"},
			want:    `symbol "lone.L" already defined at`,
		},
		{
			name:    "an added file",
			changes: map[string]string{"more.proto": "syntax = \"proto3\";\npackage lone;\nmessage O {}\n"},
			want:    `symbol "lone.O" already defined at`,
		},
		{
			name:    "a package named like a message",
			changes: map[string]string{"sub.proto": "syntax = \"proto3\";\npackage lone.L;\nmessage S {}\n"},
			want:    `symbol "lone.L" already defined`,
			loose:   true,
		},
		{
			name:    "a message named like a package",
			changes: map[string]string{"top.proto": "syntax = \"proto3\";\nmessage lone {}\n"},
			want:    `symbol "lone" already defined`,
			loose:   true,
		},
	}
	ctx := context.Background()
	l := &Loader{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldIn := Input{Kind: Dir, Path: writeProtos(t, base)}
			newIn := Input{Kind: Dir, Path: writeProtos(t, with(tt.changes))}
			_, fullErr := l.Load(ctx, newIn)
			if fullErr == nil || !strings.Contains(fullErr.Error(), tt.want) {
				t.Fatalf("full compile: %v, want an error with %q", fullErr, tt.want)
			}
			_, _, err := l.LoadPair(ctx, oldIn, newIn)
			if err == nil {
				t.Fatalf("LoadPair succeeded, want %v", fullErr)
			}
			if tt.loose {
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("LoadPair failed with %v, want an error with %q", err, tt.want)
				}
				return
			}
			if err.Error() != fullErr.Error() {
				t.Errorf("LoadPair failed with\n%v\nwant, as a full compile,\n%v", err, fullErr)
			}
		})
	}
}

// TestSamePackageFiles checks which unchanged files LoadPair compiles only
// to look for clashes: those of a package that overlaps a changed file's,
// and none when only other packages changed.
func TestSamePackageFiles(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{name: "nothing"},
		{
			name:    "one of a package of two",
			changes: map[string]string{"lone.proto": base["lone.proto"] + "// more\n"},
			want:    []string{"other.proto"},
		},
		{
			name:    "a chain takes its unimported files only",
			changes: map[string]string{"b.proto": base["b.proto"] + "// more\n"},
			want:    []string{"a.proto"},
		},
		{
			name:    "a parent package",
			changes: map[string]string{"x.proto": "syntax = \"proto3\";\npackage lone.sub;\n"},
			want:    []string{"lone.proto", "other.proto"},
		},
		{
			name:    "a package that only starts alike",
			changes: map[string]string{"x.proto": "syntax = \"proto3\";\npackage lonely;\n"},
		},
		{
			name:    "deleted only",
			changes: map[string]string{"lone.proto": ""},
		},
	}
	ctx := context.Background()
	l := &Loader{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldT, err := l.Open(ctx, Input{Kind: Dir, Path: writeProtos(t, base)})
			if err != nil {
				t.Fatal(err)
			}
			newT, err := l.Open(ctx, Input{Kind: Dir, Path: writeProtos(t, with(tt.changes))})
			if err != nil {
				t.Fatal(err)
			}
			d, err := diffTrees(ctx, oldT, newT)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, d.newExtra, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("extra files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPackagesOverlap(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"p", "p", true},
		{"p", "p.A", true},
		{"p.A", "p", true},
		{"", "q.r", true},
		{"p", "pq", false},
		{"p.a", "p.b", false},
	} {
		if got := packagesOverlap(tt.a, tt.b); got != tt.want {
			t.Errorf("packagesOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
