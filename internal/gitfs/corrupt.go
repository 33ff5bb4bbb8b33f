package gitfs

import (
	"context"
	"fmt"
	"strings"
)

// Git reports a missing object as if the name were wrong: "not a valid
// object name", "Needed a single revision". A repository that names an
// object it does not hold is damaged (an interrupted copy, a disk error,
// objects deleted by hand), and the user must hear that, not that a
// directory or a revision does not exist: buf says "possible repository
// corruption" there.

// missingObject returns the error for a repository whose name resolves to
// an object it lacks, or nil when name names no object or one it holds.
// what says what the object is to the user.
func (r *Repo) missingObject(ctx context.Context, id, what string) error {
	if id == "" {
		return nil
	}
	if _, err := r.run(ctx, "cat-file", "-e", "--end-of-options", id); err == nil || ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("%s is object %s, which %s lacks: possible repository corruption (run \"git fsck\")", what, id, r.name())
}

// missingRevision reports a revision that a ref or name resolves to an
// object id the repository does not hold. An id the user wrote is not
// looked at: git echoes any 40 hexadecimal digits, held or not, and a
// commit that is not there is an unknown revision.
func (r *Repo) missingRevision(ctx context.Context, rev string) error {
	if isHex(rev) {
		return nil
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev)
	if err != nil {
		return nil
	}
	return r.missingObject(ctx, strings.TrimSpace(string(out)), fmt.Sprintf("revision %q", rev))
}

// missingDir reports a directory that commit's tree lists but whose tree
// object the repository does not hold.
func (r *Repo) missingDir(ctx context.Context, commit, dir string) error {
	out, err := r.run(ctx, "ls-tree", "-z", "--end-of-options", commit, "--", dir)
	if err != nil {
		return nil
	}
	// <mode> SP <type> SP <object> TAB <path> NUL
	rec, _, _ := strings.Cut(string(out), "\x00")
	meta, p, ok := strings.Cut(rec, "\t")
	f := strings.Fields(meta)
	if !ok || p != dir || len(f) != 3 || f[1] != "tree" {
		return nil
	}
	return r.missingObject(ctx, f[2], fmt.Sprintf("directory %q of commit %s", dir, commit))
}
