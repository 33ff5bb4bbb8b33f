//go:build unix

package loader_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/internal/buftest"
	"github.com/protocheck/protocheck/loader"
)

// A linkLayout is a module m, a directory out beside it, and symbolic
// links in m, to be listed by buf and by protocheck.
type linkLayout struct {
	name string
	// files are regular files, below m/ or out/.
	files []string
	// links maps a link below m/ or out/ to its target as the link holds
	// it; a target starting with $ABS/ is absolute, from the directory
	// that holds m.
	links map[string]string
	// excludes are buf.yaml's excludes, relative to m.
	excludes []string
	// input is the input's name when it is not m: a link to m.
	input string
}

// linkLayouts are the ways a file can be reached through a link, each
// written out: the class of the istio/api bug (vendored files under an
// excluded directory, with links at the top that come after it), and its
// neighbours.
var linkLayouts = []linkLayout{
	{
		name:     "link after the excluded directory it points into (istio/api)",
		files:    []string{"m/common-protos/google/api/a.proto", "m/common-protos/google/protobuf/b.proto", "m/common-protos/istio.io/c.proto", "m/net/n.proto"},
		links:    map[string]string{"m/google": "common-protos/google", "m/istio.io": "common-protos/istio.io"},
		excludes: []string{"common-protos"},
	},
	{
		name:     "link before the excluded directory it points into",
		files:    []string{"m/zvendor/g/x.proto", "m/n.proto"},
		links:    map[string]string{"m/aa": "zvendor/g"},
		excludes: []string{"zvendor"},
	},
	{
		name:  "links to a file, before and after it",
		files: []string{"m/a.proto"},
		links: map[string]string{"m/b.proto": "a.proto", "m/0.proto": "a.proto", "m/sub/c.proto": "../a.proto"},
	},
	{
		name:  "links out of the module, relative and absolute, two to one directory",
		files: []string{"out/o/x.proto", "out/o/deep/y.proto", "out/f.proto", "m/n.proto"},
		links: map[string]string{"m/ext": "../out/o", "m/ext2": "../out/o", "m/f.proto": "../out/f.proto", "m/abs": "$ABS/out/o"},
	},
	{
		name:  "absolute link to a directory of the module read before it",
		files: []string{"m/v/x.proto", "m/n.proto"},
		links: map[string]string{"m/zz": "$ABS/m/v"},
	},
	{
		name:  "links back up and to themselves",
		files: []string{"m/a.proto", "m/sub/b.proto"},
		links: map[string]string{"m/sub/up": "..", "m/dot": ".", "m/sub/self": "../sub"},
	},
	{
		name:  "links to nothing",
		files: []string{"m/a.proto"},
		links: map[string]string{"m/d.proto": "nothing.proto", "m/dd": "nodir"},
	},
	{
		name:  "a link through a link",
		files: []string{"m/c/x/p.proto", "m/c/q.proto"},
		links: map[string]string{"m/a": "b/x", "m/b": "c"},
	},
	{
		name:     "a link in an excluded directory",
		files:    []string{"m/api/a.proto", "m/vendor/v.proto"},
		links:    map[string]string{"m/vendor/l": "../api", "m/vendor/z.proto": "../api/a.proto"},
		excludes: []string{"vendor"},
	},
	{
		name:  "a .proto link to a file named otherwise",
		files: []string{"m/common/y.txt", "m/n.proto"},
		links: map[string]string{"m/y.proto": "common/y.txt", "m/0.proto": "common/y.txt"},
	},
	{
		name:  "the input is a link",
		files: []string{"m/a/x.proto", "m/n.proto"},
		links: map[string]string{"mlink": "m", "m/b": "a", "m/0": "a"},
		input: "mlink",
	},
}

// inputName returns the name of the layout's input, below the directory
// that holds m.
func (l linkLayout) inputName() string {
	if l.input != "" {
		return l.input
	}
	return "m"
}

// randomLinkLayout makes a layout of a few files and links in m, of every
// kind linkLayouts has, from r.
func randomLinkLayout(r *rand.Rand, name string) linkLayout {
	l := linkLayout{name: name, links: map[string]string{}}
	dirs := []string{"a", "b", "z", "a/c", "b/d", "zv"}
	l.files = append(l.files, "m/top.proto", "out/o/x.proto")
	for range 2 + r.IntN(4) {
		f := "m/" + dirs[r.IntN(len(dirs))] + "/" + []string{"x.proto", "y.proto"}[r.IntN(2)]
		if !slices.Contains(l.files, f) {
			l.files = append(l.files, f)
		}
	}
	realDirs := map[string]bool{"m": true, "out": true}
	for _, f := range l.files {
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			realDirs[d] = true
		}
	}
	taken := func(p string) bool {
		if realDirs[p] || slices.Contains(l.files, p) {
			return true
		}
		_, ok := l.links[p]
		return ok
	}
	var inM []string // directories of m a link may go in
	for d := range realDirs {
		if d == "m" || strings.HasPrefix(d, "m/") {
			inM = append(inM, d)
		}
	}
	slices.Sort(inM)
	var mFiles []string
	for _, f := range l.files {
		if strings.HasPrefix(f, "m/") {
			mFiles = append(mFiles, f)
		}
	}
	for range 1 + r.IntN(4) {
		dir := inM[r.IntN(len(inM))]
		name := []string{"l", "aa", "zz", "k", "0", "q.proto", "0.proto"}[r.IntN(7)]
		link := dir + "/" + name
		if taken(link) {
			continue
		}
		var target string
		switch k := r.IntN(7); {
		case k <= 1: // a directory of m
			target = inM[r.IntN(len(inM))]
		case k == 2: // a file of m
			target = mFiles[r.IntN(len(mFiles))]
		case k == 3: // out of the module
			target = "out/o"
		case k == 4: // another link
			for other := range l.links {
				if strings.HasPrefix(other, "m/") && (target == "" || other < target) {
					target = other
				}
			}
		case k == 5: // nothing
			target = "m/none"
		default:
			target = "$ABS/" + inM[r.IntN(len(inM))]
		}
		if target == "" {
			continue
		}
		if strings.HasSuffix(name, ".proto") != strings.HasSuffix(target, ".proto") {
			continue // a link to a file is named as one, a link to a directory not
		}
		if !strings.HasPrefix(target, "$ABS/") {
			rel, _ := filepath.Rel(dir, target)
			target = filepath.ToSlash(rel)
		}
		l.links[link] = target
	}
	if r.IntN(2) == 0 {
		for _, d := range []string{"m/zv", "m/z", "m/b", "m/a"} {
			if realDirs[d] {
				l.excludes = []string{strings.TrimPrefix(d, "m/")}
				break
			}
		}
	}
	return l
}

// writeLinkLayout writes l under parent: m (as mod, when given, for a
// copy), out, and the probes, files of m that import one path each.
func writeLinkLayout(t *testing.T, parent, mod string, l linkLayout, probes []string) {
	t.Helper()
	write := func(p, data string) {
		full := filepath.Join(parent, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rename := func(p string) string {
		if rest, ok := strings.CutPrefix(p, "m/"); ok {
			return mod + "/" + rest
		}
		return p
	}
	for _, f := range l.files {
		pkg := strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(strings.TrimSuffix(f, ".proto"))
		write(rename(f), fmt.Sprintf("syntax = \"proto3\";\npackage %s;\nmessage M {}\n", pkg))
	}
	for i, imp := range probes {
		write(rename(fmt.Sprintf("m/zzzz%d.proto", i)), fmt.Sprintf("syntax = \"proto3\";\npackage probe%d;\nimport %q;\n", i, imp))
	}
	yaml := "version: v1\n"
	if len(l.excludes) > 0 {
		yaml += "build:\n  excludes: [" + strings.Join(l.excludes, ", ") + "]\n"
	}
	write(rename("m/buf.yaml"), yaml)
	for _, link := range slices.Sorted(maps.Keys(l.links)) {
		if link == "mlink" && mod != "m" {
			continue
		}
		target := l.links[link]
		if rest, ok := strings.CutPrefix(target, "$ABS/"); ok {
			target = filepath.Join(parent, filepath.FromSlash(rest))
		}
		full := filepath.Join(parent, filepath.FromSlash(rename(link)))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.FromSlash(target), full); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
}

// probePaths returns the import paths worth asking about in a layout written
// without probes: files reached through a link, and files of the
// excluded directories, at most six.
func probePaths(t *testing.T, parent string, l linkLayout) []string {
	t.Helper()
	var out []string
	for _, link := range slices.Sorted(maps.Keys(l.links)) {
		rel, ok := strings.CutPrefix(link, "m/")
		if !ok {
			continue
		}
		full := filepath.Join(parent, filepath.FromSlash(link))
		if strings.HasSuffix(rel, ".proto") {
			out = append(out, rel)
			continue
		}
		entries, err := os.ReadDir(full) // through the link
		if err != nil {
			continue
		}
		for _, e := range entries {
			if st, err := os.Stat(filepath.Join(full, e.Name())); err == nil && st.Mode().IsRegular() && strings.HasSuffix(e.Name(), ".proto") {
				out = append(out, rel+"/"+e.Name())
			}
		}
	}
	for _, f := range l.files {
		for _, e := range l.excludes {
			if strings.HasPrefix(f, "m/"+e+"/") {
				out = append(out, strings.TrimPrefix(f, "m/"))
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return out[:min(len(out), 6)]
}

// bufRun is what buf said: the files it listed, or whether it built.
type bufRun struct {
	files []string
	ok    bool
	out   string
}

// TestSymlinkLayoutsAsBuf lists layouts of symbolic links (linkLayouts, and
// random ones) with buf ls-files and with protocheck, for a directory
// named relative to the working directory and absolute, and for a git
// revision of the same files: the module's files must be the same. Each
// import of a file reached through a link, or of an excluded file, must
// resolve in protocheck exactly when it does in buf build. buf is the
// oracle (buftest.Require).
func TestSymlinkLayoutsAsBuf(t *testing.T) {
	bufPath := buftest.Require(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	// Each run of buf takes a good part of a second: the written
	// layouts ask it about imports too, the random ones list only.
	layouts := slices.Clone(linkLayouts)
	for seed := range 16 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		layouts = append(layouts, randomLinkLayout(r, fmt.Sprintf("random %d", seed)))
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "BUF_CACHE_DIR="+filepath.Join(home, "cache"), "BUF_TOKEN=",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	run := func(dir string, args ...string) bufRun {
		cmd := exec.Command(bufPath, args...)
		cmd.Dir, cmd.Env = dir, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var files []string
		for line := range strings.Lines(stdout.String()) {
			files = append(files, strings.TrimSpace(line))
		}
		return bufRun{files: files, ok: err == nil, out: stdout.String() + stderr.String()}
	}
	git := func(dir string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	type result struct {
		rel, abs, git     bufRun
		probes, gitProbes []bufRun
	}
	parents := make([]string, len(layouts))
	probes := make([][]string, len(layouts))
	results := make([]result, len(layouts))
	for i, l := range layouts {
		parents[i] = t.TempDir()
		if i < len(linkLayouts) {
			scratch := t.TempDir()
			writeLinkLayout(t, scratch, "m", l, nil)
			probes[i] = probePaths(t, scratch, l)
		}
		writeLinkLayout(t, parents[i], "m", l, probes[i])
		writeLinkLayout(t, parents[i], "gitm", l, probes[i])
		gitm := filepath.Join(parents[i], "gitm")
		git(gitm, "init", "-q", "-b", "main")
		git(gitm, "add", "-A")
		git(gitm, "commit", "-q", "-m", "layout")
	}
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	var wg sync.WaitGroup
	for i, l := range layouts {
		input := l.inputName()
		res := &results[i]
		res.probes = make([]bufRun, len(probes[i]))
		res.gitProbes = make([]bufRun, len(probes[i]))
		jobs := []func(){
			func() { res.rel = run(parents[i], "ls-files", input) },
			func() { res.abs = run(parents[i], "ls-files", filepath.Join(parents[i], input)) },
			func() {
				res.git = run(parents[i], "ls-files", filepath.Join(parents[i], "gitm", ".git")+"#branch=main")
			},
		}
		for j := range probes[i] {
			probe := fmt.Sprintf("zzzz%d.proto", j)
			jobs = append(jobs, func() {
				res.probes[j] = run(filepath.Join(parents[i], "m"), "build", "--path", probe, "-o", os.DevNull)
			})
			if j < 2 { // no link is followed in a revision: two say so
				jobs = append(jobs, func() {
					res.gitProbes[j] = run(parents[i], "build", filepath.Join(parents[i], "gitm", ".git")+"#branch=main", "--path", probe, "-o", os.DevNull)
				})
			}
		}
		for _, job := range jobs {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				job()
			})
		}
	}
	wg.Wait()

	ctx := context.Background()
	open := func(in loader.Input, excludes []string) (*loader.Tree, error) {
		return (&loader.Loader{}).Open(ctx, in.WithExcludes(excludes...))
	}
	check := func(t *testing.T, what string, tree *loader.Tree, err error, buf bufRun, prefix string) {
		t.Helper()
		if (err == nil) != buf.ok {
			t.Errorf("%s: protocheck error %v, buf ok %v:\n%s", what, err, buf.ok, buf.out)
			return
		}
		if err != nil {
			return
		}
		var want []string
		for _, f := range buf.files {
			want = append(want, strings.TrimPrefix(f, prefix))
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, tree.Paths()); diff != "" {
			t.Errorf("%s: files (-buf +protocheck):\n%s", what, diff)
		}
	}
	for i, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			input := l.inputName()
			res := results[i]
			t.Chdir(parents[i])
			tree, err := open(loader.Dir(input), l.excludes)
			check(t, "relative directory", tree, err, res.rel, input+"/")
			abs := filepath.Join(parents[i], input)
			tree, err = open(loader.Dir(abs), l.excludes)
			check(t, "absolute directory", tree, err, res.abs, abs+"/")
			for j, imp := range probes[i] {
				if tree == nil {
					break
				}
				_, err := tree.Compile(ctx, []string{fmt.Sprintf("zzzz%d.proto", j)})
				if (err == nil) != res.probes[j].ok {
					t.Errorf("import %q from the directory: protocheck error %v, buf ok %v:\n%s", imp, err, res.probes[j].ok, res.probes[j].out)
				}
			}
			in, err := loader.ParseInput(filepath.Join(parents[i], "gitm", ".git") + "#branch=main")
			if err != nil {
				t.Fatal(err)
			}
			tree, err = open(in, l.excludes)
			check(t, "git revision", tree, err, res.git, "")
			for j, imp := range probes[i][:min(len(probes[i]), 2)] {
				if tree == nil {
					break
				}
				_, err := tree.Compile(ctx, []string{fmt.Sprintf("zzzz%d.proto", j)})
				if (err == nil) != res.gitProbes[j].ok {
					t.Errorf("import %q from the git revision: protocheck error %v, buf ok %v:\n%s", imp, err, res.gitProbes[j].ok, res.gitProbes[j].out)
				}
			}
		})
	}
}
