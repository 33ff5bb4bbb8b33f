package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/protocheck/protocheck/internal/filekind"
)

// Names returns the file names Find looks for, in order of preference, in
// a new slice.
func Names() []string { return slices.Clone(names) }

// names lists the file names Find looks for, in order of preference.
var names = []string{
	"protocheck.yaml", "protocheck.yml",
	"buf.yaml", "buf.yml",
	"buf.work.yaml", "buf.work.yml",
}

// A Source reads one version of the files of a tree, by their path on
// disk: the work tree, or what git holds for them in the index or in a
// revision. ReadFile returns an error that is fs.ErrNotExist for a file
// the version does not hold.
type Source interface {
	ReadFile(name string) ([]byte, error)
}

// Disk returns the Source of the files as they are on disk.
func Disk() Source { return disk{} }

type disk struct{}

// ReadFile reads a regular file of at most MaxFileSize bytes, counted as
// they are read. A path below a file that is no directory does not exist.
// Another kind of file (a named pipe, a device) is an error that both is
// fs.ErrNotExist, so that a search passes over it as buf's does, and says
// what the path is, for a file the user named.
func (disk) ReadFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if errors.Is(err, syscall.ENOTDIR) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: notFileError{st.Mode()}}
	}
	// O_NONBLOCK: a named pipe put in the file's place since the Stat
	// must not block the open; the mode is checked again on the open file.
	f, err := os.OpenFile(name, os.O_RDONLY|filekind.OpenNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: notFileError{st.Mode()}}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("larger than %d MiB: not a configuration file", MaxFileSize>>20)}
	}
	return data, nil
}

// MaxFileSize is the largest configuration file read, in bytes: buf.yaml
// files are a few kilobytes.
const MaxFileSize = 4 << 20

// notFileError says that a configuration file is not a regular file.
type notFileError struct{ mode fs.FileMode }

func (e notFileError) Error() string {
	return filekind.Describe(e.mode) + ", not a regular file"
}

// Is makes a path that is not a regular file one that does not exist, for
// the searches: buf's walk lists regular files only.
func (notFileError) Is(t error) bool { return t == fs.ErrNotExist }

// Find returns the configuration file that governs the input directory
// dir on disk: Discover(Disk(), dir).
func Find(dir string) (string, error) {
	return Discover(Disk(), dir)
}

// findIn returns the first of names that src holds in dir, or "".
func findIn(src Source, dir string, names []string) (string, error) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		_, err := src.ReadFile(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", dirError(dir, p, err)
		}
	}
	return "", nil
}

// Discover returns the configuration file that governs the input directory
// dir, as buf finds it, read from src; "" when none does. It walks up
// from dir and stops at the first file that covers dir:
//
//   - a buf.yaml v2 or a buf.work.yaml whose modules (directories) hold
//     dir, or that dir holds, or that sits in dir itself: a workspace;
//   - a protocheck.yaml: a single module of its directory and everything
//     below it.
//
// A buf.yaml v1 or v1beta1, a single module of its directory and
// everything below it, governs dir unless a workspace above covers dir:
// buf takes the workspace, and leaves a stale buf.yaml v1 inside one of its
// modules aside. Two of them, one above the other, are an error, as in buf.
// A workspace that does not cover dir is passed over, as buf passes over
// it, and the walk goes on above it. A single-module file counts up to the
// root of the git work tree that holds dir; outside a work tree, only in
// dir itself: the directories above an input outside any repository
// (a home directory, /) are no configuration of its.
//
// A file that does not parse, where even a single-module file would
// govern dir, is returned at once, for the caller's LoadFrom to say what
// is wrong: the user must see it rather than have it silently passed over.
func Discover(src Source, dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	start := d
	inGit := false
	for p := d; ; p = filepath.Dir(p) {
		if _, err := os.Stat(filepath.Join(p, ".git")); err == nil {
			inGit = true
			break
		}
		if filepath.Dir(p) == p {
			break
		}
	}
	singleOK := true // single-module files still count at this level
	fallback := ""   // the buf.yaml v1 or v1beta1 found, which a workspace above overrides
	for {
	level:
		for _, n := range names {
			p := filepath.Join(d, n)
			if _, err := src.ReadFile(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return "", dirError(d, p, err)
			}
			f, err := LoadFrom(src, p)
			if err != nil {
				if singleOK {
					return p, nil
				}
				continue // above the input's scope, whatever it says
			}
			workspace := f.Format == BufWork || f.Format == Buf && f.Version == "v2"
			if workspace {
				if mods, err := f.ModulesFor(dir); err == nil && len(mods) > 0 {
					return p, nil
				}
				continue // buf passes over a workspace that does not cover dir
			}
			switch {
			case !singleOK:
			case f.Format != Buf:
				if fallback != "" {
					return fallback, nil
				}
				return p, nil
			case fallback != "":
				return "", fmt.Errorf("nested modules %s and %s: buf does not allow one buf.yaml v1 inside another's directory", given(dir, start, fallback), given(dir, start, p))
			default:
				fallback = p
				break level
			}
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			singleOK = false // single-module files above the work tree are not the input's
		}
		if !inGit {
			singleOK = false
		}
		parent := filepath.Dir(d)
		if parent == d {
			return fallback, nil
		}
		d = parent
	}
}

// given names p, a path found from start (dir made absolute), as the user
// gave dir: relative to the working directory when dir is.
func given(dir, start, p string) string {
	rel, err := filepath.Rel(start, p)
	if err != nil || filepath.IsAbs(dir) {
		return p
	}
	return filepath.Join(dir, rel)
}

// dirError is the error of reading the configuration file p in dir: a
// problem with dir itself (it cannot be searched) is the directory's, not
// that of a configuration file it may hold.
func dirError(dir, p string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		if _, derr := os.ReadDir(dir); derr != nil {
			return fmt.Errorf("directory %s: %w", dir, unwrapPathError(derr))
		}
	}
	return fmt.Errorf("config %s: %w", p, unwrapPathError(err))
}
