package registry

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"gopkg.in/yaml.v3"
)

// buf v1.75 keeps a pinned module in its cache directory ($BUF_CACHE_DIR,
// see CacheDir) as
//
//	v3/modules/<type>/<registry>/<owner>/<module>/<commit>/
//	    files/...                  the module's files (those Digest counts)
//	    v1_buf_yaml/buf.yaml       the v1 buf.yaml it was pushed with, if any
//	    v1_buf_lock/buf.lock       the v1 buf.lock it was pushed with, if any
//	    module.yaml                written last: version, files_dir, deps, v1_buf_yaml_file, v1_buf_lock_file
//	v3/modulelocks/<type>/<registry>/<owner>/<module>/<commit>.lock
//
// where <type> is the type of the digest that pinned it: "b5" for a v2
// buf.lock, "shake256" for a v1 buf.lock. The same commit is thus kept once
// per digest type, and each copy is checked against its own kind of digest
// (see Digest and DigestB4); this package does as buf does with both.
//
// module.yaml is the mark of a complete entry: buf writes it last, under a
// temporary name renamed into place, and takes a directory without a valid
// one for a miss, which it downloads and writes again. Readers hold a shared
// flock(2) on the .lock file and writers an exclusive one, so that neither
// buf nor protocheck reads an entry that the other is writing.
//
// buf also keeps v3/commits/<type>/<registry>/<commit>.json (the owner,
// module, create time and digest of a commit) under
// v3/commitlocks/<type>/<registry>.lock. A build from a complete buf.lock
// does not read it (buf needs it only to resolve a buf.lock entry without
// a digest, to choose between two commits of one module, or to find the
// b5 digests of a b4 module's dependencies when asked for its b5 digest),
// and its create time is not something a Module carries: Put does not
// write it.

// ErrNotCached is the error, wrapped with the module's name and commit,
// that Get returns when the module is not in the cache: its directory or
// its module.yaml is absent or not valid, which buf takes for a miss too.
var ErrNotCached = errors.New("not in buf's cache")

// ErrDigestMismatch is the error, wrapped with the module's name, commit
// and both digests, that Get returns when the cached files do not have the
// digest that pinned them, and that Put returns when a Module's files do
// not have its Key's digest. buf fails on the first in the same way: the
// cache was tampered with, and is not silently refetched.
var ErrDigestMismatch = errors.New("digest mismatch")

// A Cache is buf's module cache, read and written in buf v1.75's layout and
// under buf's locks, so that a buf and a protocheck running at the same
// time share it safely. Its methods may be called from several goroutines.
type Cache struct {
	// Dir is the base cache directory, the one $BUF_CACHE_DIR names
	// (CacheDir finds the one buf would use).
	Dir string
	// Verified, when set, is a directory of protocheck's own, outside Dir,
	// where Get remembers the modules it has verified, so that a module
	// whose files have not changed since (by path, size, mode and
	// modification time) is not hashed again (verified.go). Empty: every
	// Get hashes every file.
	Verified string
}

const (
	moduleYAMLName = "module.yaml"
	moduleYAMLV1   = "v1"
	filesDirName   = "files"
	v1BufYAMLDir   = "v1_buf_yaml"
	v1BufLockDir   = "v1_buf_lock"

	// lockRetryDelay is how often a held lock is tried again, as buf does.
	lockRetryDelay = 200 * time.Millisecond
	// lockTimeout bounds the wait for a lock. buf waits 3 seconds; a
	// protocheck run gives up less readily, since the holder may be a buf
	// writing a large module.
	lockTimeout = 30 * time.Second

	// Permissions as buf creates them: directories 0755, module files
	// 0666 less the umask (os.Create), module.yaml 0600 (os.CreateTemp),
	// lock files 0600 (gofrs/flock).
	dirPerm        = 0o755
	filePerm       = 0o666
	moduleYAMLPerm = 0o600
)

// CacheDir returns the base cache directory that buf v1.75 uses on the
// operating system goos (a runtime.GOOS value), reading the environment
// through getenv (os.Getenv, or a stand-in): $BUF_CACHE_DIR when set;
// otherwise, on Windows, %LOCALAPPDATA%\buf; elsewhere, macOS included,
// $XDG_CACHE_HOME/buf, or else $HOME/.cache/buf. buf does not fall back on
// %USERPROFILE% for its cache, and neither does CacheDir.
func CacheDir(getenv func(string) string, goos string) (string, error) {
	if dir := getenv("BUF_CACHE_DIR"); dir != "" {
		return dir, nil
	}
	if goos == "windows" {
		if dir := getenv("LOCALAPPDATA"); dir != "" {
			return joinFor(goos, dir, "buf"), nil
		}
		return "", errors.New("buf's cache directory is unknown: neither BUF_CACHE_DIR nor LOCALAPPDATA is set")
	}
	if dir := getenv("XDG_CACHE_HOME"); dir != "" {
		return joinFor(goos, dir, "buf"), nil
	}
	if home := getenv("HOME"); home != "" {
		return joinFor(goos, home, ".cache", "buf"), nil
	}
	return "", errors.New("buf's cache directory is unknown: none of BUF_CACHE_DIR, XDG_CACHE_HOME and HOME is set")
}

// joinFor joins path elements as filepath.Join does on goos, so that
// CacheDir gives a Windows path for Windows on any host.
func joinFor(goos string, elem ...string) string {
	switch {
	case goos == runtime.GOOS:
		return filepath.Join(elem...)
	case goos == "windows":
		for i := range elem[:len(elem)-1] {
			elem[i] = strings.TrimRight(elem[i], `\/`)
		}
		return strings.Join(elem, `\`)
	default:
		return path.Join(elem...)
	}
}

// Get returns the directory that holds the files of the module k pins, to
// be used as an import path, and the dependencies (direct and transitive)
// its module.yaml records. It reads under buf's shared lock and checks the
// files against k.Digest (b5, or b4 for a v1 buf.lock's "shake256:"
// digest, each looked up where buf keeps it): an error wrapping
// ErrNotCached means the module is not cached, one wrapping
// ErrDigestMismatch that the cached files are not what k pins.
//
// The files are checked as they are when Get reads them; a complete entry
// is never rewritten, by buf or by Put, so they stay as checked unless the
// cache is cleared or tampered with.
func (c *Cache) Get(ctx context.Context, k Key) (dir string, deps []Key, err error) {
	loc, err := c.locate(k)
	if err != nil {
		return "", nil, err
	}
	// A miss is found without taking the lock, which would create the lock
	// directories: module.yaml comes last, so without it there is nothing
	// to read, complete or not.
	if _, err := os.Stat(filepath.Join(loc.dir, moduleYAMLName)); errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("%s: %w", k, ErrNotCached)
	}
	unlock, err := lockFile(ctx, loc.lock, true)
	if err != nil {
		return "", nil, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if c.Verified != "" {
		// The fingerprint is taken before the files are read: a file
		// changed in between makes the stamp stale, never wrong.
		fp, ok := c.verified(k, loc.dir)
		if ok {
			if dir, deps, err := c.readDeps(k, loc); err == nil {
				return dir, deps, nil
			}
		}
		defer func() {
			if err == nil {
				c.remember(k, loc.dir, fp)
			}
		}()
	}
	e, err := c.read(ctx, k, loc)
	if err != nil {
		return "", nil, err
	}
	var got string
	if loc.typ == b5Type {
		got, err = Digest(e.files, e.deps)
	} else {
		got, err = digestB4(e.files, e.yamlName, e.yamlData, e.lockName, e.lockData)
	}
	if err != nil {
		return "", nil, fmt.Errorf("module %s at commit %s in buf's cache: %w", k.Name, k.Commit, err)
	}
	if !sameDigest(k.Digest, got) {
		return "", nil, fmt.Errorf("module %s at commit %s in buf's cache (%s): %w: want %s, got %s",
			k.Name, k.Commit, loc.dir, ErrDigestMismatch, k.Digest, got)
	}
	abs, err := filepath.Abs(e.filesDir)
	if err != nil {
		return "", nil, err
	}
	return abs, e.deps, nil
}

// entry is what Get reads of a cache entry.
type entry struct {
	filesDir           string
	files              []File
	deps               []Key
	yamlName, lockName string
	yamlData, lockData []byte
}

// read reads the entry at loc; the caller holds the shared lock.
func (c *Cache) read(ctx context.Context, k Key, loc location) (_ *entry, err error) {
	my, err := readModuleYAML(loc.dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v)", k, ErrNotCached, err)
	}
	e := &entry{filesDir: filepath.Join(loc.dir, filepath.FromSlash(my.FilesDir))}
	for _, d := range my.Deps {
		dep, err := depKey(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (%s: %v)", k, ErrNotCached, moduleYAMLName, err)
		}
		e.deps = append(e.deps, dep)
	}
	// buf reads these before the files, and a miss if they cannot be read.
	for _, v := range []struct {
		file  string
		name  *string
		bytes *[]byte
	}{
		{file: my.V1BufYAMLFile, name: &e.yamlName, bytes: &e.yamlData},
		{file: my.V1BufLockFile, name: &e.lockName, bytes: &e.lockData},
	} {
		if v.file == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(loc.dir, filepath.FromSlash(v.file)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w (%v)", k, ErrNotCached, err)
		}
		*v.name, *v.bytes = path.Base(v.file), data
	}
	e.files, err = readFiles(e.filesDir)
	if err != nil {
		return nil, fmt.Errorf("reading module %s at commit %s from buf's cache: %w", k.Name, k.Commit, err)
	}
	return e, nil
}

// readFiles reads the regular files under dir (none when it is absent,
// as for buf, which then finds the digest wrong), skipping symbolic links as
// buf does.
func readFiles(dir string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Data: data})
		return nil
	})
	return files, err
}

// Put writes m into the cache as buf would, under buf's exclusive lock,
// unless a complete entry is already there. m's files must have its Key's
// digest (b5 from m.Files and m.Deps, or b4 from m.Files, m.V1BufYAML and
// m.V1BufLock): otherwise Put writes nothing and returns an error wrapping
// ErrDigestMismatch. Files that are not part of a module (see Digest) are
// not written.
//
// Every file is written under a temporary name and renamed into place,
// module.yaml last, so that an entry interrupted halfway is a miss for buf
// and for Get, and is written again by the next Put or buf.
func (c *Cache) Put(ctx context.Context, m *Module) (err error) {
	loc, err := c.locate(m.Key)
	if err != nil {
		return err
	}
	var got string
	if loc.typ == b5Type {
		got, err = Digest(m.Files, m.Deps)
	} else {
		got, err = DigestB4(m.Files, m.V1BufYAML, m.V1BufLock)
	}
	if err != nil {
		return fmt.Errorf("module %s at commit %s: %w", m.Key.Name, m.Key.Commit, err)
	}
	if !sameDigest(m.Key.Digest, got) {
		return fmt.Errorf("module %s at commit %s: %w: want %s, got %s",
			m.Key.Name, m.Key.Commit, ErrDigestMismatch, m.Key.Digest, got)
	}
	my := moduleYAML{Version: moduleYAMLV1, FilesDir: filesDirName}
	for _, dep := range m.Deps {
		d, err := depYAML(dep)
		if err != nil {
			return fmt.Errorf("module %s at commit %s: %w", m.Key.Name, m.Key.Commit, err)
		}
		my.Deps = append(my.Deps, d)
	}
	files, err := moduleFiles(m.Files)
	if err != nil {
		return err
	}

	// As buf does: look under the shared lock, then, the entry being
	// incomplete, take the exclusive lock (a shared one cannot be upgraded)
	// and look again, since another writer may have finished in between.
	complete, err := c.complete(ctx, loc)
	if err != nil || complete {
		return err
	}
	unlock, err := lockFile(ctx, loc.lock, false)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if _, err := readModuleYAML(loc.dir); err == nil {
		return nil
	}
	// What an interrupted writer left is of no use: nobody reads it
	// without module.yaml, and files that m lacks would spoil the digest.
	if err := os.RemoveAll(loc.dir); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(loc.dir, filesDirName, filepath.FromSlash(f.Path)), f.Data, filePerm); err != nil {
			return err
		}
	}
	if m.V1BufYAML != nil {
		my.V1BufYAMLFile = v1BufYAMLDir + "/buf.yaml"
		if err := writeFile(filepath.Join(loc.dir, v1BufYAMLDir, "buf.yaml"), m.V1BufYAML, filePerm); err != nil {
			return err
		}
	}
	if m.V1BufLock != nil {
		my.V1BufLockFile = v1BufLockDir + "/buf.lock"
		if err := writeFile(filepath.Join(loc.dir, v1BufLockDir, "buf.lock"), m.V1BufLock, filePerm); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(my); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return writeFile(filepath.Join(loc.dir, moduleYAMLName), b.Bytes(), moduleYAMLPerm)
}

// complete reports whether the entry at loc has a valid module.yaml,
// looking under the shared lock.
func (c *Cache) complete(ctx context.Context, loc location) (_ bool, err error) {
	unlock, err := lockFile(ctx, loc.lock, true)
	if err != nil {
		return false, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	_, err = readModuleYAML(loc.dir)
	return err == nil, nil
}

// location is where a module is kept in the cache.
type location struct {
	typ  string // b5Type or b4Type
	dir  string // the entry's directory
	lock string // its lock file
}

// locate returns where the module k pins is kept, checking that every part
// of the path is one buf would write.
func (c *Cache) locate(k Key) (location, error) {
	if c.Dir == "" {
		return location{}, errors.New("buf's cache directory is not set")
	}
	typ, _, err := parseDigest(k.Digest)
	if err != nil {
		return location{}, fmt.Errorf("module %s at commit %s: %w", k.Name, k.Commit, err)
	}
	commit, err := checkCommit(k.Commit)
	if err != nil {
		return location{}, fmt.Errorf("module %s: %w", k.Name, err)
	}
	if err := checkName(k.Name); err != nil {
		return location{}, err
	}
	rel := filepath.Join(typ, k.Name.Registry, k.Name.Owner, k.Name.Module)
	return location{
		typ:  typ,
		dir:  filepath.Join(c.Dir, "v3", "modules", rel, commit),
		lock: filepath.Join(c.Dir, "v3", "modulelocks", rel, commit+".lock"),
	}, nil
}

// checkCommit returns a commit id as buf writes it in paths, buf.lock and
// module.yaml: 32 lowercase hex digits. buf reads the hex in either case.
func checkCommit(commit string) (string, error) {
	if len(commit) != 32 || strings.Trim(commit, "0123456789abcdefABCDEF") != "" {
		return "", fmt.Errorf("commit %q: want 32 hex digits", commit)
	}
	return strings.ToLower(commit), nil
}

// checkName reports whether n's parts can each be one element of a path.
func checkName(n Name) error {
	for _, part := range []string{n.Registry, n.Owner, n.Module} {
		if part == "" || part == "." || part == ".." || strings.ContainsAny(part, "/\\\x00") {
			return fmt.Errorf("module name %q cannot name a directory of buf's cache", n)
		}
	}
	return nil
}

// sameDigest reports whether two digests are equal as buf compares them:
// by type and value, whatever the case of the hex.
func sameDigest(a, b string) bool {
	ta, va, errA := parseDigest(a)
	tb, vb, errB := parseDigest(b)
	return errA == nil && errB == nil && ta == tb && bytes.Equal(va, vb)
}

// moduleYAML is module.yaml. buf reads it leniently (unknown fields are
// ignored) and takes an entry whose module.yaml lacks a field for a miss.
type moduleYAML struct {
	Version       string     `yaml:"version,omitempty"`
	FilesDir      string     `yaml:"files_dir,omitempty"`
	Deps          []depEntry `yaml:"deps,omitempty"`
	V1BufYAMLFile string     `yaml:"v1_buf_yaml_file,omitempty"`
	V1BufLockFile string     `yaml:"v1_buf_lock_file,omitempty"`
}

// depEntry is one of module.yaml's deps.
type depEntry struct {
	Name   string `yaml:"name,omitempty"`
	Commit string `yaml:"commit,omitempty"` // 32 hex digits
	Digest string `yaml:"digest,omitempty"`
}

// readModuleYAML reads the module.yaml of the entry dir, or says why it is
// not valid.
func readModuleYAML(dir string) (*moduleYAML, error) {
	data, err := os.ReadFile(filepath.Join(dir, moduleYAMLName))
	if err != nil {
		return nil, err
	}
	var my moduleYAML
	if len(data) > 0 {
		if err := yaml.Unmarshal(data, &my); err != nil {
			return nil, fmt.Errorf("%s: %v", moduleYAMLName, err)
		}
	}
	if my.Version != moduleYAMLV1 || my.FilesDir == "" {
		return nil, fmt.Errorf("%s: want version %s and a files_dir", moduleYAMLName, moduleYAMLV1)
	}
	for _, d := range my.Deps {
		if d.Name == "" || d.Commit == "" || d.Digest == "" {
			return nil, fmt.Errorf("%s: a dependency lacks its name, commit or digest", moduleYAMLName)
		}
	}
	// These name paths that are read: they must stay inside the entry.
	for _, p := range []string{my.FilesDir, my.V1BufYAMLFile, my.V1BufLockFile} {
		if p != "" && checkFilePath(p) != nil {
			return nil, fmt.Errorf("%s: path %q is not a clean relative path", moduleYAMLName, p)
		}
	}
	return &my, nil
}

// depKey reads one of module.yaml's deps.
func depKey(d depEntry) (Key, error) {
	name, err := ParseName(d.Name)
	if err != nil {
		return Key{}, err
	}
	commit, err := checkCommit(d.Commit)
	if err != nil {
		return Key{}, fmt.Errorf("dependency %s: %w", name, err)
	}
	if _, _, err := parseDigest(d.Digest); err != nil {
		return Key{}, fmt.Errorf("dependency %s: %w", name, err)
	}
	return Key{Name: name, Commit: commit, Digest: d.Digest}, nil
}

// depYAML returns dep as module.yaml records it, in the forms buf writes.
func depYAML(dep Key) (depEntry, error) {
	commit, err := checkCommit(dep.Commit)
	if err != nil {
		return depEntry{}, fmt.Errorf("dependency %s: %w", dep.Name, err)
	}
	typ, value, err := parseDigest(dep.Digest)
	if err != nil {
		return depEntry{}, fmt.Errorf("dependency %s: %w", dep.Name, err)
	}
	return depEntry{Name: dep.Name.String(), Commit: commit, Digest: typ + ":" + hex.EncodeToString(value)}, nil
}

// lockFile takes buf's lock at p, shared or exclusive, creating the file
// and its directory as buf does, and returns the function that releases
// it. flock(2) locks belong to an open file, so two goroutines of one
// process exclude each other as two processes do.
func lockFile(ctx context.Context, p string, shared bool) (func() error, error) {
	if err := os.MkdirAll(filepath.Dir(p), dirPerm); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	l := flock.New(p)
	try := l.TryLockContext
	if shared {
		try = l.TryRLockContext
	}
	ok, err := try(ctx, lockRetryDelay)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", p, err)
	}
	if !ok {
		return nil, fmt.Errorf("locking %s: held by another process", p)
	}
	return l.Unlock, nil
}

// writeFile writes data to p under a temporary name in p's directory,
// renamed into place once complete, creating the directories as buf does.
// The temporary name (".tmp", p's base name, digits) never ends in .proto,
// so one left by a crash is never taken for a module file.
func writeFile(p string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	var f *os.File
	for range 100 {
		var err error
		f, err = os.OpenFile(filepath.Join(dir, ".tmp"+filepath.Base(p)+strconv.FormatUint(rand.Uint64(), 10)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	if f == nil {
		return fmt.Errorf("no free temporary name for %s", p)
	}
	_, err := f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
