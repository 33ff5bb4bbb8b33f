package protocheck

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/config"
	"github.com/protocheck/protocheck/internal/inputs"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// A Request says what to check, as the flags of `protocheck check` do.
// Its zero value checks "." against nothing and fails: give Against or
// Plan.
type Request struct {
	// Input is the version checked, written as buf writes an input: a
	// directory, a .proto file, a descriptor set or image, an archive, a
	// git revision (.git#branch=main,subdir=proto) or a remote
	// repository. Empty means ".". With Plan set, Input only names the
	// input in messages.
	Input string
	// Against lists the versions to compare with, written as Input is.
	// A finding that several of them share is reported once, naming
	// them all (Finding.Baselines).
	Against []string
	// AgainstTags adds every git tag of the input's repository that
	// matches this pattern (path.Match), in semantic version order;
	// AgainstHistory the last N commits that changed the input. A
	// revision that holds no .proto file is skipped, with a note.
	AgainstTags    string
	AgainstHistory int
	// Hook is what git and pre-commit say when Against, AgainstTags and
	// AgainstHistory are all empty: the versions are then inferred from
	// the input's git repository (PlanFor).
	Hook Hook
	// Quiet leaves out the note that says which versions were inferred.
	Quiet bool
	// Plan, when set, gives the versions as loader inputs instead of
	// Input and Against: what a git hook compares (the staged files with
	// HEAD, say), or inputs a program built.
	Plan *Plan

	// Config is the configuration file to use, or a buf.yaml's contents
	// as YAML or JSON (a value that does not end in .yaml, .yml or .json
	// and names no file). Empty: the file found in or above the input.
	// Messages about inline contents name them "Request.Config".
	Config string
	// AgainstConfig is the baseline's buf.yaml, as a file or its
	// contents: its layout for the baselines. Empty: each baseline's own
	// file at its top, if it has one. Messages about inline contents name
	// them "Request.AgainstConfig".
	AgainstConfig string
	// Use and Except replace the configuration's rules when not nil, as
	// flags given on the command line do.
	Use, Except []string
	// Direction, when not zero, replaces the configuration's direction;
	// zero means the configuration's, else compat.Both.
	Direction compat.Direction
	// FailOn, when set, replaces the configuration's fail_on; nil means
	// the configuration's, else compat.Warning.
	FailOn *compat.Severity

	// Paths and ExcludePaths limit the check to some files or
	// directories, named as findings name them (buf's --path and
	// --exclude-path); the rest is compiled but not reported on.
	Paths, ExcludePaths []string
	// LimitToInputFiles compares only the files the input holds: the
	// baseline's other files are left out, so deleted files are not
	// reported.
	LimitToInputFiles bool
	// ExcludeImports, with a selection, does not also check the files
	// the selected ones import.
	ExcludeImports bool

	// IncludePaths are directories searched for imports the inputs do not
	// hold (protoc's -I).
	IncludePaths []string
	// CacheDir, when set, is a directory where files' imports and linked
	// descriptors are kept between runs, by their contents, so that a
	// check repeated on a large tree (a pre-commit hook) compiles only what
	// it has not seen (loader.Loader.CacheDir). Empty keeps nothing.
	CacheDir string
	// Full compiles every file of both versions, not only what the
	// change reaches: slower, but reports errors in files the change does
	// not touch.
	Full bool
	// Prove demonstrates wire and JSON findings with bytes, and reports
	// breaks only data shows (roundtrip.Check), with ProveOptions.
	Prove        bool
	ProveOptions roundtrip.Options

	// Registry is where buf.yaml deps and registry module inputs come
	// from.
	Registry Registry
	// Verbose adds notes that say which configuration, modules and
	// versions were used (Note.Verbose).
	Verbose bool
	// Log, when set, is given each note as it is made.
	Log func(Note)
	// Progress, when set, is told what loading and proving have done.
	Progress Progress
	// KeepSchemas keeps each module's compiled versions and its findings
	// as the module names its files in Result.Modules (what protocheck
	// fix edits).
	KeepSchemas bool
}

// A Plan gives the versions of a check as loader inputs.
type Plan struct {
	// New is the version checked.
	New loader.Input
	// NewEmpty says that New holds no .proto file (its directory was
	// deleted): each file of a baseline was deleted.
	NewEmpty bool
	// Baselines are the versions New is compared with.
	Baselines []Baseline
	// Brought compares each branch that New merges with where it forked:
	// a finding that one of them reports too is the branch's own, which
	// the merge carries in but does not make, and is left out.
	Brought []Comparison
}

// A Baseline is one version to compare with, and its label in findings
// that several baselines share.
type Baseline struct {
	Input loader.Input
	Label string
}

// A Comparison is one check of a version against a baseline.
type Comparison struct {
	New      loader.Input
	NewEmpty bool
	Baseline Baseline
}

// Progress is told what a long check has done, to show a status line.
// Its methods may be called from several goroutines at once.
type Progress interface {
	// Loading says that read files of in were read so far.
	Loading(in loader.Input, read int)
	// Proving says that done of total messages were proved.
	Proving(done, total int)
	// Done says that the step is over: the line is cleared before a note
	// is made.
	Done()
}

// A Note is something a check tells its user besides findings: a warning
// about the configuration, what the loader left out, what was compared.
type Note struct {
	// Pos is the position in a configuration file the warning is about,
	// as path:line:col, or empty.
	Pos string
	// Field names the Request field the note is about ("Use", "Except",
	// "AgainstHistory"), or is empty; Value, when set, is the field's
	// value the note is about.
	Field, Value string
	// Warning says that the note warns of something the user may want to
	// change.
	Warning bool
	// Verbose says that the note only says what was used: made only for
	// a Request with Verbose set.
	Verbose bool
	// Message is the note's text.
	Message string
}

// String formats the note as the command line prints it: "path:line:col:
// warning: message" for a note about a configuration file; else the
// message after "Field Value: " for a note about a Request field, and
// after "warning: " for a warning.
func (n Note) String() string {
	if n.Pos != "" {
		return n.Pos + ": warning: " + n.Message
	}
	s := n.Message
	switch {
	case n.Field != "" && n.Value != "":
		s = n.Field + " " + n.Value + ": " + s
	case n.Field != "":
		s = n.Field + ": " + s
	}
	if n.Warning {
		s = "warning: " + s
	}
	return s
}

// A Result is what Check found.
type Result struct {
	// Findings are the breaking changes found, sorted, with paths as buf
	// prints them (loader.Input.Display): the new file as the input
	// names it, a deleted file as the baseline names it.
	Findings []compat.Finding
	// Notes are what the check told its user, in order.
	Notes []Note
	// Plan is the versions compared, as the request gave or inferred them.
	Plan Plan
	// Input and Against are the input and the first baseline as compared:
	// brought to this machine, for reports that name them.
	Input, Against loader.Input
	// Direction and FailOn are what the request and the configuration
	// came to.
	Direction compat.Direction
	FailOn    compat.Severity
	// Modules holds, with Request.KeepSchemas, each module's comparison
	// with each baseline.
	Modules []Module
}

// Failed reports whether a finding that is not ignored is at least as
// severe as FailOn: the check fails.
func (r *Result) Failed() bool {
	for _, f := range r.Findings {
		if !f.Ignored && f.Severity <= r.FailOn {
			return true
		}
	}
	return false
}

// A Module is one module's comparison with one baseline, kept for
// Request.KeepSchemas.
type Module struct {
	// Root is the module's root below the input, "." for the input's.
	Root string
	// Baseline is the index of the baseline in the plan.
	Baseline int
	// New and Old are the module's inputs; NewSchema and OldSchema what
	// they compiled to.
	New, Old             loader.Input
	NewSchema, OldSchema *schema.Schema
	// Findings are the module's findings with paths in the module, as
	// its schemas name files.
	Findings []compat.Finding
}

// A LoadError says that a version could not be loaded: its sources do not
// compile, an import names no file, or an input cannot be read.
type LoadError struct {
	// Err is the loader's error: a source.ErrorList holds compile
	// errors, several joined when both versions fail.
	Err error
	// Hint says, when imports name no file, that the configuration's deps
	// were searched too, or that the input lies inside a module whose
	// files import each other by their paths in it.
	Hint string
	// Input and Against name the versions compared, for reports.
	Input, Against loader.Input
	// Predates says, one line a file, which of the input's compile
	// errors the baseline Against has too (same file, same message):
	// they predate the change, though a change to the file made them
	// show. The check still could not run.
	Predates []string
}

// Error returns Err's text, followed on a line of its own by Hint when
// there is one.
func (e *LoadError) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "\n" + e.Hint
}

// Unwrap returns Err.
func (e *LoadError) Unwrap() error { return e.Err }

// Problems returns the compile errors held in Err, each once (both
// versions may fail the same way, a bad include path, say), in the order
// found, and the errors in Err that are not compile errors.
func (e *LoadError) Problems() (problems source.ErrorList, others []error) {
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
	if e.Err != nil {
		walk(e.Err)
	}
	return problems, others
}

// ErrNoTargets says that Paths and ExcludePaths left no file to check.
var ErrNoTargets = errors.New("no .proto files were targeted: Paths name no file of the input, or ExcludePaths exclude them all")

// A RequestError says that a field of the Request cannot be used: a
// baseline that does not parse or cannot be fetched, a tag pattern that
// matches nothing, a history that git cannot give.
type RequestError struct {
	// Field names the field as the Request does: Against, AgainstTags,
	// AgainstHistory or AgainstConfig; Value, when set, is the field's
	// value the error is about.
	Field, Value string
	// Err says what is wrong.
	Err error
}

// Error returns "Field: ", or "Field Value: ", followed by Err's text.
func (e *RequestError) Error() string {
	if e.Value != "" {
		return e.Field + " " + e.Value + ": " + e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *RequestError) Unwrap() error { return e.Err }

// ErrNoRules says that the configuration selects no rule: nothing would
// be checked.
var ErrNoRules = errors.New("nothing would be checked")

// Check does what `protocheck check` does: it reads the configuration,
// splits the check by module, loads both versions of each, checks them
// (and proves, with Prove), and returns the findings with display paths.
//
// A configuration file that does not parse, or ignore comments that are
// wrong, return a source.ErrorList, paths as displayed; sources that do not
// compile a *LoadError; a Request field that cannot be used a
// *RequestError. ErrNoRules and ErrNoTargets say that nothing would be
// checked, *NoBaselineError and *NothingToCompareError that PlanFor found
// no versions to compare, and a cancelled ctx returns its error.
func Check(ctx context.Context, req Request) (*Result, error) {
	d := &driver{req: req, res: &Result{}}
	return d.res, d.check(ctx)
}

// driver holds one call's state.
type driver struct {
	req Request
	res *Result
	reg *modules
	cc  *checkConfig
	// files reads the configuration files of the inputs: one Loader, so
	// that a git input's repository is looked up once for all of them.
	files loader.Loader

	noted     map[Note]bool   // the notes made, each once however many baselines repeat it
	leftAside map[string]bool // the contents of the baselines' configuration files left aside
}

// note records n and gives it to the request's Log, once: a note about the
// input, or about a configuration file, is the same for every baseline.
func (d *driver) note(n Note) {
	if n.Verbose && !d.req.Verbose || d.noted[n] {
		return
	}
	if d.noted == nil {
		d.noted = make(map[Note]bool)
	}
	d.noted[n] = true
	d.res.Notes = append(d.res.Notes, n)
	if d.req.Log != nil {
		d.req.Log(n)
	}
}

func (d *driver) say(format string, args ...any) {
	d.note(Note{Message: fmt.Sprintf(format, args...)})
}

func (d *driver) verbose(format string, args ...any) {
	d.note(Note{Verbose: true, Message: fmt.Sprintf(format, args...)})
}

func (d *driver) warn(format string, args ...any) {
	d.note(Note{Warning: true, Message: fmt.Sprintf(format, args...)})
}

func (d *driver) progressDone() {
	if d.req.Progress != nil {
		d.req.Progress.Done()
	}
}

// input returns the name of the input in messages.
func (d *driver) input() string {
	if d.req.Input == "" {
		return "."
	}
	return d.req.Input
}

func (d *driver) check(ctx context.Context) error {
	pl, err := d.plan(ctx)
	if err != nil {
		return err
	}
	d.res.Plan = pl
	// Archives and remote repositories are brought here first: their
	// configuration is read from them.
	var fetched fetched
	defer fetched.close()
	d.reg = &modules{env: d.req.Registry}
	newIn := pl.New.WithModules(d.reg)
	if err := fetched.fetch(ctx, &newIn, ""); err != nil {
		return err
	}
	bases := pl.Baselines
	for i := range bases {
		bases[i].Input = bases[i].Input.WithModules(d.reg)
		if err := fetched.fetch(ctx, &bases[i].Input, "Against"); err != nil {
			return err
		}
	}
	d.res.Input, d.res.Against = newIn, bases[0].Input
	if file, _ := inputs.File(newIn); file != "" && (len(d.req.Paths) > 0 || len(d.req.ExcludePaths) > 0) {
		return fmt.Errorf("Request.Paths and Request.ExcludePaths do not apply to a .proto file input (%s): give its directory", d.input())
	}
	if err := d.loadConfig(ctx, &newIn); err != nil {
		return err
	}
	d.res.Input = newIn
	cfg := compat.Config{Use: d.req.Use, Except: d.req.Except, Direction: d.res.Direction}
	if _, err := cfg.Select(); err != nil {
		return err
	}
	for _, b := range bases {
		d.verbose("comparing %s with %s", newIn, b.Input)
	}
	labels := make([]string, len(bases))
	perBase := make([][]compat.Finding, len(bases))
	// One loader for every baseline: it links each version of a file once.
	l := &loader.Loader{IncludePaths: d.req.IncludePaths, CacheDir: d.req.CacheDir}
	if d.req.Progress != nil {
		l.Progress = d.req.Progress.Loading
	}
	for i, b := range bases {
		labels[i] = b.Label
		perBase[i], err = d.against(ctx, l, i, newIn, b.Input, cfg, pl.NewEmpty)
		if err != nil {
			return err
		}
	}
	findings := perBase[0]
	if len(bases) > 1 {
		findings = compat.MergeBaselines(labels, perBase)
	}
	if len(pl.Brought) > 0 {
		// The breaks that merged branches made on their own: the merge
		// carries them in, it does not make them.
		brought := make([][]compat.Finding, len(pl.Brought))
		for i, c := range pl.Brought {
			if brought[i], err = d.against(ctx, l, -1, c.New, c.Baseline.Input, cfg, c.NewEmpty); err != nil {
				return err
			}
		}
		findings = compat.Subtract(findings, brought...)
	}
	d.res.Findings = findings
	return nil
}

// stillChecked reports whether a module of the input holds the file p (a
// path in a module) in src, the files of the version newIn.
func (d *driver) stillChecked(src config.Source, newIn loader.Input, p string) bool {
	for _, m := range d.cc.modules {
		if m.Disabled {
			continue
		}
		if _, err := src.ReadFile(filepath.Join(newIn.Dir(), filepath.FromSlash(path.Join(m.Root, p)))); err == nil {
			return true
		}
	}
	return false
}

// selecting reports whether the request limits the check to some files.
func (d *driver) selecting() bool {
	return len(d.req.Paths) > 0 || len(d.req.ExcludePaths) > 0 || d.req.LimitToInputFiles
}

// selection returns what Paths and ExcludePaths select of a module's new
// version in, with paths relative to in; ok is false when they select
// none of its files. A single-file input selects its file.
func (d *driver) selection(in loader.Input) (sel loader.Selection, ok bool) {
	sel.Imports = !d.req.ExcludeImports
	if file, pkg := inputs.File(in); file != "" {
		sel.Paths, sel.Packages = []string{file}, pkg
		return sel, true
	}
	for _, p := range d.req.Paths {
		if rel, in := in.Rel(p); in {
			sel.Paths = append(sel.Paths, rel)
		}
	}
	if len(d.req.Paths) > 0 && len(sel.Paths) == 0 {
		return sel, false
	}
	for _, p := range d.req.ExcludePaths {
		if rel, in := in.Rel(p); in {
			sel.Exclude = append(sel.Exclude, rel)
		}
	}
	return sel, true
}

// against checks the input against one baseline (index base, -1 for a
// merged branch's comparison), module by module of the configuration
// file. newEmpty says that the input holds no .proto file: each file of
// the baseline was deleted.
func (d *driver) against(ctx context.Context, l *loader.Loader, base int, newIn, oldIn loader.Input, cfg compat.Config, newEmpty bool) ([]compat.Finding, error) {
	mods, err := d.moduleChecks(ctx, newIn, oldIn, cfg)
	if err != nil {
		return nil, err
	}
	var findings []compat.Finding
	file, _ := inputs.File(newIn)
	selecting := d.selecting() || file != ""
	targeted := 0
	for _, m := range mods {
		if err := noRules(m.cfg); err != nil {
			return nil, err
		}
		sel, ok := d.selection(m.new)
		if !ok {
			continue // Paths names none of this module's files
		}
		// Following the selected files' imports needs them compiled.
		var oldS, newS *schema.Schema
		if newEmpty || m.gone {
			newS = &schema.Schema{}
			oldS, err = l.Load(ctx, m.old)
			if err == nil && m.gone {
				// A dropped module's file that another module now
				// holds moved with its import path: it is not deleted.
				var moved []string
				src := inputs.Files(ctx, l, newIn)
				for _, p := range oldS.Paths {
					if d.stillChecked(src, newIn, p) {
						moved = append(moved, p)
					}
				}
				if len(moved) > 0 {
					oldS = loader.Select(oldS, loader.Selection{Exclude: moved})
				}
				if len(oldS.Paths) > 0 {
					d.say("%s no longer has the module %s of %s: its files are reported deleted", d.cc.file.Path, m.root, oldIn)
				}
			}
		} else {
			oldS, newS, err = loadPair(ctx, l, m.old, m.new, d.req.Full || selecting)
		}
		d.progressDone()
		if err != nil {
			return nil, &LoadError{Err: err, Hint: d.cc.hint(err, d.input()), Input: newIn, Against: oldIn,
				Predates: predates(ctx, l, m.new, m.old)}
		}
		if selecting {
			newS = loader.Select(newS, sel)
			if len(newS.Paths) == 0 {
				continue
			}
			targeted++
			// The baseline's files are matched by their path in the
			// module; with LimitToInputFiles, only the input's are.
			if d.req.LimitToInputFiles {
				sel = loader.Selection{Paths: newS.Paths, Exclude: sel.Exclude, Imports: sel.Imports}
			}
			oldS = loader.Select(oldS, sel)
		}
		d.loaderNotes(newS, oldS)
		rest := ""
		if len(newS.Files) < len(newS.Paths) || len(oldS.Files) < len(oldS.Paths) {
			rest = " (the others declare the same in both)"
		}
		d.verbose("compiled %d of %d files of %s and %d of %d of %s%s",
			len(newS.Files), len(newS.Paths), m.new, len(oldS.Files), len(oldS.Paths), m.old, rest)
		var fs []compat.Finding
		if d.req.Prove {
			opts := d.req.ProveOptions
			if d.req.Progress != nil {
				opts.Progress = d.req.Progress.Proving
			}
			fs, err = roundtrip.Check(ctx, oldS, newS, m.cfg, opts)
			d.progressDone()
		} else {
			fs, err = compat.Check(ctx, oldS, newS, m.cfg)
		}
		if err != nil {
			return nil, m.checkError(err)
		}
		if d.req.KeepSchemas && base >= 0 {
			d.res.Modules = append(d.res.Modules, Module{
				Root: m.root, Baseline: base, New: m.new, Old: m.old,
				NewSchema: newS, OldSchema: oldS, Findings: slices.Clone(fs),
			})
		}
		findings = append(findings, m.display(fs)...)
	}
	if selecting && targeted == 0 {
		return nil, ErrNoTargets
	}
	return findings, nil
}

// noRules returns the error for a configuration that selects no rule.
func noRules(cfg compat.Config) error {
	rules, err := cfg.Select()
	if err != nil || len(rules) > 0 {
		return nil
	}
	// buf fails here with an internal error; passing would say
	// "compatible" of a check that checked nothing.
	use := cfg.Use
	if len(use) == 0 {
		use = []string{string(compat.File)}
	}
	return fmt.Errorf("use %s and except %s leave no rule to run: %w",
		strings.Join(use, ","), strings.Join(cfg.Except, ","), ErrNoRules)
}

// loaderNotes notes what the loader left out of the inputs, each once.
func (d *driver) loaderNotes(schemas ...*schema.Schema) {
	seen := make(map[string]bool)
	for _, s := range schemas {
		for _, n := range s.Notes {
			if !seen[n] {
				seen[n] = true
				d.say("%s", n)
			}
		}
	}
}

// loadPair loads both versions: by default compiling only the files that
// can differ (loader.LoadPair), with full every file, as a cross-check.
func loadPair(ctx context.Context, l *loader.Loader, oldIn, newIn loader.Input, full bool) (old, new *schema.Schema, err error) {
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
func loadAll(ctx context.Context, l *loader.Loader, inputs ...loader.Input) ([]*schema.Schema, error) {
	schemas := make([]*schema.Schema, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Go(func() { schemas[i], errs[i] = l.Load(ctx, in) })
	}
	wg.Wait()
	return schemas, errors.Join(errs...)
}

// predates says, one line a file, which compile errors of newIn oldIn has
// too: in the file of the same path in the module, with the same message
// once the version a git revision's message names is cut. A file that
// never compiled (an import that never resolved) is compiled only once
// changed, so its old error shows with the change. Each version is
// compiled alone, to tell their errors apart; errors are rare.
func predates(ctx context.Context, l *loader.Loader, newIn, oldIn loader.Input) []string {
	_, nerr := l.Load(ctx, newIn)
	var nl source.ErrorList
	if nerr == nil || !errors.As(nerr, &nl) {
		return nil
	}
	_, oerr := l.Load(ctx, oldIn)
	var ol source.ErrorList
	if oerr == nil || !errors.As(oerr, &ol) {
		return nil
	}
	type key struct{ file, message string }
	old := make(map[key]string, len(ol)) // the error's line, as printed
	for _, e := range ol {
		if rel, ok := oldIn.Rel(e.Path); ok {
			old[key{rel, cutVersion(e.Message)}] = e.Error()
		}
	}
	var order []string
	total, same := make(map[string]int), make(map[string]int)
	for _, e := range nl {
		rel, ok := newIn.Rel(e.Path)
		if !ok {
			continue
		}
		if total[e.Path] == 0 {
			order = append(order, e.Path)
		}
		total[e.Path]++
		// The same line in both (an input checked against itself) is
		// printed once: there is nothing to tell apart.
		if line, ok := old[key{rel, cutVersion(e.Message)}]; ok && line != e.Error() {
			same[e.Path]++
		}
	}
	var lines []string
	for _, p := range order {
		n, of := same[p], total[p]
		if n == 0 {
			continue
		}
		what, verb := fmt.Sprintf("the %d errors", n), "were already in %s: they predate"
		if n == 1 {
			what, verb = "the error", "was already in %s: it predates"
		}
		if n < of {
			what = fmt.Sprintf("%d of the %d errors", n, of)
		}
		lines = append(lines, what+" in "+p+" "+fmt.Sprintf(verb, oldIn)+" the change")
	}
	return lines
}

// cutVersion returns a compile error's message without the version that
// follows it when its path does not say ("… (in .git#branch=main)").
func cutVersion(msg string) string {
	if i := strings.LastIndex(msg, " (in "); i >= 0 && strings.HasSuffix(msg, ")") {
		return msg[:i]
	}
	return msg
}

// hint says what may be behind imports that name no file: deps searched
// in vain (missingDeps), or an input inside a module, whose files import
// each other by their paths in the module.
func (c *checkConfig) hint(err error, input string) string {
	h := c.missingDeps(err)
	var list source.ErrorList
	if c == nil || c.inside == "" || !errors.As(err, &list) || !slices.ContainsFunc(list, func(e *source.Error) bool {
		var ie *loader.ImportError
		return errors.As(e, &ie)
	}) {
		return h
	}
	inside := fmt.Sprintf("input %s lies inside the module %s of %s, whose files are imported by their paths in the module: give the module as the input, with Request.Paths %s to keep to the directory",
		input, c.inside, c.file.Path, input)
	if h == "" {
		return inside
	}
	return h + "\n" + inside
}

// missingDeps says, after compile errors of which some are imports that
// name no file, that the configuration's deps were searched too, so that
// the user looks at the import or at buf.lock, not for a flag.
func (c *checkConfig) missingDeps(err error) string {
	var list source.ErrorList
	if c == nil || c.file == nil || len(c.file.Deps) == 0 || !errors.As(err, &list) {
		return ""
	}
	var missing []string
	for _, e := range list {
		var ie *loader.ImportError
		if errors.As(e, &ie) && !slices.Contains(missing, strconv.Quote(ie.Import)) {
			missing = append(missing, strconv.Quote(ie.Import))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	what, verb := "the import", "names"
	if len(missing) > 1 {
		what, verb = "the imports", "name"
	}
	return fmt.Sprintf("%s %s %s no file of the input nor of the deps of %s (%s), at the commits buf.lock pins",
		what, strings.Join(missing, ", "), verb, c.file.Path, strings.Join(c.file.Deps, ", "))
}
