package loader

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/testing/protocmp"
)

// TestBrokenLinesSamePositions compiles every schema of compat's test
// cases, and files written on one line, once as written and once with a
// line break at every place breakLines may put one: the descriptors and
// every source location, comments included, are the same.
func TestBrokenLinesSamePositions(t *testing.T) {
	trees := caseTrees(t)
	trees = append(trees,
		map[string]string{"a.proto": "syntax = \"proto3\";package p;message A{int32 a=1;/* c */ string b=2;}message B{A a=1;\t// tab\n}enum E{E_0=0;E_1=1 ; }"},
		map[string]string{"a.proto": "syntax = \"proto3\"; package p; /* lead */ message Ä { }  message A { string s = 1 [json_name = \"é x\"]; /* trail */ }\tmessage B {\tint32 x = 1; } // end"},
		map[string]string{"a.proto": "syntax = \"proto3\";\n\npackage p;\n\n" + strings.Repeat("message M { string a = 1; } ", 1) + "message N { repeated float f = 1 [deprecated=true]; map<string,int32> m = 2; oneof o { int32 x = 3; } reserved 4 to 6, 9; reserved \"q\"; }\n"},
	)
	compile := func(t *testing.T, dir string) map[string]string {
		t.Helper()
		s, err := (&Loader{}).Load(context.Background(), Dir(dir).WithName("x"))
		if err != nil {
			return nil
		}
		out := make(map[string]string)
		for _, f := range s.Files {
			out[f.Path()] = fmt.Sprint(protodesc.ToFileDescriptorProto(f))
		}
		return out
	}
	n := 0
	for i, files := range trees {
		dir := writeProtos(t, files)
		newer := false
		for _, data := range files {
			ed, _ := editionOf([]byte(data))
			newer = newer || newCompilerEdition(ed)
		}
		want := compile(t, dir)
		if want == nil || newer {
			continue // the newer compiler's files are not broken
		}
		longLine, breakWidth = 0, 0
		before := unbroken.Load()
		got := compile(t, dir)
		longLine, breakWidth = 4096, 80
		n++
		if k := unbroken.Load() - before; k != int64(len(want)) {
			t.Errorf("tree %d: %d files compiled with broken lines, want %d\n%v", i, k, len(want), files)
		}
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("tree %d: broken lines change the result (-want +got):\n%s", i, diff)
		}
	}
	if n < 100 {
		t.Errorf("only %d trees compiled", n)
	}
}

// caseTrees returns the .proto files of each side of each of compat's
// test cases, a tree a side: schemas every rule's case wrote, for tests
// that compare two ways of compiling the same files.
func caseTrees(t *testing.T) []map[string]string {
	t.Helper()
	archives, err := filepath.Glob("../compat/testdata/*/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	var trees []map[string]string
	for _, name := range archives {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, side := range []string{"old/", "new/"} {
			files := make(map[string]string)
			for _, f := range a.Files {
				if rest, ok := strings.CutPrefix(f.Name, side); ok && strings.HasSuffix(rest, ".proto") {
					files[rest] = string(f.Data)
				}
			}
			trees = append(trees, files)
		}
	}
	return trees
}
