package protocheck

import (
	"context"
	"path"
	"path/filepath"
	"strings"

	"github.com/protocheck/protocheck/loader"
)

// What follows is what the driver asks of an input beyond loading it, told
// from the input's exported fields: whether a configuration's modules
// divide it, where a sibling module of the same version is, and how to
// read a configuration file at its top from its own version.

// stagedInput returns the input for the files staged in the repository at
// repo, below subdir.
func stagedInput(repo, subdir string) loader.Input {
	raw := repo + "#index"
	if subdir != "" {
		raw += ",subdir=" + subdir
	}
	return loader.Input{Kind: loader.Git, Path: repo, RefKind: "index", Subdir: subdir, Raw: raw}
}

// modular reports whether a configuration's modules divide the input: a
// directory or a repository does; a descriptor set, built from one module,
// is that module (and an input not fetched yet has no files to divide).
func modular(in loader.Input) bool { return in.Kind == loader.Dir || in.Kind == loader.Git }

// sibling returns, as Input.ImportRoots takes it, the directory rel
// (relative to the input, which it may climb out of) of the same source;
// ok is false when it has none there (a git input's directory above the
// repository, a descriptor set).
func sibling(in loader.Input, rel string) (root string, ok bool) {
	switch in.Kind {
	case loader.Dir:
		return filepath.Join(in.Path, filepath.FromSlash(rel)), true
	case loader.Git:
		p := path.Join(in.Subdir, rel)
		if p == ".." || strings.HasPrefix(p, "../") {
			return "", false
		}
		if p == "." {
			p = ""
		}
		return p, true
	}
	return "", false
}

// readTop reads the file at the top of the input (its root, or subdir),
// from the input's own version; name is how messages should call it, and
// ok is false when there is none (or the input is a descriptor set). An
// input the loader cannot open has none: loading it says what is wrong.
func readTop(ctx context.Context, l *loader.Loader, in loader.Input, file string) (data []byte, name string, ok bool, err error) {
	switch in.Kind {
	case loader.Dir:
		name := filepath.Join(in.Path, file)
		data, err := l.Files(ctx, in).ReadFile(name)
		if err != nil {
			return nil, name, false, nil
		}
		return data, name, true, nil
	case loader.Git:
		v, err := l.OpenVersion(ctx, in)
		if err != nil {
			return nil, "", false, nil
		}
		data, ok, err := v.ReadFile(ctx, path.Join(in.Subdir, file))
		return data, in.Raw + "/" + file, ok, err
	}
	return nil, "", false, nil
}
