package gitfs

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Entry is a regular file in a tree or in the index.
type Entry struct {
	// Path is relative to the directory that was listed, with forward
	// slashes on every system.
	Path string
	// Blob is the id of the file's contents, for [Repo.ReadBlobs].
	Blob string
}

// Tree lists the regular files under subdir ("" for the whole tree) in the
// commit that rev names, sorted by path. Symbolic links and submodules are
// left out: their targets are not part of the commit's contents.
func (r *Repo) Tree(ctx context.Context, rev, subdir string) ([]Entry, error) {
	dir, err := cleanSubdir(subdir)
	if err != nil {
		return nil, err
	}
	commit, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	treeish := commit
	if dir != "" {
		treeish += ":" + dir
	}
	// No --long: sizes would make git read every blob twice, once here and
	// once in ReadBlobs, which doubles the time on unpacked objects.
	out, err := r.run(ctx, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", treeish)
	if err != nil {
		msg := strings.ToLower(err.Error())
		if dir != "" && (strings.Contains(msg, "not a valid object name") || strings.Contains(msg, "not a tree object")) {
			if err := r.missingDir(ctx, commit, dir); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("no directory %q in commit %s of %s", dir, commit, r.name())
		}
		return nil, err
	}
	var entries []Entry
	// <mode> SP <type> SP <object> TAB <path>
	err = r.records(out, "ls-tree", func(f []string, p string) {
		if isRegular(f[0]) && f[1] == "blob" {
			entries = append(entries, Entry{Path: p, Blob: f[2]})
		}
	})
	if err != nil {
		return nil, err
	}
	sortEntries(entries)
	return entries, nil
}

// StagedTree lists the regular files under subdir ("" for the whole tree)
// in the index, sorted by path: what the next commit would hold, which is
// what a pre-commit hook must check rather than the work tree. It honours
// GIT_INDEX_FILE, which git sets when committing only some paths. Files with
// unresolved merge conflicts are an error, since their contents are not
// decided yet.
func (r *Repo) StagedTree(ctx context.Context, subdir string) ([]Entry, error) {
	dir, err := cleanSubdir(subdir)
	if err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "ls-files", "--stage", "-z", "--full-name")
	if err != nil {
		return nil, err
	}
	var entries []Entry
	var conflicts []string
	// <mode> SP <object> SP <stage> TAB <path>
	err = r.records(out, "ls-files", func(f []string, p string) {
		rel, ok := under(p, dir)
		switch {
		case !ok:
		case f[2] != "0":
			if len(conflicts) == 0 || conflicts[len(conflicts)-1] != p {
				conflicts = append(conflicts, p)
			}
		case isRegular(f[0]):
			entries = append(entries, Entry{Path: rel, Blob: f[1]})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("index of %s has unresolved merge conflicts in %s", r.name(), strings.Join(conflicts, ", "))
	}
	sortEntries(entries)
	return entries, nil
}

// records calls fn with the three fields and the path of each record of
// the NUL-separated output of git ls-tree or git ls-files --stage (cmd).
func (r *Repo) records(out []byte, cmd string, fn func(f []string, path string)) error {
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, p, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return fmt.Errorf("git %s in %s: unexpected output %q", cmd, r.name(), rec)
		}
		fn(f, p)
	}
	return nil
}

// isRegular reports whether a git file mode is that of a regular file, as
// symbolic links (120000) and submodules (160000) are not.
func isRegular(mode string) bool {
	return mode == "100644" || mode == "100755"
}

// cleanSubdir returns subdir in the form git uses in paths, "" for the top.
func cleanSubdir(subdir string) (string, error) {
	if subdir == "" {
		return "", nil
	}
	clean := path.Clean(subdir)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.ContainsAny(clean, "\\\x00\n") {
		return "", fmt.Errorf("invalid subdir %q: want a relative path inside the repository, with forward slashes", subdir)
	}
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

func sortEntries(entries []Entry) {
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
}
