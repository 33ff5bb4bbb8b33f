package gitfs

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A Gitlink is a submodule as a commit records it: where it sits and which
// of its commits it is at.
type Gitlink struct {
	// Path is relative to the directory that was listed, with forward
	// slashes.
	Path string
	// Commit is the submodule's commit that the tree records.
	Commit string
}

// Gitlinks lists the submodules under subdir ("" for the whole tree) in
// the commit that rev names, or in the index when rev is "".
func (r *Repo) Gitlinks(ctx context.Context, rev, subdir string) ([]Gitlink, error) {
	dir, err := cleanSubdir(subdir)
	if err != nil {
		return nil, err
	}
	var out []byte
	if rev == "" {
		out, err = r.run(ctx, "ls-files", "--stage", "-z", "--full-name")
	} else {
		var commit string
		if commit, err = r.Resolve(ctx, rev); err != nil {
			return nil, err
		}
		out, err = r.run(ctx, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit)
	}
	if err != nil {
		return nil, err
	}
	var links []Gitlink
	// ls-tree: <mode> SP commit SP <object> TAB <path>;
	// ls-files: <mode> SP <object> SP <stage> TAB <path>.
	cmd := "ls-tree"
	if rev == "" {
		cmd = "ls-files"
	}
	err = r.records(out, cmd, func(f []string, p string) {
		id := f[2]
		if rev == "" {
			id = f[1]
		}
		if rel, ok := under(p, dir); ok && f[0] == "160000" {
			links = append(links, Gitlink{Path: rel, Commit: id})
		}
	})
	if err != nil {
		return nil, err
	}
	return links, nil
}

// under returns p relative to dir, when p lies below it.
func under(p, dir string) (string, bool) {
	if dir == "" {
		return p, true
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rest, true
	}
	return "", false
}

// Submodule opens the repository of the submodule at p, a path from the
// top of r's tree, and checks that it holds commit: checked out in r's
// work tree, or kept under r's git directory (modules/), which is where
// git keeps a submodule's objects.
func (r *Repo) Submodule(ctx context.Context, p, commit string) (*Repo, error) {
	var candidates []string
	if r.root != "" {
		candidates = append(candidates, filepath.Join(r.root, filepath.FromSlash(p)))
	}
	candidates = append(candidates, filepath.Join(r.gitDir, "modules", filepath.FromSlash(p)))
	for _, c := range candidates {
		if _, err := os.Stat(c); err != nil {
			continue
		}
		sub, err := Open(ctx, c)
		if err != nil || sub.gitDir == r.gitDir {
			continue // not initialised: the directory belongs to r
		}
		if _, err := sub.run(ctx, "cat-file", "-e", "--end-of-options", commit+"^{commit}"); err != nil {
			continue
		}
		return sub, nil
	}
	return nil, fmt.Errorf("submodule %s: commit %s is not present in this clone; run \"git submodule update --init --recursive\" to fetch it, or leave out recurse_submodules",
		path.Clean(p), commit)
}
