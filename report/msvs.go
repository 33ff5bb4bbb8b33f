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
	for _, f := range findings {
		if f.Ignored {
			continue
		}
		if _, err := io.WriteString(w, msvsLine(f.Span, f.Severity.String(), f.Rule, f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// writeMSVSProblems writes compile errors as buf does in msvs format.
func writeMSVSProblems(w io.Writer, problems []Problem, _ Options) error {
	for _, p := range problems {
		if _, err := io.WriteString(w, msvsLine(p.Span, "error", problemType, p.Message)); err != nil {
			return err
		}
	}
	return nil
}

// msvsLine formats one line; a span without a line names the file alone.
func msvsLine(s compat.Span, severity, code, message string) string {
	origin := escapeControl(s.Path)
	if s.StartLine > 0 {
		origin += fmt.Sprintf("(%d,%d)", s.StartLine, s.StartCol)
	}
	return fmt.Sprintf("%s : %s %s : %s\n", origin, severity, code, escapeControl(message))
}
