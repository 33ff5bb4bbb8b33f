package loader

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/internal/gitfs"
)

// Staged is the RefKind of a Git input that reads the index, the files
// staged for the next commit, instead of a revision. Pre-commit hooks check
// it against HEAD.
const Staged = "index"

// StagedInput returns the input for the files staged in the repository at
// repo, below subdir.
func StagedInput(repo, subdir string) Input {
	raw := repo + "#index"
	if subdir != "" {
		raw += ",subdir=" + subdir
	}
	return Input{Kind: Git, Path: repo, RefKind: Staged, Subdir: subdir, Raw: raw}
}

func (l *Loader) openGit(ctx context.Context, in Input) (*Tree, error) {
	dir := l.abs(in.Path)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("input %s: not a git repository: %s does not exist", in, in.Path)
	}
	repo, err := gitfs.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, err)
	}
	var entries []gitfs.Entry
	if in.RefKind == Staged {
		entries, err = repo.StagedTree(ctx, in.Subdir)
	} else {
		var commit string
		commit, err = repo.ResolveRef(ctx, gitfs.Ref{Kind: gitfs.RefKind(in.RefKind), Name: in.Ref})
		if err == nil {
			entries, err = repo.Tree(ctx, commit, in.Subdir)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, err)
	}
	t := &Tree{Input: in, loader: l}
	t.display = func(p string) string { return in.Raw + ":" + p }
	blobs := make(map[string]string) // path -> blob id
	for _, e := range entries {
		if !strings.HasSuffix(e.Path, ".proto") {
			continue
		}
		if len(t.Files) >= MaxFiles {
			return nil, fmt.Errorf("input %s: more than %d .proto files", in, MaxFiles)
		}
		t.Files = append(t.Files, File{Path: e.Path, Digest: e.Blob})
		blobs[e.Path] = e.Blob
	}
	if len(t.Files) == 0 {
		where := "the revision"
		if in.Subdir != "" {
			where = in.Subdir + " in the revision"
		}
		return nil, fmt.Errorf("input %s: no .proto files found in %s", in, where)
	}
	// The compiler asks for files one at a time; git answers best in one
	// batch. The first request reads every file of the tree at once.
	var (
		once     sync.Once
		contents map[string][]byte
		readErr  error
	)
	t.read = func(ctx context.Context, p string) ([]byte, error) {
		once.Do(func() {
			ids := make([]string, 0, len(blobs))
			for _, id := range blobs {
				ids = append(ids, id)
			}
			contents, readErr = repo.ReadBlobs(ctx, ids)
		})
		if readErr != nil {
			return nil, fmt.Errorf("input %s: %w", in, readErr)
		}
		id, ok := blobs[p]
		if !ok {
			return nil, fs.ErrNotExist
		}
		data := contents[id]
		if len(data) > MaxFileSize {
			return nil, fmt.Errorf("file is larger than %d MiB", MaxFileSize>>20)
		}
		return data, nil
	}
	return t, nil
}
