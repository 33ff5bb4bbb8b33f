package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/experimental/fdp"
	"github.com/bufbuild/protocompile/experimental/incremental"
	"github.com/bufbuild/protocompile/experimental/incremental/queries"
	"github.com/bufbuild/protocompile/experimental/ir"
	"github.com/bufbuild/protocompile/experimental/report"
	"github.com/bufbuild/protocompile/experimental/source"
	"github.com/bufbuild/protocompile/experimental/source/length"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// protocompile ships two compilers. The v0.14 one (protocompile.Compiler)
// takes files already linked, which is what lets LoadPair link an
// unchanged file once for both versions and across baselines, and it is
// the faster of the two: on a generated tree of 1,000 files, both
// versions at once, 16.6 s and 7.3 GiB against 24.7 s and 7.9 GiB
// (RUNS=3 ONLY=compilers bench/compare.sh). But it stops at edition 2023. The newer one (experimental/incremental, the one
// buf builds images with) knows edition 2024 and takes sources only.
//
// So each compile goes to the v0.14 compiler, but for the files that
// import, directly or not, a file of a later edition: those go to the
// newer compiler, whose descriptors are built with protodesc on the very
// files already linked for the tree, so that both compilers' files can be
// mixed in one schema and one later compile. A tree without such a file
// never starts the newer compiler.

// editions lists the editions protocheck compiles, in order: those both
// the newer compiler and the Go protobuf runtime know.
var editions = []string{"2023", "2024", "2026"}

// supportedEditions says in words what protocheck compiles.
var supportedEditions = "proto2, proto3 and editions " + strings.Join(editions[:len(editions)-1], ", ") + " and " + editions[len(editions)-1]

// newCompilerEdition reports whether a file declaring edition (as written
// in its source; "" for a syntax statement or none) needs the newer
// compiler.
func newCompilerEdition(edition string) bool {
	return edition != "" && edition != "2023"
}

// editionOf reads the edition statement that opens src: the edition it
// names, and the offset of its value. A file that opens with anything
// else (a syntax statement, a syntax error) gives "".
func editionOf(src []byte) (edition string, at int) {
	l := lexer{src: src}
	if t := l.next(); t.kind != tokIdent || l.text(t) != "edition" {
		return "", 0
	}
	if t := l.next(); t.kind != tokOther || src[t.start] != '=' {
		return "", 0
	}
	// Adjacent string literals concatenate; escapes are left to the
	// compiler, which refuses them in an edition anyway.
	var b strings.Builder
	at = -1
	for t := l.next(); t.kind == tokString || t.kind == tokBad; t = l.next() {
		if t.kind == tokBad {
			return "", 0
		}
		body := src[t.start+1 : t.end-1]
		if bytes.IndexByte(body, '\\') >= 0 {
			return "", 0
		}
		if at < 0 {
			at = t.start
		}
		b.Write(body)
	}
	if b.Len() == 0 {
		return "", 0
	}
	return b.String(), at
}

// editionName returns an edition as a .proto file writes it: "2024" for
// EDITION_2024, "UNSTABLE", or the number of one this build does not know.
func editionName(e descriptorpb.Edition) string {
	if name, ok := descriptorpb.Edition_name[int32(e)]; ok {
		return strings.TrimPrefix(name, "EDITION_")
	}
	return strconv.Itoa(int(e))
}

// unsupportedEdition returns a problem at the edition statement of src
// when it names an edition protocheck does not compile: one line that
// says which, rather than a compiler's list of its internal names.
func unsupportedEdition(src []byte) *sourceProblem {
	ed, at := editionOf(src)
	if ed == "" || slices.Contains(editions, ed) {
		return nil
	}
	line, col := lineCol(src, at)
	return &sourceProblem{line, col, fmt.Sprintf("edition %q is not supported: protocheck compiles %s", ed, supportedEditions)}
}

// editionIndex remembers, for one opened tree and all copies of it, what
// routing needs of its files.
type editionIndex struct {
	once sync.Once
	// newer is set when one of the tree's own files needs the newer
	// compiler.
	newer bool

	mu      sync.Mutex
	headers map[string]routeInfo // by import path

	ownOnce sync.Once
	own     map[string]bool // the tree's own files (ownSet)

	stateOnce sync.Once
	state     *newerState

	// files holds, by import path, what the shared compiler read of the
	// tree's files (nil: a file it does not take); under mu.
	files map[string]*viewFile
}

// newerState is the newer compiler's memory for one tree: it parses and
// links each file once, however many compiles (rounds, importers, shared
// files) ask for it, which makes up for its taking sources only.
type newerState struct {
	mu      sync.Mutex // one compile at a time
	exec    *incremental.Executor
	session *ir.Session
	opener  *newerOpener
	options optionReads
}

// newerState returns t's newer compiler state, made on first use.
func (t *Tree) newerState(ctx context.Context, own map[string]bool) *newerState {
	if t.editions == nil {
		t.editions = new(editionIndex) // a tree not from Open
	}
	t.editions.stateOnce.Do(func() {
		t.editions.state = &newerState{
			exec:    incremental.New(incremental.WithReportOptions(report.Options{SuppressWarnings: true})),
			session: new(ir.Session),
			// Own files are the tree's whatever a compile asks for, and
			// reads need no other context than the first compile's: a
			// tree reads its files once.
			opener: &newerOpener{t: t, ctx: ctx, own: own, pre: &refusals{}, names: make(map[string]string), std: make(map[string]bool)},
		}
	})
	return t.editions.state
}

// routeInfo is what routing knows of one file.
type routeInfo struct {
	newer   bool
	imports []string
	known   bool // whether imports could be read
}

// mayNeedNewer reports whether a compile of t can meet a file that needs
// the newer compiler: one of its own files does, or an include path may
// hold one.
func (t *Tree) mayNeedNewer(ctx context.Context) bool {
	if t.editions == nil || t.set != nil {
		return false
	}
	t.editions.once.Do(func() {
		if t.prefetch != nil && t.prefetch(ctx, t.Paths()) != nil {
			return // read one by one below: the compile says what is wrong
		}
		for _, f := range t.Files {
			data, err := t.read(ctx, f.Path)
			if err != nil {
				continue // the compile says so
			}
			if ed, _ := editionOf(data); newCompilerEdition(ed) {
				t.editions.newer = true
				return
			}
		}
	})
	return t.editions.newer || len(t.includes()) > 0
}

// route splits paths into those whose import closure holds a file that
// needs the newer compiler, and the rest.
func (t *Tree) route(ctx context.Context, paths []string, own map[string]bool) (newer, older []string) {
	// Reading every file to rule the newer compiler out pays when every
	// file is compiled; a compile of a few follows their imports only.
	if len(paths) >= len(t.Files) && !t.mayNeedNewer(ctx) {
		return nil, paths
	}
	memo := make(map[string]bool)
	var visit func(p string) bool
	visit = func(p string) bool {
		if v, ok := memo[p]; ok {
			return v
		}
		memo[p] = false // a cycle: the compiler reports it
		info := t.routeInfo(ctx, p, own)
		v := info.newer
		for _, imp := range info.imports {
			if visit(imp) {
				v = true
			}
		}
		memo[p] = v
		return v
	}
	for _, p := range paths {
		if visit(p) {
			newer = append(newer, p)
		} else {
			older = append(older, p)
		}
	}
	return newer, older
}

// routeInfo returns what routing needs of the file p: from the descriptor
// when the tree links it already, else from its source.
func (t *Tree) routeInfo(ctx context.Context, p string, own map[string]bool) routeInfo {
	if f, ok := t.shared[p]; ok {
		// The v0.14 compiler links no file of a later edition, and
		// protodesc's files say which edition they are.
		e, ok := f.(interface{ Edition() int32 })
		info := routeInfo{known: true, newer: ok && f.Syntax() == protoreflect.Editions && e.Edition() > int32(descriptorpb.Edition_EDITION_2023)}
		for i := range f.Imports().Len() {
			info.imports = append(info.imports, f.Imports().Get(i).Path())
		}
		return info
	}
	t.editions.mu.Lock()
	info, ok := t.editions.headers[p]
	t.editions.mu.Unlock()
	if ok {
		return info
	}
	_, data, found, _ := t.importFile(ctx, p, own)
	if !found {
		return routeInfo{} // a well-known type, or missing: the compiler says
	}
	return t.headerInfo(p, data)
}

// headerInfo returns what routing knows of the file p, whose contents are
// data, scanning them on first use.
func (t *Tree) headerInfo(p string, data []byte) routeInfo {
	t.editions.mu.Lock()
	info, ok := t.editions.headers[p]
	t.editions.mu.Unlock()
	if ok {
		return info
	}
	ed, _ := editionOf(data)
	info.newer = newCompilerEdition(ed)
	if h := scanHeader(data); h.err == nil {
		info.imports, info.known = h.imports, true
	}
	t.editions.mu.Lock()
	if t.editions.headers == nil {
		t.editions.headers = make(map[string]routeInfo)
	}
	t.editions.headers[p] = info
	t.editions.mu.Unlock()
	return info
}

// outsideOnly reports whether p is a file of an include path or of another
// root that imports, directly or not, none of the tree's own files, as far
// as its header says: a file both versions link the same (LoadPair compiles
// everything when another root's files differ between them).
func (t *Tree) outsideOnly(ctx context.Context, p string) bool {
	if t.editions == nil || t.includeFile(p) == "" && t.rootFile(p) == nil {
		return false
	}
	own := t.ownSet()
	seen := make(map[string]bool)
	var visit func(p string) bool
	visit = func(p string) bool {
		if seen[p] {
			return true
		}
		seen[p] = true
		if own[p] {
			return false
		}
		if t.includeFile(p) == "" && t.rootFile(p) == nil {
			return isWellKnown(p)
		}
		info := t.routeInfo(ctx, p, own)
		if !info.known {
			return false
		}
		for _, imp := range info.imports {
			if !visit(imp) {
				return false
			}
		}
		return true
	}
	return visit(p)
}

// includeFile returns the file of an include path that the import p
// names, or "".
func (t *Tree) includeFile(p string) string {
	if !fs.ValidPath(p) {
		return ""
	}
	for _, inc := range t.includes() {
		full := filepath.Join(t.loader.abs(inc), filepath.FromSlash(p))
		if st, err := os.Stat(full); err == nil && st.Mode().IsRegular() {
			return full
		}
	}
	return ""
}

// errNewerEdition is what the v0.14 compiler is told of a file that needs
// the newer one, when routing could not see it coming (an importer the
// header scanner could not read): the compile is then done again with the
// newer compiler.
var errNewerEdition = errors.New("needs the newer compiler")

// compileNewer compiles paths, and what they import, with the newer
// compiler, and builds their descriptors on the files t links already.
func (t *Tree) compileNewer(ctx context.Context, paths []string, own map[string]bool) (_ []protoreflect.FileDescriptor, err error) {
	// The newer compiler is young, and passes a panic of its own on to
	// the caller of Run: say which input it could not compile, rather
	// than take the process down.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("input %s: protocompile's newer compiler failed on %s: %v", t.Input, strings.Join(paths, ", "), r)
		}
	}()
	if v, err := t.viewOf(ctx, paths, own); err == nil {
		c := t.loader.sharedCompiler()
		files, err := t.runNewer(ctx, paths, newerRun{
			exec:        c.exec,
			link:        linkQuery{session: c.session, view: v, paths: paths},
			names:       v,
			pre:         new(refusals),
			readOptions: c.readOptions,
			newFile:     c.newFile,
		})
		if !errors.Is(err, errUnkeyed) {
			return files, err
		}
	}
	st := t.newerState(ctx, own)
	st.mu.Lock()
	defer st.mu.Unlock()
	return t.runNewer(ctx, paths, newerRun{
		exec:        st.exec,
		link:        queries.Link{Opener: st.opener, Session: st.session, Workspace: source.NewWorkspace(paths...)},
		names:       st.opener,
		pre:         st.opener.pre,
		readOptions: st.readOptions,
	})
}

// A newerRun is what one compile with the newer compiler works with: the
// shared compiler's (shared.go) or a tree's own (newerState).
type newerRun struct {
	exec        *incremental.Executor
	link        incremental.Query[[]*ir.File]
	names       namer
	pre         *refusals
	readOptions func(*descriptorpb.FileDescriptorProto) error
	// newFile builds a file from its proto, resolving names with res,
	// and given the files it imports (nil for one not built); nil means
	// protodesc.NewFile.
	newFile func(fp *descriptorpb.FileDescriptorProto, res protodesc.Resolver, deps []protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error)
}

// A namer names the files of a compile as the user opens them, and says
// which are well-known imports.
type namer interface {
	display(p string) string
	standard(p string) bool
}

// runNewer links the closure of paths, then writes descriptor protos
// only for the files that are not linked for the tree already: the
// others are reused. It returns errUnkeyed when the shared compiler
// cannot take the closure.
func (t *Tree) runNewer(ctx context.Context, paths []string, r newerRun) ([]protoreflect.FileDescriptor, error) {
	var opts fdp.Options
	opts.Apply(fdp.IncludeSourceCodeInfo(!t.depsOnly))
	linked, diags, err := incremental.Run(ctx, r.exec, r.link)
	if err == nil && len(linked) == 1 && errors.Is(linked[0].Fatal, errUnkeyed) {
		return nil, errUnkeyed
	}
	if err := t.newerFailed(ctx, err, diags, r.names, r.pre); err != nil {
		return nil, err
	}
	if len(linked) != 1 {
		return nil, fmt.Errorf("input %s: the compiler returned %d results for one query", t.Input, len(linked))
	}
	if linked[0].Fatal != nil {
		return nil, &compileError{Input: t.Input, Errors: []posError{{Path: t.Input.String(), Message: linked[0].Fatal.Error()}}}
	}
	if t.errorsOnly {
		return nil, nil
	}
	var order []string // every file of the closure, each after what it imports
	var want []incremental.Query[*descriptorpb.FileDescriptorProto]
	for f := range ir.TopoSort(slices.DeleteFunc(slices.Clone(linked[0].Value), func(f *ir.File) bool { return f == nil })) {
		order = append(order, f.Path())
		if _, ok := t.shared[f.Path()]; ok || r.names.standard(f.Path()) {
			continue
		}
		want = append(want, queries.FDP{File: f, Options: opts})
	}
	fdps, diags, err := incremental.Run(ctx, r.exec, want...)
	if err := t.newerFailed(ctx, err, diags, r.names, r.pre); err != nil {
		return nil, err
	}
	protos := make(map[string]*descriptorpb.FileDescriptorProto, len(fdps))
	for _, res := range fdps {
		if res.Fatal != nil || res.Value == nil {
			return nil, fmt.Errorf("input %s: the compiler returned no descriptor: %v", t.Input, res.Fatal)
		}
		protos[res.Value.GetName()] = res.Value
	}
	return t.buildDescriptors(r, order, protos, paths)
}

// readOptions runs knownOptions on fp once for the state.
func (st *newerState) readOptions(fp *descriptorpb.FileDescriptorProto) error {
	return st.options.read(fp)
}

// newerFailed returns why a run of the newer compiler failed: it could not
// run, or its diagnostics hold errors; nil when neither.
func (t *Tree) newerFailed(ctx context.Context, err error, diags *report.Report, op namer, pre *refusals) error {
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("input %s: %w", t.Input, err)
	}
	if ce := t.newerErrors(diags, op, pre); ce != nil {
		return ce
	}
	return nil
}

// newerErrors turns the newer compiler's error diagnostics into a
// compileError, or nil when there is none.
func (t *Tree) newerErrors(diags *report.Report, op namer, pre *refusals) *compileError {
	ce := &compileError{Input: t.Input}
	refused := false
	var spanless []posError
	perFile := make(map[string]int)
	var more []posError // a file's first error past MaxErrorsPerFile
	if diags != nil {
		for _, d := range diags.Diagnostics {
			if d.Level() > report.Error {
				continue
			}
			pe := posError{Message: d.Message()}
			if strings.Contains(pe.Message, errRefusedText) {
				// The compiler gives its diagnostics as text only; the
				// refusal itself is reported once, from pre.
				refused = true
				continue
			}
			span := d.Primary()
			if span.IsZero() {
				// A message with no place accompanies others that have one,
				// as buf takes it: kept only if it is alone, naming the input.
				if pe.Message != "" {
					pe.Path = t.Input.String()
					spanless = append(spanless, pe)
				}
				continue
			}
			if perFile[span.Path()]++; perFile[span.Path()] > MaxErrorsPerFile+1 {
				continue // counted, and not placed: placing costs a pass over the line
			}
			start := span.Location(span.Start, length.Bytes)
			pe.Path, pe.Line, pe.Column, pe.file = op.display(span.Path()), start.Line, start.Column, span.Path()
			if perFile[span.Path()] > MaxErrorsPerFile {
				more = append(more, pe)
				continue
			}
			ce.Errors = append(ce.Errors, pe)
		}
	}
	for _, pe := range more {
		pe.Message = fmt.Sprintf("and %d more errors in this file", perFile[pe.file]-MaxErrorsPerFile)
		ce.Errors = append(ce.Errors, pe)
	}
	if len(ce.Errors) == 0 && !refused {
		ce.Errors = spanless
	}
	if refused || len(ce.Errors) > 0 {
		// A file refused by an earlier compile of the tree is not opened
		// again: its refusal stands for this compile too.
		pre.mu.Lock()
		ce.Errors = append(ce.Errors, pre.errs...)
		pre.mu.Unlock()
	}
	if len(ce.Errors) == 0 {
		return nil
	}
	sortposErrors(ce)
	return ce
}

// errRefusedText marks the errors the compiler derives from a file that
// precheck refused, which pre reports once.
const errRefusedText = "refused by protocheck: "

// buildDescriptors links, in order (each file after what it imports), the
// files of a compile: those t links already, and the well-known imports,
// as the very objects the v0.14 compiler uses (two objects for one file
// clash in a compile), the others from the compiler's protos. It returns
// the files of paths.
//
// Building a file (protodesc.NewFile, and reading its options) is a sixth
// of an edition 2024 compile, and it was the part that ran on one core: a
// file is built as soon as what it imports is, as many at once as there
// are cores. When one fails, the files are built again one at a time, in
// order, so that the error is the one that a sequential build meets first.
func (t *Tree) buildDescriptors(r newerRun, order []string, protos map[string]*descriptorpb.FileDescriptorProto, paths []string) ([]protoreflect.FileDescriptor, error) {
	built, err := t.buildParallel(r, order, protos)
	if err != nil {
		if built, err = t.buildInOrder(r, order, protos); err != nil {
			return nil, err
		}
	}
	out := make([]protoreflect.FileDescriptor, 0, len(paths))
	for _, p := range paths {
		f, ok := built[p]
		if !ok {
			return nil, fmt.Errorf("input %s: %s: the compiler returned no descriptor", t.Input, p)
		}
		out = append(out, f)
	}
	return out, nil
}

// linkedFile returns the object that the file p of a compile is linked to
// when it is not built from the compiler's proto: the file t links
// already, or the well-known import.
func (t *Tree) linkedFile(r newerRun, p string) (protoreflect.FileDescriptor, bool) {
	if f, ok := t.shared[p]; ok {
		return f, true
	}
	if r.names.standard(p) {
		return standardFile(p)
	}
	return nil, false
}

// registry is a protoregistry.Files that files may be registered in while
// others are built from it.
type registry struct {
	mu    sync.RWMutex
	files protoregistry.Files
	built map[string]protoreflect.FileDescriptor // by path
}

// FindFileByPath implements protodesc.Resolver.
func (g *registry) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.files.FindFileByPath(p)
}

// FindDescriptorByName implements protodesc.Resolver.
func (g *registry) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.files.FindDescriptorByName(n)
}

// register adds f, after what it imports, unless it is there already;
// the caller holds g.mu.
func (g *registry) register(f protoreflect.FileDescriptor) error {
	if _, ok := g.built[f.Path()]; ok {
		return nil
	}
	for i := range f.Imports().Len() {
		if err := g.register(f.Imports().Get(i).FileDescriptor); err != nil {
			return err
		}
	}
	g.built[f.Path()] = f
	return g.files.RegisterFile(f)
}

// deps returns the files fp imports, nil for one not built.
func (g *registry) deps(fp *descriptorpb.FileDescriptorProto) []protoreflect.FileDescriptor {
	g.mu.RLock()
	defer g.mu.RUnlock()
	deps := make([]protoreflect.FileDescriptor, len(fp.GetDependency()))
	for i, d := range fp.GetDependency() {
		deps[i] = g.built[d]
	}
	return deps
}

// buildFile builds the file p from its proto.
func (t *Tree) buildFile(r newerRun, g *registry, p string, fp *descriptorpb.FileDescriptorProto) (protoreflect.FileDescriptor, error) {
	if err := r.readOptions(fp); err != nil {
		return nil, fmt.Errorf("input %s: %s: %w", t.Input, p, err)
	}
	var f protoreflect.FileDescriptor
	var err error
	if r.newFile != nil {
		f, err = r.newFile(fp, g, g.deps(fp))
	} else {
		f, err = protodesc.NewFile(fp, g)
	}
	if err != nil {
		return nil, &compileError{Input: t.Input, Errors: []posError{{Path: r.names.display(p), Message: err.Error(), file: p}}}
	}
	return f, nil
}

// buildInOrder builds the files of order one at a time.
func (t *Tree) buildInOrder(r newerRun, order []string, protos map[string]*descriptorpb.FileDescriptorProto) (map[string]protoreflect.FileDescriptor, error) {
	g := &registry{built: make(map[string]protoreflect.FileDescriptor, len(order))}
	for _, p := range order {
		if _, ok := g.built[p]; ok {
			continue
		}
		f, ok := t.linkedFile(r, p)
		if !ok {
			var err error
			if f, err = t.buildFile(r, g, p, protos[p]); err != nil {
				return nil, err
			}
		}
		if err := g.register(f); err != nil {
			return nil, fmt.Errorf("input %s: %s: %w", t.Input, p, err)
		}
	}
	return g.built, nil
}

// buildParallel builds the files of order, each once what it imports is
// built, on every core; its error says only that one failed.
func (t *Tree) buildParallel(r newerRun, order []string, protos map[string]*descriptorpb.FileDescriptorProto) (map[string]protoreflect.FileDescriptor, error) {
	g := &registry{built: make(map[string]protoreflect.FileDescriptor, len(order))}
	var todo []string
	for _, p := range order {
		if f, ok := t.linkedFile(r, p); ok {
			if err := g.register(f); err != nil {
				return nil, err
			}
		} else {
			todo = append(todo, p)
		}
	}
	done := make(map[string]chan struct{}, len(todo))
	for _, p := range todo {
		done[p] = make(chan struct{})
	}
	var failed atomic.Bool
	cores := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range todo {
		wg.Go(func() {
			defer close(done[p])
			fp := protos[p]
			for _, d := range fp.GetDependency() {
				if ch := done[d]; ch != nil {
					<-ch
				}
			}
			if failed.Load() {
				return
			}
			cores <- struct{}{}
			defer func() { <-cores }()
			f, err := t.buildFile(r, g, p, fp)
			if err == nil {
				g.mu.Lock()
				err = g.register(f)
				g.mu.Unlock()
			}
			if err != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return nil, errBuildFailed
	}
	return g.built, nil
}

// errBuildFailed says that a file of a parallel build failed.
var errBuildFailed = errors.New("a file failed to build")

// knownOptions reads the options of fp, which the compiler keeps as
// unknown fields, into the standard options' fields, as protodesc expects.
// It changes fp, one of the compiler's cached protos, in place, once
// (optionReads). Reading only the options, not the whole file through the
// wire format, saves a tenth of compiling an edition 2024 tree
// (BenchmarkEditions).
func knownOptions(fp *descriptorpb.FileDescriptorProto) error {
	if fp == nil {
		return errors.New("the compiler returned no descriptor")
	}
	var err error
	read := func(m proto.Message) {
		r := m.ProtoReflect()
		if err != nil || !r.IsValid() {
			return
		}
		u := r.GetUnknown()
		if len(u) == 0 {
			return
		}
		r.SetUnknown(nil)
		err = proto.UnmarshalOptions{Merge: true, AllowPartial: true}.Unmarshal(u, m)
	}
	enum := func(e *descriptorpb.EnumDescriptorProto) {
		read(e.GetOptions())
		for _, v := range e.GetValue() {
			read(v.GetOptions())
		}
	}
	fields := func(fs []*descriptorpb.FieldDescriptorProto) {
		for _, f := range fs {
			read(f.GetOptions())
		}
	}
	var message func(m *descriptorpb.DescriptorProto)
	message = func(m *descriptorpb.DescriptorProto) {
		read(m.GetOptions())
		fields(m.GetField())
		fields(m.GetExtension())
		for _, o := range m.GetOneofDecl() {
			read(o.GetOptions())
		}
		for _, r := range m.GetExtensionRange() {
			read(r.GetOptions())
		}
		for _, n := range m.GetNestedType() {
			message(n)
		}
		for _, e := range m.GetEnumType() {
			enum(e)
		}
	}
	read(fp.GetOptions())
	for _, m := range fp.GetMessageType() {
		message(m)
	}
	for _, e := range fp.GetEnumType() {
		enum(e)
	}
	fields(fp.GetExtension())
	for _, s := range fp.GetService() {
		read(s.GetOptions())
		for _, m := range s.GetMethod() {
			read(m.GetOptions())
		}
	}
	return err
}

// newerOpener opens files for the newer compiler as accessor does for the
// v0.14 one: the tree's own files, then the include paths, then the
// well-known types; each file is prechecked. It must be a pointer: the
// compiler compares openers.
type newerOpener struct {
	t   *Tree
	ctx context.Context
	own map[string]bool
	pre *refusals

	mu    sync.Mutex
	names map[string]string // import path -> name as the user opens it
	std   map[string]bool   // well-known imports, opened from the compiler's own copies
}

// standard reports whether the file the compiler calls p is a well-known
// import.
func (o *newerOpener) standard(p string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.std[p]
}

// standardFile returns the descriptor the v0.14 compiler links the
// well-known import p to.
func standardFile(p string) (protoreflect.FileDescriptor, bool) {
	r := protocompile.WithStandardImports(protocompile.ResolverFunc(func(string) (protocompile.SearchResult, error) {
		return protocompile.SearchResult{}, fs.ErrNotExist
	}))
	res, err := r.FindFileByPath(p)
	if err != nil || res.Desc == nil {
		return nil, false
	}
	return res.Desc, true
}

// Open implements source.Opener.
func (o *newerOpener) Open(p string) (*source.File, error) {
	if !fs.ValidPath(p) {
		return nil, fmt.Errorf("import path %q leaves the import roots", p)
	}
	name, data, found, err := o.t.importFile(o.ctx, p, o.own)
	if !found && errors.Is(err, fs.ErrNotExist) {
		f, err := source.WKTs().Open(p)
		if err == nil {
			o.mu.Lock()
			o.std[p] = true
			o.mu.Unlock()
		}
		return f, err
	}
	if err != nil {
		return nil, err
	}
	if o.own[p] {
		o.t.countRead()
	}
	o.mu.Lock()
	o.names[p] = name
	o.mu.Unlock()
	if _, err := o.pre.check(name, data); err != nil {
		return nil, fmt.Errorf("%s%w", errRefusedText, err)
	}
	return source.NewFile(p, string(data)), nil
}

// display returns the name of the file the compiler calls p, as the user
// opens it.
func (o *newerOpener) display(p string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name, ok := o.names[p]; ok {
		return name
	}
	return p
}
