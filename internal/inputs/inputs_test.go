package inputs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/protocheck/protocheck/loader"
)

// TestHooks calls each function on the inputs it is for: one whose hook
// loader did not set, or set with another type, panics here.
func TestHooks(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "proto", "acme"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "proto", "buf.yaml"), []byte("version: v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var l loader.Loader
	top := loader.Dir(filepath.Join(dir, "proto"))

	data, name, ok, err := ReadTop(ctx, &l, top, "buf.yaml")
	if err != nil || !ok || string(data) != "version: v2\n" || name != filepath.Join(dir, "proto", "buf.yaml") {
		t.Errorf("ReadTop(buf.yaml) = %q, %q, %v, %v", data, name, ok, err)
	}
	if _, _, ok, err := ReadTop(ctx, &l, top, "buf.lock"); ok || err != nil {
		t.Errorf("ReadTop(buf.lock), which is not there: ok %v, err %v", ok, err)
	}
	if _, err := Files(ctx, &l, top).ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Files: a missing file's error is %v, want fs.ErrNotExist", err)
	}
	if root, sub := RepoRoot(ctx, &l, top); root != "" || sub != "" {
		t.Errorf("RepoRoot of a directory = %q, %q; want none", root, sub)
	}
	set := loader.DescriptorSet("image.binpb")
	if !Modular(top) || Modular(set) {
		t.Errorf("Modular: directory %v, descriptor set %v; want true, false", Modular(top), Modular(set))
	}
	if got := Path(set); got != "image.binpb" {
		t.Errorf("Path(image.binpb) = %q", got)
	}
	if deps := Deps(top.WithDeps("/cache/a", "/cache/b")); len(deps) != 2 || deps[1] != "/cache/b" {
		t.Errorf("Deps = %q", deps)
	}

	file, err := loader.ParseInput(filepath.Join(dir, "proto", "acme", "a.proto") + "#include_package_files=true")
	if err != nil {
		t.Fatal(err)
	}
	if f, pkg := File(file); f != "a.proto" || !pkg {
		t.Errorf("File = %q, %v; want a.proto, true", f, pkg)
	}
	if f, _ := File(top); f != "" {
		t.Errorf("File of a directory = %q", f)
	}
	rerooted, ok := Reroot(file, filepath.Join(dir, "proto"))
	if f, _ := File(rerooted); !ok || f != "acme/a.proto" || rerooted.Dir() != filepath.Join(dir, "proto") {
		t.Errorf("Reroot at proto: %v, file %q in %s", ok, f, rerooted.Dir())
	}
	if _, ok := Reroot(file, filepath.Join(dir, "elsewhere")); ok {
		t.Errorf("Reroot at a directory that does not hold the file succeeded")
	}

	for _, tc := range []struct {
		input string
		ok    bool
		what  string
	}{
		{"proto", true, "a directory"},
		{"proto/acme/a.proto", true, "a directory"},
		{"image.binpb", false, "a descriptor set"},
		{".git#branch=main", false, "a git revision"},
		{"p.tar.gz", false, "an archive"},
		{"https://example.com/acme/apis.git", false, "a remote repository"},
		{"buf.build/acme/apis", false, "a registry module"},
	} {
		in, err := loader.ParseInput(tc.input)
		if err != nil {
			t.Fatal(err)
		}
		if ok, what := OnDisk(in); ok != tc.ok || what != tc.what {
			t.Errorf("OnDisk(%s) = %v, %q; want %v, %q", tc.input, ok, what, tc.ok, tc.what)
		}
	}
}
