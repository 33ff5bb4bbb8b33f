package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/loader/internal/classic"
	"github.com/protocheck/protocheck/loader/internal/compile"
	newcomp "github.com/protocheck/protocheck/loader/internal/editions"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// Limits that keep a hostile or broken tree from exhausting the machine.
const (
	// MaxFileSize is the largest .proto file read, in bytes. Compiling a
	// file of this size takes up to 1.5 GiB (2.7 GiB for one made of
	// errors); at 16 MiB it took 6 GiB (docs/limits.md).
	MaxFileSize = 4 << 20
	// MaxFiles is the most .proto files one input may hold.
	MaxFiles = 100_000
)

// ErrNoFiles is the cause of the error for an input that holds no .proto
// file.
var ErrNoFiles = errors.New("no .proto files found")

// A Loader opens and compiles inputs. Its zero value works.
//
// LoadPair keeps what it links in the Loader, so that comparing one version
// with many (every release tag, say) links each version of a file once: use
// one Loader for such a run, and a new one to let the memory go. A Loader
// must not be copied after first use. Its methods may be called from
// several goroutines at once (the CLI loads every baseline together); its
// fields must not change after first use.
type Loader struct {
	// IncludePaths are directories searched, after the input itself, for
	// imports that the input does not hold. Their files are never checked.
	IncludePaths []string
	// Dir is the directory that relative input paths start from; empty
	// means the process's working directory.
	Dir string
	// Progress, when set, is called each time the compiler reads one of an
	// input's own files, with the number read from that input so far, so
	// that a long load can show that it moves. It is called from the
	// compiler's goroutines, possibly at once, and must be quick.
	Progress func(in Input, read int)
	// CacheDir, when set, is a directory where the Loader keeps what it
	// learns of files between runs, by their contents: what they import,
	// and the descriptors it linked (see diskcache.go). Empty keeps
	// nothing. Runs may share one at once.
	CacheDir string

	cacheOnce sync.Once
	cache     *linkCache // see cache.go
	diskOnce  sync.Once
	diskc     *diskCache // see diskcache.go

	// repos holds the git repositories opened so far, by directory
	// (openRepo).
	repos sync.Map

	// recounted holds the v0.14 results whose columns were counted as buf
	// counts them (columns.go): a result that a later compile reuses is
	// not counted twice.
	recounted sync.Map

	// kept is the newer compiler's state of the last new version that
	// LoadPair compiled, by the digest of that version (treeKey): checking
	// one input against many baselines parses and links the input once.
	keptMu  sync.Mutex
	keptKey string
	kept    *newerState

	// shared is the newer compiler's memory for every tree the Loader
	// compiles, by file contents (shared.go).
	sharedOnce sync.Once
	shared     *newcomp.Shared
}

// A Tree is an opened input: the list of its .proto files, ready to
// compile.
type Tree struct {
	// Input is the input the tree was opened from.
	Input Input
	// Files are the input's own files, sorted by path.
	Files []File
	// Notes say what of the input was left out, and why (a file that is
	// not a regular file, a link that loops), for the user to see.
	Notes []string

	loader *Loader
	// read returns the contents of one of Files.
	read func(ctx context.Context, path string) ([]byte, error)
	// prefetch, when set, readies the given files for read at once, for
	// an input that reads many files faster together than one by one (a
	// git revision).
	prefetch func(ctx context.Context, paths []string) error
	// set holds a descriptor set's files, for DescriptorSet inputs.
	set *descriptorSet
	// display turns a path relative to the root into one the user can open.
	display func(string) string
	// shared and depsOnly serve LoadPair (changed.go): files compiled
	// once for both versions, and a compile of imports only, which needs
	// no source info.
	shared   map[string]protoreflect.FileDescriptor
	depsOnly bool
	// errorsOnly marks a compile whose files are not used, only its errors
	// (pairPlan.checkClashes): the newer compiler stops once it linked.
	errorsOnly bool
	// reads counts the files the compiler read, for Loader.Progress; a
	// pointer, since LoadPair compiles copies of a tree.
	reads *atomic.Int64
	// excluded holds the files of the input that its configuration
	// excludes, so that an import of one says why it names no file.
	excluded map[string]bool
	// editions serves routing between the compilers (editions.go).
	editions *editionIndex
	// roots are the input's other roots (Input.importRoots), opened.
	roots []*Tree
	// byLink finds the files that a directory input holds only to be
	// imported (walk.go); nil when there can be none.
	byLink *reacher
	// blobDigests is set for a directory in a git work tree: the Digests
	// of its files are git blob ids, as a git input's are, not SHA-256
	// sums of the contents (walk.go).
	blobDigests bool
}

// A File is one file of a Tree.
type File struct {
	// Path is relative to the input's root, with forward slashes: the name
	// other files import it by.
	Path string
	// Digest identifies the contents: equal digests, equal files. For git
	// inputs, and for a directory in a git work tree, it is the blob id.
	Digest string
}

// file returns the tree's file of the given path.
func (t *Tree) file(path string) (File, bool) {
	i, ok := slices.BinarySearchFunc(t.Files, path, func(f File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return File{}, false
	}
	return t.Files[i], true
}

// Paths returns the paths of the tree's files, sorted.
func (t *Tree) Paths() []string {
	out := make([]string, len(t.Files))
	for i, f := range t.Files {
		out[i] = f.Path
	}
	return out
}

// Load opens in and compiles all of its files. An archive or a remote
// repository is fetched first and its temporary copy removed once
// compiled (Open and LoadPair need Fetch called first).
func (l *Loader) Load(ctx context.Context, in Input) (*schema.Schema, error) {
	if in.fetch != nil {
		local, cleanup, err := Fetch(ctx, in)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		in = local
	}
	t, err := l.Open(ctx, in)
	if err != nil {
		return nil, err
	}
	return t.Compile(ctx, nil)
}

// Open lists the files of in without compiling them.
func (l *Loader) Open(ctx context.Context, in Input) (*Tree, error) {
	t, err := l.open(ctx, in)
	if err != nil {
		return nil, err
	}
	t.reads = new(atomic.Int64)
	t.editions = new(editionIndex)
	return t, nil
}

func (l *Loader) open(ctx context.Context, in Input) (*Tree, error) {
	for _, inc := range includes(l, in) {
		st, err := os.Stat(l.abs(inc))
		switch {
		case err != nil:
			return nil, fmt.Errorf("include path %s: %w", inc, unwrapPathError(err))
		case !st.IsDir():
			return nil, fmt.Errorf("include path %s: not a directory", inc)
		}
	}
	t, err := l.openRoot(ctx, in)
	if err != nil {
		return nil, err
	}
	if len(in.excludes) > 0 {
		t.Files = slices.DeleteFunc(t.Files, func(f File) bool {
			if excluded(f.Path, in.excludes) {
				if t.excluded == nil {
					t.excluded = make(map[string]bool)
				}
				t.excluded[f.Path] = true
				return true
			}
			return false
		})
		if len(t.Files) == 0 {
			return nil, fmt.Errorf("input %s: every .proto file is excluded", in)
		}
	}
	for _, root := range in.importRoots {
		other, err := in.ops().withRoot(in, root)
		if err != nil {
			return nil, err
		}
		other.excludes, other.importRoots = nil, nil
		other.raw = root
		x, err := l.openRoot(ctx, other)
		if errors.Is(err, ErrNoFiles) {
			continue // nothing to import there
		}
		if err != nil {
			// A module that this version does not have (added later,
			// say) has nothing to import.
			t.Notes = append(t.Notes, fmt.Sprintf("%s: import root %s not searched: %v", in, root, err))
			continue
		}
		t.roots = append(t.roots, x)
	}
	return t, nil
}

// openRoot opens one root of an input.
func (l *Loader) openRoot(ctx context.Context, in Input) (*Tree, error) {
	return in.ops().open(ctx, l, in)
}

// excluded reports whether the slash path p is one of excludes or lies
// below one.
func excluded(p string, excludes []string) bool {
	for _, e := range excludes {
		if e == "." || p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
	}
	return false
}

// rootFile returns the tree of the input's other roots (Input.importRoots)
// that holds the import p, in order, or nil.
func (t *Tree) rootFile(p string) *Tree {
	for _, r := range t.roots {
		if _, ok := r.file(p); ok {
			return r
		}
		if _, _, ok, _ := r.reached(p); ok {
			return r
		}
	}
	return nil
}

// readImport reads the file of the import p that the tree holds: one of
// its Files, or one it holds only to be imported (Tree.reached).
func (t *Tree) readImport(ctx context.Context, p string) ([]byte, error) {
	if _, ok := t.file(p); ok {
		return t.read(ctx, p)
	}
	data, _, ok, err := t.reached(p)
	if !ok && err == nil {
		err = fs.ErrNotExist
	}
	return data, err
}

func (l *Loader) abs(p string) string {
	if filepath.IsAbs(p) || l.Dir == "" {
		return p
	}
	return filepath.Join(l.Dir, p)
}

// readLimited reads a file, refusing one larger than MaxFileSize.
// The bytes are counted as they are read, and anything but a regular file
// (a named pipe, a device) is refused without waiting on it.
func readLimited(p string) ([]byte, error) {
	f, err := openFile(p)
	if err != nil {
		return nil, dropPath(err)
	}
	defer f.Close()
	// A buffer of the file's size, and a byte more to see its end, saves
	// io.ReadAll's doubling: the copies and the clearing of each new
	// buffer cost a fifth of reading a tree of 7,000 files.
	if st, err := f.Stat(); err == nil && st.Size() < MaxFileSize {
		buf := make([]byte, st.Size()+1)
		n, err := io.ReadFull(f, buf)
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return buf[:n], nil
		case err != nil:
			return nil, dropPath(err)
		}
		// The file grew since: read the rest as any reader is read.
		rest, err := readBounded(f, MaxFileSize-int64(n))
		if errors.Is(err, ErrTooLarge) {
			return nil, tooLarge(MaxFileSize)
		}
		if err != nil {
			return nil, dropPath(err)
		}
		return append(buf[:n], rest...), nil
	}
	data, err := readBounded(f, MaxFileSize)
	if err != nil {
		return nil, dropPath(err)
	}
	return data, nil
}

// dropPath returns the cause of a *fs.PathError, for callers that name
// the file themselves.
func dropPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unwrapPathError drops the path that *fs.PathError repeats, since callers
// name the file themselves.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return fmt.Errorf("%s does not exist", pe.Path)
		}
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// Compile compiles the tree's files named in only, with everything they
// import, or all of them when only is nil. Problems in the sources are
// returned together as a source.ErrorList, sorted, whose paths are as the
// user opens the files; an import that names no file has an *ImportError
// as its cause.
func (t *Tree) Compile(ctx context.Context, only []string) (*schema.Schema, error) {
	s, err := t.compileSchema(ctx, only)
	if ce, ok := err.(*compileError); ok {
		return nil, ce.list()
	}
	return s, err
}

// compileSchema is Compile, its problems still in a *compileError, which
// keeps what the compilers' bookkeeping needs.
func (t *Tree) compileSchema(ctx context.Context, only []string) (*schema.Schema, error) {
	if t.set != nil {
		return t.set.schema(t, only)
	}
	paths := only
	if paths == nil {
		paths = t.Paths()
	}
	own := t.ownSet()
	files, err := t.compile(ctx, paths, own)
	var ce *compileError
	if errors.As(err, &ce) {
		// The compiler stops at the first import it cannot resolve, and
		// says nothing of the others: find them all, and compile what
		// does not depend on them for the rest of the errors.
		missing, blocked := t.missingImports(ctx, paths, own)
		if len(missing) > 0 {
			rest := slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return blocked[p] })
			all := &compileError{Input: t.Input, Errors: missing}
			if len(rest) > 0 {
				if _, err := t.compile(ctx, rest, own); errors.As(err, &ce) {
					all.Errors = append(all.Errors, ce.Errors...)
				} else if err != nil {
					return nil, err
				}
			}
			sortposErrors(all)
			return nil, all
		}
	}
	if err != nil {
		return nil, err
	}
	s := &schema.Schema{Paths: t.Paths(), Files: files, Notes: t.Notes}
	slices.SortFunc(s.Files, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
	return s, nil
}

// compile compiles paths, of which own are the tree's files: with the
// newer compiler those that need it (editions.go), with the v0.14 one the
// rest.
func (t *Tree) compile(ctx context.Context, paths []string, own map[string]bool) ([]protoreflect.FileDescriptor, error) {
	newer, older := t.route(ctx, paths, own)
	var (
		files []protoreflect.FileDescriptor
		all   *compileError
	)
	collect := func(fs []protoreflect.FileDescriptor, err error) error {
		var ce *compileError
		switch {
		case errors.As(err, &ce):
			if all == nil {
				all = &compileError{Input: t.Input}
			}
			all.Errors = append(all.Errors, ce.Errors...)
		case err != nil:
			return err
		}
		files = append(files, fs...)
		return nil
	}
	if len(older) > 0 {
		fs, err := t.compileV014(ctx, older, own)
		if errors.Is(err, errNewerEdition) {
			newer = append(newer, older...) // routing could not see it coming
		} else if err := collect(fs, err); err != nil {
			return nil, err
		}
	}
	if len(newer) > 0 {
		nt := t
		if len(files) > 0 {
			// The newer compiler's files link to what the v0.14 one
			// linked, so that no file has two objects in the schema.
			c := *t
			c.shared = maps.Clone(t.shared)
			if c.shared == nil {
				c.shared = make(map[string]protoreflect.FileDescriptor)
			}
			for _, f := range files {
				addLinked(c.shared, f)
			}
			nt = &c
		}
		fs, err := nt.compileNewer(ctx, newer, own)
		var ce *compileError
		if errors.As(err, &ce) {
			err = t.ownErrors(ctx, ce, older, own)
		}
		if err := collect(fs, err); err != nil {
			return nil, err
		}
	}
	if all != nil {
		sortposErrors(all)
		return nil, all
	}
	return files, nil
}

// ownErrors keeps each error with the compiler that owns its file: the
// newer compiler also compiles, from source, files of earlier editions
// that its files import, and words their errors its own way. Errors in
// such a file are replaced by the v0.14 compiler's (already reported when
// the file was in older, the paths it compiled), so that a file's errors
// read the same whichever files a run compiles.
func (t *Tree) ownErrors(ctx context.Context, ce *compileError, older []string, own map[string]bool) error {
	compiled := setOf(older)
	var theirs []string // files of earlier editions to ask the v0.14 compiler about
	keep := ce.Errors[:0:0]
	byFile := make(map[string][]posError)
	for _, e := range ce.Errors {
		if e.file == "" || e.Import != "" {
			keep = append(keep, e)
			continue
		}
		if n, _ := t.route(ctx, []string{e.file}, own); len(n) > 0 {
			keep = append(keep, e) // the newer compiler's own file
			continue
		}
		if !compiled[e.file] && byFile[e.file] == nil {
			theirs = append(theirs, e.file)
		}
		byFile[e.file] = append(byFile[e.file], e)
	}
	if len(theirs) > 0 {
		slices.Sort(theirs)
		_, err := t.compileV014(ctx, theirs, own)
		var v14 *compileError
		if !errors.As(err, &v14) {
			// The v0.14 compiler finds nothing wrong: keep what the
			// newer one said.
			for _, f := range theirs {
				keep = append(keep, byFile[f]...)
			}
		} else {
			keep = append(keep, v14.Errors...)
		}
	}
	return &compileError{Input: ce.Input, Errors: keep}
}

// compileV014 runs protocompile's v0.14 compiler on paths (package
// classic). It returns errNewerEdition when it meets a file that needs the
// newer compiler.
func (t *Tree) compileV014(ctx context.Context, paths []string, own map[string]bool) ([]protoreflect.FileDescriptor, error) {
	var pre *refusals // the last attempt's
	files, errs, err := classic.Compile(ctx, classic.Request{
		Paths:      paths,
		Linked:     t.shared,
		SourceInfo: !t.depsOnly,
		MaxErrors:  MaxErrorsPerFile,
		Open: func(attempt int) func(string) (io.ReadCloser, error) {
			// The second attempt also reads the files as written: the
			// positions of its errors are theirs.
			pre = &refusals{older: true, keepLines: attempt > 0}
			return t.accessor(ctx, own, pre)
		},
		Final: func() bool { return pre.newer.Load() },
	})
	if pre.newer.Load() {
		return nil, errNewerEdition
	}
	if len(pre.errs) > 0 {
		// A refused file fails every file that imports it too: say why once.
		errs = slices.DeleteFunc(errs, func(e reporter.ErrorWithPos) bool { return errors.As(e, new(*compile.Refused)) })
		ce := newcompileError(t, errs)
		ce.Errors = append(ce.Errors, pre.errs...)
		sortposErrors(ce)
		return nil, ce
	}
	if len(errs) > 0 {
		return nil, newcompileError(t, errs)
	}
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", t.Input, err)
	}
	if len(pre.broken) > 0 {
		unbreakAll(files, pre.broken)
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
		r, ok := f.(linker.Result)
		if !ok || r.SourceLocations().Len() == 0 || !t.recount(r) {
			continue // no positions to count again (a compile of imports)
		}
		if data, err := t.read(ctx, r.Path()); err == nil {
			termColumns(r, data)
		}
	}
	return out, nil
}

// missingImports finds, by scanning the files of paths and what they
// import, every import that names no file: the input's own, an include
// path's or a well-known type's. It returns an error at each, worded as
// the compiler words it, and the files of paths that depend on one.
func (t *Tree) missingImports(ctx context.Context, paths []string, own map[string]bool) ([]posError, map[string]bool) {
	var missing []posError
	bad := make(map[string]bool)  // files that import a missing file, directly or not
	state := make(map[string]int) // 1: being visited, 2: done
	var visit func(p string) bool
	visit = func(p string) bool {
		switch state[p] {
		case 1:
			return false // a cycle: the compiler reports it
		case 2:
			return bad[p]
		}
		state[p] = 1
		defer func() { state[p] = 2 }()
		if !own[p] {
			return false // found elsewhere, or missing and reported where imported
		}
		data, err := t.read(ctx, p)
		if err != nil {
			return false
		}
		h := scanHeader(data)
		if h.err != nil {
			return false
		}
		var pos positions // imports come in file order: one pass places them all
		n := 0            // missing imports of p
		for i, imp := range h.imports {
			if !own[imp] && !t.findsOutside(imp) {
				bad[p] = true
				if n++; n > MaxErrorsPerFile+1 {
					continue
				}
				line, col := pos.at(data, h.importAt[i])
				msg := fmt.Sprintf("could not resolve path %q: file does not exist", imp)
				if t.excludedImport(imp) {
					// As in buf, an excluded file is not part of the
					// module, not even as an import.
					msg = fmt.Sprintf("could not resolve path %q: the configuration excludes it (buf.yaml's excludes), and an excluded file cannot be imported", imp)
				}
				missing = append(missing, posError{
					Path: t.display(p), Line: line, Column: col,
					Message: msg,
					Import:  imp,
				})
				continue
			}
			if visit(imp) {
				bad[p] = true
			}
		}
		if n > MaxErrorsPerFile {
			last := &missing[len(missing)-1]
			last.Message, last.Import = fmt.Sprintf("and %d more errors in this file", n-MaxErrorsPerFile), ""
		}
		return bad[p]
	}
	blocked := make(map[string]bool)
	for _, p := range paths {
		if visit(p) {
			blocked[p] = true
		}
	}
	return missing, blocked
}

// findsOutside reports whether an import that is not one of the tree's own
// files resolves: to a file the tree holds only to be imported, in another
// root, in an include path, or as a well-known type.
func (t *Tree) findsOutside(imp string) bool {
	if isWellKnown(imp) {
		return true // the compiler says so if it is not one
	}
	if !fs.ValidPath(imp) {
		return true // refused at the import by the accessor
	}
	if _, _, ok, _ := t.reached(imp); ok {
		return true
	}
	if t.rootFile(imp) != nil {
		return true
	}
	for _, inc := range t.includes() {
		if _, err := os.Stat(filepath.Join(t.loader.abs(inc), filepath.FromSlash(imp))); err == nil {
			return true
		}
	}
	return false
}

// recount reports whether r's columns are still to be counted as buf
// counts them, and marks them counted.
func (t *Tree) recount(r linker.Result) bool {
	_, done := t.loader.recounted.LoadOrStore(r, true)
	return !done
}

// includes returns the directories searched for the imports that an
// input does not hold: its dependencies', then the Loader's.
func includes(l *Loader, in Input) []string {
	if len(in.depRoots) == 0 {
		return l.IncludePaths
	}
	return append(slices.Clip(in.depRoots), l.IncludePaths...)
}

// includes returns the directories searched for the imports that the
// tree does not hold.
func (t *Tree) includes() []string { return includes(t.loader, t.Input) }

// positions turns increasing byte offsets of one source into lines and
// columns, reading each byte once.
type positions struct {
	off, line, lineStart int
}

// at returns the 1-based line and column (in bytes) of off, which is not
// less than the last offset asked for.
func (p *positions) at(data []byte, off int) (line, col int) {
	if p.line == 0 {
		p.line = 1
	}
	for ; p.off < off; p.off++ {
		if data[p.off] == '\n' {
			p.line++
			p.lineStart = p.off + 1
		}
	}
	return p.line, off - p.lineStart + 1
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(data[:off], '\n')
}

// accessor opens a file for the v0.14 compiler through the one opener
// (openImport). A file with a long line is given line breaks (breakLines)
// unless pre.keepLines, and pre.broken holds it by import path.
func (t *Tree) accessor(ctx context.Context, own map[string]bool, pre *refusals) func(string) (io.ReadCloser, error) {
	return func(p string) (io.ReadCloser, error) {
		_, data, err := t.openImport(ctx, p, own, pre)
		if err != nil {
			return nil, err
		}
		if !pre.keepLines {
			if b := breakLines(data); b != nil {
				pre.mu.Lock()
				if pre.broken == nil {
					pre.broken = make(map[string]*brokenFile)
				}
				pre.broken[p] = b
				pre.mu.Unlock()
				return io.NopCloser(bytes.NewReader(b.text)), nil
			}
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
}

// ownSet returns the paths of the tree's own files, made once for the tree
// and all copies of it.
func (t *Tree) ownSet() map[string]bool {
	build := func() map[string]bool {
		own := make(map[string]bool, len(t.Files))
		for _, f := range t.Files {
			own[f.Path] = true
		}
		return own
	}
	if t.editions == nil {
		return build() // a tree not from Open
	}
	t.editions.ownOnce.Do(func() { t.editions.own = build() })
	return t.editions.own
}

// importFile reads the file that the import p names from the first place
// that holds it: the tree's own files, the files it holds only to be
// imported (Tree.reached), its other roots (Input.importRoots), the include
// paths. name is the file as the user opens it (an include
// path's file by its import path, as in every message); found is false
// when none holds it (a well-known import, or a missing file), with err
// fs.ErrNotExist.
func (t *Tree) importFile(ctx context.Context, p string, own map[string]bool) (name string, data []byte, found bool, err error) {
	if own[p] {
		data, err = t.read(ctx, p)
		return t.display(p), data, err == nil, err
	}
	if data, _, ok, err := t.reached(p); ok {
		return t.display(p), data, err == nil, err
	}
	if r := t.rootFile(p); r != nil {
		data, err = r.readImport(ctx, p)
		return r.display(p), data, err == nil, err
	}
	if full := t.includeFile(p); full != "" {
		data, err = readLimited(full)
		return p, data, err == nil, err
	}
	return "", nil, false, fs.ErrNotExist
}

// countRead tells Loader.Progress of one more of the input's own files
// read by a compiler.
func (t *Tree) countRead() {
	if t.loader.Progress != nil && t.reads != nil {
		t.loader.Progress(t.Input, int(t.reads.Add(1)))
	}
}

// refusals collects the files that precheck refused during one compile;
// the compiler reads files concurrently.
type refusals struct {
	mu   sync.Mutex
	errs []posError
	// older marks the v0.14 compiler's compile, which is told of a file
	// that needs the newer compiler (openImport); newer is set when it was.
	older bool
	newer atomic.Bool
	// keepLines hands the compiler every file as written; otherwise a file
	// with a long line is given line breaks (breakLines), and broken holds
	// it by import path.
	keepLines bool
	broken    map[string]*brokenFile
}

// needsNewer reports, and remembers, whether data is a file of an edition
// that the newer compiler compiles and the v0.14 one does not.
func (r *refusals) needsNewer(data []byte) bool {
	ed, _ := editionOf(data)
	if newCompilerEdition(ed) && slices.Contains(editions, ed) {
		r.newer.Store(true)
		return true
	}
	return false
}

// A compileError lists every problem found in an input's sources, as the
// compilers' bookkeeping needs them; Compile returns them as a
// source.ErrorList.
type compileError struct {
	// Input is the input that failed to compile.
	Input Input
	// Errors are the problems, each with its position; the file names in
	// them are as the user can open them (the input path joined with the
	// file's path).
	Errors []posError
}

// A posError is one positioned compile error.
type posError struct {
	Path         string
	Line, Column int
	Message      string
	// Import is, for an import that names no file, the path it names.
	Import string

	file string // the import path of the file, when known
}

// An ImportError is the cause (source.Error.Err) of a compile error at an
// import that names no file: a caller can say where such files come from,
// such as a buf.yaml's deps.
type ImportError struct {
	// Import is the path the import names.
	Import string
}

// Error names the import.
func (e *ImportError) Error() string { return fmt.Sprintf("import %q names no file", e.Import) }

// list returns the problems as Compile returns them: each message followed
// by the version it was found in when its path does not say.
func (e *compileError) list() source.ErrorList {
	l := make(source.ErrorList, len(e.Errors))
	for i, pe := range e.Errors {
		l[i] = &source.Error{Path: pe.Path, Line: pe.Line, Column: pe.Column, Message: e.Message(pe)}
		if pe.Import != "" {
			l[i].Err = &ImportError{Import: pe.Import}
		}
	}
	return l
}

// String formats the error as file:line:col: message.
func (e posError) String() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Message)
}

// Error returns every problem, one per line, each as file:line:col:
// message, so that editors and CI systems find the place. When the file's
// path does not say which version it belongs to (a git revision's paths
// are the repository's, as in the work tree), the version follows the
// message: "a.proto:3:8: … (in .git#branch=main)".
func (e *compileError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, pe := range e.Errors {
		pe.Message = e.Message(pe)
		lines[i] = pe.String()
	}
	return strings.Join(lines, "\n")
}

// Message returns the message of pe, one of e's errors, followed by the
// version it was found in when its path does not say: "… (in
// .git#branch=main)".
func (e *compileError) Message(pe posError) string {
	if v := e.Version(); v != "" && pe.Path != e.Input.raw {
		return pe.Message + " (in " + v + ")"
	}
	return pe.Message
}

// Version names the version whose files hold the errors, when their paths
// do not: the input as the user wrote it (without the module, which the
// paths hold), "the staged files" for the index; "" for a directory.
func (e *compileError) Version() string {
	switch {
	case e.Input.kind == dirInput || e.Input.raw == "":
		return ""
	case e.Input.kind == gitInput && e.Input.refKind == staged:
		return "the staged files"
	}
	v, _, _ := strings.Cut(e.Input.raw, " (module ")
	return v
}

func newcompileError(t *Tree, errs []reporter.ErrorWithPos) *compileError {
	ce := &compileError{Input: t.Input}
	show := func(name string) string {
		// Files of include paths and well-known imports are named by
		// their import path: they are not under the input.
		if t.display == nil {
			return name
		}
		if _, own := t.file(name); own {
			return t.display(name)
		}
		if _, _, ok, _ := t.reached(name); ok {
			return t.display(name) // under the input, through a link
		}
		return name
	}
	for _, err := range errs {
		pos := err.GetPosition()
		name, line, col, msg := pos.Filename, pos.Line, pos.Col, err.Unwrap().Error()
		// The compiler links files concurrently, so which of two files
		// defining one symbol gets the error varies from run to run. Put
		// it on the later one, and name the earlier as the user opens it.
		if m := duplicateSymbol.FindStringSubmatch(msg); m != nil {
			oname, oline, ocol := m[2], atoi(m[3]), atoi(m[4])
			if oname != name && oname > name {
				name, oname, line, oline, col, ocol = oname, name, oline, line, ocol, col
			}
			msg = fmt.Sprintf("%s%s:%d:%d%s", m[1], show(oname), oline, ocol, m[5])
		}
		msg = t.reword(name, line, col, msg, show)
		col = t.errorColumn(name, line, col)
		ce.Errors = append(ce.Errors, posError{Path: show(name), Line: line, Column: col, Message: msg, file: name})
	}
	sortposErrors(ce)
	ce.Errors = dropEchoes(ce.Errors)
	return ce
}

// duplicateSymbol matches protocompile's message for a symbol defined
// twice: the message up to the other position, the position, the rest.
var duplicateSymbol = regexp.MustCompile(`^(symbol ".*" already defined(?: as a package)? at )([^:]+):(\d+):(\d+)(.*)$`)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// sortposErrors orders the errors by position and drops repeats.
func sortposErrors(ce *compileError) {
	slices.SortStableFunc(ce.Errors, func(a, b posError) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	ce.Errors = slices.Compact(ce.Errors)
}
