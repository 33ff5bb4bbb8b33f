// Package inputs is what the driver (package protocheck) asks of a
// loader.Input beyond loader's API, typed: package loader sets the
// functions in loaderhook, and each is asserted to its type here, once.
package inputs

import (
	"context"

	"github.com/protocheck/protocheck/internal/loaderhook"
	"github.com/protocheck/protocheck/loader"
)

// ReadTop reads file at the top of in (its root, or a git revision's
// subdir) from in's own version; name is how messages should call it, and
// ok is false when there is none (or in is a descriptor set). An input the
// loader cannot open has none: loading it says what is wrong.
func ReadTop(ctx context.Context, l *loader.Loader, in loader.Input, file string) (data []byte, name string, ok bool, err error) {
	return loaderhook.ReadTop.(func(context.Context, *loader.Loader, loader.Input, string) ([]byte, string, bool, error))(ctx, l, in, file)
}

// Files returns what reads the files around in as in's version holds them:
// the index or the revision of a git input (a pre-commit hook checks the
// staged files: an unstaged edit to buf.yaml must not change what it
// checks), the disk for the others. Files outside a git input's repository
// are read from disk. A missing file is fs.ErrNotExist.
func Files(ctx context.Context, l *loader.Loader, in loader.Input) loaderhook.FileReader {
	return loaderhook.Files.(func(context.Context, *loader.Loader, loader.Input) loaderhook.FileReader)(ctx, l, in)
}

// RepoRoot returns the top of the work tree of the repository of in, a git
// input, and in's subdir in it ("" for its top); top is "" for another
// input, a repository without a work tree, or one that git cannot open.
func RepoRoot(ctx context.Context, l *loader.Loader, in loader.Input) (top, subdir string) {
	return loaderhook.RepoRoot.(func(context.Context, *loader.Loader, loader.Input) (string, string))(ctx, l, in)
}

// Modular reports whether a configuration's modules divide the input: a
// directory or a repository does; a descriptor set, built from one module,
// is that module (and an input not fetched yet has no files to divide).
func Modular(in loader.Input) bool { return loaderhook.Modular.(func(loader.Input) bool)(in) }

// File returns, for a single .proto file given as the input, its path
// relative to in.Dir(), and whether the other files of its package are
// checked too (buf's include_package_files=true); file is "" for another
// input.
func File(in loader.Input) (file string, packageFiles bool) {
	return loaderhook.File.(func(loader.Input) (string, bool))(in)
}

// Reroot returns a single-file input rooted at dir, a directory above its
// file (the root of the module that holds it), so that the file's imports
// resolve from there. ok is false when dir does not hold the file or the
// input is not a single file.
func Reroot(in loader.Input, dir string) (loader.Input, bool) {
	return loaderhook.Reroot.(func(loader.Input, string) (loader.Input, bool))(in, dir)
}

// Deps returns the dependency directories that in carries: given with
// WithDeps, or a registry module's own after loader.Fetch.
func Deps(in loader.Input) []string { return loaderhook.Deps.(func(loader.Input) []string)(in) }

// Path returns the path in names, as ParseInput read it: the directory
// (for a single file, the file's directory), the descriptor set or archive
// file, the repository.
func Path(in loader.Input) string { return loaderhook.Path.(func(loader.Input) string)(in) }

// OnDisk reports whether in's files are files on disk where it names them,
// which a command may edit: a directory, or a .proto file of one. what
// says what in is otherwise: "a git revision", "a descriptor set", "an
// archive", "a remote repository" or "a registry module".
func OnDisk(in loader.Input) (ok bool, what string) {
	return loaderhook.OnDisk.(func(loader.Input) (bool, string))(in)
}
