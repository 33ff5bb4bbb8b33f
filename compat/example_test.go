package compat_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// compileExample links one version of a schema held in memory.
func compileExample(files map[string]string) []protoreflect.FileDescriptor {
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(files)}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	linked, err := c.Compile(context.Background(), paths...)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]protoreflect.FileDescriptor, len(linked))
	for i, f := range linked {
		out[i] = f
	}
	return out
}

// Check compares two versions given as linked descriptors, from any
// compiler. Deleting a field breaks readers of old data (the number may be
// reused) and code that names the field.
func ExampleCheck() {
	old := compileExample(map[string]string{"acme/v1/user.proto": `syntax = "proto3";
package acme.v1;

message User {
  string name = 1;
  string email = 2;
}
`})
	new := compileExample(map[string]string{"acme/v1/user.proto": `syntax = "proto3";
package acme.v1;

message User {
  string name = 1;
  reserved 2;
}
`})
	findings, err := compat.Check(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, compat.Config{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// acme/v1/user.proto:4:1: field 2 "email" on acme.v1.User was deleted (FIELD_NO_DELETE)
}
