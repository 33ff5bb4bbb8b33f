package compat_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata cases")

// A case is one txtar archive under testdata/<RULE_ID>/. Its comment says
// what the case shows; old/ and new/ hold the two versions; an optional
// "use" section lists the categories or rules to run (default: the rule
// the directory is named for) and an optional "direction" section filters;
// "want" is the exact text output.
type testCase struct {
	rule    string
	path    string
	archive *txtar.Archive
}

func loadCases(t *testing.T) []testCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var cases []testCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, testCase{rule: filepath.Base(filepath.Dir(p)), path: p, archive: a})
	}
	return cases
}

// section returns the named section of the archive, and whether it exists.
func section(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// materialize writes the files under prefix/ into dir and loads them.
func materialize(t *testing.T, a *txtar.Archive, prefix string) *schema.Schema {
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
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir).WithName(prefix))
	if err != nil {
		t.Fatalf("loading %s: %v", prefix, err)
	}
	return s
}

// configOf reads a case's use and direction sections.
func configOf(t *testing.T, c testCase) compat.Config {
	cfg := compat.Config{Use: []string{c.rule}}
	if use, ok := section(c.archive, "use"); ok {
		cfg.Use = strings.Fields(strings.ReplaceAll(use, ",", " "))
	}
	if dir, ok := section(c.archive, "direction"); ok {
		d, err := compat.ParseDirection(strings.TrimSpace(dir))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Direction = d
	}
	return cfg
}

func render(fs []compat.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func TestCases(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(c.path, "testdata/"), ".txtar"), func(t *testing.T) {
			if strings.TrimSpace(string(c.archive.Comment)) == "" {
				t.Errorf("%s: the archive comment must say what the case shows", c.path)
			}
			old, new := materialize(t, c.archive, "old"), materialize(t, c.archive, "new")
			got, err := compat.Check(context.Background(), &schema.Schema{Files: old.Files}, &schema.Schema{Files: new.Files}, configOf(t, c))
			if err != nil {
				t.Fatal(err)
			}
			out := render(got)
			if *update {
				setSection(c.archive, "want", out)
				if err := os.WriteFile(c.path, txtar.Format(c.archive), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, ok := section(c.archive, "want")
			if !ok {
				t.Fatalf("%s: no want section (run go test ./compat -update)", c.path)
			}
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("%s: findings differ (-want +got):\n%s", c.path, diff)
			}
		})
	}
}

func setSection(a *txtar.Archive, name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}

var ruleID = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// TestCatalogue validates the rule list: unique UPPER_SNAKE ids, a summary
// without a period, an explanation, and for every rule a case that fires
// and a case that does not.
func TestCatalogue(t *testing.T) {
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, c := range loadCases(t) {
		want, _ := section(c.archive, "want")
		if strings.Contains(want, "("+c.rule+")") {
			fires[c.rule] = true
		} else {
			silent[c.rule] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range compat.Rules() {
		if !ruleID.MatchString(r.ID) {
			t.Errorf("rule id %q is not UPPER_SNAKE", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule %s is listed twice", r.ID)
		}
		seen[r.ID] = true
		if s := r.Summary(); s == "" || strings.HasSuffix(s, ".") {
			t.Errorf("rule %s: summary %q must be a line without a period", r.ID, s)
		}
		if r.Explanation() == "" {
			t.Errorf("rule %s has no explanation", r.ID)
		}
		// A rule in no category runs only when named, as buf's deprecated
		// MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT does.
		if (len(r.Categories) == 0 && r.ID != "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT") || r.Direction == 0 {
			t.Errorf("rule %s needs categories and a direction", r.ID)
		}
		if r.Proved() {
			continue // the prover's: tested with it (internal/cli/testdata/script/prove_*.txtar)
		}
		if !fires[r.ID] {
			t.Errorf("rule %s has no testdata case that fires", r.ID)
		}
		if !silent[r.ID] {
			t.Errorf("rule %s has no testdata case that stays silent", r.ID)
		}
	}
	dirs, _ := filepath.Glob("testdata/*")
	for _, d := range dirs {
		if id := filepath.Base(d); ruleID.MatchString(id) && !seen[id] && !slices.Contains([]string{"CROSS"}, id) {
			t.Errorf("testdata/%s names no rule", id)
		}
	}
}
