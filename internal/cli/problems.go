package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/report"
)

// stopped reports whether the caller of Run stopped the command (a signal,
// for Main), rather than a deadline: what failed then failed because of it,
// and has nothing to say.
func stopped(cmd *cobra.Command) bool { return errors.Is(cmd.Context().Err(), context.Canceled) }

// printLoadError prints on stderr the compile errors in le, one per line
// as compilers print them, then its other errors, each line once; control
// characters in either are escaped.
func printLoadError(cmd *cobra.Command, le *protocheck.LoadError) {
	if stopped(cmd) {
		return
	}
	w := cmd.ErrOrStderr()
	problems, others := le.Problems()
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

// writeProblemReports writes the compile errors in le as the reports that
// findings would have been: on stdout in format, unless text (stderr has
// them already), and to every --output file. A CI system reading a report
// then shows why the check could not run, rather than an empty report.
func writeProblemReports(cmd *cobra.Command, format string, specs []string, le *protocheck.LoadError, opts report.Options) error {
	problems, _ := le.Problems()
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
