package loader_test

import (
	"context"
	"fmt"
	"log"

	"github.com/protocheck/protocheck/loader"
)

// Inputs are written as buf writes them; a git input names a revision and,
// optionally, the directory within it that is the root of the schema. Dir
// is where a configuration file for the input is looked for, and Display
// names a file of the input as findings print it.
func ExampleParseInput() {
	for _, s := range []string{"proto", "image.binpb", ".git#branch=main,subdir=proto"} {
		in, err := loader.ParseInput(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: configuration in %s, file shown as %s\n", in, in.Dir(), in.Display("acme/v1/a.proto"))
	}
	// Output:
	// proto: configuration in proto, file shown as proto/acme/v1/a.proto
	// image.binpb: configuration in ., file shown as acme/v1/a.proto
	// .git#branch=main,subdir=proto: configuration in proto, file shown as proto/acme/v1/a.proto
}

// The zero Loader compiles a directory; file paths are relative to it, the
// names other files import them by.
func ExampleLoader_Load() {
	var l loader.Loader
	s, err := l.Load(context.Background(), loader.Dir("../testdata/demo/v1"))
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
