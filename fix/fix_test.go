package fix_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/fix"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

var update = flag.Bool("update", false, "rewrite the want/ and report sections of testdata cases")

// reservedRules are the rules that a fix must silence for what it could
// reserve.
var reservedRules = []string{
	"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
	"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
}

// A run is one fix of a case: the directories written, what Apply made of
// them.
type run struct {
	oldDir, newDir string
	old, new       *schema.Schema
	res            fix.Result
}

// writeDir writes the files of a under prefix/ into a new directory.
func writeDir(t *testing.T, a *txtar.Archive, prefix string) string {
	t.Helper()
	var sub txtar.Archive
	for _, f := range a.Files {
		if rel, ok := strings.CutPrefix(f.Name, prefix+"/"); ok {
			sub.Files = append(sub.Files, txtar.File{Name: rel, Data: f.Data})
		}
	}
	dir := t.TempDir()
	if err := txtar.Write(&sub, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func load(t *testing.T, dir string) *schema.Schema {
	t.Helper()
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir).WithName(filepath.Base(dir)))
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	return s
}

func check(t *testing.T, old, new *schema.Schema, use []string) []compat.Finding {
	t.Helper()
	fs, err := compat.Check(context.Background(), old, new, compat.Config{Use: use})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// fixDirs checks newDir against oldDir with use and plans and applies the
// fix, writing nothing.
func fixDirs(t *testing.T, oldDir, newDir string, use []string) run {
	t.Helper()
	r := run{oldDir: oldDir, newDir: newDir, old: load(t, oldDir), new: load(t, newDir)}
	plan := fix.Plan(r.old, r.new, check(t, r.old, r.new, use))
	var err error
	r.res, err = fix.Apply(r.new, plan, func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(newDir, filepath.FromSlash(p)))
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// verify writes the fixed files, and asserts what a user of the fix
// relies on: the files compile, the rules that ask for reservations report
// nothing but what the fix said it could not reserve, and fixing again
// changes nothing.
func verify(t *testing.T, r run, use []string) {
	t.Helper()
	for _, f := range r.res.Files {
		if err := os.WriteFile(filepath.Join(r.newDir, filepath.FromSlash(f.Path)), f.After, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The deletions the fix addressed, by their place in the old version
	// (which the fix leaves alone), but where it said it could not.
	addressed := make(map[compat.Span]bool)
	for _, f := range check(t, r.old, r.new, use) {
		if !f.Ignored && slices.Contains(fix.Rules(), f.Rule) &&
			!slices.ContainsFunc(r.res.Skipped, func(s fix.Skip) bool { return s.Span == f.Span }) {
			addressed[f.OldSpan] = true
		}
	}
	fixed := load(t, r.newDir)
	for _, f := range check(t, r.old, fixed, reservedRules) {
		if addressed[f.OldSpan] {
			t.Errorf("after the fix: %s", f)
		}
	}
	again := fixDirs(t, r.oldDir, r.newDir, use)
	for _, f := range again.res.Files {
		t.Errorf("a second fix changes %s:\n%s", f.Path, f.After)
	}
}

func report(res fix.Result) string {
	var b strings.Builder
	for _, f := range res.Files {
		for _, c := range f.Changes {
			b.WriteString(c.String() + "\n")
		}
	}
	for _, s := range res.Skipped {
		b.WriteString("skipped: " + s.String() + "\n")
	}
	return b.String()
}

// TestCases runs the cases under testdata: old/ and new/ are the two
// versions, want/ the new files that the fix changes as they must read
// after it, "report" what it says it reserved and skipped, and an
// optional "use" the rules or categories checked (default: every rule
// whose findings the fix addresses).
func TestCases(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(a.Comment)) == "" {
				t.Errorf("%s: the archive comment must say what the case shows", p)
			}
			use := fix.Rules()
			for _, f := range a.Files {
				if f.Name == "use" {
					use = strings.Fields(strings.ReplaceAll(string(f.Data), ",", " "))
				}
			}
			r := fixDirs(t, writeDir(t, a, "old"), writeDir(t, a, "new"), use)
			got := map[string]string{"report": report(r.res)}
			for _, f := range r.res.Files {
				got["want/"+f.Path] = string(f.After)
			}
			want := map[string]string{}
			for _, f := range a.Files {
				if f.Name == "report" || strings.HasPrefix(f.Name, "want/") {
					want[f.Name] = string(f.Data)
				}
			}
			if *update {
				a.Files = slices.DeleteFunc(a.Files, func(f txtar.File) bool {
					return f.Name == "report" || strings.HasPrefix(f.Name, "want/")
				})
				for _, name := range sortedKeys(got) {
					a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(got[name])})
				}
				if err := os.WriteFile(p, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", p, d)
			}
			verify(t, r, use)
		})
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestCompatCases fixes every case of the deletion rules' own testdata,
// with the rule of its directory, and asserts that the fix compiles,
// silences the reservation rules and is idempotent.
func TestCompatCases(t *testing.T) {
	var paths []string
	for _, rule := range fix.Rules() {
		ps, err := filepath.Glob(filepath.Join("..", "compat", "testdata", rule, "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			t.Errorf("no testdata for %s", rule)
		}
		paths = append(paths, ps...)
	}
	for _, p := range paths {
		rule := filepath.Base(filepath.Dir(p))
		t.Run(rule+"/"+strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			use := []string{rule}
			r := fixDirs(t, writeDir(t, a, "old"), writeDir(t, a, "new"), use)
			findings := check(t, r.old, r.new, use)
			if len(findings) > 0 && len(r.res.Files) == 0 && len(r.res.Skipped) == 0 {
				// Only a finding whose element is reserved already
				// (FIELD_NO_DELETE fires regardless) needs no edit.
				for _, f := range check(t, r.old, r.new, reservedRules) {
					t.Errorf("not fixed: %s", f)
				}
			}
			verify(t, r, use)
		})
	}
}

// withoutSource loads the schema as a descriptor set that holds no
// source info, such as protoc writes without --include_source_info.
func withoutSource(t *testing.T, s *schema.Schema) *schema.Schema {
	t.Helper()
	data, err := loader.Snapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	for _, f := range set.File {
		f.SourceCodeInfo = nil
	}
	if data, err = proto.Marshal(&set); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "old.binpb")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bare, err := (&loader.Loader{}).Load(context.Background(), loader.DescriptorSet(p))
	if err != nil {
		t.Fatal(err)
	}
	return bare
}

// TestOldWithoutSource checks that a baseline without source positions
// (a descriptor set built without them) plans what one with them plans.
func TestOldWithoutSource(t *testing.T) {
	for _, name := range []string{"consecutive", "enum_aliases", "nested", "oneof"} {
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
			if err != nil {
				t.Fatal(err)
			}
			old, new := load(t, writeDir(t, a, "old")), load(t, writeDir(t, a, "new"))
			bare := withoutSource(t, old)
			want := fix.Plan(old, new, check(t, old, new, fix.Rules()))
			for _, fd := range bare.Files {
				if fd.SourceLocations().Len() != 0 {
					t.Fatalf("the baseline %s still has source positions", fd.Path())
				}
			}
			bareFindings := check(t, bare, new, fix.Rules())
			got := fix.Plan(bare, new, bareFindings)
			if len(want) == 0 {
				t.Fatal("the case plans nothing")
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("plan without the old source (-want +got):\n%s", d)
			}
		})
	}
}

// TestRulesExist keeps Rules in step with the catalogue.
func TestRulesExist(t *testing.T) {
	for _, id := range fix.Rules() {
		if !slices.ContainsFunc(compat.Rules(), func(r *compat.Rule) bool { return r.ID == id }) {
			t.Errorf("%s is not a rule of compat.Rules()", id)
		}
	}
}

// TestRulesCopy checks that changing what Rules returns changes no later
// answer.
func TestRulesCopy(t *testing.T) {
	rules := fix.Rules()
	rules[0] = "CHANGED"
	if got := fix.Rules(); got[0] != "FIELD_NO_DELETE" {
		t.Errorf("Rules() after changing what it returned = %v", got)
	}
}

// TestSourceChanged checks that a source that no longer matches what was
// compiled is refused, naming the place, rather than edited at the wrong
// offsets.
func TestSourceChanged(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "field_deleted.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	old, new := load(t, writeDir(t, a, "old")), load(t, writeDir(t, a, "new"))
	plan := fix.Plan(old, new, check(t, old, new, fix.Rules()))
	edited := "syntax = \"proto3\";\npackage acme.v1;\n\n// moved down a line\nmessage User {\n  string id = 1;\n}\n"
	_, err = fix.Apply(new, plan, func(string) ([]byte, error) { return []byte(edited), nil })
	var se *source.Error
	if !errors.As(err, &se) {
		t.Fatalf("Apply on a changed file: got error %v, want a *source.Error", err)
	}
	want := "user.proto:4:1: the name of acme.v1.User is not where the compiler saw it: did the file change during the check?"
	if got := se.Error(); got != want {
		t.Errorf("Apply on a changed file:\ngot  %s\nwant %s", got, want)
	}
}
