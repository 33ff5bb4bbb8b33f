package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/roundtrip"
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

// selecting reports whether the check is limited to some of the files.
func (fl bufFlags) selecting() bool {
	return len(fl.paths) > 0 || len(fl.excludePaths) > 0 || fl.limitToInputFiles
}

// selection returns what --path and --exclude-path select of a module's
// new version in, with paths relative to in; ok is false when they select
// none of its files. A single-file input selects its file.
func (fl bufFlags) selection(in loader.Input) (sel loader.Selection, ok bool) {
	sel.Imports = !fl.excludeImports
	if in.File != "" {
		sel.Paths, sel.Packages = []string{in.File}, in.IncludePackageFiles
		return sel, true
	}
	for _, p := range fl.paths {
		if rel, in := in.Rel(p); in {
			sel.Paths = append(sel.Paths, rel)
		}
	}
	if len(fl.paths) > 0 && len(sel.Paths) == 0 {
		return sel, false
	}
	for _, p := range fl.excludePaths {
		if rel, in := in.Rel(p); in {
			sel.Exclude = append(sel.Exclude, rel)
		}
	}
	return sel, true
}

// errNoTargets says that --path and --exclude-path left no file to check.
var errNoTargets = errors.New("no .proto files were targeted: --path names no file of the input, or --exclude-path excludes them all")

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
	// The configuration comes from the version the schema comes from: in
	// a pre-commit hook, the staged one.
	pl, err := checkBaselines(cmd, input, fl.baselines, false)
	if err != nil {
		return err
	}
	newIn, bases := pl.new, pl.bases
	// Archives and remote repositories are brought here first: their
	// configuration is read from them.
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	var inputs fetched
	defer inputs.close()
	mods := &modules{offline: fl.config.offline}
	newIn = newIn.WithModules(mods)
	if err := inputs.fetch(ctx, &newIn, ""); err != nil {
		return err
	}
	for i := range bases {
		bases[i].in = bases[i].in.WithModules(mods)
		if err := inputs.fetch(ctx, &bases[i].in, "--against: "); err != nil {
			return err
		}
	}
	if newIn.File != "" && (len(fl.buf.paths) > 0 || len(fl.buf.excludePaths) > 0) {
		return fmt.Errorf("--path and --exclude-path do not apply to a .proto file input (%s): give its directory", input)
	}
	cc, err := loadCheckConfig(cmd, input, &newIn, fl.config, &fl)
	if err != nil {
		return err
	}
	cc.against, cc.offline, cc.registry = fl.config.against, fl.config.offline, mods
	dir, err := compat.ParseDirection(fl.direction)
	if err != nil {
		return fmt.Errorf("--direction: %w", err)
	}
	failOn, err := compat.ParseSeverity(fl.failOn)
	if err != nil {
		return fmt.Errorf("--fail-on: %w", err)
	}
	cfg := compat.Config{Use: fl.use, Except: fl.except, Direction: dir}
	if _, err := cfg.Select(); err != nil {
		return err
	}
	if fl.config.verbose {
		for _, b := range bases {
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: comparing %s with %s\n", newIn, b.in)
		}
	}
	labels := make([]string, len(bases))
	perBase := make([][]compat.Finding, len(bases))
	// One loader for every baseline: it links each version of a file once.
	pr := newProgress(cmd.ErrOrStderr())
	l := &loader.Loader{IncludePaths: fl.includes, Progress: pr.loading}
	for i, b := range bases {
		labels[i] = b.label
		perBase[i], err = checkAgainst(cmd, l, pr, newIn, b.in, cc, cfg, fl, pl.newEmpty)
		if err != nil {
			return err
		}
	}
	findings := perBase[0]
	if len(bases) > 1 {
		findings = compat.MergeBaselines(labels, perBase)
	}
	if len(pl.brought) > 0 {
		// The breaks that merged branches made on their own: the merge
		// carries them in, it does not make them.
		brought := make([][]compat.Finding, len(pl.brought))
		for i, c := range pl.brought {
			if brought[i], err = checkAgainst(cmd, l, pr, c.new, c.base.in, cc, cfg, fl, c.newEmpty); err != nil {
				return err
			}
		}
		findings = compat.Subtract(findings, brought...)
	}
	oldIn := bases[0].in
	opts := reportOptions(newIn, oldIn)
	opts.WarningsPass = failOn == compat.Error
	if err := writeReports(cmd, fl.format, outs, findings, opts); err != nil {
		return err
	}
	for _, f := range findings {
		if !f.Ignored && f.Severity <= failOn {
			return &exitStatus{exitFindings}
		}
	}
	if name := fl.baselines.updateSnapshot; name != "" {
		if err := writeSnapshot(cmd.Context(), &loader.Loader{IncludePaths: fl.includes}, newIn, name); err != nil {
			return reportLoadError(cmd, err)
		}
	}
	return nil
}

// checkAgainst checks the input against one baseline, module by module of
// the configuration file.
//
// newEmpty says that the input holds no .proto file (its directory was
// deleted): each file of the baseline was deleted.
func checkAgainst(cmd *cobra.Command, l *loader.Loader, pr *progress, newIn, oldIn loader.Input, cc *checkConfig, cfg compat.Config, fl checkFlags, newEmpty bool) ([]compat.Finding, error) {
	mods, err := cc.moduleChecks(cmd, newIn, oldIn, cfg)
	if err != nil {
		return nil, err
	}
	var findings []compat.Finding
	selecting := fl.buf.selecting() || newIn.File != ""
	targeted := 0
	for _, m := range mods {
		if rules, err := m.cfg.Select(); err == nil && len(rules) == 0 {
			// buf fails here with an internal error; passing would say
			// "compatible" of a check that checked nothing.
			use := m.cfg.Use
			if len(use) == 0 {
				use = []string{string(compat.File)}
			}
			return nil, fmt.Errorf("use %s and except %s leave no rule to run: nothing would be checked",
				strings.Join(use, ","), strings.Join(m.cfg.Except, ","))
		}
		sel, ok := fl.buf.selection(m.new)
		if !ok {
			continue // --path names none of this module's files
		}
		// Following the selected files' imports needs them compiled.
		var oldS, newS *loader.Schema
		if newEmpty {
			newS = &loader.Schema{}
			oldS, err = l.Load(cmd.Context(), m.old)
		} else {
			oldS, newS, err = loadPair(cmd.Context(), l, m.old, m.new, fl.full || selecting)
		}
		pr.done()
		if err != nil {
			status := reportLoadError(cmd, err)
			cc.explainMissingDeps(cmd, err)
			if err := writeProblemReports(cmd, fl.format, fl.outputs, err, reportOptions(newIn, oldIn)); err != nil {
				return nil, err
			}
			return nil, status
		}
		if selecting {
			newS = newS.Select(sel)
			if len(newS.Paths) == 0 {
				continue
			}
			targeted++
			// The baseline's files are matched by their path in the
			// module; with --limit-to-input-files, only the input's are.
			if fl.buf.limitToInputFiles {
				sel = loader.Selection{Paths: newS.Paths, Exclude: sel.Exclude, Imports: sel.Imports}
			}
			oldS = oldS.Select(sel)
		}
		printNotes(cmd, newS, oldS)
		if fl.config.verbose {
			rest := ""
			if len(newS.Files) < len(newS.Paths) || len(oldS.Files) < len(oldS.Paths) {
				rest = " (the others declare the same in both)"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: compiled %d of %d files of %s and %d of %d of %s%s\n",
				len(newS.Files), len(newS.Paths), m.new, len(oldS.Files), len(oldS.Paths), m.old, rest)
		}
		oldC := &compat.Schema{Files: oldS.Files, Paths: oldS.Paths, Packages: oldS.Packages}
		newC := &compat.Schema{Files: newS.Files, Paths: newS.Paths, Packages: newS.Packages}
		var fs []compat.Finding
		if fl.prove {
			opts := proveOptions
			opts.Progress = pr.proving
			fs, err = roundtrip.Check(cmd.Context(), oldC, newC, m.cfg, opts)
			pr.done()
		} else {
			fs, err = compat.Check(oldC, newC, m.cfg)
		}
		if err != nil {
			return nil, m.checkError(cmd, err)
		}
		findings = append(findings, m.prefix(fs, newS.Paths)...)
	}
	if selecting && targeted == 0 {
		return nil, errNoTargets
	}
	return findings, nil
}

// loadPair loads both versions: by default compiling only the files that
// can differ (loader.LoadPair), with full every file, as a cross-check.
func loadPair(ctx context.Context, l *loader.Loader, oldIn, newIn loader.Input, full bool) (old, new *loader.Schema, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// A check holds two versions in memory for a few seconds: fewer
		// collections pay for the memory (touch-all 500 files: wall time
		// -45%, peak RSS +20%; see bench/compare.sh).
		debug.SetGCPercent(200)
	}
	if !full {
		return l.LoadPair(ctx, oldIn, newIn)
	}
	schemas, err := loadAll(ctx, l, newIn, oldIn)
	if err != nil {
		return nil, nil, err
	}
	return schemas[1], schemas[0], nil
}

// loadAll loads the inputs concurrently and returns their schemas in the
// same order, or the first error in that order.
func loadAll(ctx context.Context, l *loader.Loader, inputs ...loader.Input) ([]*loader.Schema, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	schemas := make([]*loader.Schema, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Go(func() { schemas[i], errs[i] = l.Load(ctx, in) })
	}
	wg.Wait()
	return schemas, errors.Join(errs...)
}

// explainMissingDeps says, after compile errors of which some are imports
// that name no file, that the configuration's deps were searched too, so
// that the user looks at the import or at buf.lock, not for a flag.
func (c *checkConfig) explainMissingDeps(cmd *cobra.Command, err error) {
	var list source.ErrorList
	if c.file == nil || len(c.file.Deps) == 0 || !errors.As(err, &list) {
		return
	}
	var missing []string
	for _, e := range list {
		var ie *loader.ImportError
		if errors.As(e, &ie) && !slices.Contains(missing, ie.Import) {
			missing = append(missing, ie.Import)
		}
	}
	if len(missing) == 0 {
		return
	}
	what, verb := "the import", "names"
	if len(missing) > 1 {
		what, verb = "the imports", "name"
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s %s %s no file of the input nor of the deps of %s (%s), at the commits buf.lock pins\n",
		what, strings.Join(quoteAll(missing), ", "), verb, c.file.Path, strings.Join(c.file.Deps, ", "))
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// printNotes prints on stderr what the loader left out of the inputs,
// each once.
func printNotes(cmd *cobra.Command, schemas ...*loader.Schema) {
	seen := make(map[string]bool)
	for _, s := range schemas {
		for _, n := range s.Notes {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s\n", report.Escape(n))
			}
		}
	}
}

// reportLoadError prints compile errors one per line, as editors expect,
// and returns the status that says the check could not run.
func reportLoadError(cmd *cobra.Command, err error) error {
	printLoadError(cmd, err)
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
