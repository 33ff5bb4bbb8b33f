package loader

import (
	"bytes"
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
)

// A file whose bytes are the same in two versions, and all of whose imports
// are (transitively) the same too, links to the same descriptors in both:
// no rule can find anything in it. Changed finds the files that are left,
// so that comparing two versions of a large tree compiles only what a
// change could have touched. An element that moved between files left one
// changed file for another, so pairing by name still sees both ends.

// Changed returns the paths of old and of new that can differ once
// compiled: the files whose contents differ (beyond comments and spacing)
// or that only one version has, and every file that imports one of those,
// directly or through other files. LoadPair compiles fewer: only the
// importers that link differently. The slices are sorted and never nil, so that passing
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
	// oldPaths and newPaths are what Changed returns: the changed files
	// and every file that imports one, directly or not. Sorted, never nil.
	oldPaths, newPaths []string
	// changed holds the files whose contents differ (beyond comments and
	// spacing, for sources), or that only one tree has.
	changed map[string]bool
	// reach holds the files, the same in both trees, that import a changed
	// file, directly or not: they link to different files in each tree.
	reach map[string]bool
	// headers gives what a scan says of every file, the same in both
	// trees, that could be scanned.
	headers map[string]header
	// exact is set when headers holds every file the same in both trees
	// and the trees are of one kind (two descriptor sets, or two source
	// trees): LoadPair may then follow the imports itself and leave out
	// importers that link as before.
	exact bool
}

func diffTrees(ctx context.Context, old, new *Tree) (*treeDiff, error) {
	same, err := sameFunc(ctx, old, new)
	if err != nil {
		return nil, err
	}
	if same == nil {
		return &treeDiff{oldPaths: old.Paths(), newPaths: new.Paths()}, nil
	}
	oldDigest := make(map[string]File, len(old.Files))
	for _, f := range old.Files {
		oldDigest[f.Path] = f
	}
	dirty := make(map[string]bool)
	var unchanged, differ []string // differ: in both, other bytes
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
			differ = append(differ, f.Path)
		}
	}
	if old.set == nil && new.set == nil {
		// Bytes that differ may still be the same tokens.
		same, err := sameSource(ctx, old, new, differ)
		if err != nil {
			return nil, err
		}
		for _, path := range same {
			delete(dirty, path)
			unchanged = append(unchanged, path)
		}
		slices.Sort(unchanged)
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
	d := &treeDiff{
		oldPaths: []string{},
		newPaths: []string{},
		changed:  make(map[string]bool, len(dirty)),
		reach:    make(map[string]bool),
		headers:  make(map[string]header, len(unchanged)),
		// Two descriptor sets, or two source trees: the scanner's view
		// of a source file and a set's own lists are not compared.
		exact: (old.set == nil) == (new.set == nil),
	}
	for path := range dirty {
		d.changed[path] = true
	}
	// A file that only a symbolic link reaches (Tree.reached) is not one
	// of Files, yet its importers link to each version's own copy.
	byLink := old.byLink != nil || new.byLink != nil
	if len(dirty) == 0 && !byLink {
		return d, nil
	}

	// An unchanged file has the same imports in both versions: read them
	// from whichever side is cheaper.
	src := new
	if old.set != nil || (old.Input.kind == dirInput && new.Input.kind != dirInput && new.set == nil) {
		src = old
	}
	infos, err := headersOf(ctx, src, unchanged)
	if err != nil {
		return nil, err
	}
	var queue []string
	for path := range dirty {
		queue = append(queue, path)
	}
	for i, path := range unchanged {
		h := infos[i]
		if h.err != nil {
			// A file the scanner cannot read is compiled, to be safe:
			// compiling more unchanged files never changes the findings.
			if !dirty[path] {
				dirty[path] = true
				queue = append(queue, path)
			}
			d.exact = false
			continue
		}
		d.headers[path] = h
		for _, imp := range h.imports {
			importers[imp] = append(importers[imp], path)
		}
	}
	reached := make(map[string]bool) // files reached through a link, that import others
	if byLink {
		var imports []string
		for _, h := range d.headers {
			imports = append(imports, h.imports...)
		}
		own := func(p string) bool {
			_, inOld := old.file(p)
			_, inNew := new.file(p)
			return inOld || inNew
		}
		diffReached(imports, own, old.reached, new.reached, func(p string) {
			if !dirty[p] {
				dirty[p] = true
				queue = append(queue, p)
			}
			// The rounds of LoadPair follow the input's files only:
			// compile every file that imports this one, directly or not.
			d.exact = false
		}, func(imp, by string) {
			importers[imp] = append(importers[imp], by)
			reached[by] = true
		})
	}
	for len(queue) > 0 {
		path := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, by := range importers[path] {
			if !dirty[by] {
				dirty[by] = true
				// A file reached through a link is not the input's: the
				// compiler finds it as an import.
				d.reach[by] = !reached[by]
				queue = append(queue, by)
			}
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

// diffReached visits the files that two versions hold only to be imported
// (Tree.reached, here the functions old and new), from the paths imports
// that files the same in both import, and on through what those files
// import; own says which paths are files of either version (compared
// already), not to visit. It calls changed with each file whose contents
// differ, or that one version holds and the other not (or that cannot be
// read, or scanned for its imports), and edge with each import of a
// visited file.
func diffReached(imports []string, own func(string) bool, old, new func(string) ([]byte, string, bool, error), changed func(string), edge func(imp, by string)) {
	seen := make(map[string]bool)
	queue := slices.Clone(imports)
	for len(queue) > 0 {
		p := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[p] || own(p) {
			continue
		}
		seen[p] = true
		od, odig, inOld, oerr := old(p)
		nd, ndig, inNew, nerr := new(p)
		if !inOld && !inNew {
			continue // elsewhere: another root, an include path, or nowhere
		}
		if oerr != nil || nerr != nil {
			changed(p) // the compile says what is wrong with it
			continue
		}
		if inOld != inNew || odig != ndig {
			changed(p)
		}
		for i, data := range [][]byte{od, nd} {
			if (i == 0 && !inOld) || (i == 1 && !inNew) || (i == 1 && odig == ndig) {
				continue
			}
			h := scanHeader(data)
			if h.err != nil {
				changed(p) // what it imports is not known
				continue
			}
			for _, imp := range h.imports {
				if edge != nil {
					edge(imp, p)
				}
				queue = append(queue, imp)
			}
		}
	}
}

// sameFunc returns a function that reports whether a file of old and the
// file of the same path in new have the same contents, or nil when the two
// trees' digests cannot be compared.
func sameFunc(ctx context.Context, old, new *Tree) (func(o, n File) (bool, error), error) {
	ok, nk := kindOf(old), kindOf(new)
	equal := func(o, n File) (bool, error) { return o.Digest == n.Digest, nil }
	switch {
	case ok == nk && old.blobDigests == new.blobDigests:
		return equal, nil
	case ok == dirInput && nk == dirInput:
		// One directory is in a git work tree and the other not: their
		// digests differ in kind, their bytes can still be compared.
		return func(o, n File) (bool, error) {
			a, err := old.read(ctx, o.Path)
			if err != nil {
				return false, err
			}
			b, err := new.read(ctx, n.Path)
			return err == nil && bytes.Equal(a, b), err
		}, nil
	case ok == dirInput && nk == gitInput:
		if old.blobDigests {
			return sameBlob, nil
		}
		return blobCompare(ctx, old, false), nil
	case ok == gitInput && nk == dirInput:
		if new.blobDigests {
			return sameBlob, nil
		}
		return blobCompare(ctx, new, true), nil
	}
	return nil, nil
}

// sameBlob compares a git blob id with the digest of a file of a directory
// in a git work tree, which is its blob id (SHA-1): a blob named by
// SHA-256 never equals one.
func sameBlob(o, n File) (bool, error) { return o.Digest == n.Digest, nil }

// kindOf is the kind of digest a tree's files carry.
func kindOf(t *Tree) inputKind {
	if t.set != nil {
		return setInput
	}
	return t.Input.kind
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

// header is what a scan of a file, short of parsing it, says about it.
type header struct {
	pkg     string
	imports []string
	// public lists the imports that are public: their files' symbols
	// are seen by the file's importers too.
	public []string
	// importAt gives, for each import, the offset in the file of its path.
	importAt []int
	// options is set when the file may set a custom option, whose value
	// depends on the types of files it imports, directly or not.
	options bool
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
			out[i].public = f.publicDeps()
			out[i].options = true // LoadPair asks the set when it matters
		}
		return out, nil
	}
	// Headers kept from an earlier run spare reading the files: the files
	// of a large tree that a change does not touch are not read.
	todo := make([]int, 0, len(paths)) // indexes of the paths to read
	var packs [][]int                  // indexes of the paths of each pack missed
	if disk := t.loader.disk(); disk != nil {
		var files []File
		var at []int
		for i, p := range paths {
			if f, ok := t.file(p); ok {
				files = append(files, f)
				at = append(at, i)
			} else {
				todo = append(todo, i)
			}
		}
		order := make([]int, len(files)) // files sorted by path
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return strings.Compare(files[a].Path, files[b].Path) })
		sorted := make([]File, len(files))
		for i, o := range order {
			sorted[i] = files[o]
		}
		cuts := headerPacks(sorted)
		for k := 0; k+1 < len(cuts); k++ {
			pack := make([]int, 0, cuts[k+1]-cuts[k])
			for _, o := range order[cuts[k]:cuts[k+1]] {
				pack = append(pack, at[o])
			}
			if hs, ok := disk.getHeaders(kindOf(t), sorted[cuts[k]:cuts[k+1]]); ok {
				for j, i := range pack {
					out[i] = hs[j]
				}
				continue
			}
			todo = append(todo, pack...)
			packs = append(packs, pack)
		}
		defer func() {
			for _, pack := range packs {
				fs := make([]File, len(pack))
				hs := make([]header, len(pack))
				for j, i := range pack {
					fs[j], _ = t.file(paths[i])
					hs[j] = out[i]
				}
				disk.putHeaders(kindOf(t), fs, hs)
			}
		}()
	} else {
		for i := range paths {
			todo = append(todo, i)
		}
	}
	if t.prefetch != nil && len(todo) > 0 {
		read := make([]string, len(todo))
		for j, i := range todo {
			read[j] = paths[i]
		}
		if err := t.prefetch(ctx, read); err != nil {
			return nil, err
		}
	}
	err := inHalves(len(todo), func(j int) error {
		i := todo[j]
		data, err := t.read(ctx, paths[i])
		if err != nil {
			return fmt.Errorf("input %s: %s: %w", t.Input, paths[i], err)
		}
		out[i] = scanHeader(data)
		return nil
	})
	if err != nil {
		packs = nil // not all read: nothing to keep
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
func scanHeader(src []byte) header {
	h, err := scanSource(src)
	if err != nil {
		return header{err: err}
	}
	return h
}

func scanSource(src []byte) (h header, err error) {
	fail := func() (header, error) { return header{}, errScan }
	var pkg string
	depth := 0
	at := 0 // where the path of the import being read starts
	// prev is the token before the current one, a word or a punctuation
	// mark: a parenthesis after "option", "[", "," or "." opens the name
	// of a custom option.
	prev := ""
	atStart := true // the next token starts a statement at the top level
	// stmt is the statement being read: "" (none of interest), "import"
	// or "package"; parts collects its tokens.
	stmt := ""
	var parts []string
	l := lexer{src: src}
	for t := l.next(); t.kind != tokEOF; t = l.next() {
		switch t.kind {
		case tokBad:
			return fail()
		case tokString:
			if stmt == "import" {
				body := src[t.start+1 : t.end-1]
				if bytes.IndexByte(body, '\\') >= 0 {
					return fail() // escaped import paths: let the compiler read them
				}
				if !slices.ContainsFunc(parts, func(p string) bool { return strings.HasPrefix(p, "\"") }) {
					at = t.start
				}
				parts = append(parts, "\""+string(body))
			}
			atStart = false
			prev = `"`
		case tokIdent:
			// Most words are read past: only those of an import or
			// package statement, and "option", are kept as strings.
			word := src[t.start:t.end]
			switch {
			case atStart && depth == 0 && (string(word) == "import" || string(word) == "package"):
				stmt, parts = string(word), parts[:0]
			case stmt != "":
				parts = append(parts, string(word))
			}
			atStart = false
			prev = "word"
			if string(word) == "option" {
				prev = "option"
			}
		default:
			switch c := src[t.start]; {
			case c == '{' || c == '<' || c == '(' || c == '[':
				if stmt != "" {
					return fail()
				}
				if c == '(' && (prev == "option" || prev == "[" || prev == "," || prev == ".") {
					h.options = true
				}
				depth++
				atStart = false
				prev = l.text(t) // one byte: no allocation
			case c == '}' || c == '>' || c == ')' || c == ']':
				depth--
				if depth < 0 {
					return fail()
				}
				atStart = depth == 0 && c == '}'
				prev = l.text(t) // one byte: no allocation
			case c == ';':
				if depth == 0 {
					switch stmt {
					case "import":
						p, err := importPath(parts)
						if err != nil {
							return fail()
						}
						h.imports = append(h.imports, p)
						h.importAt = append(h.importAt, at)
						if parts[0] == "public" {
							h.public = append(h.public, p)
						}
					case "package":
						if pkg != "" || len(parts) == 0 {
							return fail()
						}
						for _, w := range parts {
							pkg += w
						}
					}
					stmt, parts = "", parts[:0]
					atStart = true
				}
				prev = ";"
			case c == '.' && stmt == "package":
				parts = append(parts, ".")
			default:
				if stmt != "" {
					return fail()
				}
				atStart = false
				prev = l.text(t) // one byte: no allocation
			}
		}
	}
	if depth != 0 || stmt != "" {
		return fail()
	}
	h.pkg = pkg
	return h, nil
}

// importPath reads the tokens after "import": an optional public, weak or
// option (edition 2024's import of a file for its custom options only),
// then one or more adjacent strings, which concatenate.
func importPath(parts []string) (string, error) {
	if len(parts) > 0 && (parts[0] == "public" || parts[0] == "weak" || parts[0] == "option") {
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

// A file whose bytes changed only in comments and spacing (a new license
// header, a comment on each file, a run of a formatter) declares exactly
// what it declared: it links to the same descriptors, bar source
// positions, and no rule can find anything in it. sameTokens tells such
// files apart without compiling them, so that touching every file of a
// tree costs what its few real changes cost.

// sameSource returns those of paths, files of both trees, whose sources are
// the same tokens (sameTokens), reading them with both halves of a small
// machine.
func sameSource(ctx context.Context, old, new *Tree, paths []string) ([]string, error) {
	equal := make([]bool, len(paths))
	for _, t := range []*Tree{old, new} {
		if t.prefetch != nil {
			if err := t.prefetch(ctx, paths); err != nil {
				return nil, err
			}
		}
	}
	err := inHalves(len(paths), func(i int) error {
		if err := ctx.Err(); err != nil {
			return err // a file takes a millisecond or so: stop between files
		}
		a, err := old.read(ctx, paths[i])
		if err != nil {
			return fmt.Errorf("input %s: %s: %w", old.Input, paths[i], err)
		}
		b, err := new.read(ctx, paths[i])
		if err != nil {
			return fmt.Errorf("input %s: %s: %w", new.Input, paths[i], err)
		}
		// A file the loader would refuse (not UTF-8, say) is compiled,
		// to be refused with its reason.
		equal[i] = len(precheck(b)) == 0 && sameTokens(a, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for i, p := range paths {
		if equal[i] {
			out = append(out, p)
		}
	}
	return out, nil
}

// sameTokens reports whether two .proto sources are the same sequence of
// tokens. It is false when either cannot be read with certainty.
func sameTokens(a, b []byte) bool {
	na, ok := normalize(a)
	if !ok {
		return false
	}
	nb, ok := normalize(b)
	return ok && bytes.Equal(na, nb)
}

// normalize drops comments and spacing from a .proto source, keeping one
// space only where it separates two characters that could belong to one
// token (letters, digits, '_', '.', '+', '-': "1 .5" is two numbers,
// "1.5" one). String literals are kept byte for byte. Equal results mean
// equal token sequences.
func normalize(src []byte) ([]byte, bool) {
	word := func(c byte) bool {
		return isIdentStart(c) || c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-'
	}
	out := make([]byte, 0, len(src))
	l := lexer{src: src}
	for t := l.next(); t.kind != tokEOF; t = l.next() {
		first := src[t.start]
		switch {
		case t.kind == tokBad:
			return nil, false
		case t.kind == tokOther && first == '#':
			return nil, false // a text-format comment in an option value: compile
		}
		// Spacing matters only between two words.
		if t.gap && len(out) > 0 && word(out[len(out)-1]) && word(first) {
			out = append(out, ' ')
		}
		out = append(out, src[t.start:t.end]...)
	}
	return out, true
}

// inHalves calls fn for 0 <= i < n, the even i in one goroutine and the odd
// in another: reading may go to git and scanning is cheap, so that a large
// tree uses both halves of a small machine. Each half stops at its first
// error; the errors are joined.
func inHalves(n int, fn func(i int) error) error {
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for part := range 2 {
		wg.Go(func() {
			for i := part; i < n; i += 2 {
				if errs[part] = fn(i); errs[part] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
