package loader

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/internal/loaderhook"
)

// The driver (package protocheck) asks of an input what a library user has
// no use for; loaderhook carries it there, set here once, so that it has
// no place in this package's API.
func init() {
	loaderhook.ReadTop = func(ctx context.Context, l *Loader, in Input, file string) ([]byte, string, bool, error) {
		return in.ops().readTop(ctx, l, in, file)
	}
	loaderhook.Files = func(ctx context.Context, l *Loader, in Input) loaderhook.FileReader {
		return l.files(ctx, in)
	}
	loaderhook.RepoRoot = func(ctx context.Context, l *Loader, in Input) (string, string) {
		if in.kind != gitInput {
			return "", ""
		}
		v, err := l.openVersion(ctx, in)
		if err != nil {
			return "", "" // loading the input says what is wrong
		}
		return v.Root(), in.subdir
	}
	loaderhook.Modular = func(in Input) bool { return in.ops().modular() }
	loaderhook.File = func(in Input) (string, bool) { return in.file, in.includePackageFiles }
	loaderhook.Reroot = reroot
	loaderhook.Deps = func(in Input) []string { return slices.Clone(in.depRoots) }
	loaderhook.Path = func(in Input) string { return in.path }
	loaderhook.OnDisk = func(in Input) (bool, string) {
		return in.kind == dirInput, in.ops().what(in)
	}
}

// reroot returns a single-file input rooted at dir, a directory above its
// file (the root of the module that holds it), so that the file's imports
// resolve from there. ok is false when dir does not hold the file or the
// input is not a single file.
func reroot(in Input, dir string) (Input, bool) {
	if in.file == "" {
		return in, false
	}
	abs, err1 := filepath.Abs(filepath.Join(in.path, in.file))
	absDir, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return in, false
	}
	rel, err := filepath.Rel(absDir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return in, false
	}
	in.path, in.file = filepath.Clean(dir), filepath.ToSlash(rel)
	return in, true
}
