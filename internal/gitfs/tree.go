package gitfs

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Entry is a regular file in a tree or in the index.
type Entry struct {
	// Path is relative to the directory that was listed, with forward
	// slashes on every system.
	Path string
	// Blob is the id of the file's contents, for [Repo.ReadBlobs].
	Blob string
	// Size is the length of the contents in bytes.
	Size int64
	// Executable reports whether the file has mode 100755.
	Executable bool
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
	out, err := r.run(ctx, "ls-tree", "-r", "-z", "--long", "--full-tree", "--end-of-options", treeish)
	if err != nil {
		if ctx.Err() == nil && dir != "" {
			return nil, fmt.Errorf("no directory %q in commit %s of %s", dir, commit, r.name())
		}
		return nil, err
	}
	var entries []Entry
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// <mode> SP <type> SP <object> SP <size> TAB <path>
		meta, p, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 4 {
			return nil, fmt.Errorf("git ls-tree in %s: unexpected output %q", r.name(), rec)
		}
		exec, regular := regularMode(f[0])
		if !regular || f[1] != "blob" {
			continue
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("git ls-tree in %s: bad size in %q", r.name(), rec)
		}
		entries = append(entries, Entry{Path: p, Blob: f[2], Size: size, Executable: exec})
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
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	var entries []Entry
	var conflicts []string
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// <mode> SP <object> SP <stage> TAB <path>
		meta, p, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("git ls-files in %s: unexpected output %q", r.name(), rec)
		}
		rel, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		if f[2] != "0" {
			if len(conflicts) == 0 || conflicts[len(conflicts)-1] != p {
				conflicts = append(conflicts, p)
			}
			continue
		}
		exec, regular := regularMode(f[0])
		if !regular {
			continue
		}
		entries = append(entries, Entry{Path: rel, Blob: f[1], Executable: exec})
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("index of %s has unresolved merge conflicts in %s", r.name(), strings.Join(conflicts, ", "))
	}
	// The index does not record sizes of blobs; ask for them all at once.
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Blob
	}
	sizes := make(map[string]int64, len(ids))
	err = r.catFile(ctx, ids, false, func(id string, size int64, _ []byte) {
		sizes[id] = size
	})
	if err != nil {
		return nil, err
	}
	for i := range entries {
		entries[i].Size = sizes[entries[i].Blob]
	}
	sortEntries(entries)
	return entries, nil
}

// regularMode reports whether a git file mode is a regular file, and whether
// it is executable. Symbolic links (120000) and submodules (160000) are not.
func regularMode(mode string) (executable, regular bool) {
	switch mode {
	case "100644":
		return false, true
	case "100755":
		return true, true
	}
	return false, false
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
