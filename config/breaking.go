package config

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/protocheck/protocheck/compat"
)

// pathAt is a path as written, with its node for positions.
type pathAt struct {
	path string
	n    *yaml.Node
}

// breaking is a breaking section (or protocheck.yaml's top level) as
// written, paths relative to the file's directory.
type breaking struct {
	present    bool // any key was given: a v2 module's section then replaces the top-level one
	use        []string
	except     []string
	ignore     []pathAt
	ignoreOnly map[string][]pathAt
	onlyOrder  []string
	unstable   bool
	disabled   bool
	waivers    []waiverAt
	exceptKey  *yaml.Node // the except key, for a selection that leaves no rule
}

type waiverAt struct {
	w compat.Waiver
	n *yaml.Node // the path's node, or the entry's
}

var breakingKeys = []string{"use", "except", "ignore", "ignore_only", "ignore_unstable_packages", "disable_builtin"}

// breakingKey decodes one key of a breaking section into b. It reports
// whether key was one of buf's breaking keys.
func (d *decoder) breakingKey(b *breaking, where, key string, k, v *yaml.Node, waivers bool) bool {
	what := where + key
	switch key {
	case "use":
		b.use = d.ids(v, what)
	case "except":
		b.except = d.ids(v, what)
		b.exceptKey = k
	case "ignore":
		for _, e := range d.nodesOf(v, what) {
			if waivers && e.Kind == yaml.MappingNode {
				d.waiver(b, e, what)
				continue
			}
			if s, ok := d.str(e, what); ok {
				b.ignore = append(b.ignore, d.path1(s, e, what))
			}
		}
	case "ignore_only":
		if isNull(v) {
			break
		}
		if v.Kind != yaml.MappingNode {
			d.errorf(v, "%s: want a mapping of rule ids or categories to lists of paths, got %s", what, describe(v))
			break
		}
		b.ignoreOnly = make(map[string][]pathAt)
		for i := 0; i+1 < len(v.Content); i += 2 {
			k2, v2 := resolve(v.Content[i]), resolve(v.Content[i+1])
			id, ok := d.str(k2, what)
			if !ok {
				continue
			}
			if _, dup := b.ignoreOnly[id]; dup {
				d.errorf(k2, "key %q repeated in %s", id, what)
				continue
			}
			d.id(id, k2, what)
			paths := []pathAt{}
			for _, e := range d.nodesOf(v2, what+"."+id) {
				if s, ok := d.str(e, what+"."+id); ok {
					paths = append(paths, d.path1(s, e, what+"."+id))
				}
			}
			b.ignoreOnly[id] = paths
			b.onlyOrder = append(b.onlyOrder, id)
		}
	case "ignore_unstable_packages":
		b.unstable = d.boolean(v, what)
	case "disable_builtin":
		if d.boolean(v, what) {
			b.disabled = true
			d.warnf(k, "%s: protocheck runs no buf plugins, so nothing is checked here", what)
		}
	default:
		return false
	}
	b.present = true
	return true
}

// waiver decodes a {rule, path, reason} entry of protocheck.yaml's ignore.
func (d *decoder) waiver(b *breaking, n *yaml.Node, what string) {
	var w waiverAt
	w.n = n
	d.fields(n, what+" entry", []string{"rule", "path", "reason"}, func(key string, k, v *yaml.Node) {
		s, ok := d.str(v, what+"."+key)
		if !ok {
			return
		}
		switch key {
		case "rule":
			d.id(s, v, what+".rule")
			w.w.Rule = s
		case "path":
			p := d.path1(s, v, what+".path")
			w.w.Path, w.n = p.path, v
		case "reason":
			w.w.Reason = strings.TrimSpace(s)
		}
	})
	switch {
	case w.w.Rule == "" && w.w.Path == "":
		d.errorf(n, "%s: an entry needs a rule, a path or both", what)
	case w.w.Reason == "":
		d.errorf(n, "%s: an entry needs a reason: say why the change is safe", what)
	}
	b.waivers = append(b.waivers, w)
}

// path1 checks one path of an ignore.
func (d *decoder) path1(s string, n *yaml.Node, what string) pathAt {
	c, ok := cleanPath(s)
	if !ok {
		d.errorf(n, "%s: path %q must be relative and stay within the directory of the file", what, s)
	}
	return pathAt{path: c, n: n}
}

// ids reads a list of rule ids and categories, checking each.
func (d *decoder) ids(n *yaml.Node, what string) []string {
	var out []string
	for _, e := range d.nodesOf(n, what) {
		s, ok := d.str(e, what)
		if !ok {
			continue
		}
		d.id(s, e, what)
		out = append(out, s)
	}
	return out
}

// id checks one rule id or category, warning about a deprecated one.
func (d *decoder) id(s string, n *yaml.Node, what string) {
	if slices.Contains(compat.Categories(), compat.Category(s)) || compat.Lookup(s) != nil {
		return
	}
	if repl, ok := compat.Replacements(s); ok {
		if len(repl) == 0 {
			d.warnf(n, "%s: rule %s is deprecated and checks nothing: remove it", what, s)
		} else {
			d.warnf(n, "%s: rule %s is deprecated: use %s instead", what, s, strings.Join(repl, ", "))
		}
		return
	}
	if near := compat.Nearest(s); near != "" {
		d.errorf(n, "%s: unknown rule or category %q: did you mean %s? (see 'protocheck rules')", what, s, near)
		return
	}
	d.errorf(n, "%s: unknown rule or category %q (see 'protocheck rules')", what, s)
}

// someRules reports a section whose use and except leave no rule to run:
// a check that passes because it checks nothing (buf fails on it with an
// internal error).
func (d *decoder) someRules(b breaking, where string) {
	if b.exceptKey == nil || len(d.errs) > 0 {
		return
	}
	rules, err := compat.Config{Use: b.use, Except: b.except}.Select()
	if err != nil || len(rules) > 0 {
		return
	}
	use := b.use
	if len(use) == 0 {
		use = []string{string(compat.File)}
	}
	d.errorf(b.exceptKey, "%sexcept: leaves none of the rules of use (%s) to run: nothing would be checked",
		where, strings.Join(use, ", "))
}

// moduleConfig turns a section into the config of the module at modDir
// (relative to the file's directory). Paths outside the module are left
// out, or reported when strict.
func (d *decoder) moduleConfig(b breaking, modDir string, strict bool, what string) (compat.Config, bool) {
	c := compat.Config{Use: b.use, Except: b.except, IgnoreUnstablePackages: b.unstable}
	rel := func(p pathAt, key string) (string, bool) {
		if within(p.path, modDir) {
			return relTo(p.path, modDir), true
		}
		if strict {
			d.errorf(p.n, "%s.%s: path %q is not within module %q", what, key, p.path, modDir)
		}
		return "", false
	}
	for _, p := range b.ignore {
		if r, ok := rel(p, "ignore"); ok {
			c.Ignore = append(c.Ignore, r)
		}
	}
	for _, id := range b.onlyOrder {
		for _, p := range b.ignoreOnly[id] {
			if r, ok := rel(p, "ignore_only"); ok {
				if c.IgnoreOnly == nil {
					c.IgnoreOnly = make(map[string][]string)
				}
				c.IgnoreOnly[id] = append(c.IgnoreOnly[id], r)
			}
		}
	}
	for _, w := range b.waivers {
		if w.w.Path != "" {
			r, ok := rel(pathAt{w.w.Path, w.n}, "ignore")
			if !ok {
				continue
			}
			w.w.Path = r
		}
		c.Waivers = append(c.Waivers, w.w)
	}
	return c, b.disabled
}
