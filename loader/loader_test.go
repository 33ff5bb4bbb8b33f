package loader_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// writeTree writes files (path -> contents) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, l *loader.Loader, raw string) (*schema.Schema, error) {
	t.Helper()
	in, err := loader.ParseInput(raw)
	if err != nil {
		t.Fatal(err)
	}
	return l.Load(context.Background(), in)
}

func paths(s *schema.Schema) []string {
	var out []string
	for _, f := range s.Files {
		out = append(out, f.Path())
	}
	return out
}

// mixed holds proto2, proto3 and edition 2023 files that import each other
// and a well-known type.
var mixed = map[string]string{
	"acme/v1/common.proto": `syntax = "proto2";
package acme.v1;
message Money { required int64 units = 1; optional int32 nanos = 2 [default = 0]; }
`,
	"acme/v1/user.proto": `syntax = "proto3";
package acme.v1;
import "acme/v1/common.proto";
import "google/protobuf/timestamp.proto";
message User {
  string id = 1;
  Money balance = 2;
  google.protobuf.Timestamp created = 3;
}
`,
	"acme/v1/event.proto": `edition = "2023";
package acme.v1;
import "acme/v1/user.proto";
message Event { User user = 1; string kind = 2 [features.field_presence = IMPLICIT]; }
`,
	"README.md": "not a proto file",
}

func TestDirectory(t *testing.T) {
	dir := writeTree(t, mixed)
	s, err := load(t, &loader.Loader{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"acme/v1/common.proto", "acme/v1/event.proto", "acme/v1/user.proto"}
	if diff := cmp.Diff(want, paths(s)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, s.Paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	ev := s.Files[1].Messages().ByName("Event")
	if got := ev.Fields().ByName("kind").HasPresence(); got {
		t.Errorf("Event.kind has presence; edition feature ignored")
	}
	// Positions come from source info, 0-based in protobuf.
	loc := s.Files[2].SourceLocations().ByDescriptor(s.Files[2].Messages().ByName("User").Fields().ByName("balance"))
	if loc.StartLine != 6 || loc.StartColumn != 2 {
		t.Errorf("User.balance at %d:%d, want 6:2 (0-based)", loc.StartLine, loc.StartColumn)
	}
}

// TestDirectoryDotDirs reads dot-directories, as buf does (a schema under
// .api/ is checked), but not git's own directory.
func TestDirectoryDotDirs(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".api/h.proto":   "syntax = \"proto3\";\npackage h;\nmessage H {}\n",
		".git/x.proto":   "git's own directory is skipped",
		"a/.b/c/d.proto": "syntax = \"proto3\";\npackage d;\nmessage D {}\n",
	})
	s, err := load(t, &loader.Loader{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".api/h.proto", "a/.b/c/d.proto"}, s.Paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestCompileSubset(t *testing.T) {
	dir := writeTree(t, mixed)
	tree, err := (&loader.Loader{}).Open(context.Background(), loader.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	s, err := tree.Compile(context.Background(), []string{"acme/v1/user.proto"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"acme/v1/user.proto"}, paths(s)); diff != "" {
		t.Errorf("compiled (-want +got):\n%s", diff)
	}
	if len(s.Paths) != 3 {
		t.Errorf("Paths = %v, want all three files", s.Paths)
	}
	if tree.Files[0].Digest == "" || tree.Files[0].Digest == tree.Files[1].Digest {
		t.Errorf("digests %q and %q should be set and differ", tree.Files[0].Digest, tree.Files[1].Digest)
	}
}

func TestIncludePaths(t *testing.T) {
	dep := writeTree(t, map[string]string{"vendor/money.proto": `syntax = "proto3"; package vendor; message Money { int64 units = 1; }`})
	dir := writeTree(t, map[string]string{"a.proto": `syntax = "proto3"; import "vendor/money.proto"; message A { vendor.Money m = 1; }`})
	s, err := load(t, &loader.Loader{IncludePaths: []string{dep}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.proto"}, paths(s)); diff != "" {
		t.Errorf("files: imports from include paths are not the input's own (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.proto": "syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n",
		"b.proto": "syntax = \"proto3\";\nmessage B {\n  int32 x = 1;\n  int32 y = 1;\n}\n",
	})
	_, err := load(t, &loader.Loader{}, dir)
	ce, ok := err.(source.ErrorList)
	if !ok {
		t.Fatalf("error %v (%T), want a source.ErrorList", err, err)
	}
	var got []string
	for _, e := range ce {
		got = append(got, e.Error())
	}
	rel := func(p string) string { return filepath.ToSlash(filepath.Join(dir, p)) }
	want := []string{
		rel("a.proto") + ":4:1: syntax error: expecting ';'",
		rel("b.proto") + ":4:13: message B: fields x and y both have the same tag 1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestMissingImport(t *testing.T) {
	dir := writeTree(t, map[string]string{"c.proto": "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage C {}\n"})
	_, err := load(t, &loader.Loader{}, dir)
	want := filepath.ToSlash(filepath.Join(dir, "c.proto")) + `:2:8: could not resolve path "missing.proto": file does not exist`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	// The cause names the import, for a caller that looks for it elsewhere.
	var ie *loader.ImportError
	if !errors.As(err, &ie) || ie.Import != "missing.proto" {
		t.Errorf("errors.As(err, *loader.ImportError) = %v, want the import missing.proto", ie)
	}
	var pe *source.Error
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Column != 8 {
		t.Errorf("errors.As(err, *source.Error) = %v, want the error at 2:8", pe)
	}
}

func TestUnsupportedEdition(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.proto": "// a comment\nedition = \"2027\";\npackage a;\n"})
	_, err := load(t, &loader.Loader{}, dir)
	want := filepath.ToSlash(filepath.Join(dir, "a.proto")) + `:2:11: edition "2027" is not supported: protocheck compiles proto2, proto3 and editions 2023, 2024 and 2026`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestEmptyDirectory(t *testing.T) {
	dir := writeTree(t, map[string]string{"README.md": "x"})
	_, err := load(t, &loader.Loader{}, dir)
	if err == nil || !strings.HasSuffix(err.Error(), "no .proto files found") {
		t.Errorf("error = %v, want no .proto files found", err)
	}
}

func TestImportLeavingRoot(t *testing.T) {
	dir := writeTree(t, map[string]string{"a/a.proto": "syntax = \"proto3\";\nimport \"../../etc/passwd.proto\";\n"})
	_, err := load(t, &loader.Loader{IncludePaths: []string{"/"}}, filepath.Join(dir, "a"))
	if err == nil || !strings.Contains(err.Error(), "a.proto:2:8:") {
		t.Errorf("error = %v, want a positioned refusal", err)
	}
}

// writeSet compiles files and writes them as a FileDescriptorSet, with
// their imports or without.
func writeSet(t *testing.T, files map[string]string, withImports bool) string {
	t.Helper()
	s, err := load(t, &loader.Loader{}, writeTree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	var set descriptorpb.FileDescriptorSet
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor, own bool)
	add = func(fd protoreflect.FileDescriptor, own bool) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		for i := range imps.Len() {
			if withImports {
				add(imps.Get(i).FileDescriptor, false)
			}
		}
		if own || withImports {
			set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
		}
	}
	for _, fd := range s.Files {
		add(fd, true)
	}
	b, err := proto.Marshal(&set)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "image.binpb")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestDescriptorSet(t *testing.T) {
	for _, withImports := range []bool{true, false} {
		name := writeSet(t, mixed, withImports)
		s, err := load(t, &loader.Loader{}, name)
		if err != nil {
			t.Fatalf("withImports=%v: %v", withImports, err)
		}
		want := []string{"acme/v1/common.proto", "acme/v1/event.proto", "acme/v1/user.proto"}
		if diff := cmp.Diff(want, paths(s)); diff != "" {
			t.Errorf("withImports=%v: files (-want +got):\n%s", withImports, diff)
		}
		loc := s.Files[2].SourceLocations().ByDescriptor(s.Files[2].Messages().ByName("User"))
		if loc.StartLine != 4 {
			t.Errorf("withImports=%v: User at line %d, want 4 (0-based): source info kept", withImports, loc.StartLine)
		}
	}
}

func TestDescriptorSetMissingDependency(t *testing.T) {
	// Only user.proto's own descriptor, without acme/v1/common.proto.
	full := writeSet(t, mixed, false)
	b, _ := os.ReadFile(full)
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	var kept []*descriptorpb.FileDescriptorProto
	for _, f := range set.File {
		if f.GetName() == "acme/v1/user.proto" {
			kept = append(kept, f)
		}
	}
	set.File = kept
	b, _ = proto.Marshal(&set)
	name := filepath.Join(t.TempDir(), "partial.pb")
	os.WriteFile(name, b, 0o644)
	_, err := load(t, &loader.Loader{}, name)
	want := name + `: acme/v1/user.proto imports "acme/v1/common.proto", which the descriptor set does not hold (write it with --include_imports, or buf build --as-file-descriptor-set)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestCorruptDescriptorSet(t *testing.T) {
	name := filepath.Join(t.TempDir(), "bad.binpb")
	os.WriteFile(name, []byte("\x0a\xff\xff\xff\x0fgarbage"), 0o644)
	_, err := load(t, &loader.Loader{}, name)
	if err == nil || !strings.HasPrefix(err.Error(), name+": not a valid FileDescriptorSet: ") {
		t.Errorf("error = %v, want a corrupt-set message naming the file", err)
	}
}

// gitRepo creates a repository with v1 of the schema under proto/ tagged
// v1.0.0, and v2 committed on main.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, data string) {
		full := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write("proto/a.proto", "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n")
	write("README.md", "hi")
	git("add", ".")
	git("commit", "-q", "-m", "v1")
	git("tag", "v1.0.0")
	write("proto/a.proto", "syntax = \"proto3\";\npackage p;\nimport \"b.proto\";\nmessage A { int64 x = 1; B b = 2; }\n")
	write("proto/b.proto", "syntax = \"proto3\";\npackage p;\nmessage B {}\n")
	git("add", ".")
	git("commit", "-q", "-m", "v2")
	return dir
}

func TestGit(t *testing.T) {
	repo := gitRepo(t)
	l := &loader.Loader{Dir: repo}
	for _, tc := range []struct {
		input string
		want  []string
		kind  protoreflect.Kind
	}{
		{".git#tag=v1.0.0,subdir=proto", []string{"a.proto"}, protoreflect.Int32Kind},
		{".git#branch=main,subdir=proto", []string{"a.proto", "b.proto"}, protoreflect.Int64Kind},
		{".git#ref=HEAD~1,subdir=proto", []string{"a.proto"}, protoreflect.Int32Kind},
		{"#ref=HEAD,subdir=proto", []string{"a.proto", "b.proto"}, protoreflect.Int64Kind},
	} {
		s, err := load(t, l, tc.input)
		if err != nil {
			t.Errorf("%s: %v", tc.input, err)
			continue
		}
		if diff := cmp.Diff(tc.want, paths(s)); diff != "" {
			t.Errorf("%s: files (-want +got):\n%s", tc.input, diff)
		}
		if k := s.Files[0].Messages().ByName("A").Fields().ByNumber(1).Kind(); k != tc.kind {
			t.Errorf("%s: A.x is %v, want %v", tc.input, k, tc.kind)
		}
	}
	// A commit id.
	out, err := exec.Command("git", "-C", repo, "rev-parse", "v1.0.0").Output()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := load(t, l, ".git#commit="+strings.TrimSpace(string(out))+",subdir=proto"); err != nil {
		t.Errorf("commit: %v", err)
	}
}

func TestGitErrors(t *testing.T) {
	repo := gitRepo(t)
	l := &loader.Loader{Dir: repo}
	_, err := load(t, l, ".git#tag=v9")
	if err == nil || !strings.Contains(err.Error(), `unknown tag "v9"`) {
		t.Errorf("unknown tag: error = %v", err)
	}
	_, err = load(t, l, ".git#branch=main,subdir=nowhere")
	if err == nil || !strings.Contains(err.Error(), `no directory "nowhere" in commit`) {
		t.Errorf("empty subdir: error = %v", err)
	}
	if _, err := loader.ParseInput(".git#ref=--upload-pack=x"); err == nil {
		t.Errorf("a ref starting with - was accepted")
	}
	_, err = load(t, &loader.Loader{Dir: t.TempDir()}, ".git#branch=main")
	if err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("not a repository: error = %v", err)
	}
}

func TestProgress(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.proto":     "syntax = \"proto3\";\npackage p;\nmessage A {}\n",
		"b.proto":     "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage B { A a = 1; }\n",
		"sub/c.proto": "syntax = \"proto3\";\npackage p;\nmessage C {}\n",
	})
	var mu sync.Mutex
	most := 0
	l := &loader.Loader{Progress: func(in loader.Input, read int) {
		mu.Lock()
		defer mu.Unlock()
		if in.String() != dir {
			t.Errorf("Progress for input %q, want %q", in, dir)
		}
		most = max(most, read)
	}}
	if _, err := load(t, l, dir); err != nil {
		t.Fatal(err)
	}
	if most != 3 {
		t.Errorf("Progress counted %d files read, want 3", most)
	}
}
