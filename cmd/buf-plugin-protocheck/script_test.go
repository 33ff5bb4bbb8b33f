package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/protocheck/protocheck/internal/buftest"
)

var update = flag.Bool("update", false, "rewrite the files that scripts compare output with")

// TestScripts runs buf breaking as a user types it, with this command
// built into a temporary directory on PATH and listed in buf.yaml: each
// script under testdata/script asserts buf's exit status, stdout and
// stderr. It needs buf v1.75 (see buftest.Require).
func TestScripts(t *testing.T) {
	bufPath := buftest.Require(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "buf-plugin-protocheck"), ".").CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+filepath.Dir(bufPath)+string(os.PathListSeparator)+env.Getenv("PATH"))
			// buf's cache: each script its own, so that no script reads
			// what the user's buf left or asks a registry with a token.
			env.Setenv("BUF_CACHE_DIR", filepath.Join(env.WorkDir, ".cache", "buf"))
			env.Setenv("BUF_TOKEN", "")
			return nil
		},
		UpdateScripts: *update,
	})
}
