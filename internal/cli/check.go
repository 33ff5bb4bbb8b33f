package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/source"
)

type checkFlags struct {
	baselines baselineFlags
	format    string
	use       []string
	except    []string
	includes  []string
	direction string
	failOn    string
	full      bool // compile every file, even those unchanged between the versions
	prove     bool // demonstrate findings with data (prove.go)
	outputs   []string
	config    configFlags
	buf       bufFlags
	replay    replayCheckFlags // --replay and --type (replay.go)
}

// bufFlags are the flags of buf breaking that protocheck takes as buf does.
type bufFlags struct {
	errorFormat       string   // --format under buf's name
	paths             []string // check only these files or directories
	excludePaths      []string
	limitToInputFiles bool // the baseline holds only the input's files
	excludeImports    bool // with a selection, not the files it imports
}

func newCheckCmd() *cobra.Command {
	var fl checkFlags
	cmd := &cobra.Command{
		Use:   "check [INPUT] --against INPUT",
		Short: "Report the breaking changes from one version of a schema to another",
		// buf's name for the same command.
		SuggestFor: []string{"breaking"},
		Long: `check compares INPUT (default ".") with the version given by --against and
reports every change that the selected rules forbid.

An INPUT is written as buf writes it:
  proto                      a directory of .proto files
  proto/acme/v1/a.proto      one file of the module that holds it
  image.binpb                a descriptor set or buf image (.binpb .pb .desc
                             .protoset; .json .txtpb .yaml; also .gz)
  protos.tar.gz              an archive (.tar .tar.gz .tgz .zip), with
                             #strip_components=N and ,subdir=DIR
  .git#branch=main   .git#tag=v1.2.0   .git#ref=HEAD~1   .git#commit=<sha>
                             a git revision, with ,subdir=DIR
  https://host/repo.git#branch=main,depth=10
                             a remote repository (https, ssh, git, file),
                             cloned shallow into a temporary directory
#format= forces a kind: dir, git, tar, zip, binpb, json, txtpb, yaml, protofile.

--against may be repeated, and --against-tags GLOB and --against-history N
add git tags and recent commits: the input is checked against each, and a
finding that several share is reported once, naming them all. With
--direction, that is a registry's BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE or
FULL_TRANSITIVE check.

Without --against, in a git repository, check compares what git means, and
says on stderr what it compared: in a commit hook, the staged files with the
commit's parent (HEAD's parent for --amend; a merge is not blamed for the
breaks of the branch it merges); PRE_COMMIT_TO_REF with its merge base with
PRE_COMMIT_FROM_REF when pre-commit sets them (pre-push, --from-ref); typed
by hand, the staged files with HEAD, or the work tree when nothing is staged
(under pre-commit run --all-files, with the merge base of HEAD and its
upstream branch).

--format writes one report to stdout; --output FORMAT=PATH writes more to
files in the same run. Formats: text, json, sarif (GitHub code scanning),
github-actions (annotations), junit, gitlab-code-quality, markdown, msvs.
--error-format is --format under buf's name. Every format names files as
buf does: from the working directory, as INPUT was given.

--path and --exclude-path limit the check to some files or directories,
--limit-to-input-files the baseline to the input's files, as in buf.

Exit status: 0 no breaking change, 1 breaking changes, 2 could not run.`,
		Example: `  protocheck check proto --against .git#branch=main,subdir=proto
  protocheck check --against v1.binpb --use WIRE --format json
  protocheck check proto --against-tags 'v*' --use WIRE --direction backward`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			input := "."
			if len(args) == 1 {
				input = args[0]
			}
			return runCheck(cmd, input, fl)
		},
	}
	f := cmd.Flags()
	addBaselineFlags(cmd, &fl.baselines)
	f.StringVar(&fl.format, "format", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringSliceVar(&fl.use, "use", nil, "categories (FILE, PACKAGE, WIRE_JSON, WIRE) or rule ids to check (default FILE)")
	f.StringSliceVar(&fl.except, "except", nil, "categories or rule ids to leave out")
	f.StringSliceVarP(&fl.includes, "include", "I", nil, "directories to search for imports the input does not hold")
	f.StringVar(&fl.direction, "direction", "full", "report changes that break: backward (new readers, old data), forward (old readers, new data) or full")
	f.StringVar(&fl.failOn, "fail-on", "warning", "lowest severity that makes the exit status 1: error or warning")
	f.BoolVar(&fl.full, "full", false, "compile every file of both versions, not only what the change reaches: slower, but reports errors in files the change does not touch")
	f.BoolVar(&fl.prove, "prove", false, "demonstrate wire and JSON findings with bytes, and report breaks only data shows")
	addReportFlags(cmd, &fl.outputs)
	addConfigFlags(cmd, &fl.config)
	addBufFlags(cmd, &fl.buf)
	addReplayCheckFlags(cmd, &fl.replay)
	return cmd
}

// addBufFlags adds the flags of buf breaking that check takes as buf does.
func addBufFlags(cmd *cobra.Command, fl *bufFlags) {
	f := cmd.Flags()
	f.StringVar(&fl.errorFormat, "error-format", "", "--format under buf's name; also buf's msvs and gcc (text)")
	f.StringSliceVar(&fl.paths, "path", nil, "check only these files or directories, named as findings name them (repeatable); the rest is compiled but not reported on")
	f.StringSliceVar(&fl.excludePaths, "exclude-path", nil, "leave these files or directories out of the check (repeatable)")
	f.BoolVar(&fl.limitToInputFiles, "limit-to-input-files", false, "compare only the files the input holds: the baseline's other files are left out, so deleted files are not reported")
	f.BoolVar(&fl.excludeImports, "exclude-imports", false, "with --path, --exclude-path or a .proto file input, do not also check the files the selected ones import")
	_ = cmd.RegisterFlagCompletionFunc("error-format", completeFormat)
}

// bufFormatAliases maps buf's other names of formats to protocheck's.
var bufFormatAliases = map[string]string{"gcc": "text"}

// resolveFormat returns the report format that --format or --error-format
// names; giving both, differently, is an error.
func resolveFormat(cmd *cobra.Command, fl checkFlags) (string, error) {
	format := fl.format
	if fl.buf.errorFormat != "" {
		ef := fl.buf.errorFormat
		if a, ok := bufFormatAliases[ef]; ok {
			ef = a
		}
		if ef == "config-ignore-yaml" {
			return "", fmt.Errorf("--error-format: config-ignore-yaml is a format of buf lint, which buf breaking refuses too (want one of %s)", strings.Join(report.Formats(), ", "))
		}
		if cmd.Flags().Changed("format") && ef != format {
			return "", fmt.Errorf("--format %s and --error-format %s disagree: give one", format, fl.buf.errorFormat)
		}
		format = ef
		if !isFormat(format) {
			return "", fmt.Errorf("--error-format: unknown format %q (want one of %s)", fl.buf.errorFormat, strings.Join(report.Formats(), ", "))
		}
	}
	return format, checkFormat(format)
}

// request is the driver's request for what the flags of check say, with
// input as the user wrote it: flags the user did not give are left to the
// configuration file.
func (fl checkFlags) request(cmd *cobra.Command, input string) (protocheck.Request, error) {
	req := protocheck.Request{
		Input:             input,
		Config:            fl.config.path,
		AgainstConfig:     fl.config.against,
		Paths:             fl.buf.paths,
		ExcludePaths:      fl.buf.excludePaths,
		LimitToInputFiles: fl.buf.limitToInputFiles,
		ExcludeImports:    fl.buf.excludeImports,
		IncludePaths:      fl.includes,
		CacheDir:          cacheDir(),
		Full:              fl.full,
		Prove:             fl.prove,
		ProveOptions:      proveOptions,
		Registry:          registryEnv(fl.config.offline),
		Verbose:           fl.config.verbose,
		Log:               logNote(cmd),
	}
	flags := cmd.Flags()
	if flags.Changed("use") {
		req.Use = append([]string{}, fl.use...)
	}
	if flags.Changed("except") {
		req.Except = append([]string{}, fl.except...)
	}
	if flags.Changed("direction") {
		dir, err := compat.ParseDirection(fl.direction)
		if err != nil {
			return req, fmt.Errorf("--direction: %w", err)
		}
		req.Direction = dir
	}
	if flags.Changed("fail-on") {
		failOn, err := compat.ParseSeverity(fl.failOn)
		if err != nil {
			return req, fmt.Errorf("--fail-on: %w", err)
		}
		req.FailOn = &failOn
	}
	return req, nil
}

func runCheck(cmd *cobra.Command, input string, fl checkFlags) error {
	format, err := resolveFormat(cmd, fl)
	if err != nil {
		return err
	}
	fl.format = format
	outs, err := parseOutputs(fl.outputs)
	if err != nil {
		return err
	}
	req, err := fl.request(cmd, input)
	if err != nil {
		return err
	}
	// The configuration comes from the version the schema comes from: in
	// a pre-commit hook, the staged one.
	if err := fl.baselines.setBaselines(cmd, &req); err != nil {
		return err
	}
	req.Progress = newProgress(cmd.Context(), cmd.ErrOrStderr())
	res, err := protocheck.Check(cmd.Context(), req)
	if err != nil {
		return driverError(cmd, err, fl.format, fl.outputs)
	}
	if err := annotateReplay(cmd, req, res.Findings, fl.replay); err != nil {
		return err
	}
	opts := reportOptions(res.Input, res.Against)
	opts.WarningsPass = res.FailOn == compat.Error
	if err := writeReports(cmd, fl.format, outs, res.Findings, opts); err != nil {
		return err
	}
	if res.Failed() {
		return &exitStatus{exitFindings}
	}
	if name := fl.baselines.updateSnapshot; name != "" {
		snap := protocheck.Request{Plan: &protocheck.Plan{New: res.Plan.New}, IncludePaths: fl.includes, Registry: req.Registry}
		if err := protocheck.WriteSnapshot(cmd.Context(), snap, name); err != nil {
			return reportLoadError(cmd, err)
		}
	}
	return nil
}

// driverError prints what the driver could not get past and returns the
// status 2 that says the check could not run: a configuration's problems
// and wrong ignore comments as path:line:col: message, compile errors one
// per line, as editors expect, and, when format is not empty, as the
// reports that findings would have been. Other errors pass through.
func driverError(cmd *cobra.Command, err error, format string, outputs []string) error {
	if stopped(cmd) {
		return err // Run says nothing
	}
	stderr := cmd.ErrOrStderr()
	var nothing *protocheck.NothingToCompareError
	if errors.As(err, &nothing) {
		return nothingToCompare(cmd, err)
	}
	var (
		list source.ErrorList
		le   *protocheck.LoadError
	)
	switch {
	case errors.As(err, &le):
		printLoadError(cmd, le)
		if le.Hint != "" {
			fmt.Fprintf(stderr, "protocheck: %s\n", report.Escape(flagWords.Replace(le.Hint)))
		}
		for _, line := range le.Predates {
			fmt.Fprintf(stderr, "protocheck: %s\n", report.Escape(line))
		}
		if format != "" {
			if err := writeProblemReports(cmd, format, outputs, le, reportOptions(le.Input, le.Against)); err != nil {
				return err
			}
		}
	case errors.As(err, &list):
		fmt.Fprintln(stderr, flagWords.Replace(list.Error()))
	default:
		return err
	}
	return &exitStatus{exitError}
}

// logNote prints a note of the driver on stderr as it is made.
func logNote(cmd *cobra.Command) func(protocheck.Note) {
	return func(n protocheck.Note) {
		if n.Pos != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), flagWords.Replace(n.String()))
			return
		}
		if flag := flagOf[n.Field]; flag != "" {
			n.Field = flag
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s\n", report.Escape(flagWords.Replace(n.String())))
	}
}

// reportLoadError prints compile errors one per line, as editors expect,
// and returns the status that says the check could not run.
func reportLoadError(cmd *cobra.Command, err error) error {
	le := &protocheck.LoadError{Err: err}
	errors.As(err, &le)
	printLoadError(cmd, le)
	return &exitStatus{exitError}
}

// useColor reports whether output to w may be coloured: only a terminal,
// and never with NO_COLOR set.
func useColor(w any) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return isTerminal(w)
}
