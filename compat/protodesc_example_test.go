package compat_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// userFile builds acme/v1/user.proto in memory, as a tool that holds
// descriptors rather than .proto files does: message User with the given
// fields, all strings.
func userFile(fields ...string) protoreflect.FileDescriptor {
	msg := &descriptorpb.DescriptorProto{Name: proto.String("User")}
	for i, name := range fields {
		msg.Field = append(msg.Field, &descriptorpb.FieldDescriptorProto{
			Name:     proto.String(name),
			JsonName: proto.String(name),
			Number:   proto.Int32(int32(i + 1)),
			Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
		})
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:        proto.String("acme/v1/user.proto"),
		Package:     proto.String("acme.v1"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{msg},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	return fd
}

// Descriptors built in memory with protodesc are checked like compiled
// ones. They carry no source positions, so findings point at the file's
// first line.
func ExampleCheck_protodesc() {
	old := userFile("name", "email")
	new := userFile("name")
	findings, err := compat.Check(context.Background(),
		&schema.Schema{Files: []protoreflect.FileDescriptor{old}},
		&schema.Schema{Files: []protoreflect.FileDescriptor{new}},
		compat.Config{Use: []string{"WIRE_JSON"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// acme/v1/user.proto:1:1: field 2 "email" on acme.v1.User was deleted without reserving its name (FIELD_NO_DELETE_UNLESS_NAME_RESERVED)
	// acme/v1/user.proto:1:1: field 2 "email" on acme.v1.User was deleted without reserving its number (FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED)
}
