package gitfs

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Status lists the files under the pathspecs paths (relative to the top of
// the work tree, taken literally) that the index changes from HEAD
// (staged) and that the work tree changes from the index, untracked files
// included (unstaged). It takes no lock and writes nothing: a hook may run
// it while git holds the index.
func (r *Repo) Status(ctx context.Context, paths []string) (staged, unstaged []string, err error) {
	args := []string{"--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--ignore-submodules=all", "--"}
	for _, p := range paths {
		if p == "" || p == "." {
			args = append(args, ":/") // the whole tree
			continue
		}
		args = append(args, ":(top,literal)"+p)
	}
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, nil, err
	}
	// XY SP PATH NUL: X is the index against HEAD, Y the work tree
	// against the index; "??" an untracked file.
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) < 4 {
			continue
		}
		x, y, p := rec[0], rec[1], string(rec[3:])
		if x == '?' {
			unstaged = append(unstaged, p)
			continue
		}
		if x != ' ' {
			staged = append(staged, p)
		}
		if y != ' ' {
			unstaged = append(unstaged, p)
		}
	}
	return staged, unstaged, nil
}

// Parents returns the parents of the commit that rev names, first parent
// first; none for a root commit.
func (r *Repo) Parents(ctx context.Context, rev string) ([]string, error) {
	commit, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "rev-list", "--parents", "--max-count=1", "--end-of-options", commit)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return nil, nil
	}
	return f[1:], nil
}

// MergeBase returns the best common ancestor of a and b, or "" when they
// have none (or a shallow clone lacks it).
func (r *Repo) MergeBase(ctx context.Context, a, b string) (string, error) {
	ca, err := r.Resolve(ctx, a)
	if err != nil {
		return "", err
	}
	cb, err := r.Resolve(ctx, b)
	if err != nil {
		return "", err
	}
	cmd := r.command(ctx, "merge-base", "--end-of-options", ca, cb)
	out, err := cmd.Output()
	var exit interface{ ExitCode() int }
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return "", nil // no common ancestor
	}
	if err != nil {
		return "", commandError(ctx, cmd, nil, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Upstream returns the name of the branch that HEAD's branch tracks, such
// as "origin/main", or "" when HEAD is detached or tracks none.
func (r *Repo) Upstream(ctx context.Context) string {
	out, err := r.run(ctx, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// MergeHeads returns the commits that a merge in progress merges into
// HEAD, from MERGE_HEAD, which git writes when a merge stops before its
// commit (a conflict, or --no-commit); none when no merge is in progress.
func (r *Repo) MergeHeads(ctx context.Context) ([]string, error) {
	return r.headFile(ctx, "MERGE_HEAD", func(line string) (string, bool) {
		id, _, _ := strings.Cut(line, " ")
		return id, isHex(id)
	})
}

// FetchHeads returns the commits that the last fetch marked for merging,
// which `git pull` merges: the lines of FETCH_HEAD not marked not-for-merge.
func (r *Repo) FetchHeads(ctx context.Context) ([]string, error) {
	return r.headFile(ctx, "FETCH_HEAD", func(line string) (string, bool) {
		id, rest, _ := strings.Cut(line, "\t")
		return id, isHex(id) && !strings.HasPrefix(rest, "not-for-merge")
	})
}

// headFile reads the commit ids that keep returns of the lines of the
// file name in the git directory (the work tree's own, for a linked one).
func (r *Repo) headFile(ctx context.Context, name string, keep func(line string) (string, bool)) ([]string, error) {
	out, err := r.run(ctx, "rev-parse", "--git-path", name)
	if err != nil {
		return nil, err
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		dir := r.root // where command runs git
		if dir == "" {
			dir = r.gitDir
		}
		p = filepath.Join(dir, p)
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if id, ok := keep(strings.TrimSpace(line)); ok && line != "" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Merges returns the parents of each merge commit on the first-parent
// line from to back to (not including) from, first parent first: those
// after the first are the branches merged into the line.
func (r *Repo) Merges(ctx context.Context, from, to string) ([][]string, error) {
	cf, err := r.Resolve(ctx, from)
	if err != nil {
		return nil, err
	}
	ct, err := r.Resolve(ctx, to)
	if err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "rev-list", "--first-parent", "--merges", "--parents", "--end-of-options", ct, "^"+cf)
	if err != nil {
		return nil, err
	}
	var merged [][]string
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) > 2 {
			merged = append(merged, f[1:])
		}
	}
	return merged, nil
}
