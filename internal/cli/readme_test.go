package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestREADMEDemo holds the README's first example to what the tool prints:
// the output under "$ protocheck check testdata/demo/v2 ..." must be the
// output check_demo.txtar asserts.
func TestREADMEDemo(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "$ protocheck check testdata/demo/v2 --against testdata/demo/v1\n"
	_, rest, ok := strings.Cut(string(readme), prompt)
	if !ok {
		t.Fatalf("README.md has no %q", strings.TrimSpace(prompt))
	}
	shown, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README.md: the demo's code block does not end")
	}
	ar, err := txtar.ParseFile("testdata/script/check_demo.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == "want" {
			if shown != string(f.Data) {
				t.Errorf("README.md shows\n%s\ncheck_demo.txtar wants\n%s", shown, f.Data)
			}
			return
		}
	}
	t.Fatal("check_demo.txtar has no want file")
}
