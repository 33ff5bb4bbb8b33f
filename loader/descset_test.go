package loader_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
	"github.com/protocheck/protocheck/loader"
)

// genSets writes the two versions of a generated pair as descriptor sets,
// through Snapshot as `protocheck snapshot` does.
func genSets(tb testing.TB, cfg gen.Config) (dir string, old, new loader.Input) {
	tb.Helper()
	dir = tb.TempDir()
	if err := gen.Generate(cfg).Write(dir); err != nil {
		tb.Fatal(err)
	}
	var ins []loader.Input
	for _, v := range []string{"old", "new"} {
		s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(filepath.Join(dir, v)).WithName(v))
		if err != nil {
			tb.Fatal(err)
		}
		b, err := loader.Snapshot(s)
		if err != nil {
			tb.Fatal(err)
		}
		name := filepath.Join(dir, v+".binpb")
		if err := os.WriteFile(name, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		ins = append(ins, loader.DescriptorSet(name).WithName(v+".binpb"))
	}
	return dir, ins[0], ins[1]
}

// TestDescriptorSetLinksOnlyWhatIsAsked: Open lists and hashes a set's
// files without linking them, and Compile of one file links that file and
// its imports, not the rest of the set.
func TestDescriptorSetLinksOnlyWhatIsAsked(t *testing.T) {
	dir, oldIn, newIn := genSets(t, gen.Config{Files: 200, Changes: 3, Seed: 1, Messages: 8, Fields: 5})
	ctx := context.Background()
	tree, err := (&loader.Loader{}).Open(ctx, oldIn)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Files) != 200 {
		t.Fatalf("%d files, want 200", len(tree.Files))
	}
	for _, f := range tree.Files {
		if len(f.Digest) != 64 {
			t.Fatalf("%s: digest %q, want a sha256", f.Path, f.Digest)
		}
	}
	// A file that imports others: Compile returns it alone, linked to
	// its imports, and never reaches a file outside its closure.
	var pick string
	for _, p := range tree.Paths() {
		src, err := os.ReadFile(filepath.Join(dir, "old", p))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "\nimport ") {
			pick = p
			break
		}
	}
	if pick == "" {
		t.Fatal("no generated file imports another")
	}
	one, err := tree.Compile(ctx, []string{pick})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Files) != 1 || one.Files[0].Path() != pick {
		t.Fatalf("Compile(%s) gave %d files", pick, len(one.Files))
	}
	if len(one.Paths) != 200 {
		t.Errorf("Paths lists %d files, want all 200", len(one.Paths))
	}
	if one.Files[0].SourceLocations().Len() == 0 {
		t.Errorf("%s: no source info: the file asked for keeps its positions", pick)
	}
	imps := one.Files[0].Imports()
	for i := range imps.Len() {
		imp := imps.Get(i)
		if imp.IsPlaceholder() {
			t.Errorf("%s: import %s is not linked", pick, imp.Path())
		}
		if n := imp.SourceLocations().Len(); n != 0 {
			t.Errorf("%s: import %s has %d source locations: imports need none", pick, imp.Path(), n)
		}
	}

	// LoadPair finds the same changed files as for the directories.
	oldS, newS, err := (&loader.Loader{}).LoadPair(ctx, oldIn, newIn)
	if err != nil {
		t.Fatal(err)
	}
	if len(newS.Files) == 0 || len(newS.Files) >= 200 || len(oldS.Files) >= 200 {
		t.Errorf("LoadPair compiled %d old and %d new files, want a few", len(oldS.Files), len(newS.Files))
	}
}

// BenchmarkOpenDescriptorSet measures opening a generated descriptor set:
// reading, splitting and hashing, without linking.
func BenchmarkOpenDescriptorSet(b *testing.B) {
	_, in, _ := genSets(b, gen.Config{Files: *benchFiles, Seed: 1})
	l := &loader.Loader{}
	for b.Loop() {
		if _, err := l.Open(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
