package bufplugin_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"buf.build/go/bufplugin/check"
	"buf.build/go/bufplugin/check/checktest"
	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/bufplugin"
)

func TestSpec(t *testing.T) {
	checktest.SpecTest(t, bufplugin.Spec())
}

// The swapped pair of the README: buf passes it under WIRE, the plugin
// reports each field at its new number, in the new file and the old.
func TestSwapped(t *testing.T) {
	checktest.CheckTest{
		Request: &checktest.RequestSpec{
			Files:        &checktest.ProtoFileSpec{DirPaths: []string{"testdata/swapped/new"}, FilePaths: []string{"a.proto"}},
			AgainstFiles: &checktest.ProtoFileSpec{DirPaths: []string{"testdata/swapped/old"}, FilePaths: []string{"a.proto"}},
			RuleIDs:      []string{"PROTOCHECK_FIELD_WIRE_SAME_NUMBER"},
		},
		Spec: bufplugin.Spec(),
		ExpectedAnnotations: []checktest.ExpectedAnnotation{
			{
				RuleID:              "PROTOCHECK_FIELD_WIRE_SAME_NUMBER",
				Message:             `field "first" on acme.v1.Name changed number from 1 to 2, and number 1 is now "last": new readers read old binary "first" as "last", old readers read new binary "first" as "last"`,
				FileLocation:        &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 4, StartColumn: 17, EndLine: 4, EndColumn: 18},
				AgainstFileLocation: &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 4, StartColumn: 17, EndLine: 4, EndColumn: 18},
			},
			{
				RuleID:              "PROTOCHECK_FIELD_WIRE_SAME_NUMBER",
				Message:             `field "last" on acme.v1.Name changed number from 2 to 1, and number 2 is now "first": new readers read old binary "last" as "first", old readers read new binary "last" as "first"`,
				FileLocation:        &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 5, StartColumn: 16, EndLine: 5, EndColumn: 17},
				AgainstFileLocation: &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 5, StartColumn: 16, EndLine: 5, EndColumn: 17},
			},
		},
	}.Run(t)
}

// With prove, each message carries its proof on the same line.
func TestProve(t *testing.T) {
	checktest.CheckTest{
		Request: &checktest.RequestSpec{
			Files:        &checktest.ProtoFileSpec{DirPaths: []string{"testdata/swapped/new"}, FilePaths: []string{"a.proto"}},
			AgainstFiles: &checktest.ProtoFileSpec{DirPaths: []string{"testdata/swapped/old"}, FilePaths: []string{"a.proto"}},
			RuleIDs:      []string{"PROTOCHECK_FIELD_WIRE_SAME_NUMBER"},
			Options:      map[string]any{"prove": true},
		},
		Spec: bufplugin.Spec(),
		ExpectedAnnotations: []checktest.ExpectedAnnotation{
			{
				RuleID:              "PROTOCHECK_FIELD_WIRE_SAME_NUMBER",
				Message:             `field "first" on acme.v1.Name changed number from 1 to 2, and number 1 is now "last": new readers read old binary "first" as "last", old readers read new binary "first" as "last"; proof: backward binary, acme.v1.Name.first: field 1 is first to the writer and last to the reader; writer: string "a"; reader: last = string "a"; bytes: 0a 01 61`,
				FileLocation:        &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 4, StartColumn: 17, EndLine: 4, EndColumn: 18},
				AgainstFileLocation: &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 4, StartColumn: 17, EndLine: 4, EndColumn: 18},
			},
			{
				RuleID:              "PROTOCHECK_FIELD_WIRE_SAME_NUMBER",
				Message:             `field "last" on acme.v1.Name changed number from 2 to 1, and number 2 is now "first": new readers read old binary "last" as "first", old readers read new binary "last" as "first"; proof: backward binary, acme.v1.Name.last: field 2 is last to the writer and first to the reader; writer: string "a"; reader: first = string "a"; bytes: 12 01 61`,
				FileLocation:        &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 5, StartColumn: 16, EndLine: 5, EndColumn: 17},
				AgainstFileLocation: &checktest.ExpectedFileLocation{FileName: "a.proto", StartLine: 5, StartColumn: 16, EndLine: 5, EndColumn: 17},
			},
		},
	}.Run(t)
}

// direction keeps the findings that break the readers named: narrowing
// breaks new readers (backward), widening old ones (forward), the whole
// testdata/narrowing pair (compat/testdata/FIELD_WIRE_NO_NARROWING/changed)
// both.
func TestDirection(t *testing.T) {
	for _, tc := range []struct {
		direction string
		want      []string
	}{
		{"backward", []string{
			"a.proto:4:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 1 \"a\" on acme.v1.User narrowed from int64 to int32: new readers truncate old values",
			"a.proto:6:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 3 \"c\" on acme.v1.User narrowed from int32 to bool: new readers truncate old values",
			"a.proto:7:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 4 \"d\" on acme.v1.User narrowed from sint64 to sint32: new readers truncate old values",
		}},
		{"forward", []string{"a.proto:5:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 2 \"b\" on acme.v1.User widened from int32 to int64: old readers truncate new values"}},
		{"full", []string{
			"a.proto:4:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 1 \"a\" on acme.v1.User narrowed from int64 to int32: new readers truncate old values",
			"a.proto:5:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 2 \"b\" on acme.v1.User widened from int32 to int64: old readers truncate new values",
			"a.proto:6:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 3 \"c\" on acme.v1.User narrowed from int32 to bool: new readers truncate old values",
			"a.proto:7:3: PROTOCHECK_FIELD_WIRE_NO_NARROWING: field 4 \"d\" on acme.v1.User narrowed from sint64 to sint32: new readers truncate old values",
		}},
	} {
		t.Run(tc.direction, func(t *testing.T) {
			got, err := runPlugin(t, "testdata/narrowing/old", "testdata/narrowing/new", []string{"PROTOCHECK_FIELD_WIRE_NO_NARROWING"}, map[string]any{"direction": tc.direction})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("annotations differ (-want +got):\n%s", diff)
			}
		})
	}
}

// Options the plugin does not know, or of the wrong type, stop the check:
// a misspelt option must not pass silently.
func TestBadOptions(t *testing.T) {
	for _, tc := range []struct {
		options map[string]any
		want    string
	}{
		{map[string]any{"proof": true}, `unknown option "proof": buf-plugin-protocheck takes prove and direction`},
		{map[string]any{"prove": "yes"}, `option prove: want true or false`},
		{map[string]any{"direction": "sideways"}, `option direction: unknown direction "sideways" (want backward, forward or full)`},
		{map[string]any{"direction": int64(1)}, `option direction: want backward, forward or full`},
	} {
		t.Run(fmt.Sprint(tc.options), func(t *testing.T) {
			_, err := runPlugin(t, "testdata/swapped/old", "testdata/swapped/new", []string{"PROTOCHECK_FIELD_SAME_NUMBER"}, tc.options)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// TestCases runs the plugin on every case of compat/testdata that one of
// its rules fires on or should stay silent on, and holds its annotations
// to the case's want, the output of `protocheck check`: the same findings
// at the same line and column, with the same messages.
func TestCases(t *testing.T) {
	served := servedIDs(t)
	paths, err := filepath.Glob("../../compat/testdata/*/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	ran := 0
	for _, p := range paths {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(p), "../../compat/testdata/"), ".txtar")
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := readCase(t, a, name)
		ids := c.pluginRules(t, served)
		if len(ids) == 0 {
			continue
		}
		ran++
		t.Run(name, func(t *testing.T) {
			switch {
			case contains(a, messageSet):
				t.Skip("buf sends no message set to a plugin")
			case contains(a, laterEdition):
				t.Skip("checktest compiles with protocompile's v0.14 compiler, which stops at edition 2023; TestBuf runs the case with buf")
			}
			oldDir, newDir := writeTree(t, a, "old"), writeTree(t, a, "new")
			opts := map[string]any{}
			if c.direction != "" {
				opts["direction"] = c.direction
			}
			got, err := runPlugin(t, oldDir, newDir, ids, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.wantFor(ids), got); diff != "" {
				t.Errorf("annotations differ from protocheck check's findings (-want +got):\n%s", diff)
			}
		})
	}
	if ran < 50 {
		t.Errorf("ran %d cases; the served rules have more", ran)
	}
}

var laterEdition = regexp.MustCompile(`(?m)^edition\s*=\s*"(20(2[4-9]|[3-9]\d))"`)

// contains reports whether a file of the archive matches re.
func contains(a *txtar.Archive, re *regexp.Regexp) bool {
	return slices.ContainsFunc(a.Files, func(f txtar.File) bool { return re.Match(f.Data) })
}

// messageSet matches a message set, which buf v1.75 never sends to a
// plugin: protobuf-go refuses to link one, and buf fails first.
var messageSet = regexp.MustCompile(`message_set_wire_format\s*=\s*true`)

// A testCase is one archive of compat/testdata, as compat's tests read it.
type testCase struct {
	use       []string
	direction string
	want      []string // lines of `protocheck check` text output
}

func readCase(t *testing.T, a *txtar.Archive, name string) testCase {
	t.Helper()
	c := testCase{use: []string{strings.Split(name, "/")[0]}}
	for _, f := range a.Files {
		switch f.Name {
		case "use":
			c.use = strings.Fields(strings.ReplaceAll(string(f.Data), ",", " "))
		case "direction":
			c.direction = strings.TrimSpace(string(f.Data))
		case "want":
			c.want = strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
			if len(c.want) == 1 && c.want[0] == "" {
				c.want = nil
			}
		}
	}
	return c
}

// pluginRules returns the plugin's ids of the served rules the case runs.
func (c testCase) pluginRules(t *testing.T, served map[string]bool) []string {
	rules, err := compat.Config{Use: c.use}.Select()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rules {
		if served[r.ID] && !r.Proved() {
			ids = append(ids, bufplugin.Prefix+r.ID)
		}
	}
	return ids
}

// wantFor returns the want lines of the rules ids, as runPlugin renders
// annotations: buf places a finding on a whole file at its line 1, column 1.
func (c testCase) wantFor(ids []string) []string {
	var out []string
	for _, line := range c.want {
		open := strings.LastIndex(line, " (")
		rule := strings.TrimSuffix(line[open+2:], ")")
		if !slices.Contains(ids, bufplugin.Prefix+rule) {
			continue
		}
		pos, msg, _ := strings.Cut(line[:open], ": ")
		if !strings.Contains(pos, ":") {
			pos += ":1:1"
		}
		out = append(out, fmt.Sprintf("%s: %s%s: %s", pos, bufplugin.Prefix, rule, msg))
	}
	return out
}

// runPlugin runs the plugin's rules ids on the .proto files of two
// directories, as buf would send them, and renders its annotations as
// path:line:col: RULE: message, 1-based, in the new file when the
// annotation has a place there.
func runPlugin(t *testing.T, oldDir, newDir string, ids []string, options map[string]any) ([]string, error) {
	t.Helper()
	spec := &checktest.RequestSpec{
		Files:   &checktest.ProtoFileSpec{DirPaths: []string{newDir}, FilePaths: protoFiles(t, newDir)},
		RuleIDs: ids,
		Options: options,
	}
	if files := protoFiles(t, oldDir); len(files) > 0 {
		spec.AgainstFiles = &checktest.ProtoFileSpec{DirPaths: []string{oldDir}, FilePaths: files}
	}
	req, err := spec.ToRequest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client, err := check.NewClientForSpec(bufplugin.Spec())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Check(t.Context(), req)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range resp.Annotations() {
		loc := a.FileLocation()
		if loc == nil {
			loc = a.AgainstFileLocation()
		}
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", loc.FileDescriptor().ProtoreflectFileDescriptor().Path(), loc.StartLine()+1, loc.StartColumn()+1, a.RuleID(), a.Message()))
	}
	// buf sorts annotations by rule first; protocheck by place.
	slices.SortStableFunc(out, comparePlaces)
	return out, nil
}

// comparePlaces orders rendered annotations as protocheck orders
// findings: by path, line, column, rule and message.
func comparePlaces(a, b string) int {
	pa, pb := strings.SplitN(a, ":", 4), strings.SplitN(b, ":", 4)
	if c := strings.Compare(pa[0], pb[0]); c != 0 {
		return c
	}
	var la, ca, lb, cb int
	fmt.Sscan(pa[1], &la)
	fmt.Sscan(pa[2], &ca)
	fmt.Sscan(pb[1], &lb)
	fmt.Sscan(pb[2], &cb)
	if la != lb {
		return la - lb
	}
	if ca != cb {
		return ca - cb
	}
	return strings.Compare(pa[3], pb[3])
}

// protoFiles lists the .proto files under dir, relative to it.
func protoFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".proto") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// writeTree writes the archive's files under prefix/ into a new directory.
func writeTree(t *testing.T, a *txtar.Archive, prefix string) string {
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

// servedIDs returns the compat ids of the rules the plugin serves.
func servedIDs(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range bufplugin.Spec().Rules {
		id, ok := strings.CutPrefix(r.ID, bufplugin.Prefix)
		if !ok || compat.Lookup(id) == nil {
			t.Fatalf("served rule %s is not a compat rule behind %s", r.ID, bufplugin.Prefix)
		}
		out[id] = true
	}
	return out
}
