package cli_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck/internal/buftest"
	"github.com/protocheck/protocheck/internal/cli"
)

// TestBufCommandLine runs buf breaking and protocheck check with the same
// inputs and flags, from the same working directory, and compares where
// each reports what: the file as printed, the start and the rule, for every
// input kind and flag that both take. Messages differ on purpose; CI
// installs buf, and the test is skipped where buf is absent.
func TestBufCommandLine(t *testing.T) {
	bufPath := buftest.Require(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	// The tree of the --path script: the same files buf is run on here.
	ar, err := txtar.ParseFile("testdata/script/buf_flags_path.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	write := func(version string) {
		for _, f := range ar.Files {
			if rest, ok := strings.CutPrefix(f.Name, version+"/"); ok && rest != "acme/v1/gone.proto" {
				writeFile(t, filepath.Join(repo, "proto", rest), f.Data)
			}
		}
	}
	write("old")
	writeFile(t, filepath.Join(repo, "buf.yaml"), []byte("version: v2\nmodules:\n  - path: proto\n"))
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "v1")
	git(t, repo, "tag", "v1")
	for _, f := range []string{"money", "order", "user"} {
		os.Remove(filepath.Join(repo, "proto", "acme", "v1", f+".proto"))
	}
	write("new")
	git(t, repo, "commit", "-q", "-a", "-m", "v2")
	writeArchive(t, filepath.Join(dir, "new.tar.gz"), filepath.Join(repo, "proto"), "release-2/proto/")
	for _, enc := range []string{"binpb", "json", "txtpb"} {
		cmd := exec.Command(bufPath, "build", ".", "-o", filepath.Join(dir, "new."+enc))
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("buf build: %v\n%s", err, out)
		}
	}
	remote := "file://" + filepath.ToSlash(repo) + "/.git"

	t.Chdir(repo)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"directory", []string{".", "--against", ".git#tag=v1"}},
		{"module directory", []string{"proto", "--against", ".git#tag=v1,subdir=proto"}},
		{"path", []string{".", "--against", ".git#tag=v1", "--path", "proto/acme/v1/order.proto"}},
		{"path exclude-imports", []string{".", "--against", ".git#tag=v1", "--path", "proto/acme/v1/order.proto", "--exclude-imports"}},
		{"exclude-path", []string{".", "--against", ".git#tag=v1", "--exclude-path", "proto/acme/v1/user.proto"}},
		{"exclude-path exclude-imports", []string{".", "--against", ".git#tag=v1", "--exclude-path", "proto/acme/v1/order.proto", "--exclude-imports"}},
		{"path directory", []string{".", "--against", ".git#tag=v1", "--path", "proto/acme"}},
		{"limit-to-input-files", []string{".", "--against", ".git#tag=v1", "--path", "proto/acme/v1/money.proto", "--limit-to-input-files"}},
		{"config inline", []string{".", "--against", ".git#tag=v1", "--config", `{"version":"v2","modules":[{"path":"proto"}],"breaking":{"except":["FIELD_NO_DELETE"]}}`}},
		{"against-config", []string{".", "--against", ".git#tag=v1", "--against-config", `{"version":"v1beta1","build":{"roots":["proto"]}}`}},
		{"exclude-path several", []string{".", "--against", ".git#tag=v1", "--exclude-path", "proto/acme/v1/user.proto,proto/acme/v1/money.proto", "--exclude-imports"}},
		{"proto file with its package", []string{"proto/acme/v1/user.proto#include_package_files=true", "--against", ".git#tag=v1"}},
		{"archive", []string{"../new.tar.gz#strip_components=1,subdir=proto", "--against", ".git#tag=v1,subdir=proto"}},
		{"binpb image", []string{"../new.binpb", "--against", ".git#tag=v1,subdir=proto"}},
		{"json image", []string{"../new.json", "--against", ".git#tag=v1,subdir=proto"}},
		{"txtpb image", []string{"../new.txtpb", "--against", ".git#tag=v1,subdir=proto"}},
		{"remote git", []string{remote + "#branch=main,subdir=proto", "--against", remote + "#tag=v1,subdir=proto"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			theirs := runBufJSON(t, bufPath, tc.args)
			ours := runOursJSON(t, tc.args)
			if len(theirs) == 0 {
				t.Fatalf("buf reports nothing: the case shows nothing")
			}
			if diff := cmp.Diff(theirs, ours); diff != "" {
				t.Errorf("findings as located (-buf +protocheck):\n%s", diff)
			}
		})
	}
	// Each format buf prints places a finding the same way.
	for _, format := range []string{"text", "msvs", "github-actions"} {
		t.Run("error-format "+format, func(t *testing.T) {
			args := []string{"proto", "--against", ".git#tag=v1,subdir=proto", "--error-format", format}
			theirs, _ := runBuf(t, bufPath, args)
			ours, _ := runOurs(t, args)
			if len(theirs) == 0 {
				t.Fatalf("buf printed nothing")
			}
			if diff := cmp.Diff(locations(format, theirs), locations(format, ours)); diff != "" {
				t.Errorf("locations (-buf +protocheck):\n%s", diff)
			}
		})
	}
}

// A located finding: where and which rule, as both tools print them.
type located struct {
	Path         string
	Line, Column int
	Rule         string
}

func runBuf(t *testing.T, bufPath string, args []string) (string, int) {
	t.Helper()
	cmd := exec.Command(bufPath, append([]string{"breaking"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if err != nil && code != 100 {
		t.Fatalf("buf breaking %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), code
}

func runOurs(t *testing.T, args []string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"check"}, args...), &stdout, &stderr)
	if code == 2 {
		t.Fatalf("protocheck check %s: exit 2\n%s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String(), code
}

func runBufJSON(t *testing.T, bufPath string, args []string) []located {
	out, _ := runBuf(t, bufPath, append(args, "--error-format", "json"))
	return parseJSONLines(t, out)
}

func runOursJSON(t *testing.T, args []string) []located {
	out, _ := runOurs(t, append(args, "--error-format", "json"))
	return parseJSONLines(t, out)
}

func parseJSONLines(t *testing.T, out string) []located {
	t.Helper()
	var locs []located
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var f struct {
			Path        string `json:"path"`
			StartLine   int    `json:"start_line"`
			StartColumn int    `json:"start_column"`
			Type        string `json:"type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		locs = append(locs, located{f.Path, f.StartLine, f.StartColumn, f.Type})
	}
	slices.SortFunc(locs, func(a, b located) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return locs
}

// locationPatterns find the place a line of each format names.
var locationPatterns = map[string]*regexp.Regexp{
	"text":           regexp.MustCompile(`^([^:]+):(\d+):(\d+):`),
	"msvs":           regexp.MustCompile(`^(.+)\((\d+),(\d+)\) : error ([A-Z0-9_]+) :`),
	"github-actions": regexp.MustCompile(`^::error file=([^,]+),line=(\d+),col=(\d+),`),
}

func locations(format, out string) []string {
	var locs []string
	for line := range strings.Lines(out) {
		if m := locationPatterns[format].FindStringSubmatch(line); m != nil {
			locs = append(locs, strings.Join(m[1:], " "))
		}
	}
	slices.Sort(locs)
	return locs
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeArchive writes the files below dir to a gzip-compressed tar,
// each named prefix + its path.
func writeArchive(t *testing.T, name, dir, prefix string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: prefix + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, name, buf.Bytes())
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
