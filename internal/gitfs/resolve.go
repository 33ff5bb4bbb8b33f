package gitfs

import (
	"context"
	"fmt"
	"strings"
)

// RefKind says how the name in a [Ref] is to be looked up. The kinds are
// those buf users write after ".git#".
type RefKind string

// The kinds of [Ref].
const (
	// Branch names a local branch, or failing that the branch of the same
	// name on the remote "origin", which is all a fresh CI clone has.
	Branch RefKind = "branch"
	// Tag names a tag; an annotated tag stands for the commit it tags.
	Tag RefKind = "tag"
	// Revision is any revision git understands, such as "HEAD~1".
	Revision RefKind = "ref"
	// Commit is a commit id, in full or abbreviated.
	Commit RefKind = "commit"
)

// Ref is a revision written as buf users write it, such as
// ".git#branch=main" for {Kind: Branch, Name: "main"}. Looking names up by
// kind keeps a tag from being mistaken for a branch of the same name.
type Ref struct {
	Kind RefKind
	Name string
}

// String returns the ref in buf's "kind=name" form.
func (ref Ref) String() string { return string(ref.Kind) + "=" + ref.Name }

// Resolve returns the full id of the commit that rev names. rev may be
// anything git accepts (a branch, a tag, "HEAD~1", a commit id); an
// annotated tag resolves to the commit it tags.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if err := checkRev(rev); err != nil {
		return "", err
	}
	id, stderr, ok := r.verify(ctx, rev)
	if ok {
		return id, nil
	}
	return "", r.unknownRevision(ctx, rev, stderr)
}

// ResolveRef returns the full id of the commit that ref names, looking the
// name up as its kind says.
func (r *Repo) ResolveRef(ctx context.Context, ref Ref) (string, error) {
	if err := checkRev(ref.Name); err != nil {
		return "", err
	}
	switch ref.Kind {
	case Branch:
		for _, full := range []string{"refs/heads/" + ref.Name, "refs/remotes/origin/" + ref.Name} {
			if id, _, ok := r.verify(ctx, full); ok {
				return id, nil
			}
		}
		return "", fmt.Errorf("unknown branch %q in %s (looked for refs/heads/%[1]s and refs/remotes/origin/%[1]s)", ref.Name, r.name())
	case Tag:
		if id, _, ok := r.verify(ctx, "refs/tags/"+ref.Name); ok {
			return id, nil
		}
		return "", fmt.Errorf("unknown tag %q in %s", ref.Name, r.name())
	case Commit:
		if !isHex(ref.Name) || len(ref.Name) < 4 {
			return "", fmt.Errorf("invalid commit %q: want a hexadecimal commit id", ref.Name)
		}
		return r.Resolve(ctx, ref.Name)
	case Revision:
		return r.Resolve(ctx, ref.Name)
	}
	return "", fmt.Errorf("unknown kind of ref %q: want branch, tag, ref or commit", ref.Kind)
}

// checkRev refuses revisions that git could take for an option: git's
// rev-parse cannot be told where its options end in every version in use.
func checkRev(rev string) error {
	switch {
	case rev == "":
		return fmt.Errorf("empty revision")
	case strings.HasPrefix(rev, "-"):
		return fmt.Errorf("invalid revision %q: must not start with '-'", rev)
	case strings.ContainsAny(rev, "\x00\n"):
		return fmt.Errorf("invalid revision %q: contains a control character", rev)
	}
	return nil
}

// verify asks git for the commit that rev names. It returns the id, or
// git's explanation and false.
func (r *Repo) verify(ctx context.Context, rev string) (id, stderr string, ok bool) {
	out, err := r.run(ctx, "rev-parse", "--verify", rev+"^{commit}")
	if err != nil {
		return "", err.Error(), false
	}
	id = strings.TrimSpace(string(out))
	return id, "", id != ""
}

// unknownRevision explains why rev could not be resolved, pointing at a
// shallow clone when that is the likely cause: CI systems clone with depth 1
// by default, and the fix is not obvious from git's own message.
func (r *Repo) unknownRevision(ctx context.Context, rev, stderr string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("resolve %q: %w", rev, ctx.Err())
	}
	if strings.Contains(stderr, "ambiguous") {
		return fmt.Errorf("ambiguous revision %q in %s: use more hexadecimal digits", rev, r.name())
	}
	if err := r.missingRevision(ctx, rev); err != nil {
		return err
	}
	if r.IsShallow(ctx) {
		return fmt.Errorf("unknown revision %q in %s: the repository is a shallow clone and may lack it; run \"git fetch --unshallow\" to fetch the full history", rev, r.name())
	}
	return fmt.Errorf("unknown revision %q in %s", rev, r.name())
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
