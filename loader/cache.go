package loader

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Checking against many versions (every release tag, say) compiles the
// same files again and again: the working tree's, and each file of the
// baselines that did not change between them. A file linked once is the
// same wherever its contents and the contents of everything it imports,
// directly or not, are the same. linkCache keeps, for one Loader, every
// linked file by that closure's digest, so that LoadPair compiles each
// version of a file once per run.
//
// The compiler accepts an already linked file only together with the very
// objects it imports: two objects for one path in one compile clash. So
// the cache holds a file only when it holds every file it imports, as the
// objects it imports (put), and a cached file is used only when none of
// the files under it is linked otherwise in the same compile (usable).

// linkCache maps closure digests to linked files.
type linkCache struct {
	mu    sync.Mutex
	files map[string]protoreflect.FileDescriptor
	keys  map[protoreflect.FileDescriptor]string
	// kept holds the keys whose files are on disk (diskcache.go), or were
	// written there by this run; missed, those found on disk not to be.
	kept, missed map[string]bool
	// decls holds parsed top-level names by file digest (see declared).
	decls map[string]declarations
}

// declarations are the package and top-level names of one file.
type declarations struct {
	pkg   protoreflect.FullName
	names []protoreflect.FullName
}

// declared parses f of t, without linking it, for the names it declares at
// the level of its package.
func (c *linkCache) declared(ctx context.Context, t *Tree, f File) (declarations, error) {
	key := headerKey(t, f)
	c.mu.Lock()
	d, ok := c.decls[key]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	disk := t.loader.disk()
	if disk != nil {
		if d, ok := disk.getDecls(key); ok {
			c.mu.Lock()
			c.decls[key] = d
			c.mu.Unlock()
			return d, nil
		}
	}
	data, err := t.read(ctx, f.Path)
	if err != nil {
		return d, err
	}
	h := reporter.NewHandler(nil)
	file, err := parser.Parse(f.Path, bytes.NewReader(data), h)
	if err != nil {
		return d, err
	}
	res, err := parser.ResultFromAST(file, false, h)
	if err != nil {
		return d, err
	}
	fd := res.FileDescriptorProto()
	d.pkg = protoreflect.FullName(fd.GetPackage())
	name := func(n string) protoreflect.FullName { return d.pkg.Append(protoreflect.Name(n)) }
	for _, m := range fd.GetMessageType() {
		d.names = append(d.names, name(m.GetName()))
	}
	for _, e := range fd.GetEnumType() {
		d.names = append(d.names, name(e.GetName()))
		for _, v := range e.GetValue() {
			d.names = append(d.names, name(v.GetName()))
		}
	}
	for _, s := range fd.GetService() {
		d.names = append(d.names, name(s.GetName()))
	}
	for _, x := range fd.GetExtension() {
		d.names = append(d.names, name(x.GetName()))
	}
	c.mu.Lock()
	c.decls[key] = d
	c.mu.Unlock()
	if disk != nil {
		disk.putDecls(key, d)
	}
	return d, nil
}

// linkCache returns l's cache, made on first use.
func (l *Loader) linkCache() *linkCache {
	l.cacheOnce.Do(func() {
		l.cache = &linkCache{
			files:  make(map[string]protoreflect.FileDescriptor),
			keys:   make(map[protoreflect.FileDescriptor]string),
			decls:  make(map[string]declarations),
			kept:   make(map[string]bool),
			missed: make(map[string]bool),
		}
	})
	return l.cache
}

// get returns the file cached under key, in memory or, when k's tree may
// use it, on disk; or nil. Several may load from disk at once: the lock is
// not held while an entry is read and built.
func (c *linkCache) get(ctx context.Context, k *closureKeys, key string) protoreflect.FileDescriptor {
	c.mu.Lock()
	f := c.files[key]
	c.mu.Unlock()
	if f != nil || k.disk == nil {
		return f
	}
	return c.load(ctx, k.disk, key, make(map[string]bool))
}

// load builds the file kept on disk under key, with the objects of its
// imports, themselves found in memory or loaded by their keys; visiting
// holds the keys being loaded below, which a forged entry could make a
// cycle of. It returns nil when any of it is missing, does not check out,
// or does not build: the file is then compiled. When two loads of one key
// race, the first one cached wins, and both return it, so that a key has
// one object.
func (c *linkCache) load(ctx context.Context, d *diskCache, key string, visiting map[string]bool) protoreflect.FileDescriptor {
	c.mu.Lock()
	f, missed := c.files[key], c.missed[key]
	c.mu.Unlock()
	if f != nil {
		return f
	}
	if missed || visiting[key] || ctx.Err() != nil {
		return nil // cancelled: the compile that follows returns at once
	}
	visiting[key] = true
	defer delete(visiting, key)
	miss := func() protoreflect.FileDescriptor {
		c.mu.Lock()
		c.missed[key] = true
		c.mu.Unlock()
		return nil
	}
	e, ok := d.getFile(key)
	if !ok {
		return miss()
	}
	deps := make([]protoreflect.FileDescriptor, len(e.depKeys))
	for i, dk := range e.depKeys {
		if dk == "" {
			deps[i] = wellKnown(e.depPaths[i])
		} else {
			deps[i] = c.load(ctx, d, dk, visiting)
		}
		if deps[i] == nil || deps[i].Path() != e.depPaths[i] {
			return miss()
		}
	}
	f, err := protodesc.NewFile(e.fp, newDepResolver(deps))
	if err != nil || (f.SourceLocations().Len() > 0) != e.source {
		return miss()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.files[key]; g != nil {
		return g
	}
	c.files[key], c.keys[f] = f, key
	c.kept[key] = true
	return f
}

// keepLocked writes f, just cached in memory under key, to disk, when
// every file it imports is kept too or is a well-known type.
func (c *linkCache) keepLocked(d *diskCache, f protoreflect.FileDescriptor, key string) {
	if c.kept[key] {
		return
	}
	imps := f.Imports()
	deps := make([]string, imps.Len())
	for i := range imps.Len() {
		imp := imps.Get(i).FileDescriptor
		if wk := wellKnown(imp.Path()); wk != nil && sameLinked(wk, imp) {
			continue // "": the program's own
		}
		dk, ok := c.keys[imp]
		if !ok || !c.kept[dk] {
			return
		}
		deps[i] = dk
	}
	d.putFile(key, f, deps)
	c.kept[key] = true
}

// put caches f under k.key(f.Path()) and, first, the files it imports,
// skipping any whose key is "" or taken by another object, and then every
// file that imports one of those. A file from outside the input that
// imports one of the input's files is skipped too: its key does not say
// which version of that file it was linked with.
func (c *linkCache) put(f protoreflect.FileDescriptor, k *closureKeys) {
	c.mu.Lock()
	defer c.mu.Unlock()
	done := make(map[protoreflect.FileDescriptor]bool)
	var add func(f protoreflect.FileDescriptor) bool
	add = func(f protoreflect.FileDescriptor) bool {
		if _, ok := c.keys[f]; ok {
			return true
		}
		if ok, seen := done[f]; seen {
			return ok
		}
		done[f] = false // a cycle does not link anyway
		_, _, own := k.file(f.Path())
		imps := f.Imports()
		for i := range imps.Len() {
			imp := imps.Get(i).FileDescriptor
			if _, _, impOwn := k.file(imp.Path()); (impOwn && !own) || !add(imp) {
				return false
			}
		}
		key := k.key(f.Path())
		if key == "" {
			return false
		}
		if g := c.files[key]; g != nil {
			// The compiler's wrapper of a file from outside the input
			// (a well-known type) is that file.
			done[f] = !own && sameLinked(g, f)
			return done[f]
		}
		c.files[key], c.keys[f] = f, key
		done[f] = true
		if own && k.disk != nil {
			c.keepLocked(k.disk, f, key)
		}
		return true
	}
	add(f)
}

// closure adds to m f and every file under it, by path.
func closure(f protoreflect.FileDescriptor, m map[string]protoreflect.FileDescriptor) {
	if _, ok := m[f.Path()]; ok {
		return
	}
	m[f.Path()] = f
	imps := f.Imports()
	for i := range imps.Len() {
		closure(imps.Get(i).FileDescriptor, m)
	}
}

// usable splits paths, the files a compile is asked for, into those the
// cache holds (returned with every file under them, by path) and those to
// compile. A cached file is left out when a file under it is to be
// compiled, or is in have as another object: linked twice, it would clash.
//
// withSource asks for files linked with source info, which the files to
// check need; a file's imports never do.
func (c *linkCache) usable(ctx context.Context, paths []string, have map[string]protoreflect.FileDescriptor, keys *closureKeys, withSource bool) (cached map[string]protoreflect.FileDescriptor, compile []string) {
	found := make(map[string]protoreflect.FileDescriptor)
	ks := make([]string, len(paths))
	for i, p := range paths {
		ks[i] = keys.key(p) // keys is not safe for concurrent use
	}
	got := make([]protoreflect.FileDescriptor, len(paths))
	inHalves(len(paths), func(i int) error {
		if ks[i] != "" {
			got[i] = c.get(ctx, keys, ks[i])
		}
		return nil
	})
	for i, p := range paths {
		if f := got[i]; f != nil && f.Path() == p && (!withSource || f.SourceLocations().Len() > 0) {
			found[p] = f
		}
	}
	asked := setOf(paths)
	for {
		under := make(map[string]protoreflect.FileDescriptor)
		for _, f := range found {
			closure(f, under)
		}
		dropped := false
		for p, f := range found {
			sub := make(map[string]protoreflect.FileDescriptor)
			closure(f, sub)
			for q, g := range sub {
				_, qCached := found[q]
				compiled := q != p && asked[q] && !qCached // linked afresh beside g
				if compiled || (have[q] != nil && !sameLinked(have[q], g)) || !sameLinked(under[q], g) {
					delete(found, p)
					dropped = true
					break
				}
			}
		}
		if !dropped {
			for _, p := range paths {
				if found[p] == nil {
					compile = append(compile, p)
				}
			}
			return under, compile
		}
	}
}

// closureKeys computes the closure digests of a tree's files for the cache:
// a file's path and contents, and the digests of the files it imports.
type closureKeys struct {
	memo map[string]string
	// disk is the Loader's on-disk cache when the tree may use it: when
	// every file it can import outside its own is a well-known type, the
	// program's own, since a key says nothing of another file's contents.
	disk *diskCache
	// file returns the digest of an input's file and its imports, or ok
	// false for a file that is not the input's own (an include path's or
	// a well-known type, the same throughout a run).
	file func(path string) (digest string, imports []string, own bool)
}

// key returns the digest of path's closure, or "" when it cannot be known.
func (k *closureKeys) key(path string) string {
	if d, ok := k.memo[path]; ok {
		return d
	}
	k.memo[path] = "" // a cycle: never cached
	digest, imports, own := k.file(path)
	h := sha256.New()
	h.Write([]byte(path + "\x00"))
	switch {
	case !own:
		h.Write([]byte("outside the input"))
	case digest == "":
		return ""
	default:
		h.Write([]byte(digest))
		for _, imp := range imports {
			ik := k.key(imp)
			if ik == "" {
				return ""
			}
			h.Write([]byte("\x00" + ik))
		}
	}
	d := hex.EncodeToString(h.Sum(nil))
	k.memo[path] = d
	return d
}
