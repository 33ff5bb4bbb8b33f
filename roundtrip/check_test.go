package roundtrip_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/check/*.txtar")

// TestCheck runs roundtrip.Check on each case under testdata/check: a
// txtar archive whose comment says what the case shows, holding old/ and
// new/ trees, optional use and except sections (categories and rule ids;
// use is WIRE when absent) and want, the findings with their proofs as render writes them.
func TestCheck(t *testing.T) {
	paths, err := filepath.Glob("testdata/check/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no cases")
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(a.Comment)) == "" {
				t.Errorf("%s: the archive comment must say what the case shows", p)
			}
			cfg := compat.Config{Use: []string{"WIRE"}}
			if use, ok := sectionOf(a, "use"); ok {
				cfg.Use = strings.Fields(strings.ReplaceAll(use, ",", " "))
			}
			if except, ok := sectionOf(a, "except"); ok {
				cfg.Except = strings.Fields(strings.ReplaceAll(except, ",", " "))
			}
			old := compileTree(t, a, "old", protocompile.SourceInfoStandard)
			new := compileTree(t, a, "new", protocompile.SourceInfoStandard)
			findings, err := roundtrip.Check(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, cfg, roundtrip.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := render(findings)
			if *update {
				setSection(a, "want", got)
				if err := os.WriteFile(p, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, _ := sectionOf(a, "want")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", p, diff)
			}
		})
	}
}

// TestCheckWithoutSourceInfo shows that proofs reach their findings
// through the elements findings name, not through positions: descriptors
// without source info place every finding at its file, and the proof
// still lands on the field's finding.
func TestCheckWithoutSourceInfo(t *testing.T) {
	a := txtar.Parse([]byte(`
-- old/a.proto --
syntax = "proto3";
package p;
message A { int32 x = 1; int32 y = 2; }
-- new/a.proto --
syntax = "proto3";
package p;
message A { sint32 x = 1; uint32 y = 2; }
`))
	old := compileTree(t, a, "old", protocompile.SourceInfoNone)
	new := compileTree(t, a, "new", protocompile.SourceInfoNone)
	findings, err := roundtrip.Check(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, compat.Config{Use: []string{"WIRE"}}, roundtrip.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		if f.Proof == nil {
			t.Errorf("no proof: %s (unproven: %s)", f, f.Unproven)
			continue
		}
		got = append(got, f.Rule+" "+f.Proof.FieldPath)
	}
	slices.Sort(got)
	want := []string{"FIELD_WIRE_COMPATIBLE_TYPE p.A.x", "FIELD_WIRE_SAME_SIGNEDNESS p.A.y"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("proved findings (-want +got):\n%s", diff)
	}
}

// render writes findings as text output does, with each proof's values
// and bytes but not its annotated wire form, which TestAnnotate covers,
// nor its JSON text, which protojson varies between builds.
func render(findings []compat.Finding) string {
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintf(&b, "%s\n", f)
		switch p := f.Proof; {
		case p != nil:
			fmt.Fprintf(&b, "    proof: %s %s, %s: %s\n", p.Direction, p.Encoding, p.FieldPath, p.Reason)
			fmt.Fprintf(&b, "      writer: %s\n      reader: %s\n      bytes:  % x\n", p.WriterValue, p.ReaderValue, p.Bytes)
		case f.Unproven != "":
			fmt.Fprintf(&b, "    unproven: %s\n", f.Unproven)
		}
	}
	return b.String()
}

func sectionOf(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

func setSection(a *txtar.Archive, name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}

// compileTree compiles the files under side/ of a.
func compileTree(t *testing.T, a *txtar.Archive, side string, info protocompile.SourceInfoMode) []protoreflect.FileDescriptor {
	t.Helper()
	files := make(map[string]string)
	var paths []string
	for _, f := range a.Files {
		if rel, ok := strings.CutPrefix(f.Name, side+"/"); ok {
			files[rel] = string(f.Data)
			paths = append(paths, rel)
		}
	}
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(files)}),
		SourceInfoMode: info,
	}
	linked, err := c.Compile(context.Background(), paths...)
	if err != nil {
		t.Fatalf("%s: %v", side, err)
	}
	out := make([]protoreflect.FileDescriptor, len(linked))
	for i, f := range linked {
		out[i] = f
	}
	return out
}
