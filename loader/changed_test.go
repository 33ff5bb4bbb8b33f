package loader

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

func TestScanHeader(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		pkg     string
		imports []string
		public  []string
		options bool
		fails   bool
	}{
		{
			name:    "plain",
			src:     "syntax = \"proto3\";\npackage acme.v1;\nimport \"a.proto\";\nimport public \"b/c.proto\";\nimport weak 'd.proto';\nmessage M {}\n",
			pkg:     "acme.v1",
			imports: []string{"a.proto", "b/c.proto", "d.proto"},
			public:  []string{"b/c.proto"},
		},
		{
			name: "standard options and rpc parentheses are not custom options",
			src: `syntax = "proto3";
option java_package = "x(y)";
service S { rpc Get(Req) returns (stream Resp) { option deprecated = true; } }
message Req { int32 a = 1 [deprecated = true, json_name = "b"]; }
// option (commented) = 1;
`,
		},
		{name: "file option", src: `option (acme.opt) = 1;`, options: true},
		{name: "field option", src: `message M { int32 a = 1 [(acme.rules).min = 1]; }`, options: true},
		{name: "second field option", src: `message M { int32 a = 1 [deprecated = true, (x) = 2]; }`, options: true},
		{name: "custom feature", src: `edition = "2023"; option features.(pb.cpp).legacy_closed_enum = true;`, options: true},
		{name: "spaced", src: "message M { option\n  ( x ) = 1; }", options: true},
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
			options: true,
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
			options: true,
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
			h := scanHeader([]byte(tt.src))
			if tt.fails {
				if h.err == nil {
					t.Fatalf("scanHeader succeeded (package %q, imports %q), want an error", h.pkg, h.imports)
				}
				return
			}
			if h.err != nil {
				t.Fatal(h.err)
			}
			if h.pkg != tt.pkg {
				t.Errorf("package %q, want %q", h.pkg, tt.pkg)
			}
			if h.options != tt.options {
				t.Errorf("custom options %v, want %v", h.options, tt.options)
			}
			if diff := cmp.Diff(tt.public, h.public, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("public imports (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.imports, h.imports, cmpopts.EquateEmpty()); diff != "" {
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

// with returns base with changes applied in turn, "" deleting a file.
func with(changes ...map[string]string) map[string]string {
	out := maps.Clone(base)
	for _, ch := range changes {
		for k, v := range ch {
			if v == "" {
				delete(out, k)
			} else {
				out[k] = v
			}
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
			changes: map[string]string{"c.proto": base["c.proto"] + "option java_package = \"more\";\n"},
			oldWant: []string{"c.proto"}, newWant: []string{"c.proto"},
		},
		{
			name:    "the root of a chain",
			changes: map[string]string{"a.proto": base["a.proto"] + "message A2 {}\n"},
			oldWant: []string{"a.proto", "b.proto", "c.proto"}, newWant: []string{"a.proto", "b.proto", "c.proto"},
		},
		{
			name:    "through a public import",
			changes: map[string]string{"q/d.proto": base["q/d.proto"] + "option java_package = \"more\";\n"},
			oldWant: []string{"q/d.proto", "q/e.proto", "q/f.proto"}, newWant: []string{"q/d.proto", "q/e.proto", "q/f.proto"},
		},
		{
			name:    "deleted and added",
			changes: map[string]string{"lone.proto": "", "new.proto": "syntax = \"proto3\";\npackage lone;\n"},
			oldWant: []string{"lone.proto"}, newWant: []string{"new.proto"},
		},
		{
			name:    "an unscannable unchanged file is compiled",
			changes: map[string]string{"c.proto": base["c.proto"] + "option java_package = \"more\";\n", "lone.proto": base["lone.proto"] + "option (x) = \"\\\n"},
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
			oldT, err := l.Open(ctx, Dir(writeProtos(t, oldFiles)))
			if err != nil {
				t.Fatal(err)
			}
			newT, err := l.Open(ctx, Dir(writeProtos(t, with(tt.changes))))
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
	o, n, err := (&Loader{}).LoadPair(ctx, Dir(oldDir), Dir(newDir))
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
	if err := os.WriteFile(filepath.Join(dir, "b.proto"), []byte(base["b.proto"]+"option java_package = \"edited\";\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l := &Loader{}
	gitT, err := l.Open(ctx, Git(dir, "HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	dirT, err := l.Open(ctx, Dir(dir))
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
			oldIn := Dir(writeProtos(t, base))
			newIn := Dir(writeProtos(t, with(tt.changes)))
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

// TestSamePackageFiles checks which files LoadPair compiles only to look
// for clashes with changed files: every other file of a package that
// overlaps a changed file's, and none when only other packages changed.
func TestSamePackageFiles(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{name: "nothing"},
		{
			name:    "one of a package of two",
			changes: map[string]string{"lone.proto": base["lone.proto"] + "option java_package = \"more\";\n"},
			want:    []string{"other.proto"},
		},
		{
			name:    "every other file of the package",
			changes: map[string]string{"b.proto": base["b.proto"] + "option java_package = \"more\";\n"},
			want:    []string{"a.proto", "c.proto"},
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
			oldT, err := l.Open(ctx, Dir(writeProtos(t, base)))
			if err != nil {
				t.Fatal(err)
			}
			newT, err := l.Open(ctx, Dir(writeProtos(t, with(tt.changes))))
			if err != nil {
				t.Fatal(err)
			}
			d, err := diffTrees(ctx, oldT, newT)
			if err != nil {
				t.Fatal(err)
			}
			var changed []string
			for _, f := range newT.Files {
				if d.changed[f.Path] {
					changed = append(changed, f.Path)
				}
			}
			packages := map[string]string{}
			for p, h := range d.headers {
				packages[p] = h.pkg
			}
			got, err := samePackageFiles(ctx, newT, changed, packages)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
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

// TestLoadPairCompilesAffectedOnly checks which files LoadPair compiles:
// the changed ones, and the unchanged ones that link differently because
// of them, but no importer that links as before.
func TestLoadPairCompilesAffectedOnly(t *testing.T) {
	tests := []struct {
		name    string
		both    map[string]string // added to base in both versions
		changes map[string]string
		want    []string
	}{
		{
			name:    "a comment: nothing to compile",
			changes: map[string]string{"a.proto": "// Copyright\n" + strings.ReplaceAll(base["a.proto"], " ", "  ")},
		},
		{
			name:    "a file option",
			changes: map[string]string{"a.proto": base["a.proto"] + "option java_package = \"more\";\n"},
			want:    []string{"a.proto"},
		},
		{
			name:    "a field's type: importers link as before",
			changes: map[string]string{"a.proto": strings.Replace(base["a.proto"], "int32 x", "string x", 1)},
			want:    []string{"a.proto"},
		},
		{
			name:    "a message deleted: importers, not theirs",
			changes: map[string]string{"a.proto": base["a.proto"]},
			both:    map[string]string{"a.proto": base["a.proto"] + "message A2 {}\n"},
			want:    []string{"a.proto", "b.proto"},
		},
		{
			name:    "a message added: importers that name it only",
			both:    map[string]string{"u.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\n// A2 comes later\nmessage U { A a = 1; }\n"},
			changes: map[string]string{"a.proto": base["a.proto"] + "message A2 {}\n"},
			want:    []string{"a.proto", "u.proto"},
		},
		{
			name:    "through a public import",
			both:    map[string]string{"q/g.proto": "syntax = \"proto3\";\npackage q;\nimport \"q/e.proto\";\n// E2 comes later\nmessage G { D d = 1; }\n"},
			changes: map[string]string{"q/d.proto": base["q/d.proto"] + "enum E2 { E2_ZERO = 0; }\n"},
			want:    []string{"q/d.proto", "q/e.proto", "q/g.proto"}, // e: between g and d
		},
		{
			name:    "an extension added: every importer",
			changes: map[string]string{"a.proto": "syntax = \"proto2\";\npackage p;\nmessage A { optional int32 x = 1; extensions 10 to 20; }\nextend A { optional int32 y = 10; }\n"},
			both:    map[string]string{"a.proto": "syntax = \"proto2\";\npackage p;\nmessage A { optional int32 x = 1; extensions 10 to 20; }\n"},
			want:    []string{"a.proto", "b.proto"},
		},
		{
			name: "a custom option, two imports away: with the files between",
			both: map[string]string{
				"ext.proto": "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions { int32 lvl = 50001; }\n",
				"opt.proto": "syntax = \"proto3\";\npackage p;\nimport \"c.proto\";\nimport \"ext.proto\";\nmessage Opt { C c = 1 [(lvl) = 1]; }\n",
			},
			changes: map[string]string{"a.proto": base["a.proto"] + "option java_package = \"more\";\n"},
			want:    []string{"a.proto", "b.proto", "c.proto", "opt.proto"},
		},
	}
	ctx := context.Background()
	l := &Loader{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldIn := Dir(writeProtos(t, with(tt.both)))
			newIn := Dir(writeProtos(t, with(tt.both, tt.changes)))
			_, n, err := l.LoadPair(ctx, oldIn, newIn)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range n.Files {
				got = append(got, f.Path())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("compiled files of new (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadPairImporterErrors checks that a change that breaks an unchanged
// file importing the changed one fails LoadPair with the errors of a full
// compile: the importer is compiled although its bytes did not change.
func TestLoadPairImporterErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new map[string]string
	}{
		{
			name: "a message deleted",
			old: map[string]string{
				"a.proto": "syntax = \"proto3\";\npackage p;\nmessage A {}\nmessage B {}\n",
				"u.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A a = 1; }\n",
			},
			new: map[string]string{"a.proto": "syntax = \"proto3\";\npackage p;\nmessage B {}\n"},
		},
		{
			name: "a file deleted",
			old: map[string]string{
				"a.proto": "syntax = \"proto3\";\npackage p;\nmessage A {}\n",
				"u.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A a = 1; }\n",
			},
			new: map[string]string{"a.proto": ""},
		},
		{
			name: "a nested message made local (edition 2024)",
			old: map[string]string{
				"a.proto": "edition = \"2024\";\npackage p;\nmessage A { export message N {} }\n",
				"u.proto": "edition = \"2023\";\npackage p;\nimport \"a.proto\";\nmessage U { A.N n = 1; }\n",
			},
			new: map[string]string{"a.proto": "edition = \"2024\";\npackage p;\nmessage A { message N {} }\n"},
		},
		{
			name: "a file moved to edition 2024, whose nested types are local by default",
			old: map[string]string{
				"a.proto": "edition = \"2023\";\npackage p;\nmessage A { enum K { K_ZERO = 0; } }\n",
				"u.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A.K k = 1; }\n",
			},
			new: map[string]string{"a.proto": "edition = \"2024\";\npackage p;\nmessage A { enum K { K_ZERO = 0; } }\n"},
		},
		{
			name: "an enum closed",
			old: map[string]string{
				"a.proto": "syntax = \"proto3\";\npackage p;\nenum E { E_ZERO = 0; }\n",
				"u.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { E e = 1; }\n",
			},
			new: map[string]string{"a.proto": "syntax = \"proto2\";\npackage p;\nenum E { E_ZERO = 0; }\n"},
		},
		{
			name: "an enum value that a default names deleted",
			old: map[string]string{
				"a.proto": "syntax = \"proto2\";\npackage p;\nenum E { X = 1; Y = 2; }\n",
				"u.proto": "syntax = \"proto2\";\npackage p;\nimport \"a.proto\";\nmessage U { optional E e = 1 [default = Y]; }\n",
			},
			new: map[string]string{"a.proto": "syntax = \"proto2\";\npackage p;\nenum E { X = 1; }\n"},
		},
		{
			name: "an extension range narrowed",
			old: map[string]string{
				"a.proto": "syntax = \"proto2\";\npackage p;\nmessage M { extensions 100 to 200; }\n",
				"u.proto": "syntax = \"proto2\";\npackage p;\nimport \"a.proto\";\nextend M { optional int32 x = 150; }\n",
			},
			new: map[string]string{"a.proto": "syntax = \"proto2\";\npackage p;\nmessage M { extensions 100 to 120; }\n"},
		},
		{
			name: "a field that a custom option sets renamed, two imports away",
			old: map[string]string{
				"rules.proto": "syntax = \"proto3\";\npackage p;\nmessage Rules { int32 min = 1; }\n",
				"opt.proto":   "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/descriptor.proto\";\nimport \"rules.proto\";\nextend google.protobuf.FieldOptions { Rules rules = 50000; }\n",
				"u.proto":     "syntax = \"proto3\";\npackage p;\nimport \"opt.proto\";\nmessage U { int32 n = 1 [(rules).min = 1]; }\n",
			},
			new: map[string]string{"rules.proto": "syntax = \"proto3\";\npackage p;\nmessage Rules { int32 minimum = 1; }\n"},
		},
		{
			name: "a name that an importer resolves shadowed",
			old: map[string]string{
				"top.proto": "syntax = \"proto3\";\npackage p;\nmessage T {}\n",
				"sub.proto": "syntax = \"proto3\";\npackage p.q;\n",
				"u.proto":   "syntax = \"proto3\";\npackage p.q;\nimport \"top.proto\";\nimport \"sub.proto\";\nmessage U { T t = 1; }\n",
			},
			new: map[string]string{"sub.proto": "syntax = \"proto3\";\npackage p.q;\nenum T { T_ZERO = 0; }\nmessage Other { map<string, T> m = 1; }\n"},
		},
	}
	ctx := context.Background()
	l := &Loader{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newFiles := maps.Clone(tt.old)
			for p, data := range tt.new {
				if data == "" {
					delete(newFiles, p)
				} else {
					newFiles[p] = data
				}
			}
			oldIn := Dir(writeProtos(t, tt.old))
			newIn := Dir(writeProtos(t, newFiles))
			if _, err := l.Load(ctx, oldIn); err != nil {
				t.Fatalf("old: %v", err)
			}
			full, fullErr := l.Load(ctx, newIn)
			_, n, err := l.LoadPair(ctx, oldIn, newIn)
			if fullErr == nil {
				// Not an error: then the importer must be compiled, since
				// it links to something else.
				if err != nil {
					t.Fatalf("LoadPair: %v; a full compile succeeds", err)
				}
				if !slices.ContainsFunc(n.Files, func(f protoreflect.FileDescriptor) bool { return f.Path() == "u.proto" }) {
					t.Errorf("u.proto was not compiled; a full compile links it to %v", full.Files)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadPair succeeded, want, as a full compile,\n%v", fullErr)
			}
			if err.Error() != fullErr.Error() {
				t.Errorf("LoadPair failed with\n%v\nwant, as a full compile,\n%v", err, fullErr)
			}
		})
	}
}

// TestLoadPairReusesLinkedFiles checks that a Loader links a version of a
// file once: a second LoadPair of the same new version, against another
// baseline, returns the very same linked files for what did not change.
func TestLoadPairReusesLinkedFiles(t *testing.T) {
	ctx := context.Background()
	l := &Loader{}
	newIn := Dir(writeProtos(t, with(map[string]string{"a.proto": base["a.proto"] + "message A2 {}\n"})))
	v1 := Dir(writeProtos(t, base))
	v2 := Dir(writeProtos(t, with(map[string]string{"c.proto": base["c.proto"] + "option java_package = \"v2\";\n"})))
	_, n1, err := l.LoadPair(ctx, v1, newIn)
	if err != nil {
		t.Fatal(err)
	}
	_, n2, err := l.LoadPair(ctx, v2, newIn)
	if err != nil {
		t.Fatal(err)
	}
	byPath := func(s *schema.Schema) map[string]protoreflect.FileDescriptor {
		m := map[string]protoreflect.FileDescriptor{}
		for _, f := range s.Files {
			m[f.Path()] = f
		}
		return m
	}
	f1, f2 := byPath(n1), byPath(n2)
	if f1["a.proto"] == nil || f1["a.proto"] != f2["a.proto"] {
		t.Errorf("a.proto linked again for the second baseline: %v, %v", f1["a.proto"], f2["a.proto"])
	}
	if f2["c.proto"] == nil || f2["c.proto"].SourceLocations().Len() == 0 {
		t.Errorf("c.proto, changed against v2, is not compiled with source info: %v", f2["c.proto"])
	}
	// A fresh Loader links anew.
	_, n3, err := (&Loader{}).LoadPair(ctx, v2, newIn)
	if err != nil {
		t.Fatal(err)
	}
	if byPath(n3)["a.proto"] == f2["a.proto"] {
		t.Errorf("two Loaders share linked files")
	}
}

// TestLinkCacheSkipsOutsideImportingInput checks that the cache does not
// keep a file from outside the input (an include path's) that imports one
// of the input's files, nor anything above it: its key does not say which
// version of the input's file it was linked with.
func TestLinkCacheSkipsOutsideImportingInput(t *testing.T) {
	ctx := context.Background()
	inc := writeProtos(t, map[string]string{
		"ext.proto": "syntax = \"proto3\";\npackage ext;\nimport \"a.proto\";\nmessage Ext { p.A a = 1; }\n",
	})
	dir := writeProtos(t, map[string]string{
		"a.proto": "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n",
		"b.proto": "syntax = \"proto3\";\npackage p;\nimport \"ext.proto\";\nmessage B { ext.Ext e = 1; }\n",
		"c.proto": "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage C { A a = 1; }\n",
	})
	l := &Loader{IncludePaths: []string{inc}}
	s, err := l.Load(ctx, Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{"a.proto": true, "b.proto": true, "c.proto": true}
	keys := &closureKeys{memo: map[string]string{}, file: func(p string) (string, []string, bool) {
		imports := map[string][]string{"b.proto": {"ext.proto"}, "c.proto": {"a.proto"}}
		return "digest of " + p, imports[p], own[p]
	}}
	c := l.linkCache()
	for _, f := range s.Files {
		c.put(f, keys)
	}
	for path, want := range map[string]bool{"a.proto": true, "c.proto": true, "ext.proto": false, "b.proto": false} {
		if got := c.get(ctx, keys, keys.key(path)) != nil; got != want {
			t.Errorf("%s cached: %v, want %v", path, got, want)
		}
	}
}

// TestSameTokens checks which edits leave a file the same tokens, and that
// files it calls the same compile to the same descriptors.
func TestSameTokens(t *testing.T) {
	const src = "syntax = \"proto2\";\npackage p.v1;\nmessage M {\n  optional double d = 1 [default = 1.5];\n  optional string s = 2 [json_name = \"a // b\"];\n  optional int32 n = 3;\n}\n"
	tests := []struct {
		name string
		b    string
		same bool
	}{
		{"a header comment", "// Copyright 2026\n// Licensed as you like.\n" + src, true},
		{"a block comment between tokens", strings.Replace(src, "message M", "message/* the message */M", 1), true},
		{"reformatted", strings.NewReplacer(" = ", "=", "  ", "\t", ";\n", " ;\r\n").Replace(src), true},
		{"a trailing comment", strings.Replace(src, "int32 n = 3;", "int32 n = 3; // count", 1), true},
		{"a number split", strings.Replace(src, "1.5", "1 .5", 1), false},
		{"two words joined", strings.Replace(src, "int32 n", "int32n", 1), false},
		{"a string changed", strings.Replace(src, "a // b", "a /* b", 1), false},
		{"a field renumbered", strings.Replace(src, "= 3", "= 4", 1), false},
		{"an unterminated comment", src + "/* open", false},
		{"a text-format comment", strings.Replace(src, "int32 n = 3;", "int32 n = 3; # hash", 1), false},
	}
	compile := func(t *testing.T, text string) *descriptorpb.FileDescriptorProto {
		t.Helper()
		s, err := (&Loader{}).Load(context.Background(), Dir(writeProtos(t, map[string]string{"a.proto": text})))
		if err != nil {
			t.Fatal(err)
		}
		fd := protodesc.ToFileDescriptorProto(s.Files[0])
		fd.SourceCodeInfo = nil
		return fd
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameTokens([]byte(src), []byte(tt.b)); got != tt.same {
				t.Fatalf("sameTokens = %v, want %v", got, tt.same)
			}
			if tt.same && !proto.Equal(compile(t, src), compile(t, tt.b)) {
				t.Errorf("the same tokens compile to other descriptors")
			}
		})
	}
}

// TestLoadPairIncludePaths covers files of an include path imported by
// files compiled in different rounds: the compiler refuses two objects for
// one file, so they must be linked once for both versions.
func TestLoadPairIncludePaths(t *testing.T) {
	deps := writeProtos(t, map[string]string{
		"x/r.proto": "syntax = \"proto3\";\npackage x;\nmessage R { int32 a = 1; }\n",
		"x/m.proto": "syntax = \"proto3\";\npackage x;\nimport \"x/r.proto\";\nmessage M { R r = 1; }\n",
	})
	old := map[string]string{
		"t/c.proto":   "syntax = \"proto3\";\npackage t;\nmessage C { int32 a = 1; }\n",
		"t/rc.proto":  "syntax = \"proto3\";\npackage t;\nimport \"t/c.proto\";\nimport \"x/m.proto\";\nmessage RC { C c = 1; x.M m = 2; }\n",
		"t/h.proto":   "syntax = \"proto3\";\npackage t;\nimport \"t/rc.proto\";\nmessage H { RC rc = 1; }\n",
		"t/gpr.proto": "syntax = \"proto3\";\npackage t;\nimport \"x/m.proto\";\nmessage GPR { x.M m = 1; }\n",
		"t/opt.proto": "syntax = \"proto3\";\npackage t;\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.MessageOptions { int32 tag = 50001; }\n",
		"t/gp.proto":  "syntax = \"proto3\";\npackage t;\nimport \"t/gpr.proto\";\nimport \"t/rc.proto\";\nimport \"t/opt.proto\";\nmessage GP { option (t.tag) = 1; GPR g = 1; RC rc = 2; }\n",
	}
	new := maps.Clone(old)
	new["t/c.proto"] = "syntax = \"proto3\";\npackage t;\nmessage C { int32 a = 1; int32 b = 2; }\n"
	new["t/h.proto"] = "syntax = \"proto3\";\npackage t;\nimport \"t/rc.proto\";\nmessage H { RC rc = 1; int32 z = 2; }\n"
	ctx := context.Background()
	l := &Loader{IncludePaths: []string{deps}}
	o, n, err := l.LoadPair(ctx, Dir(writeProtos(t, old)), Dir(writeProtos(t, new)))
	if err != nil {
		t.Fatalf("LoadPair: %v", err)
	}
	for _, s := range []*schema.Schema{o, n} {
		for _, f := range s.Files {
			if f.Path() == "x/m.proto" || f.Path() == "x/r.proto" {
				t.Errorf("%s: a file of an include path is listed as the input's", f.Path())
			}
		}
	}

	// An error in a file of an include path names it by its import path,
	// not as if it were under the input.
	bad := writeProtos(t, map[string]string{"x/r.proto": "syntax = \"proto3\";\npackage x;\nmessage R { int32 a = 1; int32 b = 1; }\n"})
	l = &Loader{IncludePaths: []string{bad}}
	in := Dir(writeProtos(t, map[string]string{"a.proto": "syntax = \"proto3\";\nimport \"x/r.proto\";\nmessage A { x.R r = 1; }\n"}))
	_, err = l.Load(ctx, in)
	if want := "x/r.proto:3:36: message x.R: fields a and b both have the same tag 1"; err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}
