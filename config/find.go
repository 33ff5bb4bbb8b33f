package config

import (
	"os"
	"path/filepath"
)

// Names lists the file names Find looks for, in order of preference.
var Names = []string{
	"protocheck.yaml", "protocheck.yml",
	"buf.yaml", "buf.yml",
	"buf.work.yaml", "buf.work.yml",
}

// Find returns the configuration file for an input directory: the first of
// Names in the directory, else in its parent, and so on up to the root of
// the git work tree that holds it (a directory with a .git entry) or of
// the file system. It returns "" when there is none.
func Find(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		found, err := findIn(d, Names)
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
