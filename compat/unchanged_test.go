package compat

import (
	"context"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestUnchangedFilesWithCustomOptions checks that a file compiled twice
// from the same source counts as unchanged although it sets custom options,
// whose types each compile makes anew: the rules then skip it.
func TestUnchangedFilesWithCustomOptions(t *testing.T) {
	src := map[string]string{
		"opt.proto": `syntax = "proto3";
package p;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FileOptions { string team = 50000; }
extend google.protobuf.MessageOptions { int32 level = 50001; }
extend google.protobuf.FieldOptions { Rules rules = 50002; }
message Rules { int32 min = 1; }
`,
		"a.proto": `syntax = "proto3";
package p;
import "opt.proto";
option (team) = "payments";
message A {
  option (level) = 2;
  int32 n = 1 [(rules).min = 3];
}
`,
	}
	compile := func() *schema.Schema {
		c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(src),
		})}
		files, err := c.Compile(context.Background(), "a.proto", "opt.proto")
		if err != nil {
			t.Fatal(err)
		}
		var out []protoreflect.FileDescriptor
		for _, f := range files {
			out = append(out, f)
		}
		return &schema.Schema{Files: out}
	}
	ctx := context.Background()
	oi, err := newIndex(ctx, compile())
	if err != nil {
		t.Fatal(err)
	}
	ni, err := newIndex(ctx, compile())
	if err != nil {
		t.Fatal(err)
	}
	same, err := unchangedFiles(ctx, oi, ni)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"a.proto", "opt.proto"} {
		if !same[path] {
			t.Errorf("%s compiled twice from the same source counts as changed", path)
		}
	}
}
