package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/quick"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample returns findings that exercise every branch of the writers: an
// error and a warning, a whole-file finding, an ignored one, a message
// holding characters that each format must escape (newlines, markup, an
// ANSI escape, a right-to-left override) and a file name that a URI must
// encode (a space, '%', ':', non-ASCII).
func sample() []compat.Finding {
	return []compat.Finding{
		{
			Rule: "FIELD_NO_DELETE", Categories: []compat.Category{compat.File, compat.Package, compat.WireJSON, compat.Wire},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 2 "email" on acme.v1.User was deleted`,
			Span:    compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 7, StartCol: 1, EndLine: 10, EndCol: 2},
			OldSpan: compat.Span{Old: true, Path: "proto/acme/v1/user.proto", StartLine: 9, StartCol: 3, EndLine: 9, EndCol: 20},
		},
		{
			Rule: "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", Categories: []compat.Category{compat.WireJSON, compat.Wire},
			Severity: compat.Warning, Direction: compat.Both,
			Message: "field 3 on acme.v1.User was deleted without reserving its number: 50% of readers, a|b, `x`, *y*_z_ &amp; <b>,\nnext line\r::error::injected \x1b[31mred\x1b[0m \u202eevil",
			Span:    compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 8, StartCol: 3, EndLine: 8, EndCol: 14},
		},
		{
			Rule: "FILE_NO_DELETE", Categories: []compat.Category{compat.File},
			Severity: compat.Error, Direction: compat.Both,
			Message: `file "my protos/100% ü,name:x.proto" was deleted`,
			Span:    compat.Span{Path: "proto/my protos/100% ü,name:x.proto", Old: true},
			OldSpan: compat.Span{Old: true, Path: "proto/my protos/100% ü,name:x.proto"},
		},
		{
			Rule: "FIELD_NO_DELETE", Categories: []compat.Category{compat.File, compat.Package, compat.WireJSON, compat.Wire},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 4 "legacy" on acme.v1.User was deleted`,
			Span:    compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 12, StartCol: 1, EndLine: 12, EndCol: 9},
			Ignored: true, IgnoreWhy: "no client reads it since 2023",
		},
	}
}

// proved are findings of check --prove: one proved in binary, one in JSON
// (with text each format must escape), one that says why it is not.
func proved() []compat.Finding {
	return []compat.Finding{
		{
			Rule: "FIELD_WIRE_COMPATIBLE_TYPE", Categories: []compat.Category{compat.WireJSON, compat.Wire},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 5 "score" on acme.v1.User changed type from int32 to sint32`,
			Span:    compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 13, StartCol: 3, EndLine: 13, EndCol: 20},
			Proof: &compat.Proof{Direction: "backward", Encoding: "binary", Message: "acme.v1.User", FieldPath: "acme.v1.User.score",
				Reason: "zigzag encoding differs", Bytes: []byte{0x28, 0x01}, Wire: "28 01  field 5 varint 1\n",
				WriterValue: "int32 1", ReaderValue: "sint32 -1"},
		},
		{
			Rule: "FIELD_SAME_JSON_NAME", Categories: []compat.Category{compat.File, compat.Package, compat.WireJSON},
			Severity: compat.Error, Direction: compat.Both,
			Message: `field 6 "tag" on acme.v1.User changed JSON name from "tag" to "label"`,
			Span:    compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 14, StartCol: 3, EndLine: 14, EndCol: 40},
			Proof: &compat.Proof{Direction: "forward", Encoding: "json", Message: "acme.v1.User", FieldPath: "acme.v1.User.tag",
				Reason: `reader knows field 6 by JSON name "tag", not "label"`, Bytes: []byte{0x32, 0x01, 0x7c}, Wire: "32 01 7c  field 6 len 1 \"|\"\n",
				JSON: `{"label":"|*<b>"}`, WriterValue: `string "|*<b>"`, ReaderValue: "(not set)"},
		},
		{
			Rule: "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", Categories: []compat.Category{compat.WireJSON, compat.Wire},
			Severity: compat.Warning, Direction: compat.Both,
			Message:  `field 7 "old" on acme.v1.User was deleted without reserving its number`,
			Span:     compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 7, StartCol: 1, EndLine: 10, EndCol: 2},
			Unproven: "a deletion breaks no data written today: the hazard is a later reuse of the number or name",
		},
	}
}

// options are those the CLI passes for `protocheck check proto --against …`,
// whose findings name files as the user does: proto/acme/v1/user.proto.
var options = Options{Input: "proto", Against: ".git#branch=main,subdir=proto", Version: "v0.0.0-test"}

// problems are compile errors: with a position, without one, and in a
// file whose name a URI must encode.
func problems() source.ErrorList {
	return source.ErrorList{
		{Path: "proto/acme/v1/user.proto", Line: 3, Column: 25, Message: "syntax error: expecting ';'"},
		{Path: "proto/my protos/ü.proto", Line: 2, Column: 8, Message: `could not resolve path "gone.proto": file does not exist`},
		{Path: "proto/big.proto", Message: "file is larger than 16 MiB"},
	}
}

var ext = map[string]string{
	"text": "txt", "json": "jsonl", "sarif": "sarif", "github-actions": "txt",
	"junit": "xml", "gitlab-code-quality": "json", "markdown": "md", "msvs": "txt",
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

// TestGolden writes the sample findings, no findings, and the sample
// problems in every format and compares with
// testdata/<format>[-clean|-problems].<ext>; -update rewrites them.
func TestGolden(t *testing.T) {
	lookupRule = func(id string) *compat.Rule { return fixedRules[id] }
	defer func() { lookupRule = compat.Lookup }()
	for _, format := range Formats() {
		for _, variant := range []string{"", "-clean", "-problems"} {
			name := format + variant
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				var err error
				switch variant {
				case "":
					err = Write(&buf, format, append(sample(), proved()...), options)
				case "-clean":
					err = Write(&buf, format, nil, options)
				case "-problems":
					err = WriteProblems(&buf, format, problems(), options)
				}
				if err != nil {
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

// sarifSchema compiles the SARIF 2.1.0 JSON schema published by OASIS
// (testdata/sarif-schema-2.1.0.json, the errata01 version; see
// testdata/README.md for where the copy comes from), formats asserted:
// GitHub rejects an artifactLocation.uri that is not a URI reference.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
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
	return schema
}

// TestSARIFSchema validates every SARIF golden file, and the output for
// more cases, against the official schema.
func TestSARIFSchema(t *testing.T) {
	schema := sarifSchema(t)
	validate := func(t *testing.T, data []byte) {
		t.Helper()
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("sarif output does not match the SARIF 2.1.0 schema:\n%v", err)
		}
		// The schema's uri-reference check lets a space through; RFC 3986
		// and GitHub do not.
		for _, m := range uriKey.FindAllSubmatch(data, -1) {
			if uri := string(m[1]); !relativeURI.MatchString(uri) {
				t.Errorf("artifactLocation.uri %q is not an RFC 3986 relative reference", uri)
			}
		}
		checkGitHubRules(t, data)
	}
	goldens, err := filepath.Glob(filepath.Join("testdata", "*.sarif"))
	if err != nil || len(goldens) < 3 {
		t.Fatalf("sarif goldens: %v, %v; want sarif, sarif-clean and sarif-problems", goldens, err)
	}
	for _, file := range goldens {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, data)
		})
	}
	at := func(path string) compat.Span {
		return compat.Span{Path: path, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
	}
	for _, tc := range []struct {
		name     string
		findings []compat.Finding
		opts     Options
	}{
		{"clean without options", nil, Options{}},
		{"unknown rule", []compat.Finding{{Rule: "NOT_IN_CATALOGUE", Message: "m", Span: at("a.proto")}}, Options{}},
		{"odd names", []compat.Finding{
			{Rule: "FILE_NO_DELETE", Message: "m", Span: at("my root/my protos/a b.proto"), OldSpan: at("old:root/100%/x#y?z.proto")},
			{Rule: "FILE_NO_DELETE", Message: "m", Span: at("ünïcödé/日本.proto")},
			{Rule: "FILE_NO_DELETE", Message: "m", Span: at("c:d/[e]{f}|g\\h\"i\x01.proto")},
		}, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, "sarif", tc.findings, tc.opts); err != nil {
				t.Fatal(err)
			}
			validate(t, buf.Bytes())
		})
	}
}

// checkGitHubRules checks what GitHub code scanning needs of each result
// beyond the schema (the rules GH1001, GH1003 and GH1007 of the SARIF
// validator): a rule id, a message text, and a location with a file and a
// region with a start line.
func checkGitHubRules(t *testing.T, data []byte) {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	for _, run := range log.Runs {
		for i, r := range run.Results {
			if r.RuleID == "" || r.Message.Text == "" || len(r.Locations) == 0 {
				t.Errorf("result %d: rule %q, message %q, %d locations; GitHub needs all three", i, r.RuleID, r.Message.Text, len(r.Locations))
			}
			for _, l := range r.Locations {
				if p := l.PhysicalLocation; p == nil || p.ArtifactLocation.URI == "" || p.Region == nil || p.Region.StartLine < 1 {
					t.Errorf("result %d (%s): location %+v lacks a file or a region with a start line", i, r.RuleID, p)
				}
			}
		}
	}
}

// uriKey finds the uri values of indented SARIF output; relativeURI is
// RFC 3986's relative-path reference: percent-encoded bytes, unreserved
// characters, sub-delimiters, '@' and '/', and no ':' before the first '/'.
var (
	uriKey      = regexp.MustCompile(`"uri": "([^"]*)"`)
	relativeURI = regexp.MustCompile(`^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-F]{2})*(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=@:]|%[0-9A-F]{2})*)*$`)
)

// TestSARIFOldLocation checks that the related location "in the old
// version" is the finding's OldSpan, path and line as the finding gives
// them: `check v2 --against v1` names the old file under v1.
func TestSARIFOldLocation(t *testing.T) {
	f := sample()[0]
	f.Span.Path = "v2/acme/v1/user.proto"
	f.OldSpan.Path = "v1/acme/v1/users.proto" // the element moved to another file
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", []compat.Finding{f}, Options{Input: "v2", Against: "v1"}); err != nil {
		t.Fatal(err)
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct{ URI string }
			Region           struct{ StartLine, StartColumn int }
		}
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations, RelatedLocations []location
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	r := log.Runs[0].Results[0]
	if got := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "v2/acme/v1/user.proto" {
		t.Errorf("location %q, want v2/acme/v1/user.proto", got)
	}
	if len(r.RelatedLocations) != 1 {
		t.Fatalf("%d related locations, want 1", len(r.RelatedLocations))
	}
	old := r.RelatedLocations[0].PhysicalLocation
	if old.ArtifactLocation.URI != "v1/acme/v1/users.proto" || old.Region.StartLine != 9 || old.Region.StartColumn != 3 {
		t.Errorf("old version at %s:%d:%d, want v1/acme/v1/users.proto:9:3", old.ArtifactLocation.URI, old.Region.StartLine, old.Region.StartColumn)
	}
}

// TestSARIFURI checks that a URI names the file it came from: decoding
// it gives the path back, and a first segment never reads as a scheme.
func TestSARIFURI(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"proto/acme/v1/user.proto", "proto/acme/v1/user.proto"},
		{"my protos/a.proto", "my%20protos/a.proto"},
		{"100%/a.proto", "100%25/a.proto"},
		{"ü/日.proto", "%C3%BC/%E6%97%A5.proto"},
		{"c:/a.proto", "c%3A/a.proto"},
		{"a#b?c.proto", "a%23b%3Fc.proto"},
		{"a,b;c=d@e+f~g.proto", "a,b;c=d@e+f~g.proto"},
	} {
		got := uriOf(tc.path)
		if got != tc.want {
			t.Errorf("uriOf(%q) = %q, want %q", tc.path, got, tc.want)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Path != tc.path {
			t.Errorf("uriOf(%q) = %q parses as scheme %q path %q (%v), want the path back", tc.path, got, u.Scheme, u.Path, err)
		}
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
	if reg := run.Results[2].Locations[0].PhysicalLocation.Region; reg == nil || *reg != (struct{ StartLine, StartColumn, EndLine, EndColumn int }{StartLine: 1}) {
		t.Errorf("whole-file finding's region %+v, want line 1 alone", reg)
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
		"::warning file=proto/acme/v1/user.proto,line=8,col=3,endLine=8,endColumn=13,title=FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED::field 3 on acme.v1.User was deleted without reserving its number: 50%25 of readers, a|b, `x`, *y*_z_ &amp; <b>,%0Anext line%0D::error::injected \\x1b[31mred\\x1b[0m \\u202eevil",
		"::error file=proto/my protos/100%25 ü%2Cname%3Ax.proto,title=FILE_NO_DELETE::file \"my protos/100%25 ü,name:x.proto\" was deleted",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestJUnitSchema validates every JUnit golden file, and the output for
// odd names, with xmllint against junit-10.xsd, the schema Jenkins' xUnit
// plugin checks reports with (testdata/junit-10.xsd says where it comes
// from). Without xmllint the test is skipped, except in CI.
func TestJUnitSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is not installed, and CI must run this test: .ci/run installs it (Debian package libxml2-utils)")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils): the JUnit schema is not checked here; CI checks it")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "junit*.xml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("junit goldens: %v, %v; want junit, junit-clean and junit-problems", files, err)
	}
	odd := []compat.Finding{
		{Rule: "FILE_NO_DELETE", Message: "a\x1b[2Jb\x00c <&> \"'", Span: compat.Span{Path: "my protos/ü\n.proto"}},
		{Rule: "FIELD_NO_DELETE", Message: "m", Span: compat.Span{Path: "a.proto", StartLine: 1, StartCol: 1}, Ignored: true},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "junit", odd, Options{Input: "in\x07", Against: "old"}); err != nil {
		t.Fatal(err)
	}
	generated := filepath.Join(t.TempDir(), "odd.xml")
	if err := os.WriteFile(generated, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, generated)
	args := append([]string{"--noout", "--schema", filepath.Join("testdata", "junit-10.xsd")}, files...)
	if out, err := exec.Command(xmllint, args...).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// TestJUnitWellFormed checks the counts, and what GitLab reads of a test
// case: its name, its classname (the file) and its failure's message.
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
		if findings == nil {
			continue
		}
		c := s.Cases[0]
		if c.Name != "FIELD_NO_DELETE proto/acme/v1/user.proto:7:1" || c.Classname != "proto/acme/v1/user.proto" ||
			c.Failure == nil || c.Failure.Message != findings[0].Message {
			t.Errorf("first case = %+v, want the rule and position as its name, the file as its classname, the message as its failure's", c)
		}
	}
	var buf bytes.Buffer
	if err := WriteProblems(&buf, "junit", problems(), options); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit output is not XML: %v", err)
	}
	if s := doc.Suites[0]; doc.Errors != 3 || s.Errors != 3 || s.Cases[0].Error == nil || s.Cases[0].Error.Type != "COMPILE" {
		t.Errorf("compile errors: %d errors, first case %+v; want 3 errors of type COMPILE", doc.Errors, s.Cases[0])
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

// written returns findings as format writes them.
func written(t *testing.T, format string, findings []compat.Finding, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, findings, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestMarkdownCap writes 8,000 findings, 1.8 MB uncut: the summary stays
// under GitHub's 65,536 characters for a comment, counts every finding by
// rule, and says how many rows it left out.
func TestMarkdownCap(t *testing.T) {
	rules := []string{"FIELD_NO_DELETE", "FIELD_SAME_TYPE", "ENUM_VALUE_NO_DELETE"}
	var findings []compat.Finding
	for i := range 8000 {
		findings = append(findings, compat.Finding{
			Rule: rules[i%3], Severity: compat.Error,
			Message: strings.Repeat("field_name was *deleted* ", 8) + strconv.Itoa(i),
			Span:    compat.Span{Path: fmt.Sprintf("acme/v%d/some_long_directory_name/user_profile.proto", i), StartLine: i + 1, StartCol: 1},
		})
	}
	out := written(t, "markdown", findings, options)
	if n := utf8.RuneCountInString(out); n >= 65536 || len(out) >= 65536 {
		t.Errorf("summary has %d characters (%d bytes), want fewer than 65,536", n, len(out))
	}
	for i, r := range rules {
		want := 2667 // 8000 = 2667 + 2667 + 2666
		if i == 2 {
			want = 2666
		}
		if row := fmt.Sprintf("| `%s` | %d |\n", r, want); !strings.Contains(out, row) {
			t.Errorf("summary lacks the count of %s: %q", r, row)
		}
	}
	shown := strings.Count(out, "\n| error | `")
	more := regexp.MustCompile(`… and (\d+) more findings not shown`).FindStringSubmatch(out)
	if more == nil {
		t.Fatalf("summary does not say how many findings it left out:\n%s", out[len(out)-500:])
	}
	if n, _ := strconv.Atoi(more[1]); shown == 0 || n+shown != 8000 {
		t.Errorf("%d rows shown and %s more, want 8000 in all and some shown", shown, more[1])
	}
	if !strings.HasSuffix(out, "how to make the change safely.\n") {
		t.Errorf("summary does not end with its closing line")
	}
	if advice := "not shown: a pull request comment holds at most 65,536 characters. Write them all in another format, such as text or sarif.\n"; !strings.Contains(out, advice) {
		t.Errorf("summary lacks %q", advice)
	}
	flagged := options
	flagged.Flags = true
	if out := written(t, "markdown", findings, flagged); !strings.Contains(out, "Write them all with `--output text=protocheck.txt` or `--output sarif=protocheck.sarif`.\n") {
		t.Errorf("the command's summary does not name --output")
	}
	// Only the command's report names the explain command.
	if out := written(t, "markdown", findings, options); strings.Contains(out, "protocheck explain") || !strings.HasSuffix(out, "\nEach rule's explanation (compat.Rule.Explanation) says what it protects and how to make the change safely.\n") {
		t.Errorf("a library's summary names the explain command, or lacks its closing line:\n%s", out[len(out)-300:])
	}
	if out := written(t, "markdown", findings, flagged); !strings.HasSuffix(out, "\nRun `protocheck explain RULE` for what a rule protects and how to make the change safely.\n") {
		t.Errorf("the command's summary does not name the explain command:\n%s", out[len(out)-300:])
	}

	// A few findings are all listed, with no counts by rule.
	if out := written(t, "markdown", findings[:3], options); strings.Contains(out, "not shown") || strings.Contains(out, "| Rule | Count |") || strings.Count(out, "\n| error | `") != 3 {
		t.Errorf("three findings are not listed whole:\n%s", out)
	}
}

// TestMarkdownEscapes checks that paths and messages read as themselves:
// no emphasis, code, entity, HTML or extra cell comes out of them.
func TestMarkdownEscapes(t *testing.T) {
	f := compat.Finding{
		Rule: "FIELD_NO_DELETE", Severity: compat.Error,
		Message: "field _a_ *b* &copy; `c` <script> | d\\e [l](u) ~~s~~\nnext",
		Span:    compat.Span{Path: "x_y*z&amp;`w`|v<b>.proto", StartLine: 2, StartCol: 3},
	}
	got := written(t, "markdown", []compat.Finding{f}, Options{})
	want := "| error | `FIELD_NO_DELETE` | `` x_y*z&amp;`w`\\|v<b>.proto:2:3 `` | " +
		"field \\_a\\_ \\*b\\* \\&copy; \\`c\\` \\<script\\> \\| d\\\\e \\[l\\](u) \\~\\~s\\~\\~\\\\nnext |\n"
	if !strings.Contains(got, want) {
		t.Errorf("row not escaped as expected:\n got: %s\nwant: %s", got, want)
	}
	if got := mdCode("``a`"); got != "``` ``a` ```" {
		t.Errorf("mdCode(``a`) = %s, want a fence of three backticks", got)
	}
}

// TestTextEscapesControl checks that a file name or message cannot split
// a line of text output, colour the terminal or reverse the line.
func TestTextEscapesControl(t *testing.T) {
	f := compat.Finding{
		Rule: "FILE_NO_DELETE", Severity: compat.Error,
		Message:  "file \"a\nb\" was deleted \x1b[31mred\x1b[0m \u202edesrever\u202c \xff",
		Span:     compat.Span{Path: "a\nb\x1b[2J.proto", StartLine: 1, StartCol: 1},
		Unproven: "no\rproof",
	}
	got := written(t, "text", []compat.Finding{f}, Options{})
	want := `a\nb\x1b[2J.proto:1:1: file "a\nb" was deleted \x1b[31mred\x1b[0m \u202edesrever\u202c \xff (FILE_NO_DELETE)` + "\n" +
		`    unproven: no\rproof` + "\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("text output (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := WriteProblems(&buf, "text", source.ErrorList{{Path: f.Span.Path, Line: f.Span.StartLine, Column: f.Span.StartCol, Message: "bad\x00byte"}}, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := `a\nb\x1b[2J.proto:1:1: bad\x00byte` + "\n"; buf.String() != want {
		t.Errorf("text problem = %q, want %q", buf.String(), want)
	}
}

// TestEscapeControlProperty checks on random bytes that escaped text is
// valid UTF-8 without a control or direction character, and that text
// without any is left as it is.
func TestEscapeControlProperty(t *testing.T) {
	clean := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsFunc(s, mustEscape) }
	prop := func(b []byte) bool {
		s := string(b)
		out := escapeControl(s)
		return clean(out) && (!clean(s) || out == s) && !strings.ContainsAny(Escape(s), "\x1b\u202e")
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 5000}); err != nil {
		t.Error(err)
	}
	for _, s := range []string{"a\x00b", "\x7f", "\u0085", "\u2066x\u2069", "\xc3", "é\n"} {
		if !prop([]byte(s)) {
			t.Errorf("escapeControl(%q) = %q", s, escapeControl(s))
		}
	}
}

// TestSARIFLimit writes 32,000 findings with code scanning's limit: the run
// holds 25,000 results, errors before warnings before ignored findings,
// says how many it left out, and each kept result has the fingerprint it
// has in the uncut log.
func TestSARIFLimit(t *testing.T) {
	var findings []compat.Finding
	for i := range 32000 {
		f := compat.Finding{Rule: "FIELD_NO_DELETE", Severity: compat.Error, Message: "m" + strconv.Itoa(i), Span: compat.Span{Path: "a.proto", StartLine: 1, StartCol: 1}}
		switch i % 4 {
		case 1:
			f.Severity = compat.Warning
		case 3:
			f.Ignored = true
		}
		findings = append(findings, f)
	}
	type result struct {
		Level               string `json:"level"`
		Message             struct{ Text string }
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Suppressions        []any             `json:"suppressions"`
	}
	type log struct {
		Runs []struct {
			Results     []result `json:"results"`
			Invocations []struct {
				Notifications []struct{ Message struct{ Text string } } `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	read := func(opts Options) log {
		var l log
		if err := json.Unmarshal([]byte(written(t, "sarif", findings, opts)), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	all, cut := read(Options{}), read(Options{SARIFLimit: CodeScanningLimit})
	if n := len(all.Runs[0].Results); n != 32000 {
		t.Fatalf("uncut log has %d results, want 32000", n)
	}
	res := cut.Runs[0].Results
	if len(res) != CodeScanningLimit {
		t.Fatalf("cut log has %d results, want %d", len(res), CodeScanningLimit)
	}
	if got := SARIFKept(findings, Options{SARIFLimit: CodeScanningLimit}); got != CodeScanningLimit {
		t.Errorf("SARIFKept = %d, want %d", got, CodeScanningLimit)
	}
	var errs, warns, ignored int
	fp := make(map[string]string)
	for _, r := range all.Runs[0].Results {
		fp[r.Message.Text] = r.PartialFingerprints[fingerprintKey]
	}
	for _, r := range res {
		switch {
		case len(r.Suppressions) > 0:
			ignored++
		case r.Level == "warning":
			warns++
		default:
			errs++
		}
		if fp[r.Message.Text] != r.PartialFingerprints[fingerprintKey] {
			t.Fatalf("result %q has another fingerprint in the cut log", r.Message.Text)
		}
	}
	// 16,000 errors, 8,000 warnings, and 1,000 of the 8,000 ignored.
	if errs != 16000 || warns != 8000 || ignored != 1000 {
		t.Errorf("kept %d errors, %d warnings, %d ignored, want 16000, 8000, 1000", errs, warns, ignored)
	}
	inv := cut.Runs[0].Invocations
	if len(inv) != 1 || len(inv[0].Notifications) != 1 || !strings.HasPrefix(inv[0].Notifications[0].Message.Text, "7000 of 32000 findings are left out") {
		t.Errorf("cut log does not say what it left out: %+v", inv)
	}
	if len(all.Runs[0].Invocations) != 0 {
		t.Errorf("uncut log has invocations: %+v", all.Runs[0].Invocations)
	}
}

// TestMarkdownWarningsPass: warnings alone under --fail-on error are not
// shown as a failure; an error still is.
func TestMarkdownWarningsPass(t *testing.T) {
	warn := compat.Finding{Rule: "FIELD_SAME_JSON_NAME", Severity: compat.Warning, Message: "m", Span: compat.Span{Path: "a.proto", StartLine: 1, StartCol: 1}}
	opts := Options{Input: "new", Against: "old", WarningsPass: true}
	out := written(t, "markdown", []compat.Finding{warn}, opts)
	if strings.Contains(out, "❌") || !strings.Contains(out, "⚠️ Comparing `new` against `old`: warnings only, which do not fail the check") {
		t.Errorf("warnings that pass:\n%s", out)
	}
	errf := warn
	errf.Severity = compat.Error
	if out := written(t, "markdown", []compat.Finding{warn, errf}, opts); !strings.Contains(out, "❌") {
		t.Errorf("an error under --fail-on error:\n%s", out)
	}
	if out := written(t, "markdown", []compat.Finding{warn}, Options{Input: "new", Against: "old"}); !strings.Contains(out, "❌") {
		t.Errorf("warnings that fail:\n%s", out)
	}
	// A library's report says what the setting does; the command's names
	// its flag.
	if !strings.Contains(out, "warnings only, which do not fail the check (it fails on errors only).\n") {
		t.Errorf("warnings that pass, for a library:\n%s", out)
	}
	opts.Flags = true
	if out := written(t, "markdown", []compat.Finding{warn}, opts); !strings.Contains(out, "warnings only, which do not fail the check (`--fail-on error`).\n") {
		t.Errorf("warnings that pass, for the command:\n%s", out)
	}
}
