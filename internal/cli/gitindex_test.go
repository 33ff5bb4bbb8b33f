package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/protocheck/protocheck/internal/cli"
)

// A directory in a git work tree is compared by the blob ids the index
// holds for the files whose stat data it still matches; the others are read
// and hashed. These cases edit the work tree in the ways that fool a
// careless use of the index, and check that the default mode reports what
// --full reports, and what a copy of the work tree outside git reports
// (content hashing), which is the change made.

// gitIndexBase is the committed schema of the cases.
var gitIndexBase = map[string]string{
	"proto/a.proto": "syntax = \"proto3\";\npackage a;\nmessage A {\n  int32 x = 1;\n  string name = 2;\n}\n",
	"proto/b.proto": "syntax = \"proto3\";\npackage a;\nimport \"a.proto\";\nmessage B {\n  A a = 1;\n  int64 y = 2;\n}\n",
	"proto/c.proto": "syntax = \"proto3\";\npackage c;\nmessage C {\n  bool on = 1;\n}\n",
}

// gitIndexRepo commits gitIndexBase in a new repository, with every file
// and the index older than now, as in a checkout made a while ago.
func gitIndexRepo(t *testing.T) string {
	t.Helper()
	repo, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range gitIndexBase {
		writeFile(t, filepath.Join(repo, filepath.FromSlash(p)), []byte(data))
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(filepath.Join(repo, filepath.FromSlash(p)), old, old); err != nil {
			t.Fatal(err)
		}
	}
	git(t, repo, "init", "-q")
	git(t, repo, "add", "-A")
	git(t, repo, "-c", "commit.gpgsign=false", "commit", "-qm", "base")
	return repo
}

// checkDefault runs `check proto --against .git#ref=HEAD,subdir=proto` in
// repo in the default mode only.
func checkDefault(t *testing.T, repo string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"check", filepath.Join(repo, "proto"), "--against", filepath.Join(repo, ".git") + "#ref=HEAD,subdir=proto"}, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// checkWorkTree runs `check proto --against .git#ref=HEAD,subdir=proto` in
// repo both ways, and on a copy of proto outside git, and returns the
// default mode's exit status and output after checking that the three
// agree.
func checkWorkTree(t *testing.T, repo string) (int, string) {
	t.Helper()
	against := filepath.Join(repo, ".git") + "#ref=HEAD,subdir=proto"
	run := func(dir string, extra ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"check", dir, "--against", against}, extra...)
		code := cli.Run(context.Background(), args, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	code, out := run(filepath.Join(repo, "proto"))
	if fc, fout := run(filepath.Join(repo, "proto"), "--full"); fc != code || fout != out {
		t.Errorf("the default mode differs from --full:\nexit %d\n%s\n--full: exit %d\n%s", code, out, fc, fout)
	}
	copied := filepath.Join(t.TempDir(), "proto")
	entries, err := os.ReadDir(filepath.Join(repo, "proto"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(repo, "proto", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(copied, e.Name()), data)
	}
	cc, cout := run(copied)
	cout = strings.ReplaceAll(cout, copied, filepath.Join(repo, "proto"))
	if cc != code || cout != out {
		t.Errorf("the work tree differs from a copy outside git:\nexit %d\n%s\ncopy: exit %d\n%s", code, out, cc, cout)
	}
	return code, out
}

func TestGitIndexEdits(t *testing.T) {
	rewrite := func(t *testing.T, repo, p, data string) {
		t.Helper()
		writeFile(t, filepath.Join(repo, filepath.FromSlash(p)), []byte(data))
	}
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, repo string)
		code int
		want []string // lines of the output, in order
	}{{
		name: "stat changed, contents not",
		edit: func(t *testing.T, repo string) {
			for p, data := range gitIndexBase {
				rewrite(t, repo, p, data)
			}
		},
		code: 0,
	}, {
		name: "same size, same modification time",
		edit: func(t *testing.T, repo string) {
			p := filepath.Join(repo, "proto", "a.proto")
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			rewrite(t, repo, "proto/a.proto", strings.Replace(gitIndexBase["proto/a.proto"], "int32 x", "int64 x", 1))
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		},
		code: 1,
		want: []string{`proto/a.proto:4:3: field 1 "x" on a.A changed type from int32 to int64 (FIELD_SAME_TYPE)`},
	}, {
		name: "staged, then changed again, and unstaged",
		edit: func(t *testing.T, repo string) {
			rewrite(t, repo, "proto/a.proto", strings.Replace(gitIndexBase["proto/a.proto"], "  string name = 2;\n", "  string name = 2;\n  bool extra = 3;\n", 1))
			git(t, repo, "add", "proto/a.proto")
			rewrite(t, repo, "proto/a.proto", strings.Replace(gitIndexBase["proto/a.proto"], "  string name = 2;\n", "", 1))
			rewrite(t, repo, "proto/c.proto", strings.Replace(gitIndexBase["proto/c.proto"], "bool on", "bool off", 1))
		},
		code: 1,
		want: []string{
			`proto/a.proto:3:1: field 2 "name" on a.A was deleted (FIELD_NO_DELETE)`,
			`proto/c.proto:4:3: field 1 "off" on c.C changed JSON name from "on" to "off" (FIELD_SAME_JSON_NAME)`,
			`proto/c.proto:4:8: field 1 on c.C changed name from "on" to "off" (FIELD_SAME_NAME)`,
		},
	}, {
		name: "staged only",
		edit: func(t *testing.T, repo string) {
			rewrite(t, repo, "proto/b.proto", strings.Replace(gitIndexBase["proto/b.proto"], "int64 y", "int32 y", 1))
			git(t, repo, "add", "proto/b.proto")
		},
		code: 1,
		want: []string{`proto/b.proto:6:3: field 2 "y" on a.B changed type from int64 to int32 (FIELD_SAME_TYPE)`},
	}, {
		name: "deleted",
		edit: func(t *testing.T, repo string) {
			if err := os.Remove(filepath.Join(repo, "proto", "c.proto")); err != nil {
				t.Fatal(err)
			}
		},
		code: 1,
		want: []string{`proto/c.proto:1:1: file "c.proto" was deleted (FILE_NO_DELETE)`},
	}, {
		name: "renamed",
		edit: func(t *testing.T, repo string) {
			git(t, repo, "mv", "proto/c.proto", "proto/d.proto")
		},
		code: 1,
		want: []string{`proto/c.proto:1:1: file "c.proto" was deleted (FILE_NO_DELETE)`},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			repo := gitIndexRepo(t)
			tc.edit(t, repo)
			code, out := checkWorkTree(t, repo)
			var got []string
			for line := range strings.Lines(strings.ReplaceAll(out, repo+string(filepath.Separator), "")) {
				if !strings.HasPrefix(line, "protocheck:") {
					got = append(got, strings.TrimSuffix(line, "\n"))
				}
			}
			if code != tc.code || !slices.Equal(got, tc.want) {
				t.Errorf("exit %d, output:\n%s\nwant exit %d, lines:\n%s", code, out, tc.code, strings.Join(tc.want, "\n"))
			}
		})
	}
}
