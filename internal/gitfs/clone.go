package gitfs

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Fetch makes dir (an empty directory) a repository holding the commit that
// ref names in the repository at url, with depth commits of history, and
// returns it and the commit. Only what ref needs is fetched: a branch or a
// tag by its name; a revision relative to a name (HEAD~2, main^) as that
// name with enough history; a full commit id by itself. An abbreviated id
// needs the branches and tags searched.
func Fetch(ctx context.Context, url, dir string, ref Ref, depth int) (*Repo, string, error) {
	if err := checkRev(ref.Name); err != nil {
		return nil, "", err
	}
	if _, err := git(ctx, dir, "init", "--quiet", "--template=", dir); err != nil {
		return nil, "", err
	}
	r, err := Open(ctx, dir)
	if err != nil {
		return nil, "", err
	}
	fetch := func(refspecs ...string) error {
		args := []string{"fetch", "--quiet", "--no-tags", "--depth=" + strconv.Itoa(depth), url}
		cmd := r.command(ctx, append(args, refspecs...)...)
		// A remote that asks for a password must fail, not wait for one.
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
		if os.Getenv("GIT_SSH_COMMAND") == "" && os.Getenv("GIT_SSH") == "" {
			cmd.Env = append(cmd.Env, "GIT_SSH_COMMAND=ssh -o BatchMode=yes")
		}
		_, err := output(ctx, cmd)
		return err
	}
	base, suffix := ref.Name, ""
	switch ref.Kind {
	case Branch:
		err = fetch("+refs/heads/" + ref.Name + ":refs/remotes/origin/" + ref.Name)
	case Tag:
		err = fetch("+refs/tags/" + ref.Name + ":refs/tags/" + ref.Name)
	case Commit, Revision:
		if i := strings.IndexAny(ref.Name, "~^"); i > 0 {
			base, suffix = ref.Name[:i], ref.Name[i:]
		}
		if isHex(base) && len(base) < 40 {
			// An abbreviated id cannot be asked for: fetch the branches
			// and tags, and find it among them.
			err = fetch("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
			if err == nil {
				id, resolveErr := r.Resolve(ctx, ref.Name)
				return r, id, resolveErr
			}
			break
		}
		err = fetch(base)
	default:
		return nil, "", fmt.Errorf("unknown kind of ref %q: want branch, tag, ref or commit", ref.Kind)
	}
	if err != nil {
		return nil, "", fmt.Errorf("fetching %s from %s: %w", ref, url, err)
	}
	rev := "FETCH_HEAD" + suffix
	switch ref.Kind {
	case Branch:
		rev = "refs/remotes/origin/" + ref.Name
	case Tag:
		rev = "refs/tags/" + ref.Name
	}
	id, stderr, ok := r.verify(ctx, rev)
	if !ok {
		if suffix != "" {
			return nil, "", fmt.Errorf("%s is not in the last %d commits fetched from %s (raise depth=): %s", ref, depth, url, firstLine([]byte(stderr)))
		}
		return nil, "", r.unknownRevision(ctx, rev, stderr)
	}
	return r, id, nil
}
