// Package schema holds the one type that every step of a check passes on:
// a Schema, one version of a set of .proto files, linked. The loader
// returns it (loader.Load, loader.LoadPair), and the rules (compat.Check),
// the prover (roundtrip.Check) and the fixer take it as the loader
// returned it. A program that builds descriptors in memory (with
// protodesc, say) makes one itself from its files.
//
// The package imports nothing of the module's, so that a program that
// checks descriptors it built pays for no compiler and no git.
package schema

import "google.golang.org/protobuf/reflect/protoreflect"

// A Schema is one version of a set of .proto files. A Schema with Files
// alone is complete: every file of the version is in Files. The loader's
// selective compile (loader.LoadPair) leaves out of Files the files that
// are the same in both versions, and says so in Paths and Packages: pass
// its Schemas on as they are, since a Schema rebuilt from Files alone
// would lose the files left out, and the rules would see them deleted.
//
// The rules, the prover and the fixer only read a Schema: any number of
// them may read the same one at once.
type Schema struct {
	// Files are the version's files to check, linked, sorted by path.
	// Files they import from elsewhere (dependencies, well-known types)
	// are consulted but never reported on unless listed too.
	Files []protoreflect.FileDescriptor
	// Paths lists every file of the version, including those left out of
	// Files. Nil means the paths of Files.
	Paths []string
	// Packages gives the package of each path of Paths that is not in
	// Files, when it is known (loader.LoadPair fills it). A file left out
	// is identical in both versions, but package-level rules (is a
	// package still there?) must still count it.
	Packages map[string]string
	// Notes say what of the input the loader left out, and why, such as
	// a file it could not read; nil for a Schema built in memory.
	Notes []string
}
