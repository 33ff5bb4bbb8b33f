package loader

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/internal/gitfs"
)

// staged is the refKind of a git input that reads the index, the files
// staged for the next commit, instead of a revision. Pre-commit hooks check
// it against HEAD.
const staged = "index"

func (l *Loader) openGit(ctx context.Context, in Input) (*Tree, error) {
	dir := l.abs(in.path)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("input %s: not a git repository: %s does not exist", in, in.path)
	}
	repo, err := l.openRepo(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, err)
	}
	rev := "" // the index
	if in.refKind != staged {
		if rev, err = repo.ResolveRef(ctx, gitfs.Ref{Kind: gitfs.RefKind(in.refKind), Name: in.ref}); err != nil {
			return nil, fmt.Errorf("input %s: %w", in, err)
		}
	}
	var files []gitFile
	if in.recurseSubmodules {
		files, err = listWithSubmodules(ctx, repo, rev, in.subdir, 0)
	} else {
		files, err = list(ctx, repo, rev, in.subdir)
	}
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, err)
	}
	t := &Tree{Input: in, loader: l}
	t.display = in.Display
	if in.localDepth > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("input %s: depth=%d is ignored: it limits the clone of a remote repository, and a local one is read with all the history it holds", in, in.localDepth))
	}
	byPath := make(map[string]gitFile)
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".proto") {
			continue
		}
		if len(t.Files) >= MaxFiles {
			return nil, fmt.Errorf("input %s: more than %d .proto files", in, MaxFiles)
		}
		t.Files = append(t.Files, File{Path: f.Path, Digest: f.Blob})
		byPath[f.Path] = f
	}
	if len(t.Files) == 0 {
		where := "the revision"
		if in.subdir != "" {
			where = in.subdir + " in the revision"
		}
		return nil, fmt.Errorf("input %s: %w in %s", in, ErrNoFiles, where)
	}
	slices.SortFunc(t.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	// The compiler asks for files one at a time; git answers best in one
	// batch, one process per repository (a submodule has its own). A
	// comparison needs few of a large tree's files: those who know a list
	// of files read it in one batch (Tree.prefetch), and after a few single
	// reads the rest of the tree comes in one batch, for a compile of
	// every file.
	var (
		mu       sync.Mutex
		contents = make(map[string][]byte) // by path
		misses   int
	)
	fetch := func(ctx context.Context, paths []string) error {
		byRepo := make(map[*gitfs.Repo][]gitFile)
		mu.Lock()
		for _, p := range paths {
			if f, ok := byPath[p]; ok {
				if _, done := contents[p]; !done {
					byRepo[f.repo] = append(byRepo[f.repo], f)
				}
			}
		}
		mu.Unlock()
		for r, fs := range byRepo {
			ids := make([]string, len(fs))
			for i, f := range fs {
				ids[i] = f.Blob
			}
			blobs, err := r.ReadBlobs(ctx, ids)
			if err != nil {
				return fmt.Errorf("input %s: %w", in, err)
			}
			mu.Lock()
			for _, f := range fs {
				contents[f.Path] = blobs[f.Blob]
			}
			mu.Unlock()
		}
		return nil
	}
	t.prefetch = fetch
	t.read = func(ctx context.Context, p string) ([]byte, error) {
		if _, ok := byPath[p]; !ok {
			return nil, fs.ErrNotExist
		}
		mu.Lock()
		data, ok := contents[p]
		want := []string{p}
		if !ok {
			if misses++; misses > maxSingleReads {
				want = t.Paths()
			}
		}
		mu.Unlock()
		if !ok {
			if err := fetch(ctx, want); err != nil {
				return nil, err
			}
			mu.Lock()
			data = contents[p]
			mu.Unlock()
		}
		if len(data) > MaxFileSize {
			return nil, fmt.Errorf("file is larger than %d MiB", MaxFileSize>>20)
		}
		return data, nil
	}
	return t, nil
}

// maxSingleReads is how many files a git input reads one process each
// before it reads the rest of its files in one.
const maxSingleReads = 16

// A gitFile is a file of a git input, and the repository that holds its
// contents: the input's, or a submodule's.
type gitFile struct {
	gitfs.Entry
	repo *gitfs.Repo
}

// list lists the files under subdir of a revision (rev) or the index ("").
func list(ctx context.Context, repo *gitfs.Repo, rev, subdir string) ([]gitFile, error) {
	var entries []gitfs.Entry
	var err error
	if rev == "" {
		entries, err = repo.StagedTree(ctx, subdir)
	} else {
		entries, err = repo.Tree(ctx, rev, subdir)
	}
	out := make([]gitFile, len(entries))
	for i, e := range entries {
		out[i] = gitFile{e, repo}
	}
	return out, err
}

// maxSubmoduleDepth bounds submodules within submodules.
const maxSubmoduleDepth = 8

// listWithSubmodules is list, with the files of every submodule under
// subdir, read from the commit that the revision (or the index) records
// for it; subdir itself may lie inside a submodule.
func listWithSubmodules(ctx context.Context, repo *gitfs.Repo, rev, subdir string, depth int) ([]gitFile, error) {
	if depth > maxSubmoduleDepth {
		return nil, fmt.Errorf("submodules nest more than %d deep", maxSubmoduleDepth)
	}
	links, err := repo.Gitlinks(ctx, rev, "")
	if err != nil {
		return nil, err
	}
	for _, g := range links {
		// The schema's root is in a submodule: list from there.
		if rest, ok := strings.CutPrefix(subdir+"/", g.Path+"/"); ok {
			sub, err := repo.Submodule(ctx, g.Path, g.Commit)
			if err != nil {
				return nil, err
			}
			return listWithSubmodules(ctx, sub, g.Commit, strings.TrimSuffix(rest, "/"), depth+1)
		}
	}
	files, err := list(ctx, repo, rev, subdir)
	if err != nil {
		return nil, err
	}
	for _, g := range links {
		rel, ok := strings.CutPrefix(g.Path, subdir+"/")
		if subdir == "" {
			rel, ok = g.Path, true
		}
		if !ok {
			continue
		}
		sub, err := repo.Submodule(ctx, g.Path, g.Commit)
		if err != nil {
			return nil, err
		}
		inner, err := listWithSubmodules(ctx, sub, g.Commit, "", depth+1)
		if err != nil {
			return nil, err
		}
		for _, f := range inner {
			f.Path = rel + "/" + f.Path
			files = append(files, f)
		}
	}
	return files, nil
}
