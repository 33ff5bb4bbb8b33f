package compat_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// TestNoSourceInfo: files without source info (an image built with
// buf build --exclude-source-info, a protoc descriptor set) have no
// positions; every finding on them is at 1:1, where buf v1.75 puts it
// (buf breaking --error-format json: start_line 1, start_column 1), never
// at 0:0, on both sides, whatever the rule.
func TestNoSourceInfo(t *testing.T) {
	file := func(fields ...string) protoreflect.FileDescriptor {
		fd := &descriptorpb.FileDescriptorProto{
			Name:        proto.String("a.proto"),
			Package:     proto.String("a"),
			Syntax:      proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M")}},
			EnumType: []*descriptorpb.EnumDescriptorProto{{Name: proto.String("E"), Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: proto.String("E_UNSPECIFIED"), Number: proto.Int32(0)},
			}}},
		}
		for i, name := range fields {
			typ := descriptorpb.FieldDescriptorProto_TYPE_INT32
			if name == "s" {
				typ = descriptorpb.FieldDescriptorProto_TYPE_STRING
			}
			fd.MessageType[0].Field = append(fd.MessageType[0].Field, &descriptorpb.FieldDescriptorProto{
				Name: proto.String(name), JsonName: proto.String(name), Number: proto.Int32(int32(i + 1)),
				Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: typ.Enum(),
			})
		}
		f, err := protodesc.NewFile(fd, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	old := &schema.Schema{Files: []protoreflect.FileDescriptor{file("x", "y", "z")}}
	new := &schema.Schema{Files: []protoreflect.FileDescriptor{file("x", "s")}}
	findings, err := compat.Check(context.Background(), old, new, compat.Config{Use: []string{"WIRE_JSON", "FILE"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) < 2 {
		t.Fatalf("%d findings, want a deletion and a type change at least", len(findings))
	}
	for _, f := range findings {
		for _, s := range []compat.Span{f.Span, f.OldSpan} {
			if s.Path == "" {
				continue
			}
			if s.StartLine != 1 || s.StartCol != 1 || s.EndLine != 1 || s.EndCol != 1 {
				t.Errorf("%s %s: span %+v, want 1:1-1:1", f.Rule, f.Message, s)
			}
		}
	}
}
