// Package buftest finds the buf program for tests that compare protocheck
// with buf breaking. CI installs buf; elsewhere such tests skip.
package buftest

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Path returns the path of the buf program: on PATH, or in a bin directory
// of GOPATH, where go install puts it; "" when there is none.
func Path() string {
	if p, err := exec.LookPath("buf"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "buf")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Require returns the path of buf, or skips t: with -short, which must not
// run other programs, or when buf is absent. In CI (CI set, as .ci/run
// sets it) a missing buf fails t instead: there a skip would pass a run
// that compared nothing.
func Require(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs buf: skipped with -short")
	}
	p := Path()
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("buf is not on PATH or in $GOPATH/bin; .ci/run installs it")
		}
		t.Skip("buf is not on PATH or in $GOPATH/bin")
	}
	return p
}
