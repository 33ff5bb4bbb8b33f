package loader

import (
	"context"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile/linker"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/testing/protocmp"
)

// TestSnapshotCompilerProto: Snapshot writes the v0.14 compiler's own
// proto of a file in place of the one protodesc rebuilds from its
// descriptors; for every schema of compat's test cases, and a file with
// broken lines and tabs, whose source info the loader rewrote, both are
// the same message.
func TestSnapshotCompilerProto(t *testing.T) {
	trees := caseTrees(t)
	trees = append(trees, map[string]string{"a.proto": "syntax = \"proto3\";\tpackage p;" +
		strings.Repeat(" message M { string é = 1;\tint32 b = 2; } // c\n", 3) + strings.Repeat(" message N { int32 x = 1; }", 200)})
	compared := 0
	for i, files := range trees {
		dir := writeProtos(t, files)
		s, err := (&Loader{}).Load(context.Background(), Dir(dir).WithName("x"))
		if err != nil {
			continue // a case whose version does not compile
		}
		for _, f := range s.Files {
			r, ok := f.(linker.Result)
			if !ok {
				continue // the newer compiler's
			}
			compared++
			if diff := cmp.Diff(protodesc.ToFileDescriptorProto(f), r.FileDescriptorProto(), protocmp.Transform()); diff != "" {
				t.Errorf("tree %d, %s: the compiler's proto differs (-protodesc +compiler):\n%s", i, f.Path(), diff)
			}
		}
	}
	if compared < 400 {
		t.Errorf("only %d files compared", compared)
	}
}
