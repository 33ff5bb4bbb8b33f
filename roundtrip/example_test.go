package roundtrip_test

import (
	"context"
	"fmt"
	"log"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/roundtrip"
)

// A build tool fails its build on a breaking change, and shows the bytes
// that break: load both versions, check and prove in one call, and stop on
// any finding that is not ignored. Here the versions are the two
// directories of the bundled example; in a repository the old one is
// usually a git revision, such as loader.Git(".", "main") or
// loader.ParseInput(".git#branch=main,subdir=proto").
func Example_buildTool() {
	ctx := context.Background()
	var l loader.Loader
	old, new, err := l.LoadPair(ctx, loader.Dir("../testdata/demo/v1"), loader.Dir("../testdata/demo/v2")) // compiles only what can differ
	if err != nil {
		log.Fatal(err)
	}
	findings, err := roundtrip.Check(ctx, old, new,
		compat.Config{Use: []string{"WIRE"}}, roundtrip.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if f.Ignored {
			continue
		}
		fmt.Println("breaking change:", f) // a build tool would exit non-zero here
		if p := f.Proof; p != nil {
			fmt.Printf("  %s %s %s: writer %s, reader %s, bytes % x\n", p.Direction, p.Encoding, p.FieldPath, p.WriterValue, p.ReaderValue, p.Bytes)
		}
	}
	// Output:
	// breaking change: acme/shop/v1/catalog.proto:10:1: value 3 "CATEGORY_TOYS" of acme.shop.v1.Category was deleted without reserving its number (ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED)
	// breaking change: acme/shop/v1/order.proto:11:1: field 2 "customer_email" on acme.shop.v1.Order was deleted without reserving its number (FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED)
	// breaking change: acme/shop/v1/order.proto:32:3: field 2 "quantity" on acme.shop.v1.LineItem changed type from int32 to uint32: readers on both sides change the sign of some values (FIELD_WIRE_SAME_SIGNEDNESS)
	//   backward binary acme.shop.v1.LineItem.quantity: writer int32 -1, reader uint32 4294967295, bytes 10 ff ff ff ff ff ff ff ff ff 01
}
