package report

import (
	"fmt"
	"io"

	"github.com/protocheck/protocheck/compat"
)

// writeMSVS writes one line per finding in the form of Visual Studio and
// MSBuild, buf's msvs format:
//
//	a.proto(4,3) : error FIELD_NO_DELETE : message
//
// Ignored findings are left out, as in text output.
func writeMSVS(w io.Writer, findings []compat.Finding, _ Options) error {
	return writeLines(w, reported(findings), func(f compat.Finding) string {
		return msvsLine(f.Span, f.Severity.String(), f.Rule, f.Message)
	})
}

// writeMSVSProblems writes compile errors as buf does in msvs format.
func writeMSVSProblems(w io.Writer, problems []problem, _ Options) error {
	return writeLines(w, problems, func(p problem) string {
		return msvsLine(p.Span, "error", problemType, p.Message)
	})
}

// msvsLine formats one line; a span without a line names the file alone.
func msvsLine(s compat.Span, severity, code, message string) string {
	origin := escapeControl(s.Path)
	if s.StartLine > 0 {
		origin += fmt.Sprintf("(%d,%d)", s.StartLine, s.StartCol)
	}
	return fmt.Sprintf("%s : %s %s : %s\n", origin, severity, code, escapeControl(message))
}
