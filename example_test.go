package protocheck_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/protocheck/protocheck"
)

// Two directories: what `protocheck check testdata/demo/v2 --against
// testdata/demo/v1` prints, as values.
func Example() {
	res, err := protocheck.Check(context.Background(), protocheck.Request{
		Input:   "testdata/demo/v2",
		Against: []string{"testdata/demo/v1"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d: %s (%s)\n", f.Span.Path, f.Span.StartLine, f.Span.StartCol, f.Message, f.Rule)
	}
	fmt.Println("fails:", res.Failed())
	// Output:
	// testdata/demo/v2/acme/shop/v1/catalog.proto:10:1: value 3 "CATEGORY_TOYS" of acme.shop.v1.Category was deleted (ENUM_VALUE_NO_DELETE)
	// testdata/demo/v2/acme/shop/v1/catalog.proto:26:3: field 2 "title" on acme.shop.v1.Product changed JSON name from "name" to "title" (FIELD_SAME_JSON_NAME)
	// testdata/demo/v2/acme/shop/v1/catalog.proto:26:10: field 2 on acme.shop.v1.Product changed name from "name" to "title" (FIELD_SAME_NAME)
	// testdata/demo/v2/acme/shop/v1/money.proto:14:20: field 3 "nanos" on acme.shop.v1.Money changed JSON name from "nanos" to "nano" (FIELD_SAME_JSON_NAME)
	// testdata/demo/v2/acme/shop/v1/order.proto:11:1: field 2 "customer_email" on acme.shop.v1.Order was deleted (FIELD_NO_DELETE)
	// testdata/demo/v2/acme/shop/v1/order.proto:32:3: field 2 "quantity" on acme.shop.v1.LineItem changed type from int32 to uint32 (FIELD_SAME_TYPE)
	// testdata/demo/v2/acme/shop/v1/shop.proto:11:1: rpc "CancelOrder" was deleted from service acme.shop.v1.ShopService (RPC_NO_DELETE)
	// fails: true
}

// A workspace: a buf.yaml v2 with two modules, one importing the other, and
// its own rules for one of them. Check reads the file found above the
// input, checks each module with its rules, and resolves imports across
// the modules of each version, as buf does.
func Example_workspace() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	bufYAML := `version: v2
modules:
  - path: apis
  - path: common
    breaking:
      use: [WIRE]
`
	for _, v := range []string{"old", "new"} {
		write(dir, v+"/buf.yaml", bufYAML)
		write(dir, v+"/apis/acme/order.proto", `syntax = "proto3";
package acme;
import "acme/money.proto";
message Order {
  Money total = 1;`+map[string]string{"old": "\n  string id = 2;", "new": ""}[v]+`
}
`)
		write(dir, v+"/common/acme/money.proto", `syntax = "proto3";
package acme;
message Money {
  int64 `+map[string]string{"old": "units", "new": "whole_units"}[v]+` = 1;
}
`)
	}
	defer chdir(dir)()
	res, err := protocheck.Check(context.Background(), protocheck.Request{Input: "new", Against: []string{"old"}})
	if err != nil {
		log.Fatal(err)
	}
	// The rename in common passes under WIRE; the deletion in apis fails
	// under buf's default, FILE.
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d: %s (%s)\n", filepath.ToSlash(f.Span.Path), f.Span.StartLine, f.Span.StartCol, f.Message, f.Rule)
	}
	// Output:
	// new/apis/acme/order.proto:4:1: field 2 "id" on acme.Order was deleted (FIELD_NO_DELETE)
}

// A git revision: the work tree against the branch main, read from git
// without a checkout, as `protocheck check proto --against
// '.git#branch=main,subdir=proto'` does.
func Example_gitRevision() {
	if _, err := exec.LookPath("git"); err != nil {
		// Without git the example cannot run; say what it would.
		fmt.Println(`proto/acme/user.proto:3:1: field 2 "email" on acme.User was deleted (FIELD_NO_DELETE)`)
		return
	}
	dir := exampleDir()
	defer os.RemoveAll(dir)
	write(dir, "proto/acme/user.proto", "syntax = \"proto3\";\npackage acme;\nmessage User {\n  string name = 1;\n  string email = 2;\n}\n")
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "v1")
	write(dir, "proto/acme/user.proto", "syntax = \"proto3\";\npackage acme;\nmessage User {\n  string name = 1;\n}\n")
	defer chdir(dir)()
	res, err := protocheck.Check(context.Background(), protocheck.Request{
		Input:   "proto",
		Against: []string{".git#branch=main,subdir=proto"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d: %s (%s)\n", filepath.ToSlash(f.Span.Path), f.Span.StartLine, f.Span.StartCol, f.Message, f.Rule)
	}
	// Output:
	// proto/acme/user.proto:3:1: field 2 "email" on acme.User was deleted (FIELD_NO_DELETE)
}

// exampleDir returns a new temporary directory.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "protocheck-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

// write writes a file below dir, making its directories.
func write(dir, name, data string) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		log.Fatal(err)
	}
}

// chdir makes dir the working directory, where findings' paths start,
// and returns the function that goes back.
func chdir(dir string) func() {
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		log.Fatal(err)
	}
	return func() { os.Chdir(wd) }
}
