// Package report writes compat findings in the formats that people and
// other tools read: text for terminals, JSON lines for scripts (with buf's
// keys), and the formats of CI systems and code review.
//
// Writers never decide anything: they print the findings they are given,
// in the order given.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	pathpkg "path"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/compat"
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
	// Root is the directory, relative to the repository root and with
	// forward slashes, that finding paths are relative to. The formats read
	// by CI systems (sarif, github-actions, gitlab-code-quality, junit,
	// markdown) prefix paths with it, since those systems resolve paths
	// from the repository root; text and json keep paths as found.
	Root string
}

// path returns the path of span as CI systems want it: joined to Root.
func (o Options) path(s compat.Span) string {
	if o.Root == "" || o.Root == "." {
		return s.Path
	}
	return pathpkg.Join(o.Root, s.Path)
}

// lookupRule finds a rule's documentation. Tests replace it, so that the
// golden files do not change whenever a rule's text is edited.
var lookupRule = compat.Lookup

// A writer writes findings in one format.
type writer func(w io.Writer, findings []compat.Finding, opts Options) error

// writers maps each format name to its writer.
var writers = map[string]writer{
	"text":                writeText,
	"json":                writeJSON,
	"sarif":               writeSARIF,
	"github-actions":      writeGitHubActions,
	"junit":               writeJUnit,
	"gitlab-code-quality": writeGitLab,
	"markdown":            writeMarkdown,
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
	wr, ok := writers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	return wr(w, findings, opts)
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
			rule += " [against " + strings.Join(f.Baselines, ", ") + "]"
		}
		if _, err := fmt.Fprintf(w, "%s: %s %s\n", f.Span, f.Message, rule); err != nil {
			return err
		}
		if err := writeProofText(w, f); err != nil {
			return err
		}
	}
	return nil
}

// jsonFinding is one line of JSON output. The first seven keys are buf's,
// so that scripts written for `buf breaking --error-format json` keep
// working; the rest are protocheck's.
type jsonFinding struct {
	Path           string            `json:"path"`
	StartLine      int               `json:"start_line"`
	StartColumn    int               `json:"start_column"`
	EndLine        int               `json:"end_line"`
	EndColumn      int               `json:"end_column"`
	Type           string            `json:"type"`
	Message        string            `json:"message"`
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
		Path:           f.Span.Path,
		StartLine:      f.Span.StartLine,
		StartColumn:    f.Span.StartCol,
		EndLine:        f.Span.EndLine,
		EndColumn:      f.Span.EndCol,
		Type:           f.Rule,
		Message:        f.Message,
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
