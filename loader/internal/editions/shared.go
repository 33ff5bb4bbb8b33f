package editions

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bufbuild/protocompile/experimental/ast"
	"github.com/bufbuild/protocompile/experimental/incremental"
	"github.com/bufbuild/protocompile/experimental/ir"
	"github.com/bufbuild/protocompile/experimental/parser"
	"github.com/bufbuild/protocompile/experimental/seq"
	"github.com/bufbuild/protocompile/experimental/source"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Parsed counts the files Shared parsed, for a test to see that an
// unchanged file is parsed once.
var Parsed atomic.Int64

// Shared is the compiler's memory for one Loader: one executor for every
// tree, version and baseline of a run, a file known by its contents. It is
// parsed once per contents, and linked once per contents of everything it
// imports, directly or not (its closure key).
type Shared struct {
	exec    *incremental.Executor
	session *ir.Session
	options optionReads

	mu    sync.Mutex
	built map[*descriptorpb.FileDescriptorProto][]builtFile
}

// NewShared returns an empty Shared.
func NewShared() *Shared {
	return &Shared{
		exec:    newExecutor(),
		session: new(ir.Session),
		built:   make(map[*descriptorpb.FileDescriptorProto][]builtFile),
	}
}

// Compile compiles req.Paths, whose closure v holds. A closure that the
// parser reads otherwise than the header scanner did gives ErrUnkeyed.
func (c *Shared) Compile(ctx context.Context, v *View, req Request) ([]protoreflect.FileDescriptor, error) {
	return run{
		exec:    c.exec,
		link:    linkQuery{session: c.session, view: v, paths: req.Paths},
		names:   v,
		options: &c.options,
		newFile: c.newFile,
	}.compile(ctx, req)
}

// A builtFile is a file built from one of the executor's protos, with the
// files its imports were resolved to.
type builtFile struct {
	deps  []protoreflect.FileDescriptor
	build func() (protoreflect.FileDescriptor, error)
}

// newFile builds the file of fp once for the Loader per proto and objects
// imported: both versions of a pair, and every baseline, then hold the
// same object for a file that is the same in them, as the v0.14
// compiler's shared files are. Compiles that ask for it at the same time
// wait for one build: two objects for one file would fail the cache's
// checks (loader's linkCache.usable) and be compiled again.
func (c *Shared) newFile(fp *descriptorpb.FileDescriptorProto, reg protodesc.Resolver, deps []protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
	if slices.Contains(deps, nil) {
		return protodesc.NewFile(fp, reg) // which says what is missing
	}
	c.mu.Lock()
	var build func() (protoreflect.FileDescriptor, error)
	for _, b := range c.built[fp] {
		if slices.Equal(b.deps, deps) {
			build = b.build
			break
		}
	}
	if build == nil {
		// The file depends only on fp and deps: any caller's registry,
		// which holds deps, resolves it the same.
		build = sync.OnceValues(func() (protoreflect.FileDescriptor, error) { return protodesc.NewFile(fp, reg) })
		c.built[fp] = append(c.built[fp], builtFile{deps, build})
	}
	c.mu.Unlock()
	return build()
}

// A File is one file of a compile, by the import path that names it.
type File struct {
	Path string
	// Name is the file as the user opens it.
	Name string
	Text string
	// Imports are the imports as the header names them.
	Imports []string
	// Standard marks a well-known import, from the compiler's own copies.
	Standard bool

	digest string // of path and text
	key    string // closure key: digest and the closure keys of imports
}

// NewFile returns the file path of a compile, from its name, contents and
// imports; std marks a well-known import. It returns nil for a file whose
// path, or an import's, the compiler would write otherwise: Shared cannot
// key it.
func NewFile(path, name, text string, imports []string, std bool) *File {
	if ir.CanonicalizeFilePath(path) != path {
		return nil
	}
	for _, imp := range imports {
		if ir.CanonicalizeFilePath(imp) != imp {
			return nil
		}
	}
	sum := sha256.Sum256([]byte(path + "\x00" + text))
	return &File{Path: path, Name: name, Text: text, Imports: imports, Standard: std, digest: string(sum[:])}
}

// WellKnown returns the compiler's own copy of a well-known import, or
// nil.
func WellKnown(path string) (text string, ok bool) {
	f, err := source.WKTs().Open(path)
	if err != nil {
		return "", false
	}
	return f.Text(), true
}

// A View is what one compile sees: each file of its closure with its key.
type View struct {
	files map[string]*File
}

// NewView returns the view of paths and what they import, reading each
// file with file; ErrUnkeyed when a file cannot be keyed (file returns nil
// or an error) or the imports form a cycle.
func NewView(paths []string, file func(path string) (*File, error)) (*View, error) {
	v := &View{files: make(map[string]*File)}
	const visiting = "\x00"
	var visit func(p string) (string, error)
	visit = func(p string) (string, error) {
		if f := v.files[p]; f != nil {
			if f.key == visiting {
				return "", ErrUnkeyed // a cycle: PerTree reports it
			}
			return f.key, nil
		}
		f, err := file(p)
		if err != nil {
			return "", err
		}
		if f == nil {
			return "", ErrUnkeyed
		}
		g := *f
		g.key = visiting
		v.files[p] = &g
		h := sha256.New()
		h.Write([]byte(g.digest))
		deps := g.Imports
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

func (v *View) display(p string) string {
	if f := v.files[p]; f != nil && f.Name != "" {
		return f.Name
	}
	return p
}

func (v *View) standard(p string) bool {
	f := v.files[p]
	return f != nil && f.Standard
}

// astQuery parses one file, by its contents.
type astQuery struct {
	file *File // not part of the key
}

func (q astQuery) Key() any {
	type key struct{ digest string }
	return key{q.file.digest}
}

func (q astQuery) Execute(t *incremental.Task) (*ast.File, error) {
	Parsed.Add(1)
	file, _ := parser.Parse(q.file.Path, source.NewFile(q.file.Path, q.file.Text), t.Report())
	return file, nil
}

// irQuery links one file, by its closure key.
type irQuery struct {
	session *ir.Session
	view    *View // not part of the key: any view with the key has the same closure
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
			return nil, ErrUnkeyed // PerTree reports it
		}
		p := ir.CanonicalizeFilePath(lit.Text())
		if q.view.files[p] == nil || !slices.Contains(f.Imports, p) {
			return nil, ErrUnkeyed // the scanner read another header than the parser
		}
		queries = append(queries, irQuery{session: q.session, view: q.view, path: p})
	}
	if len(queries) != len(f.Imports) {
		return nil, ErrUnkeyed
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
			return nil, r.Fatal // ErrUnkeyed below: PerTree takes it
		}
	}
	importer := func(n int, _ string, _ ast.DeclImport) (*ir.File, error) {
		if n == -1 {
			n = dp
		}
		if n < 0 || n >= len(imports) {
			return nil, fmt.Errorf("import %d of %s: %w", n, q.path, ErrUnkeyed)
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
	view    *View // not part of the key
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
