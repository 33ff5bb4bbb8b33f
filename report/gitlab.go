package report

import (
	"encoding/json"
	"io"

	"github.com/protocheck/protocheck/compat"
)

// gitlabIssue is one entry of a GitLab Code Quality report, the subset of
// the Code Climate format that GitLab reads.
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// writeGitLab writes a GitLab Code Quality report: a JSON array that GitLab
// shows in merge requests. GitLab matches issues between the source and
// target branches by fingerprint, so the fingerprint ignores line numbers.
// Ignored findings are left out, as the format has no way to mark them.
func writeGitLab(w io.Writer, findings []compat.Finding, opts Options) error {
	issues := []gitlabIssue{}
	fps := fingerprints(findings, opts)
	for i, f := range findings {
		if f.Ignored {
			continue
		}
		sev := "critical"
		if f.Severity == compat.Warning {
			sev = "minor"
		}
		issues = append(issues, gitlabIssueAt(f.Span.Path, f.Span, f.Rule, f.Message, sev, fps[i]))
	}
	return writeGitLabIssues(w, issues)
}

// writeGitLabProblems writes each compile error as a blocker issue of a
// COMPILE check, so that the merge request shows why the check failed.
func writeGitLabProblems(w io.Writer, problems []problem, _ Options) error {
	issues := []gitlabIssue{}
	fps := problemFingerprints(problems)
	for i, p := range problems {
		issues = append(issues, gitlabIssueAt(p.Span.Path, p.Span, problemType, p.Message, "blocker", fps[i]))
	}
	return writeGitLabIssues(w, issues)
}

func gitlabIssueAt(path string, s compat.Span, check, message, severity, fingerprint string) gitlabIssue {
	line := s.StartLine
	if line == 0 {
		line = 1 // GitLab needs a line; a whole-file finding points at the top
	}
	return gitlabIssue{
		Description: message,
		CheckName:   check,
		Fingerprint: fingerprint,
		Severity:    severity,
		Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: line}},
	}
}

func writeGitLabIssues(w io.Writer, issues []gitlabIssue) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}
