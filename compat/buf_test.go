package compat_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/buftest"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// TestBufParity runs buf breaking on every testdata case and compares its
// findings with ours by rule and span, start and end: (path, line, column,
// end line, end column, rule id), each as many times as it is reported. A
// difference fails the test unless testdata/buf-differences.txt lists it,
// as many times as it occurs, with a reason. Rules that buf does not know are left out on both sides.
// The test needs buf (see buftest.Require).
func TestBufParity(t *testing.T) {
	bufPath := buftest.Require(t)
	known, err := bufRuleIDs(bufPath)
	if err != nil {
		t.Fatalf("listing buf's rules: %v", err)
	}
	allowed, err := readDifferences("testdata/buf-differences.txt")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	used := map[difference]int{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range loadCases(t) {
			name := strings.TrimPrefix(filepath.ToSlash(c.path), "testdata/")
			t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
				t.Parallel()
				use := bufUse(configOf(t, c).Use, known)
				if len(use) == 0 {
					t.Skip("no rule of the case is known to buf")
				}
				oldDir, newDir := writeBufTree(t, c.archive, "old"), writeBufTree(t, c.archive, "new")
				theirs, err := runBuf(bufPath, oldDir, newDir, use)
				if err != nil {
					t.Fatal(err)
				}
				ours := ourKeys(t, oldDir, newDir, use, known)
				for _, d := range diffKeys(name, ours, theirs) {
					mu.Lock()
					used[d]++
					ok := used[d] <= allowed[d]
					mu.Unlock()
					if !ok {
						t.Errorf("unlisted difference with buf: %s", d)
					}
				}
			})
		}
	})
	if t.Failed() || flag.Lookup("test.run").Value.String() != "" {
		return // a partial run cannot tell a stale line from an unrun case
	}
	for d, n := range allowed {
		if used[d] < n {
			t.Errorf("testdata/buf-differences.txt: %s differs %d times, not %d; delete the extra lines", d, used[d], n)
		}
	}
}

// A key is what the test compares of a finding: its rule and its span.
type key struct {
	path            string
	line, col       int
	endLine, endCol int
	rule            string
}

// keys counts the findings of each key: a multiset.
type keys map[key]int

// A difference is a key found on one side only.
type difference struct {
	casePath string
	key      key
	side     string // "ours" or "buf-only"
}

func (d difference) String() string {
	k := d.key
	return fmt.Sprintf("%s %s %s:%d:%d-%d:%d %s", d.casePath, k.rule, k.path, k.line, k.col, k.endLine, k.endCol, d.side)
}

// diffKeys lists the keys one side reports more often than the other, a
// key once for each extra time.
func diffKeys(casePath string, ours, theirs keys) []difference {
	var out []difference
	for k, n := range ours {
		for range n - theirs[k] {
			out = append(out, difference{casePath, k, "ours"})
		}
	}
	for k, n := range theirs {
		for range n - ours[k] {
			out = append(out, difference{casePath, k, "buf-only"})
		}
	}
	slices.SortFunc(out, func(a, b difference) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// bufRuleIDs lists the breaking rule ids that buf checks. Deprecated ids
// are left out: buf runs them as no-ops, and fails when they are all a
// configuration uses.
func bufRuleIDs(bufPath string) (map[string]bool, error) {
	out, err := exec.Command(bufPath, "config", "ls-breaking-rules", "--format", "json", "--version", "v2").Output()
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r struct{ ID string }
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		ids[r.ID] = true
	}
	if len(ids) == 0 {
		return nil, errors.New("buf listed no rules")
	}
	return ids, nil
}

// bufUse keeps the categories and the rule ids of use that buf knows.
func bufUse(use []string, known map[string]bool) []string {
	var out []string
	for _, u := range use {
		if known[u] || slices.Contains(compat.Categories(), compat.Category(u)) {
			out = append(out, u)
		}
	}
	return out
}

// writeBufTree writes the archive's files under prefix/ into a new directory.
func writeBufTree(t *testing.T, a *txtar.Archive, prefix string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range a.Files {
		rel, ok := strings.CutPrefix(f.Name, prefix+"/")
		if !ok {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runBuf runs buf breaking with only the given rules and returns the keys
// of its findings.
func runBuf(bufPath, oldDir, newDir string, use []string) (keys, error) {
	cfg, err := json.Marshal(map[string]any{"version": "v2", "breaking": map[string]any{"use": use}})
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bufPath, "breaking", ".", "--against", oldDir,
		"--error-format", "json", "--config", string(cfg), "--against-config", string(cfg))
	cmd.Dir = newDir // paths in buf's output are then relative to the new root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 100) {
		return nil, fmt.Errorf("buf breaking: %v\n%s", err, stderr.Bytes())
	}
	out := keys{}
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var a struct {
			Path        string `json:"path"`
			StartLine   int    `json:"start_line"`
			StartColumn int    `json:"start_column"`
			EndLine     int    `json:"end_line"`
			EndColumn   int    `json:"end_column"`
			Type        string `json:"type"`
		}
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("reading buf's output: %v", err)
		}
		out[key{filepath.ToSlash(a.Path), a.StartLine, a.StartColumn, a.EndLine, a.EndColumn, a.Type}]++
	}
	return out, nil
}

// ourKeys runs Check with use and returns the keys of the findings of
// rules that buf knows.
func ourKeys(t *testing.T, oldDir, newDir string, use []string, known map[string]bool) keys {
	t.Helper()
	load := func(dir, raw string) *schema.Schema {
		s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir).WithName(raw))
		if err != nil {
			t.Fatalf("loading %s: %v", raw, err)
		}
		return s
	}
	old, new := load(oldDir, "old"), load(newDir, "new")
	fs, err := compat.Check(context.Background(), &schema.Schema{Files: old.Files, Paths: old.Paths}, &schema.Schema{Files: new.Files, Paths: new.Paths}, compat.Config{Use: use})
	if err != nil {
		t.Fatal(err)
	}
	out := keys{}
	for _, f := range fs {
		if known[f.Rule] {
			sp := f.Span
			out[key{sp.Path, sp.StartLine, sp.StartCol, sp.EndLine, sp.EndCol, f.Rule}]++
		}
	}
	return out
}

// readDifferences reads the intended differences with buf, one a line,
// and counts how many times each is listed:
//
//	<case path> <RULE_ID> <path>:<line>:<col>-<line>:<col> <ours|buf-only> # reason
func readDifferences(path string) (map[difference]int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[difference]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, reason, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 || strings.TrimSpace(reason) == "" || (fields[3] != "ours" && fields[3] != "buf-only") {
			return nil, fmt.Errorf("%s:%d: want <case path> <RULE_ID> <path>:<line>:<col>-<line>:<col> <ours|buf-only> # reason", path, n)
		}
		var d difference
		d.casePath, d.key.rule, d.side = fields[0], fields[1], fields[3]
		pos := fields[2]
		dash := strings.LastIndexByte(pos, '-')
		i := strings.LastIndexByte(pos[:max(dash, 0)], ':')
		j := strings.LastIndexByte(pos[:max(i, 0)], ':')
		if dash < 0 || i < 0 || j < 0 {
			return nil, fmt.Errorf("%s:%d: bad span %q", path, n, pos)
		}
		k := &d.key
		if _, err := fmt.Sscanf(pos[j+1:], "%d:%d-%d:%d", &k.line, &k.col, &k.endLine, &k.endCol); err != nil {
			return nil, fmt.Errorf("%s:%d: bad span %q", path, n, pos)
		}
		k.path = pos[:j]
		out[d]++
	}
	return out, sc.Err()
}
