package loader_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/loader"
)

// TestErrNoGit checks that ErrNoGit means git is missing, and only that: a
// program other than git missing is not ErrNoGit.
func TestErrNoGit(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir) // holds no git
	_, err := loader.OpenRepository(context.Background(), dir)
	if !errors.Is(err, loader.ErrNoGit) {
		t.Fatalf("OpenRepository without git on PATH: error %v, want ErrNoGit", err)
	}
	if !errors.Is(err, exec.ErrNotFound) || !strings.HasPrefix(err.Error(), "git is not installed or not on PATH: ") {
		t.Errorf("error = %q, want ErrNoGit wrapping os/exec's error", err)
	}
	_, other := exec.LookPath("protocheck-no-such-program")
	if other == nil || errors.Is(other, loader.ErrNoGit) {
		t.Errorf("another program missing: errors.Is(%v, ErrNoGit) = true, want false", other)
	}
}
