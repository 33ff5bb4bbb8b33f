package config

import (
	"fmt"
	"path"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// bufFile reads a buf.yaml of any version.
func (d *decoder) bufFile(data []byte) *File {
	f := &File{Format: Buf}
	root := d.parseYAML(data)
	f.Version = "v1beta1" // buf's default when the key is absent
	if root != nil && root.Kind == yaml.MappingNode {
		if v := resolve(mapValue(root, "version")); v != nil {
			if s, ok := d.str(v, "version"); ok {
				switch s {
				case "v1beta1", "v1", "v2":
					f.Version = s
				default:
					d.errorf(v, "version: unknown buf.yaml version %q (want v1beta1, v1 or v2)", s)
					return f
				}
			}
		}
	}
	if f.Version == "v2" {
		f.Modules = d.bufV2(root)
	} else {
		f.Modules = d.bufV1(root, f.Version)
	}
	f.Deps = d.deps
	return f
}

// mapValue returns the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if resolve(n.Content[i]).Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// bufV1 reads versions v1beta1 and v1: one module, whose roots (v1beta1's
// build.roots) share one breaking section with root-relative paths.
func (d *decoder) bufV1(root *yaml.Node, version string) []Module {
	var b breaking
	var roots, excludes []pathAt
	rootsNode := root
	d.fields(root, "the file", []string{"version", "name", "deps", "build", "lint", "breaking"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			d.str(v, key)
		case "deps":
			d.deps = d.strs(v, key)
		case "lint":
			d.lint(v, key, lintKeysV1)
		case "build":
			d.fields(v, "build", []string{"roots", "excludes"}, func(key string, k, v *yaml.Node) {
				for _, e := range d.nodesOf(v, "build."+key) {
					s, ok := d.str(e, "build."+key)
					if !ok {
						continue
					}
					p := d.path1(s, e, "build."+key)
					if key == "roots" {
						roots = append(roots, p)
						rootsNode = k
					} else {
						excludes = append(excludes, p)
					}
				}
			})
		case "breaking":
			d.fields(v, "breaking", breakingKeys, func(key string, k, v *yaml.Node) {
				d.breakingKey(&b, "breaking.", key, k, v, false)
			})
		}
	})
	d.someRules(b, "breaking.")
	if version == "v1" && len(roots) > 0 {
		d.errorf(rootsNode, "build.roots: only version v1beta1 has roots; in v1 the directory of buf.yaml is the root")
	}
	d.distinct(roots, "build.roots")
	if len(roots) == 0 {
		roots = []pathAt{{path: "."}}
	}
	var mods []Module
	for _, r := range roots {
		cfg, disabled := d.moduleConfig(b, ".", false, "breaking")
		mods = append(mods, Module{Root: r.path, Config: cfg, Disabled: disabled})
	}
	// An excluded directory is in no module: its files are neither compiled
	// nor checked. A directory excluded by a change leaves the module, and
	// its files are deleted to importers: what each version excludes is its
	// own configuration's business, so nothing is ignored here.
	for _, e := range excludes {
		found := false
		for i := range mods {
			if within(e.path, mods[i].Root) {
				mods[i].Excludes = append(mods[i].Excludes, relTo(e.path, mods[i].Root))
				found = true
			}
		}
		if !found {
			d.errorf(e.n, "build.excludes: path %q is not within a root", e.path)
		}
	}
	return mods
}

// bufV2 reads version v2: modules each with a path, and a top-level
// breaking section that a module's own replaces.
func (d *decoder) bufV2(root *yaml.Node) []Module {
	var top breaking
	var modNodes []*yaml.Node
	d.fields(root, "the file", []string{"version", "name", "modules", "deps", "lint", "breaking", "plugins", "policies"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			d.str(v, key)
		case "deps":
			d.deps = d.strs(v, key)
		case "modules":
			modNodes = d.nodesOf(v, key)
		case "lint":
			d.lint(v, key, lintKeysV2)
		case "breaking":
			d.fields(v, "breaking", breakingKeys, func(key string, k, v *yaml.Node) {
				d.breakingKey(&top, "breaking.", key, k, v, false)
			})
		}
	})
	d.someRules(top, "breaking.")
	if len(modNodes) == 0 {
		cfg, disabled := d.moduleConfig(top, ".", false, "breaking")
		return []Module{{Root: ".", Config: cfg, Disabled: disabled}}
	}
	var mods []Module
	seen := make(map[string]bool)
	for i, n := range modNodes {
		what := fmt.Sprintf("modules[%d]", i)
		dir := "."
		var own breaking
		var excludes []pathAt
		d.fields(n, what, []string{"path", "name", "includes", "excludes", "lint", "breaking"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "path":
				if s, ok := d.str(v, what+".path"); ok {
					dir = d.path1(s, v, what+".path").path
					if seen[dir] {
						d.errorf(v, "%s.path: module %q listed twice", what, dir)
					}
					seen[dir] = true
				}
			case "name":
				d.str(v, what+".name")
			case "lint":
				d.lint(v, what+".lint", lintKeysV2)
			case "includes":
				if len(d.strs(v, what+".includes")) > 0 {
					d.warnf(k, "%s.includes: protocheck checks every file of the module", what)
				}
			case "excludes":
				for _, e := range d.nodesOf(v, what+".excludes") {
					if s, ok := d.str(e, what+".excludes"); ok {
						excludes = append(excludes, d.path1(s, e, what+".excludes"))
					}
				}
			case "breaking":
				d.fields(v, what+".breaking", breakingKeys, func(key string, k, v *yaml.Node) {
					d.breakingKey(&own, what+".breaking.", key, k, v, false)
				})
			}
		})
		d.someRules(own, what+".breaking.")
		b, strict, where := top, false, "breaking"
		if own.present {
			b, strict, where = own, true, what+".breaking"
		}
		cfg, disabled := d.moduleConfig(b, dir, strict, where)
		var excl []string
		for _, e := range excludes {
			if !within(e.path, dir) || e.path == dir {
				d.errorf(e.n, "%s.excludes: path %q is not within module %q", what, e.path, dir)
				continue
			}
			excl = append(excl, relTo(e.path, dir))
		}
		mods = append(mods, Module{Root: dir, Config: cfg, Disabled: disabled, Excludes: excl})
	}
	return mods
}

// distinct checks that each directory of a list of modules (a
// buf.work.yaml's directories, v1beta1's roots) is listed once and lies in
// no other, as buf requires: a directory named twice (b and ./b) or
// inside another would have its files checked twice.
func (d *decoder) distinct(dirs []pathAt, what string) {
	for i, a := range dirs {
		for _, b := range dirs[:i] {
			switch {
			case a.path == b.path:
				d.errorf(a.n, "%s: %q is listed more than once (line %d)", what, a.path, b.n.Line)
			case a.path == "." || b.path == ".":
				if what == "directories" {
					continue // "." is refused on its own
				}
				fallthrough
			case within(a.path, b.path) || within(b.path, a.path):
				d.errorf(a.n, "%s: %q and %q (line %d) overlap: each directory is a module of its own", what, a.path, b.path, b.n.Line)
			}
		}
	}
}

// loadWork reads a buf.work.yaml and the buf.yaml of each directory.
func loadWork(src Source, name string, data []byte) (*File, error) {
	d := &decoder{path: name, format: BufWork}
	f := &File{Path: name, Format: BufWork, Version: "v1"}
	root := d.parseYAML(data)
	var dirs []pathAt
	d.fields(root, "the file", []string{"version", "directories"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if s, ok := d.str(v, key); ok && s != "v1" {
				d.errorf(v, "version: unknown buf.work.yaml version %q (want v1)", s)
			}
		case "directories":
			for _, e := range d.nodesOf(v, key) {
				if s, ok := d.str(e, key); ok {
					dirs = append(dirs, d.path1(s, e, key))
				}
			}
		}
	})
	if len(dirs) == 0 && len(d.errs) == 0 {
		d.errorf(&yaml.Node{Line: 1, Column: 1}, "directories: a workspace needs at least one directory")
	}
	for _, a := range dirs {
		if a.path == "." {
			d.errorf(a.n, `directories: "." is no workspace directory: without a buf.work.yaml, the directory is the module`)
		}
	}
	d.distinct(dirs, "directories")
	if len(d.errs) > 0 {
		d.sortErrors()
		return nil, d.errs
	}
	f.Warnings = d.warnings
	base := filepath.Dir(name)
	for _, dir := range dirs {
		sub, err := findIn(src, filepath.Join(base, filepath.FromSlash(dir.path)), []string{"buf.yaml", "buf.yml"})
		if err != nil {
			return nil, err
		}
		if sub == "" {
			f.Modules = append(f.Modules, Module{Root: dir.path})
			continue
		}
		mf, err := LoadFrom(src, sub)
		if err != nil {
			return nil, err
		}
		f.Warnings = append(f.Warnings, mf.Warnings...)
		f.Deps = append(f.Deps, mf.Deps...)
		f.Locks = append(f.Locks, mf.Locks...)
		for _, m := range mf.Modules {
			m.Root = path.Join(dir.path, m.Root)
			f.Modules = append(f.Modules, m)
		}
	}
	return f, nil
}

// The keys of buf's lint section, which buf refuses others in: protocheck
// does not lint, but checks the section as buf does, so that a buf.yaml
// that buf would refuse is not taken.
var (
	lintKeysV1 = []string{"use", "except", "ignore", "ignore_only", "enum_zero_value_suffix",
		"rpc_allow_same_request_response", "rpc_allow_google_protobuf_empty_requests",
		"rpc_allow_google_protobuf_empty_responses", "service_suffix", "allow_comment_ignores", "disable_builtin"}
	lintKeysV2 = []string{"use", "except", "ignore", "ignore_only", "enum_zero_value_suffix",
		"rpc_allow_same_request_response", "rpc_allow_google_protobuf_empty_requests",
		"rpc_allow_google_protobuf_empty_responses", "service_suffix", "disallow_comment_ignores", "disable_builtin"}
)

// lint checks a lint section's keys and the types of their values.
func (d *decoder) lint(n *yaml.Node, where string, keys []string) {
	d.fields(n, where, keys, func(key string, k, v *yaml.Node) {
		what := where + "." + key
		switch key {
		case "use", "except", "ignore":
			d.strs(v, what)
		case "ignore_only":
			switch {
			case v.Kind == yaml.MappingNode:
				for i := 1; i < len(v.Content); i += 2 {
					d.strs(resolve(v.Content[i]), what)
				}
			case !isNull(v):
				d.errorf(v, "%s: want a mapping of rule ids or categories to lists of paths, got %s", what, describe(v))
			}
		case "enum_zero_value_suffix", "service_suffix":
			d.str(v, what)
		default:
			d.boolean(v, what)
		}
	})
}
