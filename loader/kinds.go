package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A kind is what one kind of input does. Input's methods and the Loader
// ask the kind of an input; nothing else tells kinds apart.
type kind interface {
	// dir is the directory on disk that holds the input's files.
	dir(in Input) string
	// narrow returns the input narrowed to root, a directory below it.
	narrow(in Input, root string) Input
	// withRoot returns the input of the same source rooted at root, an
	// entry of Input.ImportRoots.
	withRoot(in Input, root string) (Input, error)
	// shownRoot is the input's root as Display prints it.
	shownRoot(in Input) string
	// open lists the input's files.
	open(ctx context.Context, l *Loader, in Input) (*Tree, error)
	// files reads the files around the input as its version holds them.
	files(ctx context.Context, l *Loader, in Input) FileReader
}

// kind returns the kind of the input.
func (in Input) kind() kind {
	switch in.Kind {
	case Dir:
		return dirKind{}
	case Git:
		return gitKind{}
	case DescriptorSet:
		return setKind{}
	}
	return unfetchedKind{}
}

// dirKind is a directory on disk (also an archive once unpacked).
type dirKind struct{}

func (dirKind) dir(in Input) string { return in.Path }

func (dirKind) narrow(in Input, root string) Input {
	in.Path = filepath.Join(in.Path, filepath.FromSlash(root))
	if in.unpacked {
		in.shown = path.Join(in.shown, root)
		in.Raw = fmt.Sprintf("%s (module %s)", in.Raw, root)
		return in
	}
	in.Raw = in.Path
	return in
}

func (dirKind) withRoot(in Input, root string) (Input, error) {
	in.Path = root
	return in, nil
}

func (dirKind) shownRoot(in Input) string {
	if in.unpacked {
		return in.shown
	}
	p := filepath.Clean(in.Path)
	if !filepath.IsAbs(p) && (p == ".." || strings.HasPrefix(p, ".."+string(filepath.Separator))) {
		// buf names such a directory from the working directory:
		// ../repo/proto seen from repo is proto.
		if abs, err := filepath.Abs(p); err == nil {
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, abs); err == nil {
					p = rel
				}
			}
		}
	}
	if p == "." {
		return ""
	}
	return filepath.ToSlash(p)
}

func (dirKind) open(ctx context.Context, l *Loader, in Input) (*Tree, error) {
	return l.openDir(ctx, in)
}

func (dirKind) files(context.Context, *Loader, Input) FileReader { return diskReader{} }

// gitKind is a revision (or the index) of a repository on disk.
type gitKind struct{}

func (gitKind) dir(in Input) string {
	dir := in.Path
	if filepath.Base(dir) == ".git" {
		dir = filepath.Dir(dir)
	}
	return filepath.Join(dir, filepath.FromSlash(in.Subdir))
}

func (gitKind) narrow(in Input, root string) Input {
	in.Subdir = path.Join(in.Subdir, root)
	in.Raw = fmt.Sprintf("%s (module %s)", in.Raw, root)
	return in
}

func (gitKind) withRoot(in Input, root string) (Input, error) {
	in.Subdir = root
	return in, nil
}

func (gitKind) shownRoot(in Input) string { return in.Subdir }

func (gitKind) open(ctx context.Context, l *Loader, in Input) (*Tree, error) {
	return l.openGit(ctx, in)
}

// files reads the index or the revision (a pre-commit hook checks the
// staged files: an unstaged edit to buf.yaml must not change what it
// checks); files outside the repository, from disk.
func (gitKind) files(ctx context.Context, l *Loader, in Input) FileReader {
	v, err := l.OpenVersion(ctx, in)
	if err != nil {
		return diskReader{} // Open says what is wrong
	}
	return versionReader{ctx: ctx, v: v}
}

// setKind is a descriptor set or buf image: one module, named by the
// paths it holds, with no directory of its own.
type setKind struct{}

func (setKind) dir(Input) string { return "." }

// narrow keeps the set whole: it names its files from the root of the
// module it was built from (buf build writes one per module).
func (setKind) narrow(in Input, _ string) Input { return in }

func (setKind) withRoot(in Input, _ string) (Input, error) {
	return in, fmt.Errorf("input %s: only directories and git revisions have other roots", in)
}

func (setKind) shownRoot(Input) string { return "" }

func (setKind) open(ctx context.Context, l *Loader, in Input) (*Tree, error) {
	return l.openDescriptorSet(ctx, in)
}

func (setKind) files(context.Context, *Loader, Input) FileReader { return diskReader{} }

// unfetchedKind is an archive or a remote repository before Fetch: it has
// no files here yet.
type unfetchedKind struct{ setKind }

var errUnfetched = errors.New("an archive or a remote repository must be fetched first (loader.Fetch)")

func (unfetchedKind) open(_ context.Context, _ *Loader, in Input) (*Tree, error) {
	return nil, fmt.Errorf("input %s: %w", in, errUnfetched)
}
