package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/protocheck/protocheck/config"
)

// TestNamesCopy checks that changing what Names returns changes neither a
// later answer nor what Find looks for.
func TestNamesCopy(t *testing.T) {
	names := config.Names()
	if len(names) == 0 || names[0] != "protocheck.yaml" {
		t.Fatalf("Names() = %v, want protocheck.yaml first", names)
	}
	for i := range names {
		names[i] = "changed.yaml"
	}
	if got := config.Names(); got[0] != "protocheck.yaml" {
		t.Errorf("Names() after changing what it returned = %v", got)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "buf.yaml"), []byte("version: v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := config.Find(dir)
	if err != nil || filepath.Base(got) != "buf.yaml" {
		t.Errorf("Find = %q, %v, want the buf.yaml", got, err)
	}
}
