package loader

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/descriptorpb"

	newcomp "github.com/protocheck/protocheck/loader/internal/editions"
)

// TestSharedCompiler loads three versions of an edition 2024 tree with one
// Loader: a file unchanged since an earlier version is not parsed again,
// and every descriptor, source info included, is the one the per-tree
// compile gives.
func TestSharedCompiler(t *testing.T) {
	const (
		c1 = "edition = \"2024\";\npackage p;\nmessage C {\n  int32 x = 1;\n}\n"
		b  = "edition = \"2024\";\npackage p;\nimport \"c.proto\";\n// B holds a C.\nmessage B {\n\tC c = 1;\n}\n"
		a1 = "edition = \"2024\";\npackage p;\nimport \"b.proto\";\nmessage A {\n  B b = 1;\n}\n"
		d  = "edition = \"2024\";\npackage q;\nenum E {\n  E_UNSPECIFIED = 0;\n}\n"
		a2 = "edition = \"2024\";\npackage p;\nimport \"b.proto\";\nmessage A {\n  B b = 1;\n  string s = 2;\n}\n"
		c3 = "edition = \"2024\";\npackage p;\nmessage C {\n  int32 x = 1;\n  int64 y = 2;\n}\n"
	)
	versions := []struct {
		files map[string]string
		parse int64 // files parsed, but on the first load
	}{
		{map[string]string{"a.proto": a1, "b.proto": b, "c.proto": c1, "d.proto": d}, -1},
		{map[string]string{"a.proto": a2, "b.proto": b, "c.proto": c1, "d.proto": d}, 1},
		{map[string]string{"a.proto": a2, "b.proto": b, "c.proto": c3, "d.proto": d}, 1},
	}
	ctx := context.Background()
	shared := &Loader{}
	for i, v := range versions {
		dir := t.TempDir()
		for name, src := range v.files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		in := Dir(dir).WithName("v")
		before := newcomp.Parsed.Load()
		got, err := shared.Load(ctx, in)
		if err != nil {
			t.Fatalf("version %d: %v", i+1, err)
		}
		if n := newcomp.Parsed.Load() - before; v.parse >= 0 && n != v.parse {
			t.Errorf("version %d: %d files parsed, want %d", i+1, n, v.parse)
		}
		shareNewer = false
		want, err := (&Loader{}).Load(ctx, in)
		shareNewer = true
		if err != nil {
			t.Fatalf("version %d, per-tree compile: %v", i+1, err)
		}
		if len(got.Files) != len(want.Files) {
			t.Fatalf("version %d: %d files, want %d", i+1, len(got.Files), len(want.Files))
		}
		for j := range got.Files {
			g, w := protodesc.ToFileDescriptorProto(got.Files[j]), protodesc.ToFileDescriptorProto(want.Files[j])
			if diff := cmp.Diff(w, g, protocmp.Transform()); diff != "" {
				t.Errorf("version %d, %s (-per-tree +shared):\n%s", i+1, w.GetName(), diff)
			}
			if g.GetEdition() != descriptorpb.Edition_EDITION_2024 {
				t.Errorf("version %d, %s: edition %v, want 2024", i+1, g.GetName(), g.GetEdition())
			}
		}
	}
}
