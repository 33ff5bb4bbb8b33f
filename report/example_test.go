package report_test

import (
	"fmt"
	"os"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/source"
)

// A CI job writes the findings as annotations on the pull request's diff.
// Every format prints a finding's path as the finding gives it: here as
// `protocheck check proto` names the file, from the repository's root,
// where CI systems look for it.
func ExampleWrite() {
	findings := []compat.Finding{{
		Rule:     "FIELD_NO_DELETE",
		Severity: compat.Error,
		Message:  `field 2 "email" on acme.v1.User was deleted`,
		Span:     compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 7, StartCol: 1, EndLine: 10, EndCol: 2},
	}}
	_ = report.Write(os.Stdout, "text", findings, report.Options{})
	_ = report.Write(os.Stdout, "github-actions", findings, report.Options{})
	// Output:
	// proto/acme/v1/user.proto:7:1: field 2 "email" on acme.v1.User was deleted (FIELD_NO_DELETE)
	// ::error file=proto/acme/v1/user.proto,line=7,col=1,endLine=10,endColumn=1,title=FIELD_NO_DELETE::field 2 "email" on acme.v1.User was deleted
}

// With nothing to report, the markdown summary still says that the check
// ran, which is what a reader of a job summary looks for.
func ExampleWrite_markdown() {
	_ = report.Write(os.Stdout, "markdown", nil, report.Options{Input: "proto", Against: ".git#branch=main,subdir=proto"})
	// Output:
	// ### protocheck: no breaking changes
	//
	// ✅ No breaking changes in `proto` against `.git#branch=main,subdir=proto`.
}

// A schema that does not compile stops the check; the report says why, in
// the format the CI job reads: here buf's JSON objects for compile errors.
func ExampleWriteProblems() {
	problems := source.ErrorList{{
		Path: "proto/acme/v1/user.proto", Line: 3, Column: 25,
		Message: "syntax error: expecting ';'",
	}}
	_ = report.WriteProblems(os.Stdout, "json", problems, report.Options{})
	_ = report.WriteProblems(os.Stdout, "github-actions", problems, report.Options{})
	// Output:
	// {"path":"proto/acme/v1/user.proto","start_line":3,"start_column":25,"end_line":3,"end_column":25,"type":"COMPILE","message":"syntax error: expecting ';'"}
	// ::error file=proto/acme/v1/user.proto,line=3,col=25,title=COMPILE::syntax error: expecting ';'
}

func ExampleFormats() {
	for _, f := range report.Formats() {
		fmt.Println(f)
	}
	// Output:
	// github-actions
	// gitlab-code-quality
	// json
	// junit
	// markdown
	// msvs
	// sarif
	// text
}
