package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/protocheck/protocheck/compat"
)

// writeGitHubActions writes one workflow command per finding, which GitHub
// Actions turns into an annotation on the pull request's diff:
//
//	::error file=a.proto,line=4,col=3,endLine=4,endColumn=30,title=FIELD_NO_DELETE::message
//
// Ignored findings are left out: an annotation cannot be marked dismissed.
func writeGitHubActions(w io.Writer, findings []compat.Finding, opts Options) error {
	return writeLines(w, reported(findings), func(f compat.Finding) string {
		cmd := "error"
		if f.Severity == compat.Warning {
			cmd = "warning"
		}
		return annotation(cmd, f.Span.Path, f.Span, f.Rule, withProof(f))
	})
}

// withProof returns f's message with its proof, or why it has none when
// proving was asked for, on a line of its own.
func withProof(f compat.Finding) string {
	switch {
	case f.Proof != nil:
		return f.Message + "\nproof: " + ProofLine(f.Proof)
	case f.Unproven != "":
		return f.Message + "\nunproven: " + f.Unproven
	}
	return f.Message
}

// writeGitHubActionsProblems writes one error annotation per compile
// error, on the line at fault, so that a failed run says why on the pull
// request rather than only in the job's log.
func writeGitHubActionsProblems(w io.Writer, problems []problem, _ Options) error {
	return writeLines(w, problems, func(p problem) string {
		return annotation("error", p.Span.Path, p.Span, problemType, p.Message)
	})
}

// annotation returns the workflow command that annotates span s of the
// file at path with message, titled title.
func annotation(cmd, path string, s compat.Span, title, message string) string {
	props := []string{"file=" + escapeProperty(path)}
	if s.StartLine > 0 {
		props = append(props, "line="+strconv.Itoa(s.StartLine))
		if s.StartCol > 0 {
			props = append(props, "col="+strconv.Itoa(s.StartCol))
		}
		if s.EndLine >= s.StartLine {
			props = append(props, "endLine="+strconv.Itoa(s.EndLine))
			// GitHub's endColumn is inclusive, ours exclusive.
			if end := s.EndCol - 1; end > 0 && (s.EndLine > s.StartLine || end >= s.StartCol) {
				props = append(props, "endColumn="+strconv.Itoa(end))
			}
		}
	}
	// The runner decodes the file's name, which must match the file's; a
	// message is shown in the job's log, where control characters other
	// than line breaks would drive the log's terminal.
	props = append(props, "title="+escapeProperty(Escape(title)))
	return fmt.Sprintf("::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(Escape(message)))
}

// escapeData escapes a workflow command's message, as the runner unescapes
// it: a raw newline would end the command and let the rest of the message
// be read as a command of its own.
var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// propertyEscaper escapes a workflow command's property value, where ':'
// and ',' would also end the value.
var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
