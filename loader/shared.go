package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bufbuild/protocompile/experimental/ast"
	"github.com/bufbuild/protocompile/experimental/incremental"
	"github.com/bufbuild/protocompile/experimental/ir"
	"github.com/bufbuild/protocompile/experimental/parser"
	"github.com/bufbuild/protocompile/experimental/report"
	"github.com/bufbuild/protocompile/experimental/seq"
	"github.com/bufbuild/protocompile/experimental/source"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The newer compiler keys what it parses and links by opener and path, so
// that each tree (and each version, and each baseline) had its own memory
// and parsed again every file of a closure that the other versions had
// parsed already. Here one executor serves a whole Loader, and a file is
// known by its contents: it is parsed once per contents, and linked once
// per contents of everything it imports, directly or not (its closure
// key), whichever version or baseline asks for it. Trees whose closure
// cannot be keyed (a header the scanner cannot read, a cycle, a missing
// or refused file) take the per-tree compile (newerState), which reports
// what is wrong as before.

// shareNewer turns the shared compiler on; a test turns it off to compare
// with the per-tree compile.
var shareNewer = true

// parsed counts the files the shared compiler parsed, for a test to see
// that an unchanged file is parsed once.
var parsed atomic.Int64

// sharedCompiler is the newer compiler's memory for one Loader.
type sharedCompiler struct {
	exec    *incremental.Executor
	session *ir.Session

	options optionReads

	mu    sync.Mutex
	built map[*descriptorpb.FileDescriptorProto][]builtFile
}

// A builtFile is a file built from one of the executor's protos, with the
// files its imports were resolved to.
type builtFile struct {
	deps []protoreflect.FileDescriptor
	f    protoreflect.FileDescriptor
}

// newFile builds the file of fp, whose imports are among built, once for
// the Loader per proto and objects imported: both versions of a pair, and
// every baseline, then hold the same object for a file that is the same
// in them, as the v0.14 compiler's shared files are.
func (c *sharedCompiler) newFile(fp *descriptorpb.FileDescriptorProto, reg protodesc.Resolver, deps []protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
	if slices.Contains(deps, nil) {
		return protodesc.NewFile(fp, reg) // which says what is missing
	}
	c.mu.Lock()
	for _, b := range c.built[fp] {
		if slices.Equal(b.deps, deps) {
			c.mu.Unlock()
			return b.f, nil
		}
	}
	c.mu.Unlock()
	f, err := protodesc.NewFile(fp, reg)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.built[fp] = append(c.built[fp], builtFile{deps, f})
	c.mu.Unlock()
	return f, nil
}

// shared returns l's shared compiler, made on first use.
func (l *Loader) sharedCompiler() *sharedCompiler {
	l.sharedOnce.Do(func() {
		l.shared = &sharedCompiler{
			exec:    incremental.New(incremental.WithReportOptions(report.Options{SuppressWarnings: true})),
			session: new(ir.Session),
			built:   make(map[*descriptorpb.FileDescriptorProto][]builtFile),
		}
	})
	return l.shared
}

// readOptions runs knownOptions on fp once for the Loader: fp is the
// executor's, shared by every compile.
func (c *sharedCompiler) readOptions(fp *descriptorpb.FileDescriptorProto) error {
	return c.options.read(fp)
}

// optionReads runs knownOptions once per proto. Each proto has its own
// once, so that the files of a compile, built at the same time, read their
// options at the same time.
type optionReads struct {
	mu   sync.Mutex
	done map[*descriptorpb.FileDescriptorProto]func() error
}

// read runs knownOptions on fp unless it ran already, and returns what it
// returned.
func (o *optionReads) read(fp *descriptorpb.FileDescriptorProto) error {
	o.mu.Lock()
	if o.done == nil {
		o.done = make(map[*descriptorpb.FileDescriptorProto]func() error)
	}
	once, ok := o.done[fp]
	if !ok {
		once = sync.OnceValue(func() error { return knownOptions(fp) })
		o.done[fp] = once
	}
	o.mu.Unlock()
	return once()
}

// A viewFile is one file of a compile, by the import path that names it.
type viewFile struct {
	path    string
	name    string // as the user opens it
	text    string
	digest  string   // of path and text
	imports []string // as the header names them
	std     bool     // a well-known import, from the compiler's own copies
	key     string   // closure key: digest and the closure keys of imports
}

// A view is what one compile sees: each file of its closure with its key.
type view struct {
	files map[string]*viewFile
}

// display returns the name of the file the compiler calls p, as the user
// opens it.
func (v *view) display(p string) string {
	if f := v.files[p]; f != nil && f.name != "" {
		return f.name
	}
	return p
}

// standard reports whether the file the compiler calls p is a well-known
// import.
func (v *view) standard(p string) bool {
	f := v.files[p]
	return f != nil && f.std
}

// errUnkeyed says that a closure cannot be keyed by contents.
var errUnkeyed = errors.New("closure not keyed by contents")

// viewOf returns the view of paths and what they import, or errUnkeyed.
func (t *Tree) viewOf(ctx context.Context, paths []string, own map[string]bool) (*view, error) {
	if !shareNewer {
		return nil, errUnkeyed
	}
	v := &view{files: make(map[string]*viewFile)}
	const visiting = "\x00"
	var visit func(p string) (string, error)
	visit = func(p string) (string, error) {
		if f := v.files[p]; f != nil {
			if f.key == visiting {
				return "", errUnkeyed // a cycle: the per-tree compile reports it
			}
			return f.key, nil
		}
		f, err := t.viewFile(ctx, p, own)
		if err != nil {
			return "", err
		}
		g := *f
		g.key = visiting
		v.files[p] = &g
		h := sha256.New()
		h.Write([]byte(g.digest))
		deps := g.imports
		if p != ir.DescriptorProtoPath {
			// Every file is linked with descriptor.proto.
			deps = append(slices.Clip(deps), ir.DescriptorProtoPath)
		}
		for _, imp := range deps {
			k, err := visit(imp)
			if err != nil {
				return "", err
			}
			h.Write([]byte(k))
		}
		g.key = string(h.Sum(nil))
		return g.key, nil
	}
	for _, p := range paths {
		if _, err := visit(p); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// viewFile reads, scans and prechecks the file the import p names, once
// for the tree and all copies of it.
func (t *Tree) viewFile(ctx context.Context, p string, own map[string]bool) (*viewFile, error) {
	if t.editions == nil {
		return nil, errUnkeyed // a tree not from Open
	}
	t.editions.mu.Lock()
	f, ok := t.editions.files[p]
	t.editions.mu.Unlock()
	if ok {
		if f == nil {
			return nil, errUnkeyed
		}
		return f, nil
	}
	f = t.readViewFile(ctx, p, own)
	t.editions.mu.Lock()
	if t.editions.files == nil {
		t.editions.files = make(map[string]*viewFile)
	}
	t.editions.files[p] = f
	t.editions.mu.Unlock()
	if f == nil {
		return nil, errUnkeyed
	}
	if own[p] {
		t.countRead()
	}
	return f, nil
}

// readViewFile reads the file the import p names, or returns nil when the
// file is not one the shared compiler takes.
func (t *Tree) readViewFile(ctx context.Context, p string, own map[string]bool) *viewFile {
	if !fs.ValidPath(p) || ir.CanonicalizeFilePath(p) != p {
		return nil
	}
	name, data, found, err := t.importFile(ctx, p, own)
	f := &viewFile{path: p, name: name}
	switch {
	case !found && errors.Is(err, fs.ErrNotExist):
		sf, err := source.WKTs().Open(p)
		if err != nil {
			return nil
		}
		f.text, f.std = sf.Text(), true
	case err != nil:
		return nil
	default:
		if precheck(data) != nil {
			return nil
		}
		f.text = string(data)
	}
	var imports []string
	if f.std {
		h := scanHeader([]byte(f.text))
		if h.err != nil {
			return nil
		}
		imports = h.imports
	} else {
		// Routing scanned most headers already, or has the file linked.
		var info routeInfo
		if _, linked := t.shared[p]; linked {
			info = t.routeInfo(ctx, p, own)
		} else {
			info = t.headerInfo(p, data)
		}
		if !info.known {
			return nil
		}
		imports = info.imports
	}
	for _, imp := range imports {
		if ir.CanonicalizeFilePath(imp) != imp {
			return nil
		}
	}
	f.imports = imports
	sum := sha256.Sum256([]byte(p + "\x00" + f.text))
	f.digest = string(sum[:])
	return f
}

// astQuery parses one file, by its contents.
type astQuery struct {
	file *viewFile // not part of the key
}

func (q astQuery) Key() any {
	type key struct{ digest string }
	return key{q.file.digest}
}

func (q astQuery) Execute(t *incremental.Task) (*ast.File, error) {
	parsed.Add(1)
	file, _ := parser.Parse(q.file.path, source.NewFile(q.file.path, q.file.text), t.Report())
	return file, nil
}

// irQuery links one file, by its closure key.
type irQuery struct {
	session *ir.Session
	view    *view // not part of the key: any view with the key has the same closure
	path    string
}

func (q irQuery) Key() any {
	type key struct {
		s       *ir.Session
		closure string
	}
	return key{q.session, q.view.files[q.path].key}
}

func (q irQuery) Execute(t *incremental.Task) (*ir.File, error) {
	f := q.view.files[q.path]
	r, err := incremental.Resolve(t, astQuery{file: f})
	if err != nil {
		return nil, err
	}
	if r[0].Fatal != nil {
		return nil, r[0].Fatal
	}
	file := r[0].Value
	var queries []incremental.Query[*ir.File]
	for decl := range file.Imports() {
		lit := decl.ImportPath().AsLiteral().AsString()
		if lit.IsZero() {
			return nil, errUnkeyed // the per-tree compile reports it
		}
		p := ir.CanonicalizeFilePath(lit.Text())
		if q.view.files[p] == nil || !slices.Contains(f.imports, p) {
			return nil, errUnkeyed // the scanner read another header than the parser
		}
		queries = append(queries, irQuery{session: q.session, view: q.view, path: p})
	}
	if len(queries) != len(f.imports) {
		return nil, errUnkeyed
	}
	dp := len(queries)
	if q.path != ir.DescriptorProtoPath {
		queries = append(queries, irQuery{session: q.session, view: q.view, path: ir.DescriptorProtoPath})
	}
	imports, err := incremental.Resolve(t, queries...)
	if err != nil {
		return nil, err
	}
	for _, r := range imports {
		if r.Fatal != nil {
			return nil, r.Fatal // errUnkeyed below: the per-tree compile takes it
		}
	}
	importer := func(n int, _ string, _ ast.DeclImport) (*ir.File, error) {
		if n == -1 {
			n = dp
		}
		if n < 0 || n >= len(imports) {
			return nil, fmt.Errorf("import %d of %s: %w", n, q.path, errUnkeyed)
		}
		return imports[n].Value, imports[n].Fatal
	}
	out, _ := q.session.Lower(file, t.Report(), importer)
	return out, nil
}

// linkQuery links the files of one compile together, as queries.Link
// does: symbols and extension numbers declared twice among them.
type linkQuery struct {
	session *ir.Session
	view    *view // not part of the key
	paths   []string
}

func (q linkQuery) Key() any {
	type key struct {
		s     *ir.Session
		files string
	}
	var b strings.Builder
	for _, p := range q.paths {
		b.WriteString(q.view.files[p].key)
	}
	return key{q.session, b.String()}
}

func (q linkQuery) Execute(t *incremental.Task) ([]*ir.File, error) {
	queries := make([]incremental.Query[*ir.File], len(q.paths))
	for i, p := range q.paths {
		queries[i] = irQuery{session: q.session, view: q.view, path: p}
	}
	results, err := incremental.Resolve(t, queries...)
	if err != nil {
		return nil, err
	}
	files, err := results.Slice()
	if err != nil {
		return nil, err
	}
	ir.DedupExportedSymbols(t.Report(), files...)
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		seen[f.Path()] = true
	}
	all := slices.Clone(files)
	for _, f := range files {
		for imp := range seq.Values(f.Imports()) {
			if !seen[imp.Path()] {
				seen[imp.Path()] = true
				all = append(all, imp.File)
			}
		}
	}
	ir.DedupExtensions(t.Report(), all...)
	return files, nil
}
