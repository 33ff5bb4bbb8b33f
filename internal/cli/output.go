package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/gitfs"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
)

// An output is one --output FORMAT=PATH: a report written to a file, so
// that one run feeds several consumers (annotations on stdout, SARIF for
// code scanning, markdown for the job summary).
type output struct {
	format, path string
}

// parseOutputs reads the --output values, so that a mistyped format fails
// before any schema is loaded.
func parseOutputs(specs []string) ([]output, error) {
	var outs []output
	for _, s := range specs {
		format, path, ok := strings.Cut(s, "=")
		if !ok || format == "" || path == "" {
			return nil, fmt.Errorf("--output %q: want FORMAT=PATH, such as sarif=protocheck.sarif", s)
		}
		if !isFormat(format) {
			return nil, fmt.Errorf("--output %q: unknown format %q (want one of %s)", s, format, strings.Join(report.Formats(), ", "))
		}
		outs = append(outs, output{format, path})
	}
	return outs, nil
}

// checkFormat reports an unknown --format before any work is done.
func checkFormat(format string) error {
	if !isFormat(format) {
		return fmt.Errorf("--format: unknown format %q (want one of %s)", format, strings.Join(report.Formats(), ", "))
	}
	return nil
}

func isFormat(name string) bool {
	for _, f := range report.Formats() {
		if f == name {
			return true
		}
	}
	return false
}

// reportOptions describes the comparison for the writers that print it.
// SARIF holds at most what GitHub code scanning accepts, its main reader.
func reportOptions(newIn, oldIn loader.Input) report.Options {
	return report.Options{
		Input:      newIn.String(),
		Against:    oldIn.String(),
		Version:    version(),
		SARIFLimit: report.CodeScanningLimit,
		Flags:      true,
		// Finding paths are already as buf prints them, from the
		// working directory (loader.Input.Display): no Root.
	}
}

// writeReports writes findings to stdout in format and to every output
// file. A file that cannot be written is an error: CI would otherwise upload
// a stale or missing report without a word. Every file is created before
// anything is written, so that a run that cannot write one shows no
// findings anywhere (annotations, a summary) beside its exit status 2.
func writeReports(cmd *cobra.Command, format string, outs []output, findings []compat.Finding, opts report.Options) error {
	files := make([]*os.File, len(outs))
	for i, out := range outs {
		f, err := os.Create(out.path)
		if err != nil {
			for _, g := range files[:i] {
				g.Close()
				os.Remove(g.Name())
			}
			return fmt.Errorf("--output %s=%s: %w", out.format, out.path, unwrapPath(err))
		}
		files[i] = f
	}
	noteSARIFLimit(cmd, format, outs, findings, opts)
	stdout := cmd.OutOrStdout()
	o := opts
	o.Color = useColor(stdout)
	err := report.Write(stdout, format, findings, o)
	var errs []error
	for i, out := range outs {
		werr := report.Write(files[i], out.format, findings, opts)
		if cerr := files[i].Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			errs = append(errs, fmt.Errorf("--output %s=%s: %w", out.format, out.path, werr))
		}
	}
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// noteSARIFLimit says on stderr when a SARIF report leaves findings out.
func noteSARIFLimit(cmd *cobra.Command, format string, outs []output, findings []compat.Finding, opts report.Options) {
	kept := report.SARIFKept(findings, opts)
	if kept == len(findings) {
		return
	}
	sarif := format == "sarif"
	for _, out := range outs {
		sarif = sarif || out.format == "sarif"
	}
	if sarif {
		fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: the SARIF report holds %d of the %d findings (errors first): GitHub code scanning refuses a run of more than %d results; the other reports hold all of them\n",
			kept, len(findings), report.CodeScanningLimit)
	}
}

// writeFile creates the file at path and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return unwrapPath(err)
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// unwrapPath drops the path that *os.PathError repeats after the flag.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// completeFormat offers the report formats for --format.
func completeFormat(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return report.Formats(), cobra.ShellCompDirectiveNoFileComp
}

// completeOutput offers FORMAT= for --output, then file names.
func completeOutput(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []cobra.Completion
	for _, f := range report.Formats() {
		out = append(out, f+"=")
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeAgainst offers the branches and tags of the repository in the
// working directory as git inputs, then files and directories.
func completeAgainst(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	repo, err := gitfs.Open(cmd.Context(), ".")
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	// A shell waits for the answer: give up after a moment.
	ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Second)
	defer cancel()
	branches, tags, err := repo.Refs(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var refs []cobra.Completion
	for _, c := range slices.Concat(prefixed(".git#branch=", branches), prefixed(".git#tag=", tags)) {
		if strings.HasPrefix(c, toComplete) {
			refs = append(refs, c)
		}
	}
	if len(refs) == 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	// A shell offers files only when nothing else is offered: list them
	// with the refs, so that a directory or descriptor set still completes.
	files, hasDir := fileCompletions(toComplete)
	directive := cobra.ShellCompDirectiveNoFileComp
	if hasDir {
		directive |= cobra.ShellCompDirectiveNoSpace
	}
	return append(refs, files...), directive
}

// prefixed returns each of names after prefix.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// addReportFlags adds --output to check and completions for the flags that
// name formats and versions.
func addReportFlags(cmd *cobra.Command, outputs *[]string) {
	cmd.Flags().StringArrayVar(outputs, "output", nil, "also write a report to a file, as FORMAT=PATH (repeatable), such as sarif=protocheck.sarif")
	_ = cmd.RegisterFlagCompletionFunc("format", completeFormat)
	_ = cmd.RegisterFlagCompletionFunc("output", completeOutput)
	_ = cmd.RegisterFlagCompletionFunc("against", completeAgainst)
}
