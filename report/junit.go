package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/protocheck/protocheck/compat"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
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
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

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
// case per finding, a skipped one per ignored finding, and a single passing
// case when there is nothing to report, so that the check still shows up.
func writeJUnit(w io.Writer, findings []compat.Finding, opts Options) error {
	suite := junitSuite{Name: "protocheck"}
	if opts.Input != "" || opts.Against != "" {
		suite.Name = fmt.Sprintf("protocheck %s against %s", orDot(opts.Input), opts.againstOr("?"))
	}
	for _, f := range findings {
		c := junitCase{
			Name:      fmt.Sprintf("%s %s", f.Rule, spanText(f.Span, opts)),
			Classname: opts.path(f.Span),
			File:      opts.path(f.Span),
			Line:      f.Span.StartLine,
		}
		if f.Ignored {
			why := f.IgnoreWhy
			if why == "" {
				why = "ignored by a protocheck:ignore comment"
			}
			c.Skipped = &junitSkipped{Message: why}
			suite.Skipped++
		} else {
			c.Failure = &junitFailure{
				Message: f.Message,
				Type:    f.Rule,
				Text:    fmt.Sprintf("%s: %s: %s (%s)", spanText(f.Span, opts), f.Severity, f.Message, f.Rule),
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
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "protocheck", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
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

// spanText formats a span as path:line:col with the path as CI wants it.
func spanText(s compat.Span, opts Options) string {
	s.Path = opts.path(s)
	return s.String()
}

func orDot(s string) string {
	if strings.TrimSpace(s) == "" {
		return "."
	}
	return s
}
