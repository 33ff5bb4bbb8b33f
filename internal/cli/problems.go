package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/source"
)

// loadProblems returns the compile errors held in err, each once (both
// versions may fail the same way, a bad include path, say), and the errors
// in err that are not compile errors.
func loadProblems(err error) (problems source.ErrorList, others []error) {
	var walk func(error)
	walk = func(e error) {
		list, ok := e.(source.ErrorList)
		if j, join := e.(interface{ Unwrap() []error }); !ok && join {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if !ok && !errors.As(e, &list) {
			others = append(others, e)
			return
		}
		for _, pe := range list {
			if !slices.ContainsFunc(problems, func(p *source.Error) bool {
				return p.Path == pe.Path && p.Line == pe.Line && p.Column == pe.Column && p.Message == pe.Message
			}) {
				problems = append(problems, pe)
			}
		}
	}
	walk(err)
	return problems, others
}

// stopped reports whether the caller of Run stopped the command (a signal,
// for Main), rather than a deadline: what failed then failed because of it,
// and has nothing to say.
func stopped(cmd *cobra.Command) bool { return errors.Is(cmd.Context().Err(), context.Canceled) }

// printLoadError prints on stderr the compile errors in err, one per line
// as compilers print them, then its other errors, each line once; control
// characters in either are escaped.
func printLoadError(cmd *cobra.Command, err error) {
	if stopped(cmd) {
		return
	}
	w := cmd.ErrOrStderr()
	problems, others := loadProblems(err)
	if len(problems) > 0 {
		_ = report.WriteProblems(w, "text", problems, report.Options{})
	}
	seen := make(map[string]bool)
	for _, e := range others {
		for line := range strings.SplitSeq(report.Escape(e.Error()), "\n") {
			if !seen[line] {
				seen[line] = true
				fmt.Fprintln(w, line)
			}
		}
	}
}

// writeProblemReports writes the compile errors in err as the reports that
// findings would have been: on stdout in format, unless text (stderr has
// them already), and to every --output file. A CI system reading a report
// then shows why the check could not run, rather than an empty report.
func writeProblemReports(cmd *cobra.Command, format string, specs []string, err error, opts report.Options) error {
	problems, _ := loadProblems(err)
	if len(problems) == 0 {
		return nil
	}
	outs, perr := parseOutputs(specs)
	if perr != nil {
		return perr
	}
	if format != "text" {
		if err := report.WriteProblems(cmd.OutOrStdout(), format, problems, opts); err != nil {
			return err
		}
	}
	var errs []error
	for _, out := range outs {
		write := func(w io.Writer) error { return report.WriteProblems(w, out.format, problems, opts) }
		if err := writeFile(out.path, write); err != nil {
			errs = append(errs, fmt.Errorf("--output %s=%s: %w", out.format, out.path, err))
		}
	}
	return errors.Join(errs...)
}
