package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/protocheck/protocheck/registry"
)

// A Lock is a buf.lock: the commit and digest of every module that a
// buf.yaml's deps reach, transitive ones included, as `buf dep update`
// pinned them.
type Lock struct {
	// Path is the buf.lock file as it was read.
	Path string
	// Version is the file's version key: v1beta1, v1 or v2.
	Version string
	// Deps are the pinned modules, in file order.
	Deps []registry.Key
}

// commitID is a commit as buf.lock writes it: a UUID without its dashes.
var commitID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// digestValue is a digest as buf.lock writes it: a type, then hex.
var digestValue = regexp.MustCompile(`^(b5|shake256):[0-9a-f]+$`)

// readLock reads the buf.lock beside the buf.yaml at name, if there is one.
func readLock(src Source, name string) (*Lock, error) {
	p := filepath.Join(filepath.Dir(name), "buf.lock")
	data, err := src.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseLock(p, data)
}

// ParseLock checks the contents of a buf.lock, versions v1beta1, v1 and v2
// (v1 when the key is absent, as buf takes it). The error, when the file
// has problems, is a source.ErrorList.
func ParseLock(name string, data []byte) (*Lock, error) {
	d := &decoder{path: name}
	l := &Lock{Path: name, Version: "v1"}
	root := d.parseYAML(data)
	if root == nil {
		return l, nil
	}
	if v := mapValue(root, "version"); v != nil {
		if s, ok := d.str(resolve(v), "version"); ok {
			switch s {
			case "v1beta1", "v1", "v2":
				l.Version = s
			default:
				d.errorf(v, "version: unknown buf.lock version %q (want v1beta1, v1 or v2)", s)
			}
		}
	}
	if len(d.errs) == 0 {
		keys := []string{"version", "deps", "plugins", "policies"}
		if l.Version != "v2" {
			keys = []string{"version", "deps"}
		}
		d.fields(root, "the file", keys, func(key string, k, v *yaml.Node) {
			if key == "deps" {
				for _, e := range d.nodesOf(v, key) {
					if dep, ok := d.lockDep(e, l.Version); ok {
						l.Deps = append(l.Deps, dep)
					}
				}
			}
		})
	}
	if len(d.errs) > 0 {
		d.sortErrors()
		return nil, d.errs
	}
	return l, nil
}

// lockDep reads one entry of a buf.lock's deps: name, commit and digest in
// v2; remote, owner, repository, commit and digest before.
func (d *decoder) lockDep(n *yaml.Node, version string) (registry.Key, bool) {
	var k registry.Key
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "deps: want a mapping, got %s", describe(n))
		return k, false
	}
	keys := []string{"name", "commit", "digest"}
	if version != "v2" {
		keys = []string{"remote", "owner", "repository", "branch", "commit", "digest", "create_time"}
	}
	var name, remote, owner, repo string
	var nameNode *yaml.Node
	ok := true
	before := len(d.errs)
	d.fields(n, "a dependency", keys, func(key string, kn, v *yaml.Node) {
		s, isStr := d.str(v, key)
		if !isStr {
			ok = false
			return
		}
		switch key {
		case "name":
			name, nameNode = s, v
		case "remote":
			remote = s
		case "owner":
			owner = s
		case "repository":
			repo = s
		case "commit":
			if !commitID.MatchString(s) {
				d.errorf(v, "commit: %q is not a commit id (32 lowercase hex digits)", s)
				ok = false
			}
			k.Commit = s
		case "digest":
			if !digestValue.MatchString(s) {
				d.errorf(v, "digest: %q is not a module digest (b5:… or shake256:…)", s)
				ok = false
			}
			k.Digest = s
		}
	})
	if len(d.errs) > before {
		return k, false
	}
	if version != "v2" {
		if remote == "" || owner == "" || repo == "" {
			d.errorf(n, "a dependency needs remote, owner and repository")
			return k, false
		}
		name = strings.Join([]string{remote, owner, repo}, "/")
		nameNode = n
	}
	if nameNode == nil {
		d.errorf(n, "name: a dependency needs its module's name")
		return k, false
	}
	mn, err := registry.ParseName(name)
	if err != nil {
		d.errorf(nameNode, "%v", err)
		return k, false
	}
	k.Name = mn
	switch {
	case k.Commit == "" && ok:
		d.errorf(n, "commit: %s has no commit", mn)
		ok = false
	case k.Digest == "" && ok:
		d.errorf(n, "digest: %s has no digest", mn)
		ok = false
	case version == "v2" && strings.HasPrefix(k.Digest, "shake256:"):
		d.errorf(n, "digest: %s has a shake256 digest, which a v2 buf.lock cannot hold: run buf dep update", mn)
		ok = false
	case version != "v2" && strings.HasPrefix(k.Digest, "b5:"):
		// buf refuses it too: a v1 buf.yaml's modules are pinned by b4.
		d.errorf(n, "digest: %s has a b5 digest, which a %s buf.lock cannot hold (its digests are shake256): run buf dep update", mn, version)
		ok = false
	}
	return k, ok
}

// Pins returns the modules that the file's buf.lock files pin, each module
// once (at the first commit pinned for it), and the deps of its buf.yaml
// files that no buf.lock pins, as written (buf.build/acme/apis:v1, say),
// which buf leaves to the registry to resolve.
func (f *File) Pins() (keys []registry.Key, unpinned []string) {
	seen := make(map[registry.Name]bool)
	for _, l := range f.Locks {
		for _, k := range l.Deps {
			if !seen[k.Name] {
				seen[k.Name] = true
				keys = append(keys, k)
			}
		}
	}
	for _, d := range f.Deps {
		name, _, _ := strings.Cut(d, ":")
		if n, err := registry.ParseName(name); err != nil || !seen[n] {
			unpinned = append(unpinned, d)
		}
	}
	return keys, unpinned
}
