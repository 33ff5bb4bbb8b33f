package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Hashing every file of a module on every run costs what the module
// weighs: googleapis' files are about 10 MB of SHAKE256 per run, hundreds
// of milliseconds before anything is compiled. Like git's index and Go's
// build cache, a Cache with a Verified directory remembers the modules it
// has verified by a fingerprint of their entry: each file's path, size,
// mode, modification time and (on Unix) inode and change time, and
// module.yaml's bytes. An entry whose fingerprint is unchanged is not
// hashed again; any change to it (buf rewrote it, someone edited a file,
// even with its times set back by touch -r, which cannot set the change
// time) brings a full check.

// fingerprint returns the fingerprint of the cache entry at dir, whose
// files lie below it: one stat per file, no reads but module.yaml.
func fingerprint(dir string) (string, error) {
	h := sha256.New()
	my, err := os.ReadFile(filepath.Join(dir, moduleYAMLName))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%d\x00%s\x00", len(my), my)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || p == filepath.Join(dir, moduleYAMLName) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00%v\x00%d\x00%s\x00", filepath.ToSlash(rel), info.Size(), info.Mode(), info.ModTime().UnixNano(), statIdentity(info))
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// stampPath returns where the fingerprint of k's verified entry at dir is
// kept.
func (c *Cache) stampPath(k Key, dir string) string {
	sum := sha256.Sum256([]byte(k.Name.String() + "\x00" + k.Commit + "\x00" + k.Digest + "\x00" + dir))
	return filepath.Join(c.Verified, hex.EncodeToString(sum[:]))
}

// verified reports whether the entry of k at dir is the one verified
// before, with the fingerprint it has now.
func (c *Cache) verified(k Key, dir string) (fp string, ok bool) {
	if c.Verified == "" {
		return "", false
	}
	fp, err := fingerprint(dir)
	if err != nil {
		return "", false
	}
	stamp, err := os.ReadFile(c.stampPath(k, dir))
	return fp, err == nil && bytes.Equal(stamp, []byte(fp))
}

// remember records that the entry of k at dir, with fingerprint fp, has
// the digest k pins. Failing to is not an error: the next Get hashes again.
func (c *Cache) remember(k Key, dir, fp string) {
	if c.Verified == "" || fp == "" {
		return
	}
	_ = writeFile(c.stampPath(k, dir), []byte(fp), 0o600)
}

// readDeps returns what Get returns for an entry already verified: its
// files' directory and the deps its module.yaml records.
func (c *Cache) readDeps(k Key, loc location) (string, []Key, error) {
	my, err := readModuleYAML(loc.dir)
	if err != nil {
		return "", nil, err
	}
	var deps []Key
	for _, d := range my.Deps {
		dep, err := depKey(d)
		if err != nil {
			return "", nil, err
		}
		deps = append(deps, dep)
	}
	dir, err := filepath.Abs(filepath.Join(loc.dir, filepath.FromSlash(my.FilesDir)))
	return dir, deps, err
}
