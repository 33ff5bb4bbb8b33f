package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/protocheck/protocheck/compat"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample returns findings that exercise every branch of the writers: an
// error and a warning, a whole-file finding, an ignored one, and a message
// holding characters that each format must escape.
func sample() []compat.Finding {
	return []compat.Finding{
		{
			Rule: "FIELD_NO_DELETE", Categories: []compat.Category{compat.File, compat.Package, compat.WireJSON, compat.Wire},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 2 "email" on acme.v1.User was deleted`,
			Span:    compat.Span{Path: "acme/v1/user.proto", StartLine: 7, StartCol: 1, EndLine: 10, EndCol: 2},
			OldSpan: compat.Span{Path: "acme/v1/user.proto", StartLine: 9, StartCol: 3, EndLine: 9, EndCol: 20},
		},
		{
			Rule: "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", Categories: []compat.Category{compat.WireJSON, compat.Wire},
			Severity: compat.Warning, Direction: compat.Both,
			Message: "field 3 on acme.v1.User was deleted without reserving its number: 50% of readers, a|b, `x`,\nnext line\r::error::injected",
			Span:    compat.Span{Path: "acme/v1/user.proto", StartLine: 8, StartCol: 3, EndLine: 8, EndCol: 14},
		},
		{
			Rule: "FILE_NO_DELETE", Categories: []compat.Category{compat.File},
			Severity: compat.Error, Direction: compat.Both,
			Message: `file "acme/v1/old,name:x.proto" was deleted`,
			Span:    compat.Span{Path: "acme/v1/old,name:x.proto"},
			OldSpan: compat.Span{Path: "acme/v1/old,name:x.proto"},
		},
		{
			Rule: "FIELD_NO_DELETE", Categories: []compat.Category{compat.File, compat.Package, compat.WireJSON, compat.Wire},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 4 "legacy" on acme.v1.User was deleted`,
			Span:    compat.Span{Path: "acme/v1/user.proto", StartLine: 12, StartCol: 1, EndLine: 12, EndCol: 9},
			Ignored: true, IgnoreWhy: "no client reads it since 2023",
		},
	}
}

// options are those the CLI passes for `protocheck check proto --against …`.
var options = Options{Input: "proto", Against: ".git#branch=main,subdir=proto", Version: "v0.0.0-test", Root: "proto"}

var ext = map[string]string{
	"text": "txt", "json": "jsonl", "sarif": "sarif", "github-actions": "txt",
	"junit": "xml", "gitlab-code-quality": "json", "markdown": "md",
}

// fixedRules stands in for the catalogue in golden tests, whose output
// should change when a writer does, not when a rule's text is edited.
var fixedRules = map[string]*compat.Rule{
	"FIELD_NO_DELETE": {ID: "FIELD_NO_DELETE", Categories: []compat.Category{compat.File, compat.Package}, Direction: compat.Both,
		Doc: "fields are not deleted from a message\n\nDeleting a field breaks code that uses it.\n\n  message User { reserved 2; }"},
	"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": {ID: "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", Categories: []compat.Category{compat.WireJSON, compat.Wire},
		Severity: compat.Warning, Direction: compat.Both, Doc: "fields are not deleted unless their number is reserved"},
	"FILE_NO_DELETE": {ID: "FILE_NO_DELETE", Categories: []compat.Category{compat.File}, Direction: compat.Both,
		Doc: "files are not deleted\n\nOther files import a file by its path."},
}

// TestGolden writes the sample findings, and no findings, in every format
// and compares with testdata/<format>[-clean].<ext>; -update rewrites them.
func TestGolden(t *testing.T) {
	lookupRule = func(id string) *compat.Rule { return fixedRules[id] }
	defer func() { lookupRule = compat.Lookup }()
	for _, format := range Formats() {
		for _, clean := range []bool{false, true} {
			name := format
			findings := sample()
			if clean {
				name += "-clean"
				findings = nil
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, format, findings, options); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join("testdata", name+"."+ext[format])
				if *update {
					if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update)", err)
				}
				if diff := cmp.Diff(string(want), buf.String()); diff != "" {
					t.Errorf("%s output differs from %s (-want +got):\n%s", format, file, diff)
				}
			})
		}
	}
}

func TestFormatsHaveGoldenExtension(t *testing.T) {
	for _, f := range Formats() {
		if ext[f] == "" {
			t.Errorf("format %q has no golden file extension in the test", f)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(new(bytes.Buffer), "yaml", nil, Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) {
		t.Fatalf("Write(yaml) = %v, want unknown format error", err)
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0 JSON
// schema published by OASIS (testdata/sarif-schema-2.1.0.json, the errata01
// version; see testdata/README.md for where the copy comes from).
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	c.AssertFormat()
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		findings []compat.Finding
		opts     Options
	}{
		{"sample", sample(), options},
		{"clean", nil, Options{}},
		{"unknown rule", []compat.Finding{{Rule: "NOT_IN_CATALOGUE", Message: "m", Span: compat.Span{Path: "a.proto", StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}}}, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, "sarif", tc.findings, tc.opts); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("sarif output does not match the SARIF 2.1.0 schema:\n%v", err)
			}
		})
	}
}

// TestSARIFContent checks what GitHub code scanning relies on, beyond the
// schema: rule help from the catalogue, levels, regions and suppressions.
func TestSARIFContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", sample(), options); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string
						ShortDescription struct{ Text string }
						Help             struct{ Text, Markdown string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
				Suppressions []struct{ Kind, Justification string }
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rule := compat.Lookup("FIELD_NO_DELETE")
	var found bool
	for i, r := range run.Tool.Driver.Rules {
		if r.ID != rule.ID {
			continue
		}
		found = true
		if r.ShortDescription.Text != rule.Summary() || !strings.Contains(r.Help.Text, rule.Explanation()) {
			t.Errorf("rule %s: description %q, help %q; want the catalogue's summary and explanation", r.ID, r.ShortDescription.Text, r.Help.Text)
		}
		if run.Results[0].RuleIndex != i {
			t.Errorf("result 0 ruleIndex = %d, want %d", run.Results[0].RuleIndex, i)
		}
	}
	if !found {
		t.Fatalf("no rule descriptor for FIELD_NO_DELETE")
	}
	if got := len(run.Results); got != 4 {
		t.Fatalf("got %d results, want 4 (ignored findings included)", got)
	}
	r0 := run.Results[0]
	if r0.Level != "error" || run.Results[1].Level != "warning" {
		t.Errorf("levels %q, %q; want error, warning", r0.Level, run.Results[1].Level)
	}
	loc := r0.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "proto/acme/v1/user.proto" {
		t.Errorf("uri %q, want the path from the repository root", loc.ArtifactLocation.URI)
	}
	if reg := loc.Region; reg == nil || *reg != (struct{ StartLine, StartColumn, EndLine, EndColumn int }{7, 1, 10, 2}) {
		t.Errorf("region %+v, want 7:1-10:2", reg)
	}
	if run.Results[2].Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("whole-file finding has a region")
	}
	if s := run.Results[3].Suppressions; len(s) != 1 || s[0].Kind != "inSource" || s[0].Justification != "no client reads it since 2023" {
		t.Errorf("ignored finding suppressions = %+v, want one inSource with the reason", s)
	}
	if len(run.Results[0].Suppressions) != 0 {
		t.Errorf("finding that is not ignored is suppressed")
	}
}

// TestGitHubActionsEscaping checks that no message can end a workflow
// command early or start one of its own.
func TestGitHubActionsEscaping(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "github-actions", sample(), options); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (one per finding not ignored):\n%s", len(lines), buf.String())
	}
	want := []string{
		"::error file=proto/acme/v1/user.proto,line=7,col=1,endLine=10,endColumn=1,title=FIELD_NO_DELETE::field 2 \"email\" on acme.v1.User was deleted",
		"::warning file=proto/acme/v1/user.proto,line=8,col=3,endLine=8,endColumn=13,title=FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED::field 3 on acme.v1.User was deleted without reserving its number: 50%25 of readers, a|b, `x`,%0Anext line%0D::error::injected",
		"::error file=proto/acme/v1/old%2Cname%3Ax.proto,title=FILE_NO_DELETE::file \"acme/v1/old,name:x.proto\" was deleted",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestJUnitWellFormed(t *testing.T) {
	for _, findings := range [][]compat.Finding{sample(), nil} {
		var buf bytes.Buffer
		if err := Write(&buf, "junit", findings, options); err != nil {
			t.Fatal(err)
		}
		var doc junitSuites
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("junit output is not XML: %v", err)
		}
		s := doc.Suites[0]
		wantFail, wantTests := 3, 4
		if findings == nil {
			wantFail, wantTests = 0, 1
		}
		if s.Failures != wantFail || s.Tests != wantTests || len(s.Cases) != wantTests {
			t.Errorf("suite has %d tests (%d cases), %d failures; want %d, %d", s.Tests, len(s.Cases), s.Failures, wantTests, wantFail)
		}
	}
}

func TestGitLabFingerprints(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "gitlab-code-quality", sample(), options); err != nil {
		t.Fatal(err)
	}
	var issues []gitlabIssue
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != 3 {
		t.Fatalf("got %d issues, want 3", len(issues))
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if seen[is.Fingerprint] {
			t.Errorf("fingerprint %s repeated", is.Fingerprint)
		}
		seen[is.Fingerprint] = true
	}
	// Moving a finding to another line keeps its fingerprint.
	moved := sample()
	moved[0].Span.StartLine += 5
	if a, b := fingerprints(sample(), options)[0], fingerprints(moved, options)[0]; a != b {
		t.Errorf("fingerprint changed with the line: %s, %s", a, b)
	}
	// Two equal findings on different lines get different fingerprints.
	twice := []compat.Finding{sample()[0], sample()[0]}
	twice[1].Span.StartLine = 30
	if fp := fingerprints(twice, options); fp[0] == fp[1] {
		t.Errorf("equal findings share fingerprint %s", fp[0])
	}
}

func TestRuleName(t *testing.T) {
	if got := ruleName("FIELD_NO_DELETE"); got != "FieldNoDelete" {
		t.Errorf("ruleName = %q", got)
	}
}

func TestUUID(t *testing.T) {
	got := uuidOf("0123456789abcdef0123456789abcdef")
	if want := "01234567-89ab-5def-8123-456789abcdef"; got != want {
		t.Errorf("uuidOf = %s, want %s", got, want)
	}
}
