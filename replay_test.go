package protocheck_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/recording"
	"github.com/protocheck/protocheck/roundtrip"
)

// TestAnnotate weighs the demo's findings by the orders v1 wrote, as
// `protocheck check --replay` prints them: what no recorded Order holds
// (a Product, a service) says nothing.
func TestAnnotate(t *testing.T) {
	ctx := context.Background()
	req := protocheck.Request{Input: "testdata/demo/v2", Against: []string{"testdata/demo/v1"}}
	res, err := protocheck.Check(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	src, err := recording.Open("testdata/demo/orders.bin", recording.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := protocheck.Annotate(ctx, req, res.Findings, "acme.shop.v1.Order", src); err != nil {
		t.Fatal(err)
	}
	got := make(map[string]string)
	for _, f := range res.Findings {
		got[f.Rule] = f.Message
	}
	want := map[string]string{
		"ENUM_VALUE_NO_DELETE": `value 3 "CATEGORY_TOYS" of acme.shop.v1.Category was deleted`,
		"FIELD_SAME_NAME":      `field 2 on acme.shop.v1.Product changed name from "name" to "title"`,
		"FIELD_NO_DELETE":      `field 2 "customer_email" on acme.shop.v1.Order was deleted; set in 5 of 8 recorded acme.shop.v1.Order messages`,
		"FIELD_SAME_TYPE":      `field 2 "quantity" on acme.shop.v1.LineItem changed type from int32 to uint32; set in 8 of 8 recorded acme.shop.v1.Order messages`,
		"RPC_NO_DELETE":        `rpc "CancelOrder" was deleted from service acme.shop.v1.ShopService`,
	}
	for rule := range got {
		if _, ok := want[rule]; !ok {
			delete(got, rule) // FIELD_SAME_JSON_NAME: two findings
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}

	// A type the baseline lacks is roundtrip.ErrType, and leaves the
	// findings as they were.
	src2, err := recording.Open("testdata/demo/orders.bin", recording.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	before := res.Findings[0].Message
	err = protocheck.Annotate(ctx, req, res.Findings, "acme.shop.v1.Nope", src2)
	if !errors.Is(err, roundtrip.ErrType) {
		t.Errorf("an unknown type: %v, want roundtrip.ErrType", err)
	}
	if res.Findings[0].Message != before {
		t.Errorf("a failed Annotate changed a finding")
	}
}
