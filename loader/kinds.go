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
type kindOps interface {
	// dir is the directory on disk that holds the input's files.
	dir(in Input) string
	// narrow returns the input narrowed to root, a directory below it.
	narrow(in Input, root string) Input
	// sibling returns the directory rel of the same source (relative to
	// the input, which it may climb out of), as importRoots holds it; ok
	// is false when the source has none there.
	sibling(in Input, rel string) (root string, ok bool)
	// withRoot returns the input of the same source rooted at root, an
	// entry of Input.importRoots.
	withRoot(in Input, root string) (Input, error)
	// shownRoot is the input's root as Display prints it.
	shownRoot(in Input) string
	// open lists the input's files.
	open(ctx context.Context, l *Loader, in Input) (*Tree, error)
	// files reads the files around the input as its version holds them.
	files(ctx context.Context, l *Loader, in Input) fileReader
	// readTop reads the file at the input's top (its root, or subdir) from
	// the input's own version; name is how messages call it, ok is false
	// when there is none.
	readTop(ctx context.Context, l *Loader, in Input, file string) (data []byte, name string, ok bool, err error)
	// modular reports whether a configuration's modules divide the input.
	modular() bool
	// what names the kind of the input for a message, with its article.
	what(in Input) string
}

// kind returns the kind of the input.
func (in Input) ops() kindOps {
	switch in.kind {
	case dirInput:
		return dirKind{}
	case gitInput:
		return gitKind{}
	case setInput:
		return setKind{}
	}
	return unfetchedKind{}
}

// dirKind is a directory on disk (also an archive once unpacked).
type dirKind struct{}

func (dirKind) dir(in Input) string { return in.path }

func (dirKind) modular() bool { return true }

func (dirKind) what(Input) string { return "a directory" }

func (dirKind) sibling(in Input, rel string) (string, bool) {
	return filepath.Join(in.path, filepath.FromSlash(rel)), true
}

func (dirKind) readTop(_ context.Context, _ *Loader, in Input, file string) ([]byte, string, bool, error) {
	name := filepath.Join(in.path, file)
	data, err := diskReader{}.ReadFile(name)
	if err != nil {
		return nil, name, false, nil
	}
	return data, name, true, nil
}

func (dirKind) narrow(in Input, root string) Input {
	in.path = filepath.Join(in.path, filepath.FromSlash(root))
	if in.unpacked {
		in.shown = path.Join(in.shown, root)
		in.raw = fmt.Sprintf("%s (module %s)", in.raw, root)
		return in
	}
	in.raw = in.path
	return in
}

func (dirKind) withRoot(in Input, root string) (Input, error) {
	in.path = root
	return in, nil
}

func (dirKind) shownRoot(in Input) string {
	if in.unpacked {
		return in.shown
	}
	p := filepath.Clean(in.path)
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

func (dirKind) files(context.Context, *Loader, Input) fileReader { return diskReader{} }

// gitKind is a revision (or the index) of a repository on disk.
type gitKind struct{}

func (gitKind) dir(in Input) string {
	dir := in.path
	if filepath.Base(dir) == ".git" {
		dir = filepath.Dir(dir)
	}
	return filepath.Join(dir, filepath.FromSlash(in.subdir))
}

func (gitKind) narrow(in Input, root string) Input {
	in.subdir = path.Join(in.subdir, root)
	in.raw = fmt.Sprintf("%s (module %s)", in.raw, root)
	return in
}

func (gitKind) withRoot(in Input, root string) (Input, error) {
	in.subdir = root
	return in, nil
}

func (gitKind) shownRoot(in Input) string { return in.subdir }

func (gitKind) modular() bool { return true }

func (gitKind) what(Input) string { return "a git revision" }

func (gitKind) sibling(in Input, rel string) (string, bool) {
	p := path.Join(in.subdir, rel)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	if p == "." {
		p = ""
	}
	return p, true
}

func (gitKind) readTop(ctx context.Context, l *Loader, in Input, file string) ([]byte, string, bool, error) {
	v, err := l.openVersion(ctx, in)
	if err != nil {
		return nil, "", false, nil // the loader says what is wrong when it loads in
	}
	data, ok, err := v.ReadFile(ctx, path.Join(in.subdir, file))
	return data, in.raw + "/" + file, ok, err
}

func (gitKind) open(ctx context.Context, l *Loader, in Input) (*Tree, error) {
	return l.openGit(ctx, in)
}

// files reads the index or the revision (a pre-commit hook checks the
// staged files: an unstaged edit to buf.yaml must not change what it
// checks); files outside the repository, from disk.
func (gitKind) files(ctx context.Context, l *Loader, in Input) fileReader {
	v, err := l.openVersion(ctx, in)
	if err != nil {
		return diskReader{} // Open says what is wrong
	}
	return versionReader{ctx: ctx, v: v}
}

// setKind is a descriptor set or buf image: one module, named by the
// paths it holds, with no directory of its own.
type setKind struct{}

func (setKind) dir(Input) string { return "." }

// modular is false: a set built from one module is that module.
func (setKind) modular() bool { return false }

func (setKind) what(Input) string { return "a descriptor set" }

func (setKind) sibling(Input, string) (string, bool) { return "", false }

func (setKind) readTop(context.Context, *Loader, Input, string) ([]byte, string, bool, error) {
	return nil, "", false, nil
}

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

func (setKind) files(context.Context, *Loader, Input) fileReader { return diskReader{} }

// unfetchedKind is an archive or a remote repository before Fetch: it has
// no files here yet.
type unfetchedKind struct{ setKind }

func (unfetchedKind) what(in Input) string {
	switch in.kind {
	case remoteInput:
		return "a remote repository"
	case moduleInput:
		return "a registry module"
	}
	return "an archive"
}

var errUnfetched = errors.New("an archive or a remote repository must be fetched first (loader.Fetch)")

func (unfetchedKind) open(_ context.Context, _ *Loader, in Input) (*Tree, error) {
	return nil, fmt.Errorf("input %s: %w", in, errUnfetched)
}
