package protocheck_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck"
)

// TestFix edits a copy of the demo's new version as `protocheck fix`
// does: the reservations each deletion needs, named as findings name the
// files, written only by Write, and nothing left to do after.
func TestFix(t *testing.T) {
	old, err := filepath.Abs("testdata/demo/v1")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "v2"), os.DirFS("testdata/demo/v2")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	ctx := context.Background()
	req := protocheck.Request{Input: "v2", Against: []string{old}}
	res, err := protocheck.Fix(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		if f.Path != filepath.Join("v2", filepath.FromSlash(strings.TrimPrefix(f.Name, "v2/"))) {
			t.Errorf("%s: Path %s is not the file on disk", f.Name, f.Path)
		}
		for _, c := range f.Changes {
			got = append(got, c.String())
		}
	}
	want := []string{
		`v2/acme/shop/v1/catalog.proto:10:1: reserved 3, "CATEGORY_TOYS" in acme.shop.v1.Category`,
		`v2/acme/shop/v1/order.proto:11:1: reserved 2, "customer_email" in acme.shop.v1.Order`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	// Nothing is written before Write.
	before, err := os.ReadFile("v2/acme/shop/v1/order.proto")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 2 || string(before) != string(res.Files[1].Before) {
		t.Fatalf("order.proto changed before Write, or is not the second file")
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile("v2/acme/shop/v1/order.proto")
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(res.Files[1].After) || !strings.Contains(string(after), `reserved "customer_email";`) {
		t.Errorf("order.proto after Write:\n%s", after)
	}
	// Fixed once, fixed for good.
	again, err := protocheck.Fix(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Files) != 0 || len(again.Skipped) != 0 {
		t.Errorf("a second Fix edits %d files, skips %v", len(again.Files), again.Skipped)
	}
}

// TestFixRefuses: an input fix cannot write is refused before anything is
// compiled or read.
func TestFixRefuses(t *testing.T) {
	_, err := protocheck.Fix(context.Background(), protocheck.Request{Input: "v2.binpb", Against: []string{"testdata/demo/v1"}})
	want := "fix writes the .proto files of a directory, and v2.binpb is a descriptor set, which holds none it can write: give the directory the version comes from"
	if err == nil || err.Error() != want {
		t.Errorf("Fix of a descriptor set: %v, want %q", err, want)
	}
}
