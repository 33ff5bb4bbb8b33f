package gitfs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMain clears the variables through which git tells its hooks which
// repository they run in, so that the tests also pass when run from a hook
// of the protocheck repository itself.
func TestMain(m *testing.M) {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}

// gitEnv makes the test repositories independent of the machine's git
// configuration, so the tests pass on a fresh CI machine and on a
// developer's machine with signing or hooks configured.
var gitEnv = []string{
	"GIT_CONFIG_GLOBAL=" + os.DevNull,
	"GIT_CONFIG_NOSYSTEM=1",
	"GIT_AUTHOR_NAME=t",
	"GIT_AUTHOR_EMAIL=t@example.com",
	"GIT_COMMITTER_NAME=t",
	"GIT_COMMITTER_EMAIL=t@example.com",
}

// sandbox is a directory in which the tests run git by hand.
type sandbox struct {
	t   testing.TB
	dir string
}

// newRepo creates a repository with a work tree and branch main.
func newRepo(t testing.TB) *sandbox {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &sandbox{t, dir}
	s.git("init", "-q")
	return s
}

// git runs git in the sandbox and returns its trimmed output.
func (s *sandbox) git(args ...string) string {
	s.t.Helper()
	return s.gitEnv(nil, args...)
}

func (s *sandbox) gitEnv(env []string, args ...string) string {
	s.t.Helper()
	full := append([]string{
		"-c", "init.defaultBranch=main",
		"-c", "commit.gpgsign=false",
		"-c", "tag.gpgsign=false",
		"-c", "user.name=t",
		"-c", "user.email=t@example.com",
	}, args...)
	cmd := exec.Command("git", full...)
	cmd.Dir = s.dir
	cmd.Env = append(append(os.Environ(), gitEnv...), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// write creates the files, and their directories, in the work tree.
func (s *sandbox) write(files map[string]string) {
	s.t.Helper()
	for name, content := range files {
		p := filepath.Join(s.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}

// commit writes the files, commits everything and returns the commit id.
func (s *sandbox) commit(msg string, files map[string]string) string {
	s.t.Helper()
	s.write(files)
	s.git("add", "-A")
	s.git("commit", "-q", "--allow-empty", "-m", msg)
	return s.git("rev-parse", "HEAD")
}

func (s *sandbox) open(ctx context.Context) *Repo {
	s.t.Helper()
	r, err := Open(ctx, s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// contents reads every entry and keys the contents by path.
func contents(t testing.TB, r *Repo, entries []Entry) map[string]string {
	t.Helper()
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Blob
	}
	blobs, err := r.ReadBlobs(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string]string, len(entries))
	for _, e := range entries {
		b, ok := blobs[e.Blob]
		if !ok {
			t.Fatalf("ReadBlobs did not return %s (%s)", e.Blob, e.Path)
		}
		got[e.Path] = string(b)
	}
	return got
}

func paths(entries []Entry) []string {
	var p []string
	for _, e := range entries {
		p = append(p, e.Path)
	}
	return p
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	s.commit("one", map[string]string{"proto/a/a.proto": "x"})
	gitDir := filepath.Join(s.dir, ".git")

	for _, dir := range []string{s.dir, filepath.Join(s.dir, "proto", "a"), gitDir} {
		r, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("Open(%s): %v", dir, err)
		}
		if r.Root() != s.dir || r.GitDir() != gitDir {
			t.Errorf("Open(%s): Root, GitDir = %s, %s; want %s, %s", dir, r.Root(), r.GitDir(), s.dir, gitDir)
		}
	}

	bare := filepath.Join(t.TempDir(), "bare.git")
	s.git("clone", "-q", "--bare", s.dir, bare)
	r, err := Open(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	if r.Root() != "" {
		t.Errorf("bare repository: Root = %q, want \"\"", r.Root())
	}
	entries, err := r.Tree(ctx, "main", "proto")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/a.proto"}, paths(entries)); diff != "" {
		t.Errorf("bare repository: Tree paths (-want +got):\n%s", diff)
	}
}

func TestOpenNotRepository(t *testing.T) {
	// Stop git's search for a repository at the temporary directory, in
	// case it lies inside one.
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))

	_, err = Open(t.Context(), dir)
	if want := "not a git repository: " + dir; errText(err) != want {
		t.Errorf("Open(%s) error = %q, want %q", dir, errText(err), want)
	}
	missing := filepath.Join(dir, "missing")
	_, err = Open(t.Context(), missing)
	if want := "open repository: stat " + missing + ": no such file or directory"; errText(err) != want {
		t.Errorf("Open(%s) error = %q, want %q", missing, errText(err), want)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	c1 := s.commit("one", map[string]string{"a.proto": "1"})
	s.git("tag", "-a", "-m", "release", "v1.0.0")
	s.git("tag", "light")
	c2 := s.commit("two", map[string]string{"a.proto": "2"})
	s.git("branch", "feature", c1)
	s.git("update-ref", "refs/remotes/origin/only-remote", c1)
	// A tag named like a branch must not be found as the branch.
	s.git("tag", "main-tag-clash", c1)
	r := s.open(ctx)

	for _, tc := range []struct {
		rev  string
		want string
	}{
		{"main", c2},
		{"HEAD", c2},
		{"HEAD~1", c1},
		{"v1.0.0", c1},
		{"light", c1},
		{"refs/heads/feature", c1},
		{c1, c1},
		{c1[:10], c1},
	} {
		got, err := r.Resolve(ctx, tc.rev)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.rev, got, err, tc.want)
		}
	}

	for _, tc := range []struct {
		ref  Ref
		want string
	}{
		{Ref{Branch, "main"}, c2},
		{Ref{Branch, "feature"}, c1},
		{Ref{Branch, "only-remote"}, c1},
		{Ref{Tag, "v1.0.0"}, c1},
		{Ref{Revision, "main~1"}, c1},
		{Ref{Commit, c1}, c1},
		{Ref{Commit, c1[:7]}, c1},
	} {
		got, err := r.ResolveRef(ctx, tc.ref)
		if err != nil || got != tc.want {
			t.Errorf("ResolveRef(%v) = %q, %v; want %q", tc.ref, got, err, tc.want)
		}
	}

	for _, tc := range []struct {
		rev  string
		want string
	}{
		{"nope", `unknown revision "nope" in ` + s.dir},
		{"HEAD~5", `unknown revision "HEAD~5" in ` + s.dir},
		{strings.Repeat("1", 40), `unknown revision "1111111111111111111111111111111111111111" in ` + s.dir},
		{"-x", `invalid revision "-x": must not start with '-'`},
		{"--output=/tmp/x", `invalid revision "--output=/tmp/x": must not start with '-'`},
		{"", "empty revision"},
	} {
		_, err := r.Resolve(ctx, tc.rev)
		if got := errText(err); got != tc.want {
			t.Errorf("Resolve(%q) error = %q, want %q", tc.rev, got, tc.want)
		}
	}

	for _, tc := range []struct {
		ref  Ref
		want string
	}{
		{Ref{Branch, "v1.0.0"}, `unknown branch "v1.0.0" in ` + s.dir + ` (looked for refs/heads/v1.0.0 and refs/remotes/origin/v1.0.0)`},
		{Ref{Tag, "main"}, `unknown tag "main" in ` + s.dir},
		{Ref{Tag, "-f"}, `invalid revision "-f": must not start with '-'`},
		{Ref{Commit, "main"}, `invalid commit "main": want a hexadecimal commit id`},
		{Ref{"sha", "abc"}, `unknown kind of ref "sha": want branch, tag, ref or commit`},
	} {
		_, err := r.ResolveRef(ctx, tc.ref)
		if got := errText(err); got != tc.want {
			t.Errorf("ResolveRef(%v) error = %q, want %q", tc.ref, got, tc.want)
		}
	}
}

func TestTree(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	old := s.commit("one", map[string]string{"proto/a.proto": "old"})
	files := map[string]string{
		"README.md":               "readme",
		"proto/a.proto":           "syntax = \"proto3\";\n",
		"proto/empty.proto":       "",
		"proto/bin.pb":            "\x00\x01\xff\n\x00no newline at end",
		"proto/x/y/deep.proto":    "deep",
		"proto/space name.proto":  "spaces",
		"proto/tab\tname.proto":   "tab",
		"proto/unicodé.proto":     "accent",
		"protobuf/outside.proto":  "not under proto/",
		"proto/scripts/gen.sh":    "#!/bin/sh\n",
		"proto/x/newline\nname.p": "newline in name",
	}
	s.write(files)
	if err := os.Chmod(filepath.Join(s.dir, "proto/scripts/gen.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.proto", filepath.Join(s.dir, "proto/link.proto")); err != nil {
		t.Fatal(err)
	}
	head := s.commit("two", nil)
	r := s.open(ctx)

	want := map[string]string{}
	for name, content := range files {
		if rel, ok := strings.CutPrefix(name, "proto/"); ok {
			want[rel] = content
		}
	}
	for _, subdir := range []string{"proto", "proto/", "./proto", "proto/x/.."} {
		entries, err := r.Tree(ctx, head, subdir)
		if err != nil {
			t.Fatalf("Tree(%q): %v", subdir, err)
		}
		if diff := cmp.Diff(want, contents(t, r, entries)); diff != "" {
			t.Errorf("Tree(%q) contents (-want +got):\n%s", subdir, diff)
		}
		if !slices.IsSorted(paths(entries)) {
			t.Errorf("Tree(%q) is not sorted: %q", subdir, paths(entries))
		}
	}

	entries, err := r.Tree(ctx, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(entries); got != len(files) {
		t.Errorf("Tree(main, \"\") has %d entries, want %d: %q", got, len(files), paths(entries))
	}

	entries, err = r.Tree(ctx, old, "proto")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"a.proto": "old"}, contents(t, r, entries)); diff != "" {
		t.Errorf("Tree(old) contents (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		rev, subdir, want string
	}{
		{head, "nope", fmt.Sprintf(`no directory "nope" in commit %s of %s`, head, s.dir)},
		{head, "README.md", fmt.Sprintf(`no directory "README.md" in commit %s of %s`, head, s.dir)},
		{head, "../etc", `invalid subdir "../etc": want a relative path inside the repository, with forward slashes`},
		{head, "/proto", `invalid subdir "/proto": want a relative path inside the repository, with forward slashes`},
		{"nope", "proto", `unknown revision "nope" in ` + s.dir},
		{"-p", "proto", `invalid revision "-p": must not start with '-'`},
	} {
		_, err := r.Tree(ctx, tc.rev, tc.subdir)
		if got := errText(err); got != tc.want {
			t.Errorf("Tree(%q, %q) error = %q, want %q", tc.rev, tc.subdir, got, tc.want)
		}
	}
}

func TestStagedTree(t *testing.T) {
	ctx := t.Context()
	s := newRepo(t)
	s.commit("one", map[string]string{
		"proto/a.proto":       "a1",
		"proto/b.proto":       "b1",
		"proto/gone.proto":    "deleted",
		"proto/dirty.proto":   "committed",
		"other/ignored.proto": "x",
	})
	s.write(map[string]string{
		"proto/a.proto":     "a2 staged",
		"proto/new/n.proto": "new staged",
		"proto/empty.proto": "",
	})
	s.git("rm", "-q", "proto/gone.proto")
	s.git("add", "proto")
	// Changes that are not staged must not be seen.
	s.write(map[string]string{
		"proto/dirty.proto":    "not staged",
		"proto/a.proto":        "a3 not staged",
		"proto/untracked.txt":  "untracked",
		"proto/new/more.proto": "untracked",
	})
	r := s.open(ctx)

	entries, err := r.StagedTree(ctx, "proto")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a.proto":     "a2 staged",
		"b.proto":     "b1",
		"dirty.proto": "committed",
		"empty.proto": "",
		"new/n.proto": "new staged",
	}
	if diff := cmp.Diff(want, contents(t, r, entries)); diff != "" {
		t.Errorf("StagedTree contents (-want +got):\n%s", diff)
	}

	// Run from a subdirectory, the index is still read whole.
	sub, err := Open(ctx, filepath.Join(s.dir, "proto", "new"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err = sub.StagedTree(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(entries); got != len(want)+1 {
		t.Errorf("StagedTree from a subdirectory has %d entries, want %d: %q", got, len(want)+1, paths(entries))
	}

	// git points GIT_INDEX_FILE at a temporary index when committing only
	// some paths; a hook must see that one.
	alt := filepath.Join(t.TempDir(), "index")
	s.gitEnv([]string{"GIT_INDEX_FILE=" + alt}, "read-tree", "HEAD")
	s.gitEnv([]string{"GIT_INDEX_FILE=" + alt}, "add", "proto/dirty.proto")
	t.Setenv("GIT_INDEX_FILE", alt)
	entries, err = r.StagedTree(ctx, "proto")
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{
		"a.proto":     "a1",
		"b.proto":     "b1",
		"dirty.proto": "not staged",
		"gone.proto":  "deleted",
	}
	if diff := cmp.Diff(want, contents(t, r, entries)); diff != "" {
		t.Errorf("StagedTree with GIT_INDEX_FILE contents (-want +got):\n%s", diff)
	}
}

func TestStagedTreeConflict(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	s.commit("base", map[string]string{"a.proto": "base"})
	s.git("checkout", "-q", "-b", "other")
	s.commit("other", map[string]string{"a.proto": "other"})
	s.git("checkout", "-q", "main")
	s.commit("main", map[string]string{"a.proto": "main"})
	cmd := exec.Command("git", "merge", "-q", "other")
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), gitEnv...)
	if err := cmd.Run(); err == nil {
		t.Fatal("merge succeeded, want a conflict")
	}
	_, err := s.open(ctx).StagedTree(ctx, "")
	if want := "index of " + s.dir + " has unresolved merge conflicts in a.proto"; errText(err) != want {
		t.Errorf("StagedTree error = %q, want %q", errText(err), want)
	}
}

func TestReadBlobs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	s.commit("one", map[string]string{"a": "hello", "d/b": ""})
	r := s.open(ctx)
	a := s.git("rev-parse", "HEAD:a")
	empty := s.git("rev-parse", "HEAD:d/b")
	tree := s.git("rev-parse", "HEAD:d")
	missing := strings.Repeat("0", 40)

	got, err := r.ReadBlobs(ctx, []string{a, empty, a})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]byte{a: []byte("hello"), empty: {}}, got); diff != "" {
		t.Errorf("ReadBlobs (-want +got):\n%s", diff)
	}
	got, err = r.ReadBlobs(ctx, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("ReadBlobs(nil) = %v, %v; want empty", got, err)
	}

	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{a, missing, tree}, fmt.Sprintf("cannot read from %s: object %s is missing; object %s is a tree, not a blob", s.dir, missing, tree)},
		{[]string{"HEAD:a"}, `invalid object id "HEAD:a": want 40 or 64 lowercase hexadecimal digits`},
		{[]string{a[:10]}, fmt.Sprintf("invalid object id %q: want 40 or 64 lowercase hexadecimal digits", a[:10])},
		{[]string{strings.ToUpper(a)}, fmt.Sprintf("invalid object id %q: want 40 or 64 lowercase hexadecimal digits", strings.ToUpper(a))},
	} {
		_, err := r.ReadBlobs(ctx, tc.ids)
		if got := errText(err); got != tc.want {
			t.Errorf("ReadBlobs(%q) error = %q, want %q", tc.ids, got, tc.want)
		}
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.ReadBlobs(canceled, []string{a}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("ReadBlobs with a canceled context: error = %v, want context canceled", err)
	}
}

// TestLargeTree reads more than a pipe holds, in both directions, through
// the single cat-file process.
func TestLargeTree(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	want := largeTree(t, s, 2000)
	r := s.open(ctx)
	entries, err := r.Tree(ctx, "HEAD", "proto")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contents(t, r, entries)); diff != "" {
		t.Errorf("contents (-want +got):\n%s", diff)
	}
	staged, err := r.StagedTree(ctx, "proto")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(entries, staged); diff != "" {
		t.Errorf("StagedTree differs from Tree of HEAD (-tree +staged):\n%s", diff)
	}
}

// largeTree commits n files of a few hundred bytes under proto/ and returns
// their contents keyed by path relative to proto/.
func largeTree(tb testing.TB, s *sandbox, n int) map[string]string {
	want := make(map[string]string, n)
	for i := range n {
		name := fmt.Sprintf("pkg%02d/file%04d.proto", i%50, i)
		content := fmt.Sprintf("syntax = \"proto3\";\npackage p%d;\n%s\n", i, strings.Repeat("// padding\n", 20))
		want[name] = content
		p := filepath.Join(s.dir, "proto", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	s.commit("large", nil)
	return want
}

// BenchmarkTreeReadBlobs loads a tree of 5,000 files as the loader does,
// from packed objects as in a clone. (Unpacked, git itself spends most of
// a second opening 5,000 files on a slow machine.)
func BenchmarkTreeReadBlobs(b *testing.B) {
	ctx := b.Context()
	s := newRepo(b)
	largeTree(b, s, 5000)
	s.git("gc", "-q")
	r := s.open(ctx)
	for b.Loop() {
		entries, err := r.Tree(ctx, "HEAD", "proto")
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = e.Blob
		}
		if _, err := r.ReadBlobs(ctx, ids); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	s.commit("one", nil)
	for _, tag := range []string{"v1.10.0", "v1.9.0", "latest", "v1.2.0", "v1.10.0-rc.1", "v2.0.0", "v1.2.10", "v1.2.9", "api/v1.0.0", "vnext", "1.5.0"} {
		s.git("tag", tag)
	}
	s.git("tag", "-a", "-m", "annotated", "v0.1.0")
	r := s.open(ctx)

	for _, tc := range []struct {
		glob string
		want []string
	}{
		{"v1.*", []string{"v1.2.0", "v1.2.9", "v1.2.10", "v1.9.0", "v1.10.0-rc.1", "v1.10.0"}},
		{"v*", []string{"v0.1.0", "v1.2.0", "v1.2.9", "v1.2.10", "v1.9.0", "v1.10.0-rc.1", "v1.10.0", "v2.0.0", "vnext"}},
		{"", []string{"v0.1.0", "api/v1.0.0", "v1.2.0", "v1.2.9", "v1.2.10", "1.5.0", "v1.9.0", "v1.10.0-rc.1", "v1.10.0", "v2.0.0", "latest", "vnext"}},
		{"none*", nil},
	} {
		got, err := r.Tags(ctx, tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Tags(%q) (-want +got):\n%s", tc.glob, diff)
		}
	}
}

func TestCompareTags(t *testing.T) {
	t.Parallel()
	// Ascending, from semver.org's precedence example and beyond.
	want := []string{
		"v0.9.99",
		"1.0-alpha",
		"1.0.0-alpha",
		"1.0.0-alpha.1",
		"1.0.0-alpha.beta",
		"1.0.0-beta",
		"1.0.0-beta.2",
		"1.0.0-beta.11",
		"1.0.0-rc.1",
		"1",
		"1.0",
		"1.0.0",
		"v1.0.0+build.5",
		"v1.0.1",
		"v1.2",
		"v1.10",
		"v2.0.0",
		"v99999999999999999999.0.0",
		"release",
		"v01.0.0",
		"v1.0.0-",
		"v1.0.0-01",
		"v1.2.3.4",
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortStableFunc(got, compareTags)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sorted (-want +got):\n%s", diff)
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newRepo(t)
	c1 := s.commit("one", map[string]string{"proto/a.proto": "1", "docs/x.md": "1"})
	c2 := s.commit("two", map[string]string{"docs/x.md": "2"})
	c3 := s.commit("three", map[string]string{"proto/a.proto": "3"})
	c4 := s.commit("four", map[string]string{"proto/b.proto": "4"})
	c5 := s.commit("five", map[string]string{"docs/x.md": "5"})
	r := s.open(ctx)

	for _, tc := range []struct {
		rev   string
		n     int
		paths []string
		want  []string
	}{
		{"HEAD", 0, nil, []string{c5, c4, c3, c2, c1}},
		{"HEAD", 2, nil, []string{c5, c4}},
		{"HEAD", 0, []string{"proto"}, []string{c4, c3, c1}},
		{"HEAD", 2, []string{"proto"}, []string{c4, c3}},
		{"HEAD", 0, []string{"proto/a.proto"}, []string{c3, c1}},
		{"HEAD", 0, []string{"proto/*.proto"}, []string{c4, c3, c1}},
		{"HEAD", 0, []string{"proto/b.proto", "docs"}, []string{c5, c4, c2, c1}},
		{c2, 0, []string{"proto"}, []string{c1}},
		{"HEAD", 0, []string{"missing"}, nil},
	} {
		got, err := r.History(ctx, tc.rev, tc.n, tc.paths...)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("History(%q, %d, %q) (-want +got):\n%s", tc.rev, tc.n, tc.paths, diff)
		}
	}
	_, err := r.History(ctx, "nope", 1)
	if want := `unknown revision "nope" in ` + s.dir; errText(err) != want {
		t.Errorf("History(nope) error = %q, want %q", errText(err), want)
	}
}

func TestShallowClone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	src := newRepo(t)
	c1 := src.commit("one", map[string]string{"proto/a.proto": "1"})
	c2 := src.commit("two", map[string]string{"proto/a.proto": "2"})

	clone := newRepo(t)
	clone.git("clone", "-q", "--depth", "1", "file://"+src.dir, "shallow")
	clone.dir = filepath.Join(clone.dir, "shallow")
	r := clone.open(ctx)

	if got, err := r.Resolve(ctx, "HEAD"); err != nil || got != c2 {
		t.Errorf("Resolve(HEAD) = %q, %v; want %q", got, err, c2)
	}
	hint := `: the repository is a shallow clone and may lack it; run "git fetch --unshallow" to fetch the full history`
	for _, rev := range []string{c1, "HEAD~1"} {
		want := fmt.Sprintf("unknown revision %q in %s%s", rev, clone.dir, hint)
		_, err := r.Resolve(ctx, rev)
		if got := errText(err); got != want {
			t.Errorf("Resolve(%q) error = %q, want %q", rev, got, want)
		}
		_, err = r.Tree(ctx, rev, "proto")
		if got := errText(err); got != want {
			t.Errorf("Tree(%q) error = %q, want %q", rev, got, want)
		}
	}
}

func TestReadFile(t *testing.T) {
	ctx := context.Background()
	s := newRepo(t)
	s.commit("one", map[string]string{"sub/buf.yaml": "version: v1\n"})
	s.write(map[string]string{"sub/buf.yaml": "version: v2\n"})
	s.git("add", "-A")
	r := s.open(ctx)
	for _, tt := range []struct {
		rev, path, want string
		ok              bool
	}{
		{"HEAD", "sub/buf.yaml", "version: v1\n", true},
		{"", "sub/buf.yaml", "version: v2\n", true}, // the index
		{"HEAD", "sub/nope.yaml", "", false},
		{"HEAD", "sub", "", false}, // a directory
	} {
		data, ok, err := r.ReadFile(ctx, tt.rev, tt.path)
		if err != nil || ok != tt.ok || string(data) != tt.want {
			t.Errorf("ReadFile(%q, %q) = %q, %v, %v; want %q, %v", tt.rev, tt.path, data, ok, err, tt.want, tt.ok)
		}
	}
	if _, _, err := r.ReadFile(ctx, "no-such-branch", "sub/buf.yaml"); err == nil {
		t.Errorf("ReadFile on an unknown revision succeeded")
	}
}
