package gitfs

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// An Index is what git's index (the staging area) records of the files of
// a work tree: for each path, its blob id and the file's stat data at the
// time git hashed it. While a file's stat data is unchanged its contents
// are that blob's, which lets a reader of the work tree skip reading and
// hashing every file (git status works the same way).
type Index struct {
	// prefix is the directory the index was opened for, from the top of
	// the work tree: "" or a path ending in "/".
	prefix  string
	entries map[string]indexEntry
	// written is the index file's modification time, in seconds: an entry
	// modified in that second or later may have changed again after git
	// recorded it, unseen by its stat data (git's "racily clean" entries).
	written int64
}

// indexEntry is one path's entry: its blob and stat data, truncated to 32
// bits as git stores them.
type indexEntry struct {
	blob string
	stat statData
	mode uint32
	// usable is false for what the index holds besides a plain file at
	// stage 0: a conflict's stages, a path not checked out
	// (skip-worktree), one added with intent only, a sparse directory.
	usable bool
}

// statData is the part of a file's stat data that git records.
type statData struct {
	ctimeSec, ctimeNsec, mtimeSec, mtimeNsec uint32
	dev, ino, uid, gid, size                 uint32
}

// errIndexFormat says that the index is not one this reader knows: the
// caller reads every file instead.
var errIndexFormat = errors.New("unsupported index format")

// OpenIndex reads the index of the work tree that holds dir, for looking
// up the files below dir. It fails with ErrNotRepository when dir is in no
// work tree; with another error when the index cannot be used (a split
// index, a repository whose objects are not named by SHA-1, an index being
// unreadable): the caller then reads and hashes the files itself.
// GIT_INDEX_FILE is honoured, as git itself honours it, so that a hook run
// by git commit sees the index being committed.
func OpenIndex(ctx context.Context, dir string) (*Index, error) {
	if !underGitDir(dir) {
		return nil, ErrNotRepository
	}
	out, err := git(ctx, dir, "rev-parse", "--is-inside-work-tree", "--show-object-format", "--git-path", "index", "--show-prefix")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return nil, fmt.Errorf("%w: %s", ErrNotRepository, dir)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) == 3 {
		lines = append(lines, "") // --show-prefix prints an empty line at the top, which some versions omit
	}
	if len(lines) != 4 {
		return nil, fmt.Errorf("unexpected output from git rev-parse: %q", out)
	}
	if lines[0] != "true" {
		return nil, fmt.Errorf("%w: %s is not in a work tree", ErrNotRepository, dir)
	}
	if lines[1] != "sha1" {
		return nil, fmt.Errorf("%w: objects named by %s", errIndexFormat, lines[1])
	}
	path := lines[2]
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	ix, err := ReadIndex(path)
	if err != nil {
		return nil, err
	}
	ix.prefix = lines[3]
	return ix, nil
}

// underGitDir reports whether dir or a directory above it holds .git, so
// that a directory in no repository (most temporary ones) costs no git
// process.
func underGitDir(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return true
		}
		up := filepath.Dir(abs)
		if up == abs {
			return false
		}
		abs = up
	}
}

// ReadIndex reads the index file at path (versions 2 to 4, SHA-1 object
// ids). The entries it returns are relative to the top of the work tree.
func ReadIndex(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, err
	}
	ix, err := parseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ix.written = st.ModTime().Unix()
	return ix, nil
}

const (
	oidSize       = 20 // SHA-1
	entryFixed    = 40 + oidSize + 2
	flagExtended  = 0x4000
	skipWorktree  = 0x4000 // in the extended flags
	intentToAdd   = 0x2000 // in the extended flags
	nameMask      = 0x0fff
	stageShift    = 12
	modeTypeMask  = 0o170000
	modeRegular   = 0o100000
	trailerLength = oidSize
)

func parseIndex(data []byte) (*Index, error) {
	if len(data) < 12+trailerLength || string(data[:4]) != "DIRC" {
		return nil, fmt.Errorf("%w: not an index", errIndexFormat)
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("%w: version %d", errIndexFormat, version)
	}
	count := binary.BigEndian.Uint32(data[8:])
	end := len(data) - trailerLength
	ix := &Index{entries: make(map[string]indexEntry, min(int(count), end/entryFixed))}
	off := 12
	var prev []byte // v4: the previous entry's path
	for range count {
		if off+entryFixed > end {
			return nil, fmt.Errorf("%w: truncated", errIndexFormat)
		}
		b := data[off:]
		u := func(i int) uint32 { return binary.BigEndian.Uint32(b[4*i:]) }
		e := indexEntry{
			stat: statData{
				ctimeSec: u(0), ctimeNsec: u(1), mtimeSec: u(2), mtimeNsec: u(3),
				dev: u(4), ino: u(5), uid: u(7), gid: u(8), size: u(9),
			},
			mode: u(6),
			blob: hex.EncodeToString(b[40 : 40+oidSize]),
		}
		flags := binary.BigEndian.Uint16(b[40+oidSize:])
		n := entryFixed
		var ext uint16
		if flags&flagExtended != 0 {
			if version < 3 || off+n+2 > end {
				return nil, fmt.Errorf("%w: extended flags", errIndexFormat)
			}
			ext = binary.BigEndian.Uint16(b[n:])
			n += 2
		}
		e.usable = (flags>>stageShift)&3 == 0 && ext&(skipWorktree|intentToAdd) == 0 && e.mode&modeTypeMask == modeRegular
		var name []byte
		if version == 4 {
			strip, w := varint(b[n:])
			if w == 0 || strip > len(prev) {
				return nil, fmt.Errorf("%w: path compression", errIndexFormat)
			}
			n += w
			nul := bytes.IndexByte(b[n:end-off], 0)
			if nul < 0 {
				return nil, fmt.Errorf("%w: truncated", errIndexFormat)
			}
			name = append(prev[:len(prev)-strip:len(prev)-strip], b[n:n+nul]...)
			n += nul + 1
			prev = name
		} else {
			nul := bytes.IndexByte(b[n:end-off], 0)
			if nul < 0 {
				return nil, fmt.Errorf("%w: truncated", errIndexFormat)
			}
			name = b[n : n+nul]
			// Padded with one to eight NULs to a multiple of eight bytes.
			n = (n + nul + 8) &^ 7
		}
		if int(flags&nameMask) != nameMask && int(flags&nameMask) != len(name) {
			return nil, fmt.Errorf("%w: path length", errIndexFormat)
		}
		ix.entries[string(name)] = e
		off += n
	}
	// Extensions: a split index keeps most entries in another file.
	for off+8 <= end {
		sig := string(data[off : off+4])
		size := int(binary.BigEndian.Uint32(data[off+4:]))
		if sig == "link" {
			return nil, fmt.Errorf("%w: split index", errIndexFormat)
		}
		if size < 0 || off+8+size > end {
			return nil, fmt.Errorf("%w: truncated extension", errIndexFormat)
		}
		off += 8 + size
	}
	return ix, nil
}

// varint decodes git's variable-length integer of an index version 4
// path: seven bits a byte, most significant first, each continuation adding
// one. w is the number of bytes read, 0 when the input ends first.
func varint(b []byte) (v, w int) {
	for i, c := range b {
		if i > 0 {
			v++
		}
		v = v<<7 | int(c&0x7f)
		if c&0x80 == 0 {
			return v, i + 1
		}
		if i >= 8 {
			return 0, 0
		}
	}
	return 0, 0
}

// Blob returns the blob id of the file at rel (slash-separated, below the
// directory the index was opened for) when the index can vouch for it: the
// index records a plain file there, fi (the file's Lstat) matches the stat
// data the index holds, and the file was not modified in the second the
// index was written or later. Otherwise ok is false and the caller reads
// the file.
func (ix *Index) Blob(rel string, fi fs.FileInfo) (id string, ok bool) {
	e, found := ix.entries[ix.prefix+rel]
	if !found || !e.usable || !fi.Mode().IsRegular() {
		return "", false
	}
	sd, known := statOf(fi)
	if !known || sd != e.stat {
		return "", false
	}
	if int64(e.stat.mtimeSec) >= ix.written {
		// Racily clean: the file may have changed again within the
		// timestamp's resolution after git hashed it.
		return "", false
	}
	return e.blob, true
}
