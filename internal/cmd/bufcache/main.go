// Command bufcache writes a directory of .proto files into buf's module
// cache as one commit of a Buf Schema Registry module, the way buf would
// have left it after downloading that commit, and prints the buf.lock entry
// that pins it. With it, tests and scripts run buf and protocheck offline
// on dependencies that never came from a registry.
//
//	go run ./internal/cmd/bufcache -cache DIR -name buf.build/acme/base \
//	    -commit 0123456789abcdef0123456789abcdef \
//	    [-dep buf.build/x/y:COMMIT:DIGEST ...] [-lock v1] SRC_DIR
//
// The module's files are the .proto files under SRC_DIR and, at its root,
// LICENSE and the first of buf.md, README.md and README.markdown: the
// files buf keeps of a module (registry.Digest ignores the rest). Each
// -dep is one dependency, direct or transitive, with its digest as the
// buf.lock entry that bufcache printed for it: buf records every
// dependency of a module in its cache, and the b5 digest counts them all.
//
// -lock v2 (the default) pins the module with its b5 digest, as a v2
// buf.lock does; -lock v1 with its b4 ("shake256:") digest, as a v1
// buf.lock does, of a module pushed without a buf.yaml or buf.lock. buf
// keeps the two apart in its cache, so a module used by both kinds of
// buf.lock is written once with each.
//
// The entry is printed to stdout in the form of its buf.lock version,
// indented to go under the lock's "deps:" key.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/protocheck/protocheck/registry"
)

// deps collects the repeated -dep flag.
type deps []registry.Key

func (d *deps) String() string { return fmt.Sprint(*d) }

// Set reads name:commit:digest; the digest holds a colon of its own.
func (d *deps) Set(s string) error {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return fmt.Errorf("dependency %q: want registry/owner/module:COMMIT:DIGEST", s)
	}
	name, err := registry.ParseName(parts[0])
	if err != nil {
		return err
	}
	*d = append(*d, registry.Key{Name: name, Commit: parts[1], Digest: parts[2]})
	return nil
}

func main() {
	var (
		cache, name, commit, lock string
		ds                        deps
	)
	flag.StringVar(&cache, "cache", "", "buf's cache directory, as $BUF_CACHE_DIR names it (required)")
	flag.StringVar(&name, "name", "", "the module's full name, registry/owner/module (required)")
	flag.StringVar(&commit, "commit", "", "the commit to write it at: 32 hex digits (required)")
	flag.StringVar(&lock, "lock", "v2", "the buf.lock version that pins it: v2 (b5 digest) or v1 (b4 digest)")
	flag.Var(&ds, "dep", "a dependency, direct or transitive, as registry/owner/module:COMMIT:DIGEST (repeatable)")
	flag.Parse()
	if cache == "" || name == "" || commit == "" || flag.NArg() != 1 || (lock != "v1" && lock != "v2") {
		fmt.Fprintln(os.Stderr, "usage: bufcache -cache DIR -name REGISTRY/OWNER/MODULE -commit HEX32 [-dep NAME:COMMIT:DIGEST ...] [-lock v1|v2] SRC_DIR")
		os.Exit(2)
	}
	if err := run(cache, name, commit, lock, ds, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "bufcache:", err)
		os.Exit(1)
	}
}

func run(cache, name, commit, lock string, ds deps, src string) error {
	n, err := registry.ParseName(name)
	if err != nil {
		return err
	}
	files, err := readModule(src)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%s holds no .proto file", src)
	}
	m := &registry.Module{Key: registry.Key{Name: n, Commit: strings.ToLower(commit)}, Files: files, Deps: ds}
	if lock == "v1" {
		m.Key.Digest, err = registry.DigestB4(files, nil, nil)
	} else {
		m.Key.Digest, err = registry.Digest(files, ds)
	}
	if err != nil {
		return err
	}
	ctx := context.Background()
	c := &registry.Cache{Dir: cache}
	if err := c.Put(ctx, m); err != nil {
		return err
	}
	// Put leaves a complete entry as it is: one written earlier from other
	// files under the same commit would not have the digest printed below.
	if _, _, err := c.Get(ctx, m.Key); err != nil {
		return fmt.Errorf("the cache already holds other files for this commit: %w", err)
	}
	if lock == "v1" {
		fmt.Printf("  - remote: %s\n    owner: %s\n    repository: %s\n    commit: %s\n    digest: %s\n",
			n.Registry, n.Owner, n.Module, m.Key.Commit, m.Key.Digest)
	} else {
		fmt.Printf("  - name: %s\n    commit: %s\n    digest: %s\n", n, m.Key.Commit, m.Key.Digest)
	}
	return nil
}

// readModule reads the files of src that buf would keep of a module: the
// .proto files, and LICENSE and the documentation files at the root (of
// which Digest and Put keep the first, as buf does).
func readModule(src string) ([]registry.File, error) {
	var files []registry.File
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// A symbolic link counts as the file it names, as in a checkout
		// where LICENSE links to the repository's; a dangling one, as
		// in a partial export, is no file.
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && !info.Mode().IsRegular()) {
			return nil
		} else if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".proto"):
		case rel == "LICENSE", rel == "buf.md", rel == "README.md", rel == "README.markdown":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, registry.File{Path: rel, Data: data})
		return nil
	})
	return files, err
}
