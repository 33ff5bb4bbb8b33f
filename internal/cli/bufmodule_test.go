package cli_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/protocheck/protocheck/registry"
)

// bufModule is the script command
//
//	bufmodule NAME[@COMMIT] DIR [DEP...] [-- LOCK...]
//
// It writes the files under DIR into buf's cache ($BUF_CACHE_DIR) as the
// module NAME at COMMIT (by default one derived from NAME and the files),
// depending on the modules DEP already written by bufmodule, and adds the
// module to each buf.lock (v2) named after --, creating it if need be: a
// repository whose deps buf has already downloaded.
func bufModule(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: bufmodule NAME[@COMMIT] DIR [DEP...] [-- LOCK...]")
	}
	nameArg, commit, _ := strings.Cut(args[0], "@")
	name, err := registry.ParseName(nameArg)
	ts.Check(err)
	var deps, locks []string
	rest := args[2:]
	if i := indexOf(rest, "--"); i >= 0 {
		deps, locks = rest[:i], rest[i+1:]
	} else {
		deps = rest
	}
	root := ts.MkAbs(args[1])
	var files []registry.File
	h := sha256.New()
	fmt.Fprintln(h, name)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, registry.File{Path: filepath.ToSlash(rel), Data: data})
		fmt.Fprintf(h, "%s\x00%s\x00", rel, data)
		return nil
	})
	ts.Check(err)
	if commit == "" {
		commit = hex.EncodeToString(h.Sum(nil))[:32]
	}
	m := &registry.Module{Key: registry.Key{Name: name, Commit: commit}}
	for _, d := range deps {
		k, ok := bufModules.Load(scriptKey(ts, d))
		if !ok {
			ts.Fatalf("bufmodule: %s was not written by bufmodule in this script", d)
		}
		m.Deps = append(m.Deps, k.(registry.Key))
	}
	m.Files = files
	m.Key.Digest, err = registry.Digest(m.Files, m.Deps)
	ts.Check(err)
	cache := &registry.Cache{Dir: ts.Getenv("BUF_CACHE_DIR")}
	ts.Check(cache.Put(context.Background(), m))
	bufModules.Store(scriptKey(ts, nameArg), m.Key)
	for _, l := range locks {
		p := ts.MkAbs(l)
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			data, err = []byte("version: v2\ndeps:\n"), nil
		}
		ts.Check(err)
		data = fmt.Appendf(data, "  - name: %s\n    commit: %s\n    digest: %s\n", name, m.Key.Commit, m.Key.Digest)
		ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
		ts.Check(os.WriteFile(p, data, 0o644))
	}
}

// bufModules holds the keys of the modules bufmodule wrote, by script and
// name; scripts run in parallel.
var bufModules sync.Map

func scriptKey(ts *testscript.TestScript, name string) string {
	return ts.Getenv("WORK") + "\x00" + name
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
