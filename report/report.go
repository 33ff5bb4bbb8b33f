// Package report writes compat findings in the formats that people and
// other tools read: text for terminals, JSON lines for scripts (with buf's
// keys), and the formats of CI systems and code review.
//
// Writers never decide anything: they print the findings they are given,
// in the order given, with the paths they carry (the driver's are as the
// user names the files), escaped for the format (a file name or message cannot
// break a line, a markup or a terminal), and cut only where a consumer has
// a limit (markdown). WriteProblems writes in the same formats the compile
// errors that stopped a check, so that a CI system shows why it failed.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/source"
)

// Options tune the writers. The zero value writes plain output.
type Options struct {
	// Color adds ANSI colours to text output. The caller decides: only on
	// a terminal, never with NO_COLOR set.
	Color bool
	// Input and Against name the two versions compared, as the user wrote
	// them. The markdown, junit and sarif writers print them; empty ones
	// are left out.
	Input, Against string
	// Version is the version of the tool that found the findings, for
	// formats that record it (sarif).
	Version string
	// WarningsPass says that warnings alone do not fail the check (it
	// fails on errors only): the markdown headline then marks a run with
	// warnings and no error as passing.
	WarningsPass bool
	// Flags says that the report is the protocheck command's: the advice
	// in the markdown summary then names its flags (--fail-on error,
	// --output) rather than saying what they do.
	Flags bool
	// SARIFLimit, when positive, is the most results the sarif writer puts
	// in its run: errors first, then warnings, then ignored findings, in
	// their order otherwise. The run says how many it left out. GitHub
	// code scanning refuses a run of more than CodeScanningLimit results.
	SARIFLimit int
}

// CodeScanningLimit is the most results that GitHub code scanning accepts
// in one SARIF run: it refuses an upload with more.
const CodeScanningLimit = 25000

// SARIFKept returns how many of findings the sarif writer writes with
// opts: all of them, or SARIFLimit.
func SARIFKept(findings []compat.Finding, opts Options) int {
	if opts.SARIFLimit > 0 && len(findings) > opts.SARIFLimit {
		return opts.SARIFLimit
	}
	return len(findings)
}

// lookupRule finds a rule's documentation. Tests replace it, so that the
// golden files do not change whenever a rule's text is edited.
var lookupRule = compat.Lookup

// A format writes findings, or the problems that stopped the check.
type format struct {
	findings func(w io.Writer, findings []compat.Finding, opts Options) error
	problems func(w io.Writer, problems []problem, opts Options) error
}

// writers maps each format name to its writers.
var writers = map[string]format{
	"text":                {writeText, writeTextProblems},
	"json":                {writeJSON, writeJSONProblems},
	"sarif":               {writeSARIF, writeSARIFProblems},
	"github-actions":      {writeGitHubActions, writeGitHubActionsProblems},
	"junit":               {writeJUnit, writeJUnitProblems},
	"gitlab-code-quality": {writeGitLab, writeGitLabProblems},
	"markdown":            {writeMarkdown, writeMarkdownProblems},
	"msvs":                {writeMSVS, writeMSVSProblems},
}

// Formats lists the format names that Write accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(writers))
	for n := range writers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Write writes findings to w in the named format.
func Write(w io.Writer, format string, findings []compat.Finding, opts Options) error {
	f, err := lookupFormat(format)
	if err != nil {
		return err
	}
	return f.findings(w, findings, opts)
}

// A problem is a compile error as the writers take it: a reason why the
// check could not run, at the place in a file that caused it.
type problem struct {
	Span    compat.Span
	Message string
}

// problemType is a problem's rule in every format: buf's type for a
// compile error in `buf breaking --error-format json`.
const problemType = "COMPILE"

// WriteProblems writes to w, in the named format, the problems that
// stopped the check (compile errors, such as those loader returns), so
// that a CI system reading the report shows why it failed rather than an
// empty report. Their paths are the ones the user opens the files by, as
// compile errors name them; writers print them unchanged.
func WriteProblems(w io.Writer, format string, problems source.ErrorList, opts Options) error {
	f, err := lookupFormat(format)
	if err != nil {
		return err
	}
	ps := make([]problem, len(problems))
	for i, e := range problems {
		ps[i] = problem{Span: compat.Span{Path: e.Path, StartLine: e.Line, StartCol: e.Column}, Message: e.Message}
	}
	return f.problems(w, ps, opts)
}

func lookupFormat(name string) (format, error) {
	f, ok := writers[name]
	if !ok {
		return format{}, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Formats(), ", "))
	}
	return f, nil
}

// writeText writes one line per finding, path:line:col: message (RULE),
// the form editors and terminals turn into links.
func writeText(w io.Writer, findings []compat.Finding, opts Options) error {
	for _, f := range findings {
		if f.Ignored {
			continue
		}
		rule := "(" + f.Rule + ")"
		if opts.Color {
			rule = "\x1b[2m" + rule + "\x1b[0m"
			if f.Severity == compat.Warning {
				rule = "\x1b[33mwarning:\x1b[0m " + rule
			}
		}
		if len(f.Baselines) > 0 {
			rule += " [against " + escapeControl(strings.Join(f.Baselines, ", ")) + "]"
		}
		if _, err := fmt.Fprintf(w, "%s: %s %s\n", escapeControl(f.Span.String()), escapeControl(f.Message), rule); err != nil {
			return err
		}
		if err := writeProofText(w, f); err != nil {
			return err
		}
	}
	return nil
}

// writeTextProblems writes one line per problem, path:line:col: message,
// as compilers do.
func writeTextProblems(w io.Writer, problems []problem, _ Options) error {
	return writeLines(w, problems, func(p problem) string {
		return escapeControl(p.Span.String()) + ": " + escapeControl(p.Message) + "\n"
	})
}

// reported returns the findings that are not ignored, for the formats that
// have no way to show an ignored one.
func reported(findings []compat.Finding) []compat.Finding {
	return slices.DeleteFunc(slices.Clone(findings), func(f compat.Finding) bool { return f.Ignored })
}

// writeLines writes line(x) for each of xs, for formats of one line per
// finding or problem.
func writeLines[T any](w io.Writer, xs []T, line func(T) string) error {
	for _, x := range xs {
		if _, err := io.WriteString(w, line(x)); err != nil {
			return err
		}
	}
	return nil
}

// bufAnnotation holds the keys of an object of `buf breaking
// --error-format json`, finding or compile error, in buf's order.
type bufAnnotation struct {
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	Type        string `json:"type"`
	Message     string `json:"message"`
}

// jsonFinding is one line of JSON output. The first seven keys are buf's,
// so that scripts written for `buf breaking --error-format json` keep
// working; the rest are protocheck's.
type jsonFinding struct {
	bufAnnotation
	Categories     []compat.Category `json:"categories"`
	Severity       string            `json:"severity"`
	Direction      string            `json:"direction"`
	OldPath        string            `json:"old_path,omitempty"`
	OldStartLine   int               `json:"old_start_line,omitempty"`
	OldStartColumn int               `json:"old_start_column,omitempty"`
	Ignored        bool              `json:"ignored,omitempty"`
	IgnoreReason   string            `json:"ignore_reason,omitempty"`
	Proof          *jsonProof        `json:"proof,omitempty"`
	Unproven       string            `json:"unproven,omitempty"`
	Baselines      []string          `json:"baselines,omitempty"`
}

// JSONFinding returns the JSON object that json output writes for f.
// Other writers embed it.
func JSONFinding(f compat.Finding) any {
	return jsonFinding{
		bufAnnotation:  bufAnnotationOf(f.Span, f.Rule, f.Message),
		Categories:     f.Categories,
		Severity:       f.Severity.String(),
		Direction:      f.Direction.String(),
		OldPath:        f.OldSpan.Path,
		OldStartLine:   f.OldSpan.StartLine,
		OldStartColumn: f.OldSpan.StartCol,
		Ignored:        f.Ignored,
		IgnoreReason:   f.IgnoreWhy,
		Proof:          jsonProofOf(f.Proof),
		Unproven:       f.Unproven,
		Baselines:      f.Baselines,
	}
}

// writeJSON writes one JSON object per line.
func writeJSON(w io.Writer, findings []compat.Finding, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range findings {
		if err := enc.Encode(JSONFinding(f)); err != nil {
			return err
		}
	}
	return nil
}

func bufAnnotationOf(s compat.Span, typ, message string) bufAnnotation {
	return bufAnnotation{s.Path, s.StartLine, s.StartCol, s.EndLine, s.EndCol, typ, message}
}

// writeJSONProblems writes one JSON object per line, as buf writes compile
// errors. Compile errors carry a position, not a span: the span is empty,
// ending where it starts.
func writeJSONProblems(w io.Writer, problems []problem, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range problems {
		s := p.Span
		if s.EndLine == 0 {
			s.EndLine, s.EndCol = s.StartLine, s.StartCol
		}
		if err := enc.Encode(bufAnnotationOf(s, problemType, p.Message)); err != nil {
			return err
		}
	}
	return nil
}
