package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/fix"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

type fixFlags struct {
	check  checkFlags // those fix shares with check
	dryRun bool
}

func newFixCmd() *cobra.Command {
	var fl fixFlags
	cmd := &cobra.Command{
		Use:   "fix [INPUT] --against INPUT",
		Short: "Reserve the numbers and names of deleted fields and enum values",
		Long: `fix checks INPUT (default ".") against the version given by --against, as
check does, and writes into INPUT's .proto files the edit that makes each
reported deletion of a field or enum value safe: its number and its name
reserved in the message or enum that lost it, so that no later change can
give them to something else while old programs still write them.

The reservations join the reserved statements the message or enum has, or
go in new ones at the top of its body, indented and quoted like the code
around them (identifiers in editions). Running fix again changes nothing.
A name still in use (a field renumbered under the same name) or a number
now in an extension range cannot be reserved: fix says so and leaves them.

The fix is for the rules FIELD_NO_DELETE, ENUM_VALUE_NO_DELETE and their
_UNLESS_NUMBER_RESERVED and _UNLESS_NAME_RESERVED variants, whichever
--use selects; it reserves both the number and the name for each.
FIELD_NO_DELETE and ENUM_VALUE_NO_DELETE still report the deletion after
the fix, since generated code loses an accessor either way.

INPUT must be a directory or a .proto file in one: fix refuses git
revisions, descriptor sets, archives and remote repositories, which hold no
file it can write. --against takes every kind of input check takes.
Without --against, in a git repository, the directory is compared with
HEAD (or PRE_COMMIT_FROM_REF), and the files on disk are fixed.

--dry-run prints the edit as a unified diff and writes nothing.

Exit status: 0 written or nothing to fix, 1 with --dry-run when there is
something to fix, 2 could not run.`,
		Example: `  protocheck fix proto --against .git#branch=main,subdir=proto
  protocheck fix --against v1.binpb --dry-run
  protocheck fix proto --against-tags 'v*'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			input := "."
			if len(args) == 1 {
				input = args[0]
			}
			return runFix(cmd, input, fl)
		},
	}
	f := cmd.Flags()
	bf := &fl.check.baselines
	f.StringArrayVar(&bf.against, "against", nil, "a version to compare with; repeat to reserve what any of them lost (default: in a git repository, HEAD)")
	f.StringVar(&bf.againstTags, "against-tags", "", "also compare with every git tag matching `GLOB`, such as 'v*'")
	f.IntVar(&bf.againstHistory, "against-history", 0, "also compare with the last `N` commits that changed the input")
	f.StringSliceVar(&fl.check.use, "use", nil, "categories or rule ids to check, as check takes them (default FILE)")
	f.StringSliceVar(&fl.check.except, "except", nil, "categories or rule ids to leave out")
	f.StringSliceVarP(&fl.check.includes, "include", "I", nil, "directories to search for imports the input does not hold")
	f.BoolVar(&fl.dryRun, "dry-run", false, "print the edit as a unified diff instead of writing it")
	addConfigFlags(cmd, &fl.check.config)
	_ = cmd.RegisterFlagCompletionFunc("against", completeAgainst)
	return cmd
}

// kindNames says what an input fix cannot write is, for its refusal.
var kindNames = map[loader.Kind]string{
	loader.Git:           "a git revision",
	loader.DescriptorSet: "a descriptor set",
	loader.Archive:       "an archive",
	loader.Remote:        "a remote repository",
	loader.Module:        "a registry module",
}

// A fixModule gathers, across baselines, what one module of the input
// needs reserved and the compiled files that say where.
type fixModule struct {
	in    loader.Input // the module's directory
	files map[string]protoreflect.FileDescriptor
	plan  []fix.Reservation
}

func runFix(cmd *cobra.Command, input string, fl fixFlags) error {
	newIn, err := loader.ParseInput(input)
	if err != nil {
		return err
	}
	if newIn.Kind != loader.Dir {
		return fmt.Errorf("fix writes the .proto files of a directory, and %s is %s, which holds none it can write: give the directory the version comes from", input, kindNames[newIn.Kind])
	}
	req, err := fl.check.request(cmd, input)
	if err != nil {
		return err
	}
	// The versions compared with are those of the flags, as check takes
	// them, or the one a pre-commit hook compares with; the input stays
	// the directory on disk, which fix writes, whatever is staged.
	if err := fl.check.baselines.setBaselines(cmd, &req); err != nil {
		return err
	}
	req.Quiet = true
	pl, err := protocheck.PlanFor(cmd.Context(), req)
	var nb *protocheck.NoBaselineError
	if errors.As(err, &nb) {
		return fmt.Errorf("fix needs --against: %s, so there is no version to compare with by default", nb.Why)
	}
	if err != nil {
		return nothingToCompare(cmd, err)
	}
	// Every deletion is reserved, whichever readers it breaks.
	req.Plan = &protocheck.Plan{New: newIn, Baselines: pl.Baselines}
	req.Direction = compat.Both
	req.KeepSchemas = true
	req.Progress = newProgress(cmd.Context(), cmd.ErrOrStderr())
	res, err := protocheck.Check(cmd.Context(), req)
	if err != nil {
		return driverError(cmd, err, "", nil)
	}
	file := ""
	if res.Input.File != "" {
		file = filepath.Join(res.Input.Path, res.Input.File)
	}
	modules := make(map[string]*fixModule)
	var roots []string
	for _, m := range res.Modules {
		fm := modules[m.Root]
		if fm == nil {
			fm = &fixModule{in: m.New, files: make(map[string]protoreflect.FileDescriptor)}
			modules[m.Root] = fm
			roots = append(roots, m.Root)
		}
		// Each baseline compiles the files that differ from it: the
		// union holds every file a plan names.
		for _, f := range m.NewSchema.Files {
			fm.files[f.Path()] = f
		}
		for _, r := range fix.Plan(m.OldSchema, m.NewSchema, m.Findings) {
			if file == "" || sameFile(filepath.Join(m.New.Path, filepath.FromSlash(r.Path)), file) {
				fm.plan = append(fm.plan, r)
			}
		}
	}
	slices.Sort(roots)
	return writeFixes(cmd, roots, modules, fl.dryRun)
}

// sameFile reports whether the paths a and b name one file.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// writeFixes applies each module's plan, then writes the files and says
// what it reserved, or with dryRun prints the diff.
func writeFixes(cmd *cobra.Command, roots []string, modules map[string]*fixModule, dryRun bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	type result struct {
		m   *fixModule
		res fix.Result
	}
	var results []result
	// Every file is edited in memory first: a problem found in one leaves
	// all of them as they were.
	for _, root := range roots {
		m := modules[root]
		files := make([]protoreflect.FileDescriptor, 0, len(m.files))
		for _, f := range m.files {
			files = append(files, f)
		}
		res, err := fix.Apply(&schema.Schema{Files: files}, m.plan, func(p string) ([]byte, error) {
			return os.ReadFile(filepath.Join(m.in.Path, filepath.FromSlash(p)))
		})
		var se *source.Error
		if errors.As(err, &se) {
			se.Path = m.in.Display(se.Path)
			fmt.Fprintln(stderr, se)
			return &exitStatus{exitError}
		}
		if err != nil {
			return err
		}
		results = append(results, result{m, res})
	}
	if !dryRun {
		// A file that cannot be written is found before any is.
		for _, r := range results {
			for _, f := range r.res.Files {
				if err := writable(filepath.Join(r.m.in.Path, filepath.FromSlash(f.Path))); err != nil {
					return err
				}
			}
		}
	}
	changed := false
	for _, r := range results {
		for _, s := range r.res.Skipped {
			s.Span.Path = r.m.in.Display(s.Span.Path)
			fmt.Fprintf(stderr, "%s: warning: %s\n", s.Span, s.Message)
		}
		for _, f := range r.res.Files {
			changed = true
			name := r.m.in.Display(f.Path)
			if dryRun {
				stdout.Write(diff.Diff("a/"+name, f.Before, "b/"+name, f.After))
				continue
			}
			if err := writeInPlace(filepath.Join(r.m.in.Path, filepath.FromSlash(f.Path)), f.After); err != nil {
				return err
			}
			for _, c := range f.Changes {
				c.Span.Path = name
				fmt.Fprintln(stdout, c)
			}
		}
	}
	switch {
	case !changed:
		fmt.Fprintln(stderr, "protocheck: nothing to fix: no reported deletion needs a reservation written")
	case dryRun:
		return &exitStatus{exitFindings}
	}
	return nil
}

// writable reports why the file at p cannot be written, if it cannot.
func writable(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", p, unwrapPath(err))
	}
	return f.Close()
}

// writeInPlace replaces the contents of the file at p, keeping its mode
// and, when p is a symbolic link, writing the file it points to.
func writeInPlace(p string, data []byte) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, data, st.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", p, unwrapPath(err))
	}
	return nil
}
