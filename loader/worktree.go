package loader

import (
	"context"
	"strings"
)

// The methods below answer what a check without --against asks to pick
// its versions (internal/cli/baseline.go): what is staged, what a commit
// being made will have as parents, where a branch forked.

// Status lists the files under the pathspecs paths (relative to the top of
// the work tree) that are staged, which the index changes from HEAD, and
// unstaged, which the work tree changes from the index or git does not
// track. It takes no lock, so a hook may call it while git commits.
func (r *Repository) Status(ctx context.Context, paths []string) (staged, unstaged []string, err error) {
	return r.r.Status(ctx, paths)
}

// HasStagedProto reports whether the index holds a .proto file under
// subdir ("" for the whole tree).
func (r *Repository) HasStagedProto(ctx context.Context, subdir string) (bool, error) {
	entries, err := r.r.StagedTree(ctx, subdir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Path, ".proto") {
			return true, nil
		}
	}
	return false, nil
}

// Parents returns the parents of the commit that rev names, first parent
// first.
func (r *Repository) Parents(ctx context.Context, rev string) ([]string, error) {
	return r.r.Parents(ctx, rev)
}

// MergeBase returns the best common ancestor of a and b, or "" when they
// have none that the repository holds.
func (r *Repository) MergeBase(ctx context.Context, a, b string) (string, error) {
	return r.r.MergeBase(ctx, a, b)
}

// Upstream returns the branch that HEAD's branch tracks, such as
// "origin/main", or "".
func (r *Repository) Upstream(ctx context.Context) string { return r.r.Upstream(ctx) }

// MergeHeads returns the commits that a merge in progress (MERGE_HEAD)
// merges into HEAD; none when no merge is in progress.
func (r *Repository) MergeHeads(ctx context.Context) ([]string, error) {
	return r.r.MergeHeads(ctx)
}

// FetchHeads returns the commits that `git pull` merges after its fetch
// (FETCH_HEAD's lines not marked not-for-merge).
func (r *Repository) FetchHeads(ctx context.Context) ([]string, error) {
	return r.r.FetchHeads(ctx)
}

// Merges returns the parents of each merge commit on the first-parent
// line from to back to from, first parent first: those after the first
// are the branches merged into the line.
func (r *Repository) Merges(ctx context.Context, from, to string) ([][]string, error) {
	return r.r.Merges(ctx, from, to)
}
