package config

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/protocheck/protocheck/source"
)

// fuzzSource holds a buf.work.yaml (or another file) at name, and sub at
// every buf.yaml below it, so that one input reaches both readers.
type fuzzSource struct {
	name      string
	data, sub []byte
}

func (s fuzzSource) ReadFile(name string) ([]byte, error) {
	switch {
	case name == s.name:
		return s.data, nil
	case path.Base(name) == "buf.yaml":
		return s.sub, nil
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
}

// FuzzConfig reads arbitrary bytes as each kind of configuration file
// (protocheck.yaml, buf.yaml, buf.work.yaml with sub as the buf.yaml of
// each of its directories). Any input gives, promptly, either a list of
// errors each at a line and column of the file at fault, or a
// configuration a check can run with: at least one module, each rooted
// inside the file's directory, whose rules select without error and leave
// at least one rule unless the module turns checking off.
func FuzzConfig(f *testing.F) {
	f.Add(uint8(0), []byte("use: [FILE]\nexcept: [FIELD_SAME_NAME]\nignore:\n  - gen/\n  - {rule: FIELD_NO_DELETE, path: a.proto, reason: never shipped}\ndirection: backward\nfail_on: error\n"), []byte(nil))
	f.Add(uint8(1), []byte("version: v1\nbreaking:\n  use: [WIRE_JSON]\n  ignore_only:\n    FIELD_SAME_TYPE: [internal]\n  ignore_unstable_packages: yes\nlint:\n  use: [DEFAULT]\n"), []byte(nil))
	f.Add(uint8(1), []byte("version: v2\nmodules:\n  - path: proto\n    excludes: [proto/vendor]\n    breaking:\n      use: [FILE]\n  - path: other\nbreaking:\n  except: [FILE]\n---\nversion: v1\n"), []byte(nil))
	f.Add(uint8(1), []byte("version: v1beta1\nbuild:\n  roots: [a, b]\n  excludes: [a/x]\n"), []byte(nil))
	f.Add(uint8(2), []byte("version: v1\ndirectories: [a, b/c]\n"), []byte("version: v1\nbreaking:\n  use: [PACKAGE]\n"))
	f.Add(uint8(1), []byte("a: &a [x, x]\nb: &b [*a, *a]\nbreaking: {use: *b}\n"), []byte(nil))
	f.Fuzz(func(t *testing.T, kind uint8, data, sub []byte) {
		name := []string{"protocheck.yaml", "buf.yaml", "buf.work.yaml"}[int(kind)%3]
		name = path.Join("w", name)
		var (
			file *File
			err  error
		)
		done := make(chan struct{})
		go func() {
			defer close(done)
			file, err = LoadFrom(fuzzSource{name: name, data: data, sub: sub}, name)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("LoadFrom(%s) did not return within 10 s", name)
		}
		if err != nil {
			var list source.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error without a position: %v", err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Column < 1 || e.Message == "" || !strings.HasPrefix(e.Path, "w/") {
					t.Errorf("error not placed in a file: %#v", e)
				}
			}
			return
		}
		if len(file.Modules) == 0 {
			t.Fatalf("a configuration with no module")
		}
		for _, m := range file.Modules {
			if c, ok := cleanPath(m.Root); !ok || c != m.Root {
				t.Errorf("module root %q is not a clean path inside the file's directory", m.Root)
			}
			if m.Disabled {
				continue
			}
			rules, err := m.Config.Select()
			if err != nil || len(rules) == 0 {
				t.Errorf("module %q selects %d rules, error %v", m.Root, len(rules), err)
			}
		}
		for _, w := range file.Warnings {
			if w.Line < 1 || w.Column < 1 || w.Message == "" {
				t.Errorf("warning not placed in a file: %#v", w)
			}
		}
	})
}
