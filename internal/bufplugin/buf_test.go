package bufplugin_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/buftest"
)

// TestBuf runs the real buf breaking, with buf-plugin-protocheck built from
// cmd/buf-plugin-protocheck on PATH and listed in buf.yaml, on every case
// of compat/testdata that a served rule runs on, edition 2024 included:
// buf's output must hold the case's want, protocheck check's findings, at
// the same places with the same messages.
func TestBuf(t *testing.T) {
	bufPath := buftest.Require(t)
	bin := buildPlugin(t, "buf-plugin-protocheck")
	env := bufEnv(t, filepath.Dir(bin))
	served := servedIDs(t)
	paths, err := filepath.Glob("../../compat/testdata/*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		name := caseName(p)
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := readCase(t, a, name)
		ids := c.pluginRules(t, served)
		if len(ids) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if contains(a, messageSet) {
				t.Skip("buf sends no message set to a plugin")
			}
			got := runBuf(t, bufPath, env, a, "buf-plugin-protocheck", ids, c.direction)
			if diff := cmp.Diff(c.wantFor(ids), got); diff != "" {
				t.Errorf("buf's output differs from protocheck check's findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBufWasm runs a few cases with the WebAssembly module, which buf runs
// in its own runtime: compiling the module takes buf tens of seconds, once
// per cache.
func TestBufWasm(t *testing.T) {
	bufPath := buftest.Require(t)
	wasm := buildPlugin(t, "buf-plugin-protocheck.wasm", "GOOS=wasip1", "GOARCH=wasm")
	env := bufEnv(t, "")
	served := servedIDs(t)
	for _, name := range []string{
		"FIELD_SAME_NUMBER/swapped",
		"FIELD_WIRE_NO_NARROWING/changed",
		"MESSAGE_VISIBILITY_NO_NARROWING/keyword",
	} {
		a, err := txtar.ParseFile("../../compat/testdata/" + name + ".txtar")
		if err != nil {
			t.Fatal(err)
		}
		c := readCase(t, a, name)
		ids := c.pluginRules(t, served)
		t.Run(name, func(t *testing.T) {
			got := runBuf(t, bufPath, env, a, wasm, ids, c.direction)
			if diff := cmp.Diff(c.wantFor(ids), got); diff != "" {
				t.Errorf("buf's output differs from protocheck check's findings (-want +got):\n%s", diff)
			}
		})
	}
}

func caseName(path string) string {
	return strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(path), "../../compat/testdata/"), ".txtar")
}

// buildPlugin builds cmd/buf-plugin-protocheck into a temporary directory
// as name, with the environment's additions. Without go on PATH the test
// skips, or fails under CI.
func buildPlugin(t *testing.T, name string, env ...string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("go is not on PATH")
		}
		t.Skip("go is not on PATH")
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", out, "../../cmd/buf-plugin-protocheck")
	cmd.Env = append(os.Environ(), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, msg)
	}
	return out
}

// bufEnv returns the environment buf runs in: dir first on PATH, and a
// cache of its own, shared by the test's runs, so that buf compiles a Wasm
// module once and reads nothing the user's buf left.
func bufEnv(t *testing.T, dir string) []string {
	t.Helper()
	env := append(os.Environ(), "BUF_CACHE_DIR="+t.TempDir(), "BUF_TOKEN=")
	if dir != "" {
		env = append(env, "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	return env
}

// runBuf writes the case's two versions with a buf.yaml that uses the
// plugin's rules ids, runs buf breaking on them and renders its
// annotations as runPlugin does.
func runBuf(t *testing.T, bufPath string, env []string, a *txtar.Archive, plugin string, ids []string, direction string) []string {
	t.Helper()
	entry := map[string]any{"plugin": plugin}
	if direction != "" {
		entry["options"] = map[string]any{"direction": direction}
	}
	cfg, err := json.Marshal(map[string]any{
		"version":  "v2",
		"breaking": map[string]any{"use": ids},
		"plugins":  []any{entry},
	})
	if err != nil {
		t.Fatal(err)
	}
	oldDir, newDir := writeTree(t, a, "old"), writeTree(t, a, "new")
	for _, dir := range []string{oldDir, newDir} {
		if err := os.WriteFile(filepath.Join(dir, "buf.yaml"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bufPath, "breaking", ".", "--against", oldDir, "--error-format", "json")
	cmd.Dir = newDir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if exit := (*exec.ExitError)(nil); err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 100) {
		t.Fatalf("buf breaking: %v\n%s", err, stderr.Bytes())
	}
	var out []string
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var an struct {
			Path        string `json:"path"`
			StartLine   int    `json:"start_line"`
			StartColumn int    `json:"start_column"`
			Type        string `json:"type"`
			Message     string `json:"message"`
		}
		if err := dec.Decode(&an); err != nil {
			t.Fatalf("reading buf's output: %v\n%s", err, stdout.Bytes())
		}
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", an.Path, an.StartLine, an.StartColumn, an.Type, an.Message))
	}
	slices.SortStableFunc(out, comparePlaces)
	return out
}

// TestServedRules holds the plugin's rule list to buf's catalogue: every
// compat rule buf v1.75 lacks is served, and every served rule buf has
// finds, in some case of compat/testdata/buf-differences.txt, a change that
// buf does not report. The rules whose only such differences are places
// (buf gives a deleted file no path) are not served.
func TestServedRules(t *testing.T) {
	bufPath := buftest.Require(t)
	out, err := exec.Command(bufPath, "config", "ls-breaking-rules", "--format", "json", "--version", "v2", "--include-deprecated").Output()
	if err != nil {
		t.Fatalf("listing buf's rules: %v", err)
	}
	known := map[string]bool{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var r struct{ ID string }
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		known[r.ID] = true
	}
	diffs, err := os.ReadFile("../../compat/testdata/buf-differences.txt")
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for line := range strings.Lines(string(diffs)) {
		fields := strings.Fields(strings.SplitN(line, "#", 2)[0])
		if len(fields) == 4 && fields[3] == "ours" {
			ours[fields[1]] = true
		}
	}
	placesOnly := []string{"FILE_NO_DELETE", "PACKAGE_NO_DELETE", "PACKAGE_MESSAGE_NO_DELETE"}
	served := servedIDs(t)
	for _, r := range compat.Rules() {
		switch {
		case !known[r.ID] && !served[r.ID]:
			t.Errorf("%s: buf lacks the rule, and the plugin does not serve it", r.ID)
		case known[r.ID] && served[r.ID] && !ours[r.ID]:
			t.Errorf("%s: served, but buf-differences.txt lists no change that only protocheck reports", r.ID)
		case known[r.ID] && !served[r.ID] && ours[r.ID] && !slices.Contains(placesOnly, r.ID):
			t.Errorf("%s: buf-differences.txt lists changes only protocheck reports, and the plugin does not serve the rule", r.ID)
		}
	}
}
