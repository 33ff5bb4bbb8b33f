package loader

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A file whose bytes are the same in two versions, and all of whose imports
// are (transitively) the same too, links to the same descriptors in both:
// no rule can find anything in it. Changed finds the files that are left,
// so that comparing two versions of a large tree compiles only what a
// change could have touched. An element that moved between files left one
// changed file for another, so pairing by name still sees both ends.

// Changed returns the paths of old and of new that must be compiled to
// compare the two versions: the files whose contents differ or that only
// one version has, and every file that imports one of those, directly or
// through other files. The slices are sorted and never nil, so that passing
// them to Tree.Compile never means "everything"; they are empty when the
// versions hold the same files.
//
// When the digests of the two trees cannot be compared (a descriptor set
// against sources) every file counts as changed.
func Changed(ctx context.Context, old, new *Tree) (oldPaths, newPaths []string, err error) {
	d, err := diffTrees(ctx, old, new)
	if err != nil {
		return nil, nil, err
	}
	return d.oldPaths, d.newPaths, nil
}

// treeDiff is what diffTrees learns about two trees.
type treeDiff struct {
	oldPaths, newPaths []string // to compile, sorted, never nil
	// packages gives the package of every file that is in both trees and
	// not in oldPaths or newPaths.
	packages map[string]string
	// imports gives the imports of the files of packages.
	imports map[string][]string
	// newExtra lists, sorted, the files of packages that LoadPair compiles
	// with newPaths, and then drops, only to find a symbol that a changed
	// file of new defines again (see samePackageFiles).
	newExtra []string
}

func diffTrees(ctx context.Context, old, new *Tree) (*treeDiff, error) {
	same, err := sameFunc(ctx, old, new)
	if err != nil {
		return nil, err
	}
	if same == nil {
		return &treeDiff{oldPaths: old.Paths(), newPaths: new.Paths(), packages: map[string]string{}}, nil
	}
	oldDigest := make(map[string]File, len(old.Files))
	for _, f := range old.Files {
		oldDigest[f.Path] = f
	}
	dirty := make(map[string]bool)
	var unchanged []string
	inNew := make(map[string]bool, len(new.Files))
	for _, f := range new.Files {
		inNew[f.Path] = true
		of, ok := oldDigest[f.Path]
		if !ok {
			dirty[f.Path] = true
			continue
		}
		eq, err := same(of, f)
		if err != nil {
			return nil, err
		}
		if eq {
			unchanged = append(unchanged, f.Path)
		} else {
			dirty[f.Path] = true
		}
	}
	for _, f := range old.Files {
		if !inNew[f.Path] {
			dirty[f.Path] = true
		}
	}
	importers := make(map[string][]string) // imported path -> unchanged files importing it
	if old.set != nil && new.set != nil {
		// A descriptor set carries its own imports, which may differ
		// between the two sets although no file of the input does.
		if err := diffSetImports(old.set, new.set, oldDigest, dirty, importers); err != nil {
			return nil, err
		}
	}
	d := &treeDiff{oldPaths: []string{}, newPaths: []string{}, packages: make(map[string]string, len(unchanged)), imports: make(map[string][]string, len(unchanged))}
	if len(dirty) == 0 {
		return d, nil
	}

	// An unchanged file has the same imports in both versions: read them
	// from whichever side is cheaper.
	src := new
	if old.set != nil || (old.Input.Kind == Dir && new.Input.Kind != Dir && new.set == nil) {
		src = old
	}
	infos, err := headersOf(ctx, src, unchanged)
	if err != nil {
		return nil, err
	}
	var queue, changedNew []string
	for path := range dirty {
		queue = append(queue, path)
		if inNew[path] {
			changedNew = append(changedNew, path)
		}
	}
	slices.Sort(changedNew)
	for i, path := range unchanged {
		h := infos[i]
		if h.err != nil {
			// A file the scanner cannot read is compiled, to be safe:
			// compiling more unchanged files never changes the findings.
			if !dirty[path] {
				dirty[path] = true
				queue = append(queue, path)
			}
			continue
		}
		d.packages[path] = h.pkg
		d.imports[path] = h.imports
		for _, imp := range h.imports {
			importers[imp] = append(importers[imp], path)
		}
	}
	for len(queue) > 0 {
		path := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, by := range importers[path] {
			if !dirty[by] {
				dirty[by] = true
				queue = append(queue, by)
			}
		}
	}
	for path := range dirty {
		delete(d.packages, path)
		delete(d.imports, path)
	}
	if new.set == nil && len(changedNew) > 0 {
		// A descriptor set was linked when it was made: it cannot define
		// a symbol twice.
		if d.newExtra, err = samePackageFiles(ctx, new, changedNew, d.packages); err != nil {
			return nil, err
		}
	}
	for _, f := range old.Files {
		if dirty[f.Path] {
			d.oldPaths = append(d.oldPaths, f.Path)
		}
	}
	for _, f := range new.Files {
		if dirty[f.Path] {
			d.newPaths = append(d.newPaths, f.Path)
		}
	}
	return d, nil
}

// samePackageFiles returns, sorted, the files of packages (path -> package,
// files left out of the compile) that could define a symbol of the same
// full name as one of changed, the files of new whose contents changed.
//
// Neither file of such a pair need import the other, and the compiler sees
// the clash only when it links both in one compile: left out, the clash
// would go unseen, although a full compile of new fails on it. Two full
// names can be equal only when one file's package is the other's or a
// prefix of it at a dot (message A of package p against package p.A), so
// that is the test; a changed file without a package, or whose header
// cannot be scanned, may clash with any file.
func samePackageFiles(ctx context.Context, new *Tree, changed []string, packages map[string]string) ([]string, error) {
	infos, err := headersOf(ctx, new, changed)
	if err != nil {
		return nil, err
	}
	pkgs := make(map[string]bool, len(infos))
	for _, h := range infos {
		if h.err != nil {
			pkgs[""] = true // unknown: related to every package
			continue
		}
		pkgs[h.pkg] = true
	}
	var out []string
	for path, pkg := range packages {
		for p := range pkgs {
			if packagesOverlap(p, pkg) {
				out = append(out, path)
				break
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// packagesOverlap reports whether a symbol of package a and one of package
// b can have the same full name: when a package is the other or one of its
// prefixes at a dot, the empty package being a prefix of every one.
func packagesOverlap(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == "" || a == b || (strings.HasPrefix(b, a) && b[len(a)] == '.')
}

// diffSetImports marks dirty the files that two descriptor sets hold only
// as imports and that differ between them, and records which of those
// import which, so that a change deep in the imports reaches the input's
// files that depend on it.
func diffSetImports(old, new *descriptorSet, own map[string]File, dirty map[string]bool, importers map[string][]string) error {
	seen := make(map[string]bool)
	visit := func(f *setFile, other *descriptorSet) {
		p := f.name
		if _, ok := own[p]; ok || seen[p] {
			return
		}
		seen[p] = true
		for _, imp := range f.deps {
			importers[imp] = append(importers[imp], p)
		}
		// Equal bytes link the same; bytes that differ may still, but
		// compiling more than needed never changes the findings.
		if of := other.byPath[p]; of == nil || of.digest != f.digest {
			dirty[p] = true
		}
	}
	for _, f := range old.entries {
		visit(f, new)
	}
	for _, f := range new.entries {
		visit(f, old)
	}
	return nil
}

// sameFunc returns a function that reports whether a file of old and the
// file of the same path in new have the same contents, or nil when the two
// trees' digests cannot be compared.
func sameFunc(ctx context.Context, old, new *Tree) (func(o, n File) (bool, error), error) {
	ok, nk := kindOf(old), kindOf(new)
	switch {
	case ok == nk:
		return func(o, n File) (bool, error) { return o.Digest == n.Digest, nil }, nil
	case ok == Dir && nk == Git:
		return blobCompare(ctx, old, false), nil
	case ok == Git && nk == Dir:
		return blobCompare(ctx, new, true), nil
	}
	return nil, nil
}

// kindOf is the kind of digest a tree's files carry.
func kindOf(t *Tree) Kind {
	if t.set != nil {
		return DescriptorSet
	}
	return t.Input.Kind
}

// blobCompare compares a directory's file with a git blob by computing the
// blob id of the file's contents: a tree checked out from the revision it
// is compared with is then seen as unchanged. dirIsNew says which argument
// is the directory's file.
func blobCompare(ctx context.Context, dir *Tree, dirIsNew bool) func(o, n File) (bool, error) {
	return func(o, n File) (bool, error) {
		df, gf := o, n
		if dirIsNew {
			df, gf = n, o
		}
		var h hash.Hash
		switch len(gf.Digest) {
		case 2 * sha1.Size:
			h = sha1.New()
		case 2 * sha256.Size:
			h = sha256.New()
		default:
			return false, nil
		}
		data, err := dir.read(ctx, df.Path)
		if err != nil {
			return false, err
		}
		h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
		h.Write(data)
		return hex.EncodeToString(h.Sum(nil)) == gf.Digest, nil
	}
}

// header is what the top level of a file says about it: its package and
// the paths it imports.
type header struct {
	pkg     string
	imports []string
	err     error
}

// headersOf reads the headers of the given files of t, in order.
func headersOf(ctx context.Context, t *Tree, paths []string) ([]header, error) {
	out := make([]header, len(paths))
	if t.set != nil {
		for i, p := range paths {
			f := t.set.byPath[p]
			if f == nil {
				out[i].err = fmt.Errorf("no file %q in the descriptor set", p)
				continue
			}
			out[i].pkg = f.pkg
			out[i].imports = slices.Clone(f.deps)
		}
		return out, nil
	}
	// Reading may go to git; scanning is cheap. Split the work in two so
	// that a large tree uses both halves of a small machine.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for part := range 2 {
		wg.Go(func() {
			for i := part; i < len(paths); i += 2 {
				data, err := t.read(ctx, paths[i])
				if err != nil {
					errs[part] = fmt.Errorf("input %s: %s: %w", t.Input, paths[i], err)
					return
				}
				out[i].pkg, out[i].imports, out[i].err = scanHeader(data)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// errScan says that a file is not one scanHeader can read with certainty.
var errScan = errors.New("cannot scan the file's imports")

// scanHeader finds the package and the imports of a .proto source without
// parsing it: both are statements of the top level, so it is enough to skip
// comments and strings, count brackets, and look at the first word of each
// statement at depth zero. Anything unexpected is errScan: the caller then
// compiles the file instead of trusting the scan.
func scanHeader(src []byte) (pkg string, imports []string, err error) {
	depth := 0
	atStart := true // the next token starts a statement at the top level
	// stmt is the statement being read: "" (none of interest), "import"
	// or "package"; parts collects its tokens.
	stmt := ""
	var parts []string
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && src[i+1] == '*':
			end := indexFrom(src, i+2, "*/")
			if end < 0 {
				return "", nil, errScan
			}
			i = end + 2
		case c == '"' || c == '\'':
			j := i + 1
			for j < n && src[j] != c {
				if src[j] == '\n' {
					return "", nil, errScan
				}
				if src[j] == '\\' {
					if stmt == "import" {
						return "", nil, errScan // escaped import paths: let the compiler read them
					}
					j++
				}
				j++
			}
			if j >= n {
				return "", nil, errScan
			}
			if stmt == "import" {
				parts = append(parts, "\""+string(src[i+1:j]))
			}
			atStart = false
			i = j + 1
		case isIdentStart(c):
			j := i + 1
			for j < n && (isIdentStart(src[j]) || (src[j] >= '0' && src[j] <= '9')) {
				j++
			}
			word := string(src[i:j])
			switch {
			case atStart && depth == 0 && (word == "import" || word == "package"):
				stmt, parts = word, parts[:0]
			case stmt != "":
				parts = append(parts, word)
			}
			atStart = false
			i = j
		case c == '{' || c == '<' || c == '(' || c == '[':
			if stmt != "" {
				return "", nil, errScan
			}
			depth++
			atStart = false
			i++
		case c == '}' || c == '>' || c == ')' || c == ']':
			depth--
			if depth < 0 {
				return "", nil, errScan
			}
			atStart = depth == 0 && c == '}'
			i++
		case c == ';':
			if depth == 0 {
				switch stmt {
				case "import":
					p, err := importPath(parts)
					if err != nil {
						return "", nil, err
					}
					imports = append(imports, p)
				case "package":
					if pkg != "" || len(parts) == 0 {
						return "", nil, errScan
					}
					for _, w := range parts {
						pkg += w
					}
				}
				stmt, parts = "", parts[:0]
				atStart = true
			}
			i++
		case c == '.' && stmt == "package":
			parts = append(parts, ".")
			i++
		default:
			if stmt != "" {
				return "", nil, errScan
			}
			atStart = false
			i++
		}
	}
	if depth != 0 || stmt != "" {
		return "", nil, errScan
	}
	return pkg, imports, nil
}

// importPath reads the tokens after "import": an optional public or weak,
// then one or more adjacent strings, which concatenate.
func importPath(parts []string) (string, error) {
	if len(parts) > 0 && (parts[0] == "public" || parts[0] == "weak") {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return "", errScan
	}
	var p string
	for _, s := range parts {
		if len(s) == 0 || s[0] != '"' {
			return "", errScan
		}
		p += s[1:]
	}
	return p, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func indexFrom(b []byte, from int, sub string) int {
	for i := from; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}

// LoadPair opens old and new and compiles, of each, only the files that
// Changed says can hold a difference, both at once. Each schema's Paths
// lists all its files, and its Packages gives the package of every file
// left out of Files. When nothing could be left out, both are compiled in
// full. When both fail, the new version's errors come first: it is the
// one being edited.
//
// A changed file of new that defines again a symbol of an unchanged file
// fails as it would in a full compile, although neither imports the other:
// the unchanged files whose package could hold that symbol are compiled
// with new's changed files, then left out of Files again.
//
// A file that is the same in both versions, and imports only such files,
// is not compiled at all: an error that both versions hold unchanged (a
// clash between two unchanged files, say) is not reported, nor is a clash
// that only old holds. That is accepted, to compare a large tree in the
// time a small change takes; a caller that wants every error loads each
// version in full (protocheck check --full).
func (l *Loader) LoadPair(ctx context.Context, old, new Input) (oldSchema, newSchema *Schema, err error) {
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
	oldOnly, newOnly := d.oldPaths, d.newPaths
	if len(oldOnly) == len(ot.Files) && len(newOnly) == len(nt.Files) {
		oldOnly, newOnly = nil, nil // everything: skip the subset bookkeeping
	}
	if oldOnly != nil && ot.set == nil && nt.set == nil {
		// The unchanged files that the changed ones import are the same
		// in both versions: compile them once, without source info, which
		// only checked files need.
		shared, err := compileShared(ctx, d, ot, nt)
		if err != nil {
			return nil, nil, err
		}
		if shared != nil {
			o, n := *ot, *nt
			o.shared, n.shared = shared, shared
			ot, nt = &o, &n
		}
	}
	// The extra files go to new's compile alone: a clash that new holds is
	// what the user is told about, and old linked without them is as good
	// for comparing. Compiling them in old too would only double their
	// cost, and keeping them in Files would make rules walk them, although
	// they are the same on both sides. Dropping them after the compile
	// leaves both schemas just as they were without them.
	newCompile := newOnly
	if newOnly != nil && len(d.newExtra) > 0 {
		newCompile = slices.Concat(newOnly, d.newExtra)
		slices.Sort(newCompile)
	}
	wg.Go(func() { oldSchema, oerr = compileSome(ctx, ot, oldOnly) })
	wg.Go(func() { newSchema, nerr = compileSome(ctx, nt, newCompile) })
	wg.Wait()
	if err := errors.Join(nerr, oerr); err != nil {
		return nil, nil, err
	}
	if len(newCompile) > len(newOnly) {
		newSchema.Files = slices.DeleteFunc(newSchema.Files, func(f protoreflect.FileDescriptor) bool {
			_, extra := slices.BinarySearch(d.newExtra, f.Path())
			return extra
		})
	}
	oldSchema.Packages, newSchema.Packages = d.packages, d.packages
	return oldSchema, newSchema, nil
}

// compileShared compiles, once for both trees, the unchanged files that the
// files to compile in either tree import, directly or not, and returns them
// and everything they import by path. It returns nil when there are none
// or when the imports of a changed file cannot be scanned.
func compileShared(ctx context.Context, d *treeDiff, ot, nt *Tree) (map[string]protoreflect.FileDescriptor, error) {
	reached := make(map[string]bool)
	var queue, deps []string
	follow := func(imps []string) {
		for _, imp := range imps {
			if _, ok := d.imports[imp]; ok && !reached[imp] {
				reached[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	for _, side := range []struct {
		t     *Tree
		paths []string
	}{{ot, d.oldPaths}, {nt, d.newPaths}} {
		for _, p := range side.paths {
			data, err := side.t.read(ctx, p)
			if err != nil {
				return nil, fmt.Errorf("input %s: %s: %w", side.t.Input, p, err)
			}
			_, imps, err := scanHeader(data)
			if err != nil {
				return nil, nil // the compiler will find the imports itself
			}
			follow(imps)
		}
	}
	for len(queue) > 0 {
		p := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		deps = append(deps, p)
		follow(d.imports[p])
	}
	if len(deps) == 0 {
		return nil, nil
	}
	dt := *nt
	dt.depsOnly = true
	s, err := dt.Compile(ctx, deps)
	if err != nil {
		return nil, err
	}
	shared := make(map[string]protoreflect.FileDescriptor)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if _, ok := shared[f.Path()]; ok {
			return
		}
		shared[f.Path()] = f
		imps := f.Imports()
		for i := range imps.Len() {
			add(imps.Get(i).FileDescriptor)
		}
	}
	for _, f := range s.Files {
		add(f)
	}
	return shared, nil
}

// withShared puts the files that compileShared compiled before r.
func (t *Tree) withShared(r protocompile.Resolver) protocompile.Resolver {
	if t.shared == nil {
		return r
	}
	return protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if f, ok := t.shared[path]; ok {
			return protocompile.SearchResult{Desc: f}, nil
		}
		return r.FindFileByPath(path)
	})
}

// sourceInfoMode is the source info that Compile asks for: positions are
// needed only in files that are checked.
func (t *Tree) sourceInfoMode() protocompile.SourceInfoMode {
	if t.depsOnly {
		return protocompile.SourceInfoNone
	}
	return protocompile.SourceInfoStandard
}

// compileSome is t.Compile, without starting the compiler for no files.
func compileSome(ctx context.Context, t *Tree, only []string) (*Schema, error) {
	if only != nil && len(only) == 0 {
		return &Schema{Input: t.Input, Paths: t.Paths()}, nil
	}
	return t.Compile(ctx, only)
}
