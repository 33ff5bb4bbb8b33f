package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/internal/cli"
)

// The selective mode (compile only what a change can reach) exists for
// speed alone: on any layout and any change it must print exactly what
// --full prints, findings and errors, with the same exit status. These
// tests build random layouts of the kinds real repositories have (modules
// importing each other, excludes, an include directory, dot-directories,
// a linked directory, custom options, proto3, 2023 and 2024 files) and
// random changes, and compare both modes.

func TestSelectiveEqualsFull(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 8
	}
	for seed := range uint64(n) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			compareModes(t, seed)
		})
	}
}

func FuzzSelectiveEqualsFull(f *testing.F) {
	f.Add(uint64(1000))
	f.Fuzz(func(t *testing.T, seed uint64) {
		compareModes(t, seed)
	})
}

// compareModes writes the layout and change that seed makes and runs the
// check both ways.
func compareModes(t *testing.T, seed uint64) {
	t.Helper()
	dir := t.TempDir()
	l := genLayout(rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)))
	for side, files := range map[string]map[string]string{"old": l.old, "new": l.new} {
		for p, data := range files {
			full := filepath.Join(dir, side, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for link, target := range l.links {
			full := filepath.Join(dir, side, filepath.FromSlash(link))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(dir, side, filepath.FromSlash(target)), full); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
		}
	}
	args := []string{"check", filepath.Join(dir, "new", "src"), "--against", filepath.Join(dir, "old", "src"), "--use", "FILE,WIRE"}
	if l.include {
		// One include directory for both: it is the same in both trees.
		args = append(args, "-I", filepath.Join(dir, "old", "inc"))
	}
	sameAsFull(t, seed, l, args)
}

// sameAsFull runs check with args, then with --full added, and fails the
// test unless both end with the same exit status, stdout and stderr.
func sameAsFull(t *testing.T, seed uint64, l *layout, args []string) {
	t.Helper()
	run := func(extra ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), append(slices.Clone(args), extra...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	sc, so, se := run()
	fc, fo, fe := run("--full")
	if sc != fc || so != fo || se != fe {
		t.Errorf("seed %d: the default mode differs from --full\nchanges: %s\ndefault: exit %d\n%s%s\n--full: exit %d\n%s%s",
			seed, strings.Join(l.changes, "; "), sc, so, se, fc, fo, fe)
	}
}

// layout is a generated pair of trees under src/ (and inc/, an include
// directory), with the changes that lead from old to new.
type layout struct {
	old, new map[string]string
	links    map[string]string // link -> target, both under the side's directory
	include  bool
	changes  []string
}

// gfile is a generated .proto file.
type gfile struct {
	module, path string // module root under src/, path within it
	syntax       string // "proto3", "2023" or "2024"
	pkg          string
	imports      []*gfile
	msgs         []*gmsg
	option       bool // sets the custom option declared in m0/opt/opt.proto
	comment      string
}

type gmsg struct {
	name   string
	fields []gfield
	nested *gmsg
	local  bool // the nested message is local (edition 2024 files only)
}

type gfield struct {
	typ, name string
	num       int
}

func genLayout(r *rand.Rand) *layout {
	l := &layout{links: map[string]string{}}
	nmods := 1 + r.IntN(3)
	mods := make([]string, nmods)
	for i := range mods {
		mods[i] = fmt.Sprintf("m%d", i)
	}
	scalars := []string{"int32", "int64", "string", "bytes", "bool", "double", "uint32", "sint64"}
	syntaxes := []string{"proto3", "2023", "2024"}
	var files []*gfile
	var incFiles []*gfile
	l.include = r.IntN(2) == 0
	if l.include {
		for i := range 1 + r.IntN(2) {
			f := &gfile{module: "", path: fmt.Sprintf("dep/d%d.proto", i), syntax: syntaxes[r.IntN(2)], pkg: "dep"}
			f.msgs = []*gmsg{{name: fmt.Sprintf("Dep%d", i), fields: []gfield{{"int32", "v", 1}}}}
			if i > 0 {
				f.imports = []*gfile{incFiles[0]}
			}
			incFiles = append(incFiles, f)
		}
	}
	nfiles := 3 + r.IntN(6)
	for i := range nfiles {
		mod := mods[r.IntN(nmods)]
		if i < nmods {
			mod = mods[i] // every module has a file
		}
		dir := []string{"a", "b", ".api", "linked"}[r.IntN(4)]
		f := &gfile{module: mod, path: fmt.Sprintf("%s/f%d.proto", dir, i), syntax: syntaxes[r.IntN(3)], pkg: "p" + dir}
		if dir == ".api" {
			f.pkg = "papi"
		}
		for j := range 1 + r.IntN(3) {
			m := &gmsg{name: fmt.Sprintf("M%dn%d", i, j)}
			for k := range 1 + r.IntN(4) {
				m.fields = append(m.fields, gfield{scalars[r.IntN(len(scalars))], fmt.Sprintf("f%d", k+1), k + 1})
			}
			if r.IntN(3) == 0 {
				m.nested = &gmsg{name: "In", fields: []gfield{{"int32", "x", 1}}}
				m.local = r.IntN(2) == 0
			}
			f.msgs = append(f.msgs, m)
		}
		// Import earlier files, of any module, and include files.
		for _, g := range files {
			if r.IntN(3) == 0 {
				f.imports = append(f.imports, g)
				target := g.msgs[0]
				typ := g.pkg + "." + target.name
				if target.nested != nil && !target.local && r.IntN(2) == 0 {
					typ += ".In"
				}
				f.msgs[0].fields = append(f.msgs[0].fields, gfield{typ, fmt.Sprintf("ref%d", len(f.msgs[0].fields)+1), len(f.msgs[0].fields) + 1})
			}
		}
		if len(incFiles) > 0 && r.IntN(2) == 0 {
			g := incFiles[r.IntN(len(incFiles))]
			f.imports = append(f.imports, g)
			f.msgs[0].fields = append(f.msgs[0].fields, gfield{"dep." + g.msgs[0].name, "dep", len(f.msgs[0].fields) + 1})
		}
		f.option = r.IntN(4) == 0
		files = append(files, f)
	}
	excluded := r.IntN(2) == 0
	render := func(side map[string]string) {
		var b strings.Builder
		b.WriteString("version: v2\nmodules:\n")
		for _, m := range mods {
			fmt.Fprintf(&b, "  - path: %s\n", m)
			if excluded {
				fmt.Fprintf(&b, "    excludes: [%s/skip]\n", m)
			}
		}
		side["src/buf.yaml"] = b.String()
		side["src/m0/opt/opt.proto"] = "syntax = \"proto2\";\npackage opt;\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.MessageOptions { optional int32 tag = 50001; }\n"
		for _, f := range files {
			root := "src/" + f.module + "/"
			if strings.HasPrefix(f.path, "linked/") {
				root = "real/" + f.module + "/" // reached through src/<module>/linked
			}
			side[root+f.path] = renderFile(f)
		}
		for _, f := range incFiles {
			side["inc/"+f.path] = renderFile(f)
		}
		if excluded {
			// Would clash with m0's own names if it were compiled.
			for _, f := range files {
				side["src/"+f.module+"/skip/dup.proto"] = renderFile(f)
				break
			}
		}
	}
	for _, m := range mods {
		l.links["src/"+m+"/linked"] = "real/" + m + "/linked"
	}
	l.old = map[string]string{}
	render(l.old)
	// Make sure every linked directory exists.
	for _, m := range mods {
		l.old["real/"+m+"/linked/.keep"] = ""
	}
	for range 1 + r.IntN(3) {
		f := files[r.IntN(len(files))]
		m := f.msgs[r.IntN(len(f.msgs))]
		switch r.IntN(7) {
		case 0:
			m.fields = append(m.fields, gfield{"string", "added", 40 + len(m.fields)})
			l.changes = append(l.changes, "field added to "+m.name)
		case 1:
			if len(m.fields) > 1 {
				m.fields = m.fields[:len(m.fields)-1]
				l.changes = append(l.changes, "field deleted from "+m.name)
			}
		case 2:
			m.fields[0].typ = scalars[r.IntN(len(scalars))]
			l.changes = append(l.changes, "field type changed in "+m.name)
		case 3:
			m.name += "Renamed"
			l.changes = append(l.changes, "message renamed to "+m.name)
		case 4:
			if m.nested != nil && f.syntax == "2024" {
				m.local = !m.local
				l.changes = append(l.changes, "nested visibility flipped in "+m.name)
			}
		case 5:
			f.comment += "// touched\n"
			l.changes = append(l.changes, "comment in "+f.path)
		case 6:
			f.option = !f.option
			l.changes = append(l.changes, "custom option flipped in "+f.path)
		}
	}
	l.new = map[string]string{}
	render(l.new)
	for _, m := range mods {
		l.new["real/"+m+"/linked/.keep"] = ""
	}
	return l
}

func renderFile(f *gfile) string {
	var b strings.Builder
	b.WriteString(f.comment)
	if f.syntax == "proto3" {
		b.WriteString("syntax = \"proto3\";\n")
	} else {
		fmt.Fprintf(&b, "edition = %q;\n", f.syntax)
	}
	fmt.Fprintf(&b, "package %s;\n", f.pkg)
	for _, g := range f.imports {
		fmt.Fprintf(&b, "import %q;\n", g.path)
	}
	if f.option {
		b.WriteString("import \"opt/opt.proto\";\n")
	}
	for i, m := range f.msgs {
		fmt.Fprintf(&b, "message %s {\n", m.name)
		if f.option && i == 0 {
			b.WriteString("  option (opt.tag) = 7;\n")
		}
		if m.nested != nil {
			kw := ""
			if f.syntax == "2024" {
				kw = "export "
				if m.local {
					kw = "local "
				}
			}
			fmt.Fprintf(&b, "  %smessage In { int32 x = 1; }\n", kw)
		}
		for _, fd := range m.fields {
			fmt.Fprintf(&b, "  %s %s = %d;\n", fd.typ, fd.name, fd.num)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// TestSelectiveEqualsFullGit is TestSelectiveEqualsFull on a git work
// tree: old is committed, the work tree is made new (some files rewritten
// with the same contents, some changes staged, others not), and the work
// tree is checked against HEAD, where unchanged files are known by the
// blob ids of the index.
func TestSelectiveEqualsFullGit(t *testing.T) {
	n := 12
	if testing.Short() {
		n = 4
	}
	for seed := range uint64(n) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			compareModesGit(t, seed)
		})
	}
}

func compareModesGit(t *testing.T, seed uint64) {
	t.Helper()
	l, args := writeGitLayout(t, seed)
	sameAsFull(t, seed, l, args)
}

// writeGitLayout commits the old tree of the layout that seed makes to a
// new repository, writes the new one over it, stages some of the changes,
// and returns the layout and the arguments of check for that work tree
// against HEAD.
func writeGitLayout(t *testing.T, seed uint64) (*layout, []string) {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	l := genLayout(r)
	repo := filepath.Join(dir, "repo")
	place := func(p string) string {
		if strings.HasPrefix(p, "inc/") {
			return filepath.Join(dir, filepath.FromSlash(p)) // outside the repository
		}
		return filepath.Join(repo, filepath.FromSlash(p))
	}
	for p, data := range l.old {
		writeFile(t, place(p), []byte(data))
	}
	for link, target := range l.links {
		full := place(link)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(place(target), full); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	git(t, repo, "init", "-q")
	git(t, repo, "add", "-A")
	git(t, repo, "-c", "commit.gpgsign=false", "commit", "-qm", "old")
	var changed []string
	for _, p := range slices.Sorted(maps.Keys(l.old)) {
		if _, ok := l.new[p]; !ok && !strings.HasPrefix(p, "inc/") {
			if err := os.Remove(place(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(l.new)) {
		if strings.HasPrefix(p, "inc/") {
			continue // the include directory is the same for both
		}
		same := l.old[p] == l.new[p]
		if same && r.IntN(2) == 0 {
			continue // left as checked out
		}
		writeFile(t, place(p), []byte(l.new[p])) // changed, or the same bytes rewritten
		if !same {
			changed = append(changed, p)
		}
	}
	for _, p := range changed {
		if r.IntN(2) == 0 {
			git(t, repo, "add", "--", filepath.FromSlash(p))
		}
	}
	args := []string{"check", filepath.Join(repo, "src"), "--against", filepath.Join(repo, ".git") + "#ref=HEAD,subdir=src", "--use", "FILE,WIRE"}
	if l.include {
		args = append(args, "-I", filepath.Join(dir, "inc"))
	}
	return l, args
}
