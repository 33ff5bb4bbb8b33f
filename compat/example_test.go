package compat_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
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
	findings, err := compat.Check(&compat.Schema{Files: old}, &compat.Schema{Files: new}, compat.Config{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// acme/v1/user.proto:4:1: field 2 "email" on acme.v1.User was deleted (FIELD_NO_DELETE)
}

// A build tool fails its build on a breaking change: load both versions,
// check, and stop on any finding that is not ignored. Here the versions are
// the two directories of the bundled example; in a repository the old one
// is usually a git revision, such as ".git#branch=main,subdir=proto".
func Example_buildTool() {
	ctx := context.Background()
	oldIn, _ := loader.ParseInput("../testdata/demo/v1")
	newIn, _ := loader.ParseInput("../testdata/demo/v2")
	var l loader.Loader
	old, new, err := l.LoadPair(ctx, oldIn, newIn) // compiles only what can differ
	if err != nil {
		log.Fatal(err)
	}
	findings, err := compat.Check(
		&compat.Schema{Files: old.Files, Paths: old.Paths, Packages: old.Packages},
		&compat.Schema{Files: new.Files, Paths: new.Paths, Packages: new.Packages},
		compat.Config{Use: []string{"FIELD_NO_DELETE"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if !f.Ignored {
			fmt.Println("breaking change:", f) // a build tool would exit non-zero here
		}
	}
	// Output:
	// breaking change: acme/shop/v1/order.proto:11:1: field 2 "customer_email" on acme.shop.v1.Order was deleted (FIELD_NO_DELETE)
}
