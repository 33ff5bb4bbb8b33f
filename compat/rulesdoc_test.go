package compat_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
)

// rulesDocPath is the rule reference that TestRulesDoc generates.
const rulesDocPath = "../docs/rules.md"

// categoryDocs says what each category keeps, for docs/rules.md. The
// catalogue holds no prose for categories, so it lives here; a category
// added to compat.Categories() without a line here fails TestRulesDoc.
var categoryDocs = map[compat.Category]string{
	compat.File:     "generated code keeps compiling, file by file (the default)",
	compat.Package:  "generated code keeps compiling, package by package (elements may move between files of a package)",
	compat.WireJSON: "binary and JSON data keep their meaning",
	compat.Wire:     "binary data keeps its meaning",
	compat.CSR:      "the rules that Confluent Schema Registry applies to Protobuf schemas; buf has the category too",
}

// TestRulesDoc holds docs/rules.md to the rule catalogue: the file is
// generated from compat.Categories() and compat.Rules(), so that the reference
// says what `protocheck rules` and `protocheck explain` say. With -update
// it rewrites the file; otherwise a file that differs from what the
// catalogue generates fails the test.
func TestRulesDoc(t *testing.T) {
	got, err := rulesDoc()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(rulesDocPath, []byte(got), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(rulesDocPath)
	if err != nil {
		t.Fatalf("%v (run go test ./compat -run TestRulesDoc -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s does not match the rule catalogue (-file +generated); run go test ./compat -run TestRulesDoc -update:\n%s", rulesDocPath, diff)
	}
}

// rulesDoc renders the rule reference: the categories, a table of every
// rule, and each rule's summary and explanation as `protocheck explain`
// prints them.
func rulesDoc() (string, error) {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	static, proved := 0, 0
	for _, r := range compat.Rules() {
		if r.Proved() {
			proved++
		} else {
			static++
		}
	}

	p("# Rules\n\n")
	p("<!-- Generated from compat.Rules() by `go test ./compat -run TestRulesDoc -update`. Do not edit: change the rule's Doc and regenerate. -->\n\n")
	p("protocheck has %d rules: %d static rules, which `compat.Check` runs on the\n", len(compat.Rules()), static)
	p("descriptors, and %d `ROUNDTRIP_` rules, which only the round-trip prover\n", proved)
	p("reports, with the bytes that show the break ([Proof with bytes](proving.md)).\n")
	p("`protocheck rules` lists them (`--format json` for scripts) and\n")
	p("`protocheck explain RULE_ID` prints what this page says of each. The ids,\n")
	p("and the categories of the rules buf has too, are buf's: a `buf.yaml` means\n")
	p("the same to both tools ([differences](differences-from-buf.md)).\n\n")

	p("## Categories\n\n")
	p("The categories are buf's, strictest first; each allows what the stricter ones\n")
	p("forbid. `--use` and `--except` take categories and rule ids; the default is\n")
	p("`FILE`, as in buf.\n\n")
	p("| category | what it keeps | rules |\n| --- | --- | --- |\n")
	for _, c := range compat.Categories() {
		doc, ok := categoryDocs[c]
		if !ok {
			return "", fmt.Errorf("category %s has no line in categoryDocs", c)
		}
		n := 0
		for _, r := range compat.Rules() {
			if r.In(c) {
				n++
			}
		}
		p("| `%s` | %s | %d |\n", c, doc, n)
	}
	p("\n")
	p("They nest: wherever `WIRE` reports a finding, `WIRE_JSON` reports one at the\n")
	p("same place, and wherever `WIRE_JSON` does, `PACKAGE` and `FILE` do too\n")
	p("(possibly under another rule: `FIELD_SAME_TYPE` where `WIRE` has\n")
	p("`FIELD_WIRE_COMPATIBLE_TYPE`). Tightening `--use` never hides a finding;\n")
	p("`TestCategoriesNest` checks it on every rule case, and the fuzz target on\n")
	p("generated changes.\n\n")
	p("Every rule also has a severity (`error` for a change that breaks readers or\n")
	p("writers today, `warning` for a hazard) and a direction (whom it breaks:\n")
	p("`backward`, `forward` or `full`); see [Who breaks](direction.md).\n\n")

	p("## All rules\n\n")
	p("| rule | categories | severity | direction | summary |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range compat.Rules() {
		p("| [`%s`](#%s) | %s | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), categoryList(r),
			r.Severity, r.Direction, strings.ReplaceAll(escapeMarkdown(r.Summary()), "|", `\|`))
	}
	p("\n")

	for _, r := range compat.Rules() {
		if r.Summary() == "" || r.Explanation() == "" {
			return "", fmt.Errorf("rule %s has no summary or no explanation", r.ID)
		}
		p("### %s\n\n", r.ID)
		p("%s\n\n", escapeMarkdown(r.Summary()))
		p("Categories: %s. Severity: %s. Direction: %s.", categoryList(r), r.Severity, r.Direction)
		if r.Proved() {
			p(" Reported only by the round-trip prover (`check --prove`, `protocheck prove`).")
		}
		p("\n\n")
		p("%s\n", explanationMarkdown(r.Explanation()))
	}
	return b.String(), nil
}

// categoryList names a rule's categories in the order of compat.Categories(),
// or says it has none (a rule that only --use RULE_ID selects).
func categoryList(r *compat.Rule) string {
	var names []string
	for _, c := range compat.Categories() {
		if r.In(c) {
			names = append(names, "`"+string(c)+"`")
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// explanationMarkdown turns a rule's explanation, plain text written for a
// terminal, into Markdown that shows the same: paragraphs stay paragraphs,
// "- " lists stay lists, and indented blocks (the before/after examples)
// become code blocks.
func explanationMarkdown(text string) string {
	var out []string
	for _, block := range strings.Split(text, "\n\n") {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		if allIndented(lines) {
			indent := commonIndent(lines)
			var code []string
			for _, l := range lines {
				code = append(code, l[min(indent, len(l)):])
			}
			out = append(out, "```\n"+strings.Join(code, "\n")+"\n```")
			continue
		}
		list := strings.HasPrefix(lines[0], "- ")
		for i, l := range lines {
			switch {
			case list && strings.HasPrefix(l, "- "):
				lines[i] = "- " + escapeMarkdown(l[2:])
			case list && strings.HasPrefix(l, "  "):
				lines[i] = "  " + escapeMarkdown(l[2:])
			default:
				lines[i] = escapeLineStart(escapeMarkdown(l))
			}
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n\n") + "\n"
}

func allIndented(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") {
			return false
		}
	}
	return true
}

func commonIndent(lines []string) int {
	n := -1
	for _, l := range lines {
		k := len(l) - len(strings.TrimLeft(l, " "))
		if n < 0 || k < n {
			n = k
		}
	}
	return n
}

// markdownSpecial matches the characters that Markdown could read as markup
// in running text: emphasis, code, links, HTML, strikethrough, escapes.
var markdownSpecial = regexp.MustCompile("[\\\\`*\\[\\]<>~&]")

// escapeMarkdown escapes what Markdown would read as markup, so that the
// page shows the text `protocheck explain` prints. An underscore inside a
// word (go_package, FIELD_NO_DELETE) is left alone: it never starts emphasis.
func escapeMarkdown(s string) string {
	s = markdownSpecial.ReplaceAllString(s, `\$0`)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && (i == 0 || !isWordByte(s[i-1]) || i+1 == len(s) || !isWordByte(s[i+1])) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// lineStart matches the start of a line that Markdown would read as a
// heading, quote, list item or rule.
var lineStart = regexp.MustCompile(`^([#>+=-]|\d+[.)](\s|$))`)

// escapeLineStart escapes a line of a paragraph that would otherwise begin
// a heading, quote, list or rule.
func escapeLineStart(l string) string {
	m := lineStart.FindStringIndex(l)
	if m == nil {
		return l
	}
	// Escape the marker's punctuation: the first byte, or the byte after
	// the digits of "1." and "1)".
	i := strings.IndexAny(l, "#>+=-.)")
	return l[:i] + `\` + l[i:]
}
