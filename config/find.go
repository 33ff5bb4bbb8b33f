package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Names lists the file names Find looks for, in order of preference.
var Names = []string{
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

// Disk is the Source of the files as they are on disk.
var Disk Source = disk{}

type disk struct{}

func (disk) ReadFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return os.ReadFile(name)
}

// Find returns the configuration file for an input directory: the first of
// Names in the directory, else in its parent, and so on up to the root of
// the git work tree that holds it (a directory with a .git entry) or of
// the file system. It returns "" when there is none.
func Find(dir string) (string, error) {
	return FindIn(Disk, dir)
}

// FindIn is Find over the files of src: the directories are those on disk,
// the files the version's.
func FindIn(src Source, dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		found, err := findIn(src, d, Names)
		if err != nil || found != "" {
			return found, err
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
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
			return "", fmt.Errorf("config %s: %w", p, unwrapPathError(err))
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
//   - a buf.yaml v1 or v1beta1, or a protocheck.yaml: a single module of
//     its directory and everything below it.
//
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
	for {
		for _, n := range Names {
			p := filepath.Join(d, n)
			if _, err := src.ReadFile(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return "", fmt.Errorf("config %s: %w", p, unwrapPathError(err))
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
			if singleOK {
				return p, nil
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
			return "", nil
		}
		d = parent
	}
}
