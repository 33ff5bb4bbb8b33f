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
