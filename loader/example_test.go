package loader_test

import (
	"context"
	"fmt"
	"log"

	"github.com/protocheck/protocheck/loader"
)

// Inputs are written as buf writes them; a git input names a revision and,
// optionally, the directory within it that is the root of the schema.
func ExampleParseInput() {
	for _, s := range []string{"proto", "image.binpb", ".git#branch=main,subdir=proto"} {
		in, err := loader.ParseInput(s)
		if err != nil {
			log.Fatal(err)
		}
		switch in.Kind {
		case loader.Dir:
			fmt.Printf("%s: directory %s\n", s, in.Path)
		case loader.DescriptorSet:
			fmt.Printf("%s: descriptor set %s\n", s, in.Path)
		case loader.Git:
			fmt.Printf("%s: %s %s of %s, subdir %s\n", s, in.RefKind, in.Ref, in.Path, in.Subdir)
		}
	}
	// Output:
	// proto: directory proto
	// image.binpb: descriptor set image.binpb
	// .git#branch=main,subdir=proto: branch main of .git, subdir proto
}

// The zero Loader compiles a directory; file paths are relative to it, the
// names other files import them by.
func ExampleLoader_Load() {
	in, err := loader.ParseInput("../testdata/demo/v1")
	if err != nil {
		log.Fatal(err)
	}
	var l loader.Loader
	s, err := l.Load(context.Background(), in)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range s.Files {
		fmt.Println(f.Path(), f.Package())
	}
	// Output:
	// acme/shop/v1/catalog.proto acme.shop.v1
	// acme/shop/v1/money.proto acme.shop.v1
	// acme/shop/v1/order.proto acme.shop.v1
	// acme/shop/v1/shop.proto acme.shop.v1
}
