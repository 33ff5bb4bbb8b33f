package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpdateFlagEverywhere checks that every package with tests accepts
// -update, so that `go test ./... -update` (CONTRIBUTING.md) never fails
// with "flag provided but not defined" in a package without golden files.
func TestUpdateFlagEverywhere(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	withTests := make(map[string]bool) // package directory -> defines -update
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		dir := filepath.Dir(p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		withTests[dir] = withTests[dir] || strings.Contains(string(data), `flag.Bool("update"`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, ok := range withTests {
		if !ok {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("%s has tests but no -update flag: add update_test.go as config/update_test.go does", rel)
		}
	}
}
