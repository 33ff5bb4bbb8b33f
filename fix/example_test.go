package fix_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/fix"
	"github.com/protocheck/protocheck/loader"
)

// A build tool checks a change, plans the reservations its deletions need
// and applies them to the new version's source; it decides itself whether
// to write the files or show them.
func Example() {
	dir, err := os.MkdirTemp("", "fix-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	version := func(name, src string) loader.Input {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "user.proto"), []byte(src), 0o644); err != nil {
			log.Fatal(err)
		}
		return loader.Dir(p).WithName(name)
	}
	oldIn := version("old", "syntax = \"proto3\";\npackage acme.v1;\n\nmessage User {\n  string id = 1;\n  string email = 2;\n}\n")
	newIn := version("new", "syntax = \"proto3\";\npackage acme.v1;\n\nmessage User {\n  string id = 1;\n}\n")

	var l loader.Loader
	old, new, err := l.LoadPair(context.Background(), oldIn, newIn)
	if err != nil {
		log.Fatal(err)
	}
	findings, err := compat.Check(context.Background(), old, new, compat.Config{Use: []string{"WIRE_JSON"}})
	if err != nil {
		log.Fatal(err)
	}
	plan := fix.Plan(old, new, findings)
	res, err := fix.Apply(new, plan, func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(newIn.Dir(), filepath.FromSlash(p)))
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Files {
		for _, c := range f.Changes {
			fmt.Println(c)
		}
		fmt.Print(string(f.After))
	}
	// Output:
	// user.proto:4:1: reserved 2, "email" in acme.v1.User
	// syntax = "proto3";
	// package acme.v1;
	//
	// message User {
	//   reserved 2;
	//   reserved "email";
	//   string id = 1;
	// }
}
