package registry

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// readModules reads a txtar archive of modules, each under its own top
// directory, and returns each module's files by its directory, and the
// archive's want section.
func readModules(t *testing.T, name string) (map[string][]File, string) {
	t.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	mods := make(map[string][]File)
	var want string
	for _, f := range a.Files {
		if f.Name == "want" {
			want = string(f.Data)
			continue
		}
		mod, p, ok := strings.Cut(f.Name, "/")
		if !ok {
			t.Fatalf("%s: %s is in no module directory", name, f.Name)
		}
		mods[mod] = append(mods[mod], File{Path: p, Data: f.Data})
	}
	return mods, want
}

// split returns files without the buf.yaml and buf.lock, and those two.
func split(files []File) (rest []File, bufYAML, bufLock []byte) {
	for _, f := range files {
		switch f.Path {
		case "buf.yaml":
			bufYAML = f.Data
		case "buf.lock":
			bufLock = f.Data
		default:
			rest = append(rest, f)
		}
	}
	return rest, bufYAML, bufLock
}

// TestDigest compares Digest and DigestB4 with the digests buf's own code
// computes for the modules of testdata/digest.txtar.
func TestDigest(t *testing.T) {
	mods, want := readModules(t, "testdata/digest.txtar")
	var got strings.Builder
	leaf, err := Digest(mods["leaf"], nil)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&got, "leaf %s\n", leaf)
	// The files of base include a buf.yaml and buf.lock: b5 leaves them out
	// as it leaves out any file that is not part of a module.
	base, err := Digest(mods["base"], []Key{{Name: Name{"buf.build", "acme", "leaf"}, Commit: strings.Repeat("1", 32), Digest: leaf}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&got, "base %s\n", base)
	for _, mod := range []string{"leaf", "base"} {
		files, bufYAML, bufLock := split(mods[mod])
		d, err := DigestB4(files, bufYAML, bufLock)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&got, "%s %s\n", mod, d)
	}
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("digests (-want +got):\n%s", diff)
	}
}

// TestDigestInputs shows what a b5 digest depends on, and what it does not.
func TestDigestInputs(t *testing.T) {
	proto := File{Path: "a/v1/a.proto", Data: []byte("syntax = \"proto3\";\n")}
	other := File{Path: "b/v1/b.proto", Data: []byte("syntax = \"proto2\";\n")}
	readme := File{Path: "README.md", Data: []byte("# a\n")}
	dep1 := Key{Name: Name{"buf.build", "acme", "one"}, Commit: strings.Repeat("1", 32), Digest: "b5:" + strings.Repeat("ab", 64)}
	dep2 := Key{Name: Name{"buf.build", "acme", "two"}, Commit: strings.Repeat("2", 32), Digest: "b5:" + strings.Repeat("0c", 64)}
	digest := func(files []File, deps ...Key) string {
		t.Helper()
		d, err := Digest(files, deps)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	base := digest([]File{proto, other, readme}, dep1, dep2)
	same := map[string]string{
		"files in another order":              digest([]File{readme, other, proto}, dep1, dep2),
		"deps in another order":               digest([]File{proto, other, readme}, dep2, dep1),
		"a file that is not part of a module": digest([]File{proto, other, readme, {Path: "notes.txt", Data: []byte("x")}}, dep1, dep2),
		"deps under other names and commits": digest([]File{proto, other, readme},
			Key{Name: Name{"example.com", "x", "y"}, Commit: strings.Repeat("f", 32), Digest: dep1.Digest}, dep2),
		"a dep digest in uppercase hex": digest([]File{proto, other, readme},
			Key{Name: dep1.Name, Commit: dep1.Commit, Digest: "b5:" + strings.Repeat("AB", 64)}, dep2),
	}
	for what, d := range same {
		if d != base {
			t.Errorf("%s changed the digest: %s, was %s", what, d, base)
		}
	}
	differs := map[string]string{
		"without the README.md":   digest([]File{proto, other}, dep1, dep2),
		"without a dep":           digest([]File{proto, other, readme}, dep1),
		"a file renamed":          digest([]File{proto, {Path: "b/v1/c.proto", Data: other.Data}, readme}, dep1, dep2),
		"a file changed":          digest([]File{proto, {Path: other.Path, Data: []byte("syntax = \"proto3\";\n")}, readme}, dep1, dep2),
		"the README.md in a dir":  digest([]File{proto, other, {Path: "docs/README.md", Data: readme.Data}}, dep1, dep2),
		"a dep named twice":       digest([]File{proto, other, readme}, dep1, dep1, dep2),
		"a LICENSE at the root":   digest([]File{proto, other, readme, {Path: "LICENSE", Data: []byte("l")}}, dep1, dep2),
		"a README.markdown added": digest([]File{proto, other, {Path: "README.markdown", Data: readme.Data}}, dep1, dep2),
	}
	for what, d := range differs {
		if d == base {
			t.Errorf("%s left the digest as it was", what)
		}
	}
}

// TestDigestErrors shows the inputs that have no digest.
func TestDigestErrors(t *testing.T) {
	ok := File{Path: "a.proto", Data: []byte("x")}
	for _, tc := range []struct {
		files []File
		deps  []Key
		want  string
	}{
		{
			files: []File{ok},
			deps:  []Key{{Name: Name{"buf.build", "acme", "one"}, Commit: strings.Repeat("1", 32), Digest: "shake256:" + strings.Repeat("ab", 64)}},
			want:  `dependency buf.build/acme/one:11111111111111111111111111111111: digest "shake256:` + strings.Repeat("ab", 64) + `" is not a b5 digest`,
		},
		{
			files: []File{ok},
			deps:  []Key{{Name: Name{"buf.build", "acme", "one"}, Commit: strings.Repeat("1", 32), Digest: "b5:abcd"}},
			want:  `dependency buf.build/acme/one:11111111111111111111111111111111: digest "b5:abcd": value has 2 bytes, want 64`,
		},
		{
			files: []File{ok},
			deps:  []Key{{Name: Name{"buf.build", "acme", "one"}, Commit: strings.Repeat("1", 32), Digest: "b6:ab"}},
			want:  `dependency buf.build/acme/one:11111111111111111111111111111111: digest "b6:ab": unknown type "b6" (want b5 or shake256)`,
		},
		{
			files: []File{ok, {Path: "a.proto", Data: []byte("y")}},
			want:  `module file "a.proto" appears twice`,
		},
		{
			files: []File{{Path: "../a.proto"}},
			want:  `module file path "../a.proto" is not a clean relative path`,
		},
		{
			files: []File{{Path: "/a.proto"}},
			want:  `module file path "/a.proto" is not a clean relative path`,
		},
		{
			files: []File{{Path: "a//b.proto"}},
			want:  `module file path "a//b.proto" is not a clean relative path`,
		},
		{
			files: []File{{Path: `a\b.proto`}},
			want:  `module file path "a\\b.proto" contains a backslash or NUL`,
		},
		{
			files: []File{{Path: ""}},
			want:  `module file has an empty path`,
		},
	} {
		_, err := Digest(tc.files, tc.deps)
		if err == nil {
			t.Errorf("Digest(%v, %v) = nil error, want %s", tc.files, tc.deps, tc.want)
			continue
		}
		if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
			t.Errorf("Digest(%v, %v) error (-want +got):\n%s", tc.files, tc.deps, diff)
		}
	}
}
