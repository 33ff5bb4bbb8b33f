package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
)

// TestDeepNesting feeds the loader 10,000 levels of nesting, written three
// ways: it must answer at once, with the position of the first bracket too
// many, instead of parsing for minutes.
func TestDeepNesting(t *testing.T) {
	const n = 10_000
	cases := map[string]string{
		"messages": "syntax = \"proto3\";\npackage p;\n" + strings.Repeat("message M { ", n) + strings.Repeat("}", n) + "\n",
		"groups":   "syntax = \"proto2\";\npackage p;\nmessage A { " + strings.Repeat("optional group G = 1 { ", n) + strings.Repeat("}", n) + " }\n",
		"option value": "syntax = \"proto2\";\npackage p;\nimport \"google/protobuf/descriptor.proto\";\n" +
			"extend google.protobuf.MessageOptions { optional M m = 50000; }\n" +
			"message M { optional M m = 1; optional int32 x = 2; }\n" +
			"message A { option (m) = " + strings.Repeat("{ m ", n) + "{ x: 1 }" + strings.Repeat("}", n) + "; }\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.proto": src})
			_, err := load(t, &loader.Loader{}, dir)
			var ce *loader.CompileError
			if !errors.As(err, &ce) || len(ce.Errors) != 1 {
				t.Fatalf("error = %v, want one positioned error", err)
			}
			e := ce.Errors[0]
			want := fmt.Sprintf("brackets nest more than %d deep: protocheck refuses deeper nesting", loader.MaxNestingDepth)
			if e.Line == 0 || e.Message != want {
				t.Errorf("error = %s, want a position and %q", e, want)
			}
		})
	}
}

// TestNestingAtTheLimit: nesting up to the limit, in comments or strings,
// is not refused.
func TestNestingAtTheLimit(t *testing.T) {
	src := "syntax = \"proto3\";\npackage p;\n// " + strings.Repeat("{", 1000) + "\n" +
		"message A { string s = 1 [json_name = \"" + strings.Repeat("[", 1000) + "\"]; }\n" +
		strings.Repeat("message M { ", 31) + strings.Repeat("}", 31) + "\n"
	if _, err := load(t, &loader.Loader{}, writeTree(t, map[string]string{"a.proto": src})); err != nil {
		t.Fatal(err)
	}
}

// TestDeepDescriptorSet: a descriptor set is not held to the compiler's
// nesting limit of 32, but to MaxNestingDepth: messages nested 10,000 deep
// are refused at once, and messages nested to the limit, each holding a
// field of its parent's type (recursion), load and check.
func TestDeepDescriptorSet(t *testing.T) {
	build := func(n int, withField bool) []byte {
		root := &descriptorpb.DescriptorProto{Name: proto.String("M")}
		m, name := root, ".p.M"
		for i := range n {
			child := &descriptorpb.DescriptorProto{Name: proto.String("M")}
			if withField || i%2 == 0 {
				child.Field = []*descriptorpb.FieldDescriptorProto{{
					Name:     proto.String("up"),
					Number:   proto.Int32(1),
					Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
					TypeName: proto.String(name),
				}}
			}
			m.NestedType = []*descriptorpb.DescriptorProto{child}
			m, name = child, name+".M"
		}
		set := &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{{
			Name:        proto.String("deep.proto"),
			Package:     proto.String("p"),
			Syntax:      proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{root},
		}}}
		b, err := proto.MarshalOptions{}.Marshal(set)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dir := t.TempDir()
	loadSet := func(name string, data []byte) (*loader.Schema, error) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return (&loader.Loader{Dir: dir}).Load(context.Background(), loader.Input{Kind: loader.DescriptorSet, Path: name, Raw: name})
	}
	_, err := loadSet("deep.binpb", build(9_990, true))
	want := fmt.Sprintf("deep.binpb: deep.proto: messages nest more than %d deep: protocheck refuses deeper nesting", loader.MaxNestingDepth)
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	n := loader.MaxNestingDepth - 1 // below the top level
	var schemas []*compat.Schema
	for i, withField := range []bool{true, false} {
		s, err := loadSet(fmt.Sprintf("v%d.binpb", i), build(n, withField))
		if err != nil {
			t.Fatal(err)
		}
		schemas = append(schemas, &compat.Schema{Files: s.Files, Paths: s.Paths})
	}
	findings, err := compat.Check(schemas[0], schemas[1], compat.Config{Use: []string{"FILE", "WIRE", "CSR"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) < n/2 {
		t.Errorf("%d findings, want one per deleted field (%d)", len(findings), n/2)
	}
}
