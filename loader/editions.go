package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	newcomp "github.com/protocheck/protocheck/loader/internal/editions"
)

// protocompile ships two compilers, each behind its package here:
// classic (protocompile.Compiler, v0.14) takes files already linked, which
// is what lets LoadPair link an unchanged file once for both versions and
// across baselines, and it is the faster of the two: on a generated tree
// of 1,000 files, both versions at once, 16.6 s and 7.3 GiB against
// 24.7 s and 7.9 GiB (RUNS=3 ONLY=compilers bench/compare.sh), and the
// newer alone was 1.49 times slower on proto3 trees and quadratic on long
// lines. But it stops at edition 2023. The newer one (package editions:
// experimental/incremental, the one buf builds images with) knows edition
// 2024 and takes sources only.
//
// So each compile goes to the v0.14 compiler, but for the files that
// import, directly or not, a file of a later edition: those go to the
// newer compiler, whose descriptors are built with protodesc on the very
// files already linked for the tree, so that both compilers' files can be
// mixed in one schema and one later compile. A tree without such a file
// never starts the newer compiler. This file routes; Tree.compile
// (loader.go) is the one place that calls both. Both read through one
// opener (openImport), which prechecks, and cap errors with compile.Cap.

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
	files map[string]*newcomp.File
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
// compiler, and builds their descriptors on the files t links already:
// with the Loader's shared compiler, or, for a closure it cannot key, the
// tree's own.
func (t *Tree) compileNewer(ctx context.Context, paths []string, own map[string]bool) ([]protoreflect.FileDescriptor, error) {
	req := newcomp.Request{
		Paths:      paths,
		Linked:     t.shared,
		Standard:   standardFile,
		SourceInfo: !t.depsOnly,
		ErrorsOnly: t.errorsOnly,
		MaxErrors:  MaxErrorsPerFile,
	}
	pre := new(refusals)
	v, err := t.viewOf(ctx, paths, own)
	var files []protoreflect.FileDescriptor
	if err == nil {
		files, err = t.loader.sharedCompiler().Compile(ctx, v, req)
	}
	if errors.Is(err, newcomp.ErrUnkeyed) {
		st := t.newerState(ctx, own)
		pre = st.pre
		files, err = st.c.Compile(ctx, req)
	}
	return files, t.newerError(ctx, err, pre)
}

// newerError turns what the newer compiler returned into loader's errors:
// a compileError for problems in the sources, with the refusals of the
// opener, and the input named in the others.
func (t *Tree) newerError(ctx context.Context, err error, pre *refusals) error {
	var errs *newcomp.Errors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &errs):
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return err
	default:
		return fmt.Errorf("input %s: %w", t.Input, err)
	}
	ce := &compileError{Input: t.Input}
	for _, e := range errs.List {
		pe := posError{Path: e.Name, Line: e.Line, Column: e.Column, Message: e.Message, file: e.File}
		if e.Name == "" {
			pe.Path = t.Input.String() // an error with no place
		}
		ce.Errors = append(ce.Errors, pe)
	}
	// A file refused by an earlier compile of the tree is not opened
	// again: its refusal stands for this compile too.
	pre.mu.Lock()
	ce.Errors = append(ce.Errors, pre.errs...)
	pre.mu.Unlock()
	if len(ce.Errors) == 0 {
		return nil
	}
	sortposErrors(ce)
	return ce
}

// newerState is the newer compiler's memory for one tree, for the
// closures the shared compiler cannot key, with the refusals of its
// opener.
type newerState struct {
	c   *newcomp.PerTree
	pre *refusals
}

// newerState returns t's newer compiler state, made on first use.
func (t *Tree) newerState(ctx context.Context, own map[string]bool) *newerState {
	if t.editions == nil {
		t.editions = new(editionIndex) // a tree not from Open
	}
	t.editions.stateOnce.Do(func() {
		// Own files are the tree's whatever a compile asks for, and reads
		// need no other context than the first compile's: a tree reads
		// its files once.
		pre := new(refusals)
		t.editions.state = &newerState{
			c: newcomp.NewPerTree(openerFunc(func(p string) (string, []byte, error) {
				return t.openImport(ctx, p, own, pre)
			})),
			pre: pre,
		}
	})
	return t.editions.state
}

// openerFunc is a newcomp.Opener.
type openerFunc func(p string) (name string, data []byte, err error)

func (f openerFunc) Open(p string) (string, []byte, error) { return f(p) }

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
