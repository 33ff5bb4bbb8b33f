package loader

import (
	"context"
	"strings"

	"github.com/protocheck/protocheck/internal/gitfs"
)

// ErrNotRepository is the cause of the error of OpenRepository for a
// directory that no git repository holds.
var ErrNotRepository = gitfs.ErrNotRepository

// ErrNoGit is the cause of the error of anything that runs git when the git
// program is not installed or not on PATH; errors.Is matches it for git
// only, never for another program missing.
var ErrNoGit = gitfs.ErrNoGit

// A Repository is the git repository that holds a directory input. It
// answers what a command asks of git besides reading an input (the
// baseline of a pre-commit hook, release tags, history), so that git is run
// from one package.
type Repository struct {
	r *gitfs.Repo
}

// OpenRepository opens the repository that holds dir: a work tree, a
// directory in one, a linked work tree or a submodule.
func OpenRepository(ctx context.Context, dir string) (*Repository, error) {
	r, err := gitfs.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	return &Repository{r}, nil
}

// Root returns the top directory of the work tree, or "" for a repository
// without one.
func (r *Repository) Root() string { return r.r.Root() }

// Resolve returns the commit that rev names.
func (r *Repository) Resolve(ctx context.Context, rev string) (string, error) {
	return r.r.Resolve(ctx, rev)
}

// HasProto reports whether the commit that rev names holds a .proto file
// under subdir ("" for the whole tree).
func (r *Repository) HasProto(ctx context.Context, rev, subdir string) bool {
	entries, err := r.r.Tree(ctx, rev, subdir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Path, ".proto") {
			return true
		}
	}
	return false
}

// Tags returns the tags that glob matches, in version order.
func (r *Repository) Tags(ctx context.Context, glob string) ([]string, error) {
	return r.r.Tags(ctx, glob)
}

// History returns the last n commits from rev that changed path, newest
// first.
func (r *Repository) History(ctx context.Context, rev string, n int, path string) ([]string, error) {
	return r.r.History(ctx, rev, n, path)
}

// IsShallow reports whether the repository is a shallow clone, whose
// history stops early.
func (r *Repository) IsShallow(ctx context.Context) bool { return r.r.IsShallow(ctx) }

// A gitVersion is what one git input reads from: a revision of a repository,
// or its index.
type gitVersion struct {
	r   *gitfs.Repo
	rev string // "" for the index
}

// openVersion opens the version that the git input in names.
func (l *Loader) openVersion(ctx context.Context, in Input) (*gitVersion, error) {
	r, err := l.openRepo(ctx, l.abs(in.path))
	if err != nil {
		return nil, err
	}
	v := &gitVersion{r: r}
	if in.refKind != staged {
		if v.rev, err = r.ResolveRef(ctx, gitfs.Ref{Kind: gitfs.RefKind(in.refKind), Name: in.ref}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Root returns the top directory of the repository's work tree, or "".
func (v *gitVersion) Root() string { return v.r.Root() }

// ReadFile reads the file at path, from the top of the repository, as the
// version holds it; ok is false when it holds none.
func (v *gitVersion) ReadFile(ctx context.Context, path string) (data []byte, ok bool, err error) {
	if v.rev != "" {
		return v.r.ReadFileAt(ctx, v.rev, path) // resolved by openVersion
	}
	return v.r.ReadFile(ctx, v.rev, path)
}

// openRepo opens the repository that holds dir, once per Loader: a check
// looks for its configuration files in a git input, and reads the input,
// through several opens, each of which would ask git where the
// repository is. Where a directory's repository is does not change during
// a run; what its refs name may, and is asked each time.
func (l *Loader) openRepo(ctx context.Context, dir string) (*gitfs.Repo, error) {
	if r, ok := l.repos.Load(dir); ok {
		return r.(*gitfs.Repo), nil
	}
	r, err := gitfs.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	l.repos.Store(dir, r)
	return r, nil
}
