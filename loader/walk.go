package loader

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/internal/filekind"
	"github.com/protocheck/protocheck/internal/gitfs"
)

// A directory input is listed as buf v1.75 lists one (its storageos
// bucket, which follows symbolic links), so that protocheck checks the
// files buf checks and no others:
//
//   - Entries are read in name order, through links to files and to
//     directories, inside the input or out of it.
//   - The walk remembers the path it read each entry from, its links
//     resolved. An entry reached through a link (the link itself, or
//     anything below a linked directory) is skipped when its path was
//     read before; an entry reached through no link is always read. So a
//     link to a directory the walk has read already lists nothing (a link
//     at the top to vendored files in an excluded directory, say), while
//     a link that comes first in name order lists the files below it
//     under its own name.
//   - Paths are compared as strings, in the form the walk starts from:
//     relative to the working directory when the input was named so,
//     absolute otherwise. A link with an absolute target, seen from a
//     relative input, never matches a path read before, and is read
//     again, as buf reads it.
//   - A link to nothing is skipped; a link that loops is an error.
//   - Excludes apply afterwards, to the paths as listed.
//
// What the walk leaves out can still be imported: buf opens an import by
// its path, through any links, whether its walk listed that path or not.
// Such a file is not one of the input's files (compiled only when
// imported, never checked): Tree.reached finds it.
//
// A git revision holds a link as a blob of mode 120000, and buf, which
// reads a revision from a clone without following links, reads neither
// the link nor anything through it: gitfs lists regular files only.

func (l *Loader) openDir(ctx context.Context, in Input) (*Tree, error) {
	root := l.abs(in.path)
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("input %s: %s is not a directory, a .proto file, a git revision (path#ref=…), an archive (.tar .tar.gz .tgz .zip) or a descriptor set (.binpb .pb .desc .protoset .json .txtpb)", in, filekind.Describe(st.Mode()))
	}
	t := &Tree{Input: in, loader: l}
	t.display = in.Display
	start := walkStart(l, in.path)
	w := dirWalk{in: in, t: t, contents: make(map[string][]byte), seen: make(map[string]bool), noLinks: symlinksOff(ctx)}
	resolved := start
	if fi, err := os.Lstat(start); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		w.links = true
		if resolved, err = filepath.EvalSymlinks(start); err != nil {
			return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
		}
	}
	// In a git work tree, the index knows the blob of every file whose
	// stat data it still matches: those are not read until needed.
	// Elsewhere, or when the index cannot be used, every file is read and
	// hashed.
	if ix, err := gitfs.OpenIndex(ctx, resolved); err == nil {
		w.index, w.rootResolved = ix, resolved
		w.onDisk = make(map[string]string)
		t.blobDigests = true
	}
	w.seen[resolved] = true
	if err := w.walk(start, resolved, "", []string{resolved}); err != nil {
		return nil, err
	}
	if len(t.Files) == 0 {
		return nil, fmt.Errorf("input %s: %w", in, ErrNoFiles)
	}
	slices.SortFunc(t.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	contents, onDisk := w.contents, w.onDisk
	t.read = func(_ context.Context, p string) ([]byte, error) {
		if data, ok := contents[p]; ok {
			return data, nil
		}
		if full, ok := onDisk[p]; ok {
			// Not kept: a file is read again when it is needed again,
			// which for a file the index vouched for is rare.
			return readLimited(full)
		}
		return nil, fs.ErrNotExist
	}
	if w.links {
		t.byLink = &reacher{root: start, found: make(map[string]reachedFile)}
	}
	return t, nil
}

// walkStart returns the path that buf's walk of the directory p starts
// from: absolute when p is, else relative to the working directory (what
// buf's xfilepath.RealClean makes of it). The walk compares paths in that
// form. A Loader with a Dir walks from the absolute path.
func walkStart(l *Loader, p string) string {
	p = filepath.Clean(l.abs(p))
	if filepath.IsAbs(p) {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, abs); err == nil {
		return rel
	}
	return p
}

// dirWalk lists a directory input's .proto files as buf does (see above),
// in every directory, dot-directories too, but .git, which holds no schema.
type dirWalk struct {
	in       Input
	t        *Tree
	contents map[string][]byte
	// seen holds the paths read so far, links resolved, as the walk names
	// them.
	seen map[string]bool
	// links is set once the walk meets a symbolic link: only then can a
	// path that it does not list be imported.
	links bool
	// noLinks is set under WithoutSymlinks: links below the input's root
	// are left out, as buf --disable-symlinks leaves them out.
	noLinks bool
	// index is the git index of the work tree that holds the input, or
	// nil; rootResolved is the input's root, its links resolved. A file
	// reached through no link, whose stat data the index holds, is
	// listed with the index's blob id, and its path kept in onDisk (by
	// relative path) to be read when needed. Every Digest is then a blob
	// id (Tree.blobDigests).
	index        *gitfs.Index
	rootResolved string
	onDisk       map[string]string
}

// walk reads the directory walkPath, whose path relative to the input's
// root is rel, from resolved, the same with its links resolved; chain
// holds the resolved paths of it and the directories above it, to say why
// a link back up is not followed.
func (w *dirWalk) walk(walkPath, resolved, rel string, chain []string) error {
	entries, err := os.ReadDir(resolved)
	if err != nil {
		return fmt.Errorf("input %s: %w", w.in, unwrapPathError(err))
	}
	for _, e := range entries {
		name := e.Name()
		sub, subResolved, relPath := filepath.Join(walkPath, name), filepath.Join(resolved, name), path.Join(rel, name)
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 && w.noLinks {
			continue
		}
		if mode&fs.ModeSymlink != 0 {
			w.links = true
			target, err := filepath.EvalSymlinks(subResolved)
			var st fs.FileInfo
			if err == nil {
				st, err = os.Lstat(target)
			}
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if strings.HasSuffix(name, ".proto") {
					w.t.Notes = append(w.t.Notes, fmt.Sprintf("%s: a symbolic link to nothing: skipped", w.t.display(relPath)))
				}
				continue
			case err != nil:
				if _, serr := os.Stat(subResolved); serr != nil {
					err = serr // the system's words: "too many levels of symbolic links"
				}
				return fmt.Errorf("%s: %w", w.t.display(relPath), dropPath(err))
			}
			subResolved, mode = target, st.Mode().Type()
		}
		if sub != subResolved && w.seen[subResolved] {
			// Reached through a link, and read already.
			if mode.IsDir() && slices.Contains(chain, subResolved) {
				w.t.Notes = append(w.t.Notes, fmt.Sprintf("%s: a symbolic link back to a directory above it: not followed", w.t.display(relPath)))
			}
			continue
		}
		w.seen[subResolved] = true
		switch {
		case mode.IsDir():
			if name == ".git" {
				continue // git's own files, not a schema
			}
			if err := w.walk(sub, subResolved, relPath, append(slices.Clip(chain), subResolved)); err != nil {
				return err
			}
		case !strings.HasSuffix(name, ".proto"):
		case !mode.IsRegular():
			// A FIFO would block the read for ever; a device may never end.
			w.t.Notes = append(w.t.Notes, fmt.Sprintf("%s: not a regular file: skipped", w.t.display(relPath)))
		default:
			if len(w.t.Files) >= MaxFiles {
				return fmt.Errorf("input %s: more than %d .proto files", w.in, MaxFiles)
			}
			if w.index != nil && subResolved == filepath.Join(w.rootResolved, filepath.FromSlash(relPath)) {
				if fi, err := e.Info(); err == nil && fi.Size() < MaxFileSize {
					if id, ok := w.index.Blob(relPath, fi); ok {
						w.onDisk[relPath] = subResolved
						w.t.Files = append(w.t.Files, File{Path: relPath, Digest: id})
						continue
					}
				}
			}
			data, err := readLimited(subResolved)
			if err != nil {
				return fmt.Errorf("%s: %w", w.t.display(relPath), err)
			}
			w.contents[relPath] = data
			digest := digestOf(data)
			if w.index != nil {
				digest = blobID(data)
			}
			w.t.Files = append(w.t.Files, File{Path: relPath, Digest: digest})
		}
	}
	return nil
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// blobID returns the id git gives a blob of the given contents (SHA-1).
func blobID(data []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// reacher finds, by path, the .proto files of a directory input that its
// walk did not list, as buf opens an import: through any links.
type reacher struct {
	root string // where the walk started

	mu    sync.Mutex
	found map[string]reachedFile
}

// reachedFile is what reacher found at one path.
type reachedFile struct {
	data   []byte
	digest string
	ok     bool
	err    error
}

func (r *reacher) find(p string) reachedFile {
	r.mu.Lock()
	f, done := r.found[p]
	r.mu.Unlock()
	if done {
		return f
	}
	full := filepath.Join(r.root, filepath.FromSlash(p))
	if st, err := os.Stat(full); err == nil && st.Mode().IsRegular() {
		f.ok = true
		if f.data, f.err = readLimited(full); f.err == nil {
			f.digest = digestOf(f.data)
		}
	}
	r.mu.Lock()
	r.found[p] = f
	r.mu.Unlock()
	return f
}

// reached returns the file of the import path p that the tree holds only
// to be imported: one that is not among its Files, nor excluded, and that
// a directory input reaches through a symbolic link its walk did not
// follow (see above). ok is false when there is none; err says why one
// could not be read.
func (t *Tree) reached(p string) (data []byte, digest string, ok bool, err error) {
	if t.byLink == nil || !strings.HasSuffix(p, ".proto") || !fs.ValidPath(p) || excluded(p, t.Input.excludes) {
		return nil, "", false, nil
	}
	if _, own := t.file(p); own {
		return nil, "", false, nil
	}
	f := t.byLink.find(p)
	return f.data, f.digest, f.ok, f.err
}

// excludedImport reports whether the import p names a file of the input
// that its configuration excludes.
func (t *Tree) excludedImport(p string) bool {
	if t.excluded[p] {
		return true
	}
	if t.byLink == nil || !fs.ValidPath(p) || !excluded(p, t.Input.excludes) {
		return false
	}
	return t.byLink.find(p).ok
}
