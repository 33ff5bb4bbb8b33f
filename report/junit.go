package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/protocheck/protocheck/compat"
)

// The types below write the JUnit dialect of Jenkins' xUnit plugin, whose
// schema (junit-10.xsd) the plugin validates every report against and
// rejects on the first unknown attribute: a test case has no file or line,
// the root no skipped count. GitLab reads the same file: the case's name
// and classname, and the failure's text.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure"`
	Error     *junitFailure `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
}

// junitFailure is a failure (a finding) or an error (the check could not
// run).
type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes a JUnit XML report, which most CI systems (GitLab,
// Jenkins, Azure Pipelines, CircleCI) show as a test tab: one failing test
// case per finding, named by its rule and position and classed by its
// file, a skipped one per ignored finding, and a single passing case when
// there is nothing to report, so that the check still shows up.
func writeJUnit(w io.Writer, findings []compat.Finding, opts Options) error {
	suite := junitSuite{Name: junitSuiteName(opts)}
	for _, f := range findings {
		at := spanText(f.Span)
		c := junitCase{
			Name:      f.Rule + " " + at,
			Classname: escapeControl(f.Span.Path),
		}
		if f.Ignored {
			why := f.IgnoreWhy
			if why == "" {
				why = "ignored by a protocheck:ignore comment"
			}
			c.Skipped = &junitSkipped{Message: escapeControl(why)}
			suite.Skipped++
		} else {
			msg := escapeControl(f.Message)
			c.Failure = &junitFailure{
				Message: msg,
				Type:    f.Rule,
				Text:    fmt.Sprintf("%s: %s: %s (%s)", at, f.Severity, msg, f.Rule),
			}
			if r := lookupRule(f.Rule); r != nil {
				c.Failure.Text += "\n\n" + r.Summary()
			}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	if len(suite.Cases) == suite.Skipped {
		suite.Cases = append(suite.Cases, junitCase{Name: "no breaking changes", Classname: "protocheck"})
	}
	return writeJUnitSuite(w, suite)
}

// writeJUnitProblems writes one test case in error per compile error: in
// JUnit, an error is a test that could not run, as the check could not.
func writeJUnitProblems(w io.Writer, problems []problem, opts Options) error {
	suite := junitSuite{Name: junitSuiteName(opts)}
	for _, p := range problems {
		at := escapeControl(p.Span.String())
		msg := escapeControl(p.Message)
		suite.Cases = append(suite.Cases, junitCase{
			Name:      problemType + " " + at,
			Classname: escapeControl(p.Span.Path),
			Error:     &junitFailure{Message: msg, Type: problemType, Text: at + ": " + msg},
		})
		suite.Errors++
	}
	return writeJUnitSuite(w, suite)
}

func junitSuiteName(opts Options) string {
	if opts.Input == "" && opts.Against == "" {
		return "protocheck"
	}
	return escapeControl(fmt.Sprintf("protocheck %s against %s", orDot(opts.Input), opts.againstOr("?")))
}

// writeJUnitSuite writes the document that holds suite.
func writeJUnitSuite(w io.Writer, suite junitSuite) error {
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "protocheck", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// spanText formats a span as path:line:col, control characters escaped.
func spanText(s compat.Span) string {
	return escapeControl(s.String())
}

func orDot(s string) string {
	if strings.TrimSpace(s) == "" {
		return "."
	}
	return s
}
