// Package loaderhook carries what package loader does for the driver
// (package protocheck) but keeps out of its API: how to read the files at
// an input's top from the input's own version, how to reroot a single-file
// input, whether modules divide it. A library user
// has no use for these, and loader.Input keeps its fields to itself, so
// the functions live here, set by loader when it is initialized, as
// grpc-go's internal package carries its hidden hooks.
//
// Each variable holds a func whose type its comment gives; it is typed any
// because this package cannot import loader, which imports it. Call them
// through package inputs, which asserts each type once.
package loaderhook

// A FileReader reads files by their path on disk, as one version holds
// them (config.Source is one).
type FileReader interface {
	ReadFile(name string) ([]byte, error)
}

var (
	// ReadTop reads the file at the top of an input (its root, or a git
	// revision's subdir) from the input's own version; name is how
	// messages call it, and ok is false when there is none.
	//	func(ctx context.Context, l *loader.Loader, in loader.Input, file string) (data []byte, name string, ok bool, err error)
	ReadTop any

	// Files returns what reads the files around an input by their path on
	// disk, as the input's version holds them: a git input's index or
	// revision, the disk for the others.
	//	func(ctx context.Context, l *loader.Loader, in loader.Input) FileReader
	Files any

	// RepoRoot returns the top of the work tree of a git input's
	// repository, and the input's subdir in it; top is "" for another
	// input, or one that git cannot open.
	//	func(ctx context.Context, l *loader.Loader, in loader.Input) (top, subdir string)
	RepoRoot any

	// Modular reports whether a configuration's modules divide an input: a
	// directory or a git revision; not a descriptor set, built from one
	// module.
	//	func(in loader.Input) bool
	Modular any

	// File returns, for a single .proto file given as the input, its path
	// relative to the input's Dir, and whether the other files of its
	// package are checked too; "" for another input.
	//	func(in loader.Input) (file string, packageFiles bool)
	File any

	// Reroot returns a single-file input rooted at dir, a directory above
	// its file; ok is false when dir does not hold the file or the input
	// is not a single file.
	//	func(in loader.Input, dir string) (out loader.Input, ok bool)
	Reroot any

	// Deps returns the dependency directories an input carries (WithDeps,
	// or a registry module's after Fetch).
	//	func(in loader.Input) []string
	Deps any

	// Path returns the path an input names: the directory (of a single
	// file, the file's directory), the descriptor set or archive file, the
	// repository.
	//	func(in loader.Input) string
	Path any

	// OnDisk reports whether an input's files are files on disk where it
	// names them (a directory, or a file of one); what says what the input
	// is otherwise ("a descriptor set").
	//	func(in loader.Input) (ok bool, what string)
	OnDisk any
)
