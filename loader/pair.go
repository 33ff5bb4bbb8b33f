package loader

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// LoadPair opens old and new and compiles, of each, only the files that can
// hold a difference, both at once. Each schema's Paths lists all its files,
// and its Packages gives the package of every file left out of Files. When
// nothing could be left out, both are compiled in full. When both fail, the
// new version's errors come first: it is the one being edited.
//
// It compiles, in rounds, the files whose contents changed, then the files
// the same in both versions that import one whose exports changed (see
// exportsOf), or that set a custom option and import a changed file
// directly or not, and so on until a round adds nothing. Unchanged files
// that only import unchanged ones are linked once, without source info,
// and shared by both versions. Descriptor sets, and trees with a file the
// scanner cannot read, take the cautious way: every file that imports a
// changed one, directly or not, is compiled (Changed).
//
// A changed file of new that declares a name it did not declare before
// fails as it would in a full compile when another file declares that name
// too, although neither imports the other: the unchanged files whose
// package could hold the name are compiled with it, for their errors only.
//
// A file that is the same in both versions and is not compiled, is not
// checked for errors: an error that both versions hold unchanged (a clash
// between two unchanged files, say) is not reported, nor is a clash that
// only old holds. That is accepted, to compare a large tree in the time a
// small change takes. But once a compile fails, both versions are compiled
// in full, so that the errors are those a full load reports.
func (l *Loader) LoadPair(ctx context.Context, old, new Input) (oldSchema, newSchema *schema.Schema, err error) {
	var ot, nt *Tree
	var oerr, nerr error
	var wg sync.WaitGroup
	wg.Go(func() { ot, oerr = l.Open(ctx, old) })
	wg.Go(func() { nt, nerr = l.Open(ctx, new) })
	wg.Wait()
	if err := errors.Join(nerr, oerr); err != nil {
		return nil, nil, err
	}
	d, err := diffTrees(ctx, ot, nt)
	if err != nil {
		return nil, nil, err
	}
	key := l.reuseNewer(nt)
	defer l.keepNewer(nt, key)
	all := len(d.oldPaths) == len(ot.Files) && len(d.newPaths) == len(nt.Files)
	if d.exact {
		all = !slices.ContainsFunc(ot.Files, func(f File) bool { return !d.changed[f.Path] }) &&
			!slices.ContainsFunc(nt.Files, func(f File) bool { return !d.changed[f.Path] })
	}
	if !all && (len(ot.roots) > 0 || len(nt.roots) > 0) {
		// The files of the other roots (a workspace's other modules) are
		// imports that may differ between the versions: the exact path
		// covers them only while they do not.
		if all, err = rootsDiffer(ctx, ot, nt); err != nil {
			return nil, nil, err
		}
	}
	if all {
		// Everything changed: skip the bookkeeping.
		wg.Go(func() { oldSchema, oerr = ot.Compile(ctx, nil) })
		wg.Go(func() { newSchema, nerr = nt.Compile(ctx, nil) })
		wg.Wait()
		if err := errors.Join(nerr, oerr); err != nil {
			return nil, nil, err
		}
		return oldSchema, newSchema, nil
	}
	p := &pairPlan{d: d, compiled: make(map[string]bool)}
	p.sides[0] = &pairSide{t: ot, linked: make(map[string]protoreflect.FileDescriptor)}
	p.sides[1] = &pairSide{t: nt, linked: make(map[string]protoreflect.FileDescriptor)}
	if err := p.run(ctx); err != nil {
		var list source.ErrorList
		if !errors.As(err, &list) {
			return nil, nil, err
		}
		// A round failed, so the rounds after it, which would have
		// compiled the files it breaks, never ran: compile both versions
		// in full, for every error that a full compile reports. Errors are
		// rare; a run that has one is not the one to make fast.
		wg.Go(func() { _, oerr = ot.Compile(ctx, nil) })
		wg.Go(func() { _, nerr = nt.Compile(ctx, nil) })
		wg.Wait()
		if full := errors.Join(nerr, oerr); full != nil {
			return nil, nil, full
		}
		return nil, nil, err
	}
	packages := make(map[string]string, len(d.headers))
	for path, h := range d.headers {
		if !p.compiled[path] {
			packages[path] = h.pkg
		}
	}
	version := func(s *pairSide) *schema.Schema {
		slices.SortFunc(s.files, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
		return &schema.Schema{Files: s.files, Paths: s.t.Paths(), Packages: packages, Notes: s.t.Notes}
	}
	return version(p.sides[0]), version(p.sides[1]), nil
}

// pairPlan compiles the parts of two trees that LoadPair needs.
type pairPlan struct {
	d     *treeDiff
	sides [2]*pairSide // old, new
	// compiled holds the paths compiled so far, in each tree that has them.
	compiled map[string]bool
	// shared holds the files linked once for both trees: unchanged files
	// that import no changed file, directly or not, and their imports.
	shared map[string]protoreflect.FileDescriptor
	// noShare is set when the imports of a changed file are not known:
	// the compiler then finds every import itself.
	noShare bool
	exports [2]map[string]exports // exportsOf each compiled file, by side
}

// pairSide is one tree of a pairPlan.
type pairSide struct {
	t *Tree
	// heads gives the scanned header of each changed file of t.
	heads map[string]header
	// linked gives every file linked for t so far, by path.
	linked map[string]protoreflect.FileDescriptor
	// files are the compiled files of t, its schema's Files.
	files []protoreflect.FileDescriptor
	// keys digests the closures of t's files for the Loader's cache; nil
	// when the cache is not used.
	keys *closureKeys
}

// run compiles in rounds: the changed files, then the files they affect,
// until a round affects nothing more.
func (p *pairPlan) run(ctx context.Context) error {
	if err := p.scanChanged(ctx); err != nil {
		return err
	}
	if !p.noShare {
		for _, s := range p.sides {
			s.keys = p.closureKeys(s)
		}
	}
	batch := slices.Sorted(maps.Keys(p.d.changed))
	if !p.d.exact {
		batch = slices.Sorted(maps.Keys(setOf(slices.Concat(p.d.oldPaths, p.d.newPaths))))
	}
	for round := 0; len(batch) > 0; round++ {
		if err := p.compile(ctx, batch); err != nil {
			return err
		}
		if round == 0 {
			if err := p.checkClashes(ctx); err != nil {
				return err
			}
		}
		if !p.d.exact {
			break
		}
		var err error
		if batch, err = p.affected(ctx); err != nil {
			return err
		}
	}
	return nil
}

// scanChanged reads the headers of the changed files of both trees. When
// one cannot be scanned, the plan falls back to compiling every importer
// and lets the compiler find the imports.
func (p *pairPlan) scanChanged(ctx context.Context) error {
	if p.sides[0].t.set != nil || p.sides[1].t.set != nil {
		p.noShare = true // a descriptor set links what it holds itself
	}
	for _, s := range p.sides {
		s.heads = make(map[string]header)
		var paths []string
		for _, f := range s.t.Files {
			if p.d.changed[f.Path] {
				paths = append(paths, f.Path)
			}
		}
		hs, err := headersOf(ctx, s.t, paths)
		if err != nil {
			return err
		}
		for i, h := range hs {
			if h.err != nil {
				p.d.exact, p.noShare = false, true
			}
			s.heads[paths[i]] = h
		}
	}
	return nil
}

// importsOf returns the imports of path in side s, as far as they are known.
func (p *pairPlan) importsOf(s *pairSide, path string) []string {
	if p.d.changed[path] {
		return s.heads[path].imports
	}
	return p.d.headers[path].imports
}

// has reports whether side s holds path.
func (p *pairPlan) has(s *pairSide, path string) bool {
	if !p.d.changed[path] {
		return true // the same in both
	}
	_, ok := s.heads[path]
	if s.heads == nil {
		_, ok = s.t.file(path)
	}
	return ok
}

// compile compiles batch in both trees, with the unchanged files between
// the batch and the changed files it imports, and links the unchanged
// files it imports that import nothing changed once for both.
func (p *pairPlan) compile(ctx context.Context, batch []string) error {
	inBatch := setOf(batch)
	var need []string // to link once for both trees
	seen := make(map[string]bool)
	queue := slices.Clone(batch)
	if p.sides[1].t.set != nil {
		// Each compile of a descriptor set links all it needs from the
		// set itself: no file is shared, nor compiled between.
		queue = nil
	}
	for len(queue) > 0 {
		path := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, s := range p.sides {
			if !p.has(s, path) {
				continue
			}
			for _, imp := range p.importsOf(s, path) {
				if seen[imp] || inBatch[imp] || p.compiled[imp] {
					continue
				}
				seen[imp] = true
				switch _, own := p.d.headers[imp]; {
				case p.d.reach[imp]:
					// Links to changed files: compiled in each tree.
					inBatch[imp] = true
					batch = append(batch, imp)
					queue = append(queue, imp)
				case own && p.shared[imp] == nil:
					need = append(need, imp)
				case !own && p.shared[imp] == nil && s.t.outsideOnly(ctx, imp):
					// A file of an include path, or of another root
					// when those are the same in both versions (else
					// LoadPair compiled in full), is the same for both
					// trees: linked once, it is one object wherever it
					// is imported, as the compiler requires.
					need = append(need, imp)
				}
			}
		}
	}
	slices.Sort(batch)
	if len(need) > 0 && !p.noShare {
		if err := p.linkShared(ctx, need); err != nil {
			return err
		}
	}
	var errs [2]error
	var wg sync.WaitGroup
	for i, s := range p.sides {
		var only []string
		for _, path := range batch {
			if p.has(s, path) {
				only = append(only, path)
			}
		}
		if len(only) == 0 {
			continue
		}
		t := *s.t
		t.shared = maps.Clone(p.shared)
		if t.shared == nil {
			t.shared = make(map[string]protoreflect.FileDescriptor)
		}
		maps.Copy(t.shared, s.linked)
		// Each side in its own goroutine, from the cache as from the
		// compiler: what one side loads from disk the other does not need.
		wg.Go(func() {
			if s.keys != nil {
				cache := s.t.loader.linkCache()
				var cached map[string]protoreflect.FileDescriptor
				cached, only = cache.usable(ctx, only, t.shared, s.keys, true)
				for path, f := range cached {
					t.shared[path] = f
					if _, asked := inBatch[path]; asked && p.has(s, path) {
						s.files = append(s.files, f)
					}
					addLinked(s.linked, f)
				}
			}
			if len(only) == 0 {
				return
			}
			schema, err := t.Compile(ctx, only)
			if err != nil {
				errs[i] = err
				return
			}
			s.files = append(s.files, schema.Files...)
			for _, f := range schema.Files {
				addLinked(s.linked, f)
				if s.keys != nil {
					s.t.loader.linkCache().put(f, s.keys)
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs[1], errs[0]); err != nil {
		return err
	}
	for _, path := range batch {
		p.compiled[path] = true
	}
	return nil
}

// linkShared links paths, unchanged files that import no changed file, once
// for both trees, without source info: nothing in them is checked.
func (p *pairPlan) linkShared(ctx context.Context, paths []string) error {
	if p.shared == nil {
		p.shared = make(map[string]protoreflect.FileDescriptor)
	}
	ns := p.sides[1]
	cache := ns.t.loader.linkCache()
	slices.Sort(paths)
	cached, paths := cache.usable(ctx, paths, p.shared, ns.keys, false)
	maps.Copy(p.shared, cached)
	if len(paths) == 0 {
		return nil
	}
	t := *ns.t
	t.depsOnly = true
	t.shared = p.shared
	s, err := t.Compile(ctx, paths)
	if err != nil {
		return err
	}
	for _, f := range s.Files {
		addLinked(p.shared, f)
		cache.put(f, ns.keys)
	}
	return nil
}

// addLinked adds f and everything it imports to m.
func addLinked(m map[string]protoreflect.FileDescriptor, f protoreflect.FileDescriptor) {
	if _, ok := m[f.Path()]; ok {
		return
	}
	m[f.Path()] = f
	imps := f.Imports()
	for i := range imps.Len() {
		addLinked(m, imps.Get(i).FileDescriptor)
	}
}

// affected returns, sorted, the files not compiled yet that must be: the
// unchanged files that import a file whose exports changed, or that
// mention a name it now declares besides, and those that set a custom
// option and import a changed file, directly or not.
func (p *pairPlan) affected(ctx context.Context) ([]string, error) {
	type change struct {
		changed bool
		added   []string
	}
	memo := make(map[string]change)
	var changeOf func(path string) change
	changeOf = func(path string) change {
		if c, ok := memo[path]; ok {
			return c
		}
		memo[path] = change{} // an import cycle fails to compile anyway
		var c change
		var public []string
		if p.d.changed[path] && !p.compiled[path] {
			// Only a descriptor set's imports change without being
			// compiled: their exports are not known.
			c.changed = true
		} else if p.compiled[path] {
			for _, s := range p.sides {
				public = append(public, p.publicOf(s, path)...)
			}
			o, n := p.exportsAt(0, path), p.exportsAt(1, path)
			if o == nil || n == nil {
				c.changed = true
			} else {
				c.changed, c.added = o.diff(n)
			}
		} else if h, ok := p.d.headers[path]; ok {
			public = h.public
		}
		for _, imp := range public {
			pc := changeOf(imp)
			c.changed = c.changed || pc.changed
			c.added = append(c.added, pc.added...)
		}
		memo[path] = c
		return c
	}
	var out []string
	for path, h := range p.d.headers {
		if p.compiled[path] {
			continue
		}
		if p.d.reach[path] && p.setsOptions(path, h) {
			out = append(out, path)
			continue
		}
		var added []string
		for _, imp := range h.imports {
			c := changeOf(imp)
			if c.changed {
				out = append(out, path)
				added = nil
				break
			}
			added = append(added, c.added...)
		}
		// A descriptor set holds its references resolved, to full names:
		// a name added elsewhere cannot change what they name.
		if len(added) > 0 && p.sides[1].t.set == nil {
			src, err := p.sides[1].t.read(ctx, path)
			if err != nil {
				return nil, err
			}
			if slices.ContainsFunc(added, func(name string) bool { return mentions(src, name) }) {
				out = append(out, path)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// mentions reports whether name occurs in src as a whole word. A word in a
// comment or a string counts too: that only compiles a file for nothing.
func mentions(src []byte, name string) bool {
	isWord := func(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte(name))
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (start == 0 || !isWord(src[start-1])) && (end == len(src) || !isWord(src[end])) {
			return true
		}
		i = start + 1
	}
}

// setsOptions reports whether the unchanged file path may set a custom
// option. A descriptor set's file is read for it only here, for the few
// files that import a changed one.
func (p *pairPlan) setsOptions(path string, h header) bool {
	set := p.sides[1].t.set
	if set == nil {
		return h.options
	}
	f := set.byPath[path]
	return f == nil || f.customOptions()
}

// publicOf returns the public imports of path in side s.
func (p *pairPlan) publicOf(s *pairSide, path string) []string {
	if p.d.changed[path] {
		return s.heads[path].public
	}
	return p.d.headers[path].public
}

// exportsAt returns exportsOf the compiled file path of side i, or nil
// when the side has no such file.
func (p *pairPlan) exportsAt(i int, path string) exports {
	if p.exports[i] == nil {
		p.exports[i] = make(map[string]exports)
	}
	if e, ok := p.exports[i][path]; ok {
		return e
	}
	var e exports
	if f := p.sides[i].linked[path]; f != nil {
		e = exportsOf(f)
	}
	p.exports[i][path] = e
	return e
}

// checkClashes compiles the changed files of new that declare a top-level
// name that the same file of old did not, with the files that could declare
// it too, so that a clash fails as it would in a full compile.
func (p *pairPlan) checkClashes(ctx context.Context) error {
	ns, os := p.sides[1], p.sides[0]
	if ns.t.set != nil {
		return nil // a descriptor set was linked when it was made
	}
	var cands []string
	packages := make(map[string]string, len(p.d.headers))
	for path, h := range p.d.headers {
		packages[path] = h.pkg
	}
	for _, f := range ns.t.Files {
		if !p.d.changed[f.Path] {
			continue
		}
		nf, of := ns.linked[f.Path], os.linked[f.Path]
		if nf == nil {
			continue // not compiled: the tree is compiled in full
		}
		if of != nil && of.Package() == nf.Package() && isSubset(topNames(nf), topNames(of)) {
			packages[f.Path] = string(nf.Package())
			continue
		}
		cands = append(cands, f.Path)
	}
	if len(cands) == 0 {
		return nil
	}
	for _, c := range cands {
		delete(packages, c)
	}
	extra, err := samePackageFiles(ctx, ns.t, cands, packages)
	if err != nil || len(extra) == 0 {
		return err
	}
	if clash, err := p.mayClash(ctx, cands, extra); err != nil || !clash {
		return err
	}
	// From source, all of it: a file linked already would not be linked
	// again, and the clash would go unseen.
	t := *ns.t
	t.depsOnly, t.errorsOnly = true, true
	t.shared = nil
	if _, err := t.Compile(ctx, slices.Sorted(maps.Keys(setOf(slices.Concat(cands, extra))))); err != nil {
		if !errors.As(err, new(source.ErrorList)) {
			err = fmt.Errorf("input %s: %w", ns.t.Input, err)
		}
		return err
	}
	return nil
}

// mayClash reports whether a file of cands, changed files of new, may
// declare a name that a file of extra declares too: the same full name, or
// a package of one named like a symbol of the other. The names of extra's
// unchanged files come from parsing them, which costs a fraction of
// compiling them with what they import, and is kept for the next baseline.
func (p *pairPlan) mayClash(ctx context.Context, cands, extra []string) (bool, error) {
	ns := p.sides[1]
	// By set, not by list: a large change has thousands of names, and
	// every name of every file of extra is looked up.
	candNames := make(map[protoreflect.FullName]bool)
	candPkgs := make(map[protoreflect.FullName]bool) // the packages of cands, and the packages enclosing them
	for _, c := range cands {
		f := ns.linked[c]
		for n := range topNames(f) {
			candNames[n] = true
		}
		for pkg := f.Package(); pkg != ""; pkg = pkg.Parent() {
			candPkgs[pkg] = true
		}
	}
	cache := ns.t.loader.linkCache()
	for _, path := range extra {
		var names []protoreflect.FullName
		var pkg protoreflect.FullName
		if f := ns.linked[path]; f != nil && p.d.changed[path] {
			for n := range topNames(f) {
				names = append(names, n)
			}
			pkg = f.Package()
		} else {
			f, ok := ns.t.file(path)
			if !ok {
				return true, nil
			}
			d, err := cache.declared(ctx, ns.t, f)
			if err != nil {
				return true, nil // the compile says what is wrong
			}
			names, pkg = d.names, d.pkg
		}
		for _, n := range names {
			if candNames[n] || candPkgs[n] {
				return true, nil
			}
		}
		for q := pkg; q != ""; q = q.Parent() {
			if candNames[q] {
				return true, nil
			}
		}
	}
	return false, nil
}

// topNames returns the full names a file declares at the level of its
// package, the only ones another file can declare too without a clash
// inside one of them showing first.
func topNames(f protoreflect.FileDescriptor) map[protoreflect.FullName]bool {
	out := make(map[protoreflect.FullName]bool)
	for i := range f.Messages().Len() {
		out[f.Messages().Get(i).FullName()] = true
	}
	for i := range f.Enums().Len() {
		e := f.Enums().Get(i)
		out[e.FullName()] = true
		for j := range e.Values().Len() {
			out[e.Values().Get(j).FullName()] = true
		}
	}
	for i := range f.Services().Len() {
		out[f.Services().Get(i).FullName()] = true
	}
	for i := range f.Extensions().Len() {
		out[f.Extensions().Get(i).FullName()] = true
	}
	return out
}

func isSubset[K comparable](a, b map[K]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func setOf(paths []string) map[string]bool {
	m := make(map[string]bool, len(paths))
	for _, p := range paths {
		m[p] = true
	}
	return m
}

// closureKeys digests the closures of side s's files for the cache: each
// file's contents (by the digest its tree gives, with the tree's kind: a
// blob id is not a content hash) and the files it imports.
func (p *pairPlan) closureKeys(s *pairSide) *closureKeys {
	kind := kindName(kindOf(s.t))
	var disk *diskCache
	if len(s.t.includes()) == 0 && len(s.t.roots) == 0 {
		disk = s.t.loader.disk()
	}
	return &closureKeys{
		memo: make(map[string]string),
		disk: disk,
		file: func(path string) (string, []string, bool) {
			f, ok := s.t.file(path)
			if !ok {
				data, digest, ok, err := s.t.reached(path)
				if !ok {
					return "", nil, false
				}
				// Not one of the files, but the version's own all the
				// same: keyed by its contents.
				h := scanHeader(data)
				if err != nil || h.err != nil {
					return "", nil, true
				}
				return kind + ":" + digest, h.imports, true
			}
			h, scanned := p.d.headers[path]
			if p.d.changed[path] {
				h, scanned = s.heads[path]
			}
			if !scanned || h.err != nil {
				return "", nil, true
			}
			return kind + ":" + f.Digest, h.imports, true
		},
	}
}

// rootsDiffer reports whether the other roots of two trees (Input.importRoots)
// hold different files, or files that import one of the trees' own files:
// either way an unchanged file of the input may link differently, which
// only a full compile sees.
func rootsDiffer(ctx context.Context, old, new *Tree) (bool, error) {
	files := func(t *Tree) map[string]string {
		m := make(map[string]string)
		for _, r := range t.roots {
			for _, f := range r.Files {
				if _, taken := m[f.Path]; !taken {
					m[f.Path] = f.Digest
				}
			}
		}
		return m
	}
	of, nf := files(old), files(new)
	if !maps.Equal(of, nf) {
		return true, nil
	}
	own := func(p string) bool {
		_, inOld := old.file(p)
		_, inNew := new.file(p)
		return inOld || inNew
	}
	var imports []string
	for _, r := range new.roots {
		for _, f := range r.Files {
			data, err := r.read(ctx, f.Path)
			if err != nil {
				return false, err
			}
			h := scanHeader(data)
			if h.err != nil {
				return true, nil
			}
			for _, imp := range h.imports {
				if own(imp) {
					return true, nil
				}
			}
			imports = append(imports, h.imports...)
		}
	}
	// The files the other roots hold only to be imported (Tree.reached)
	// must be the same too, and import none of the trees' own files.
	differ := false
	inRoots := func(t *Tree) func(string) ([]byte, string, bool, error) {
		return func(p string) ([]byte, string, bool, error) {
			if _, ok := nf[p]; ok {
				return nil, "", false, nil // a root's file, compared above
			}
			for _, r := range t.roots {
				if data, digest, ok, err := r.reached(p); ok || err != nil {
					return data, digest, ok, err
				}
			}
			return nil, "", false, nil
		}
	}
	diffReached(imports, func(p string) bool {
		if own(p) {
			differ = true
			return true
		}
		_, ok := nf[p]
		return ok
	}, inRoots(old), inRoots(new), func(string) { differ = true }, nil)
	return differ, nil
}

// reuseNewer gives nt the newer compiler's state that the Loader kept from
// an earlier LoadPair of the same new version, and returns nt's key.
func (l *Loader) reuseNewer(nt *Tree) string {
	if nt.editions == nil || nt.set != nil {
		return ""
	}
	key := treeKey(nt)
	l.keptMu.Lock()
	defer l.keptMu.Unlock()
	if l.kept != nil && l.keptKey == key {
		nt.editions.stateOnce.Do(func() { nt.editions.state = l.kept })
	}
	return key
}

// keepNewer keeps nt's newer compiler state, if it has one, for the next
// LoadPair of the same new version.
func (l *Loader) keepNewer(nt *Tree, key string) {
	if key == "" || nt.editions.state == nil {
		return
	}
	l.keptMu.Lock()
	defer l.keptMu.Unlock()
	l.keptKey, l.kept = key, nt.editions.state
}

// treeKey identifies a tree's contents, its name and what it imports
// from, so that a state kept for it serves only the same version.
func treeKey(t *Tree) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", t.Input.raw, strings.Join(t.includes(), "\x00"))
	for _, ts := range append([]*Tree{t}, t.roots...) {
		for _, f := range ts.Files {
			fmt.Fprintf(h, "%s\x00%s\x00", f.Path, f.Digest)
		}
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil))
}
