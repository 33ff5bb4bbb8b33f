package cli

import (
	"errors"
	"fmt"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
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

func runFix(cmd *cobra.Command, input string, fl fixFlags) error {
	req, err := fl.check.request(cmd, input)
	if err != nil {
		return err
	}
	// The versions compared with are those of the flags, as check takes
	// them, or the one a pre-commit hook compares with.
	if err := fl.check.baselines.setBaselines(cmd, &req); err != nil {
		return err
	}
	req.Progress = newProgress(cmd.Context(), cmd.ErrOrStderr())
	res, err := protocheck.Fix(cmd.Context(), req)
	var nb *protocheck.NoBaselineError
	if errors.As(err, &nb) {
		return fmt.Errorf("fix needs --against: %s, so there is no version to compare with by default", nb.Why)
	}
	if err != nil {
		err = driverError(cmd, err, "", nil)
	}
	var se *source.Error
	if errors.As(err, &se) {
		fmt.Fprintln(cmd.ErrOrStderr(), se)
		return &exitStatus{exitError}
	}
	if err != nil {
		return err
	}
	return writeFixes(cmd, res, fl.dryRun)
}

// writeFixes writes the files and says what it reserved, or with dryRun
// prints the diff.
func writeFixes(cmd *cobra.Command, res *protocheck.FixResult, dryRun bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if !dryRun {
		if err := res.Write(); err != nil {
			return err
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "%s: warning: %s\n", s.Span, s.Message)
	}
	switch {
	case len(res.Files) == 0:
		fmt.Fprintln(stderr, "protocheck: nothing to fix: no reported deletion needs a reservation written")
		return nil
	case dryRun:
		for _, f := range res.Files {
			stdout.Write(diff.Diff("a/"+f.Name, f.Before, "b/"+f.Name, f.After))
		}
		return &exitStatus{exitFindings}
	}
	for _, f := range res.Files {
		for _, c := range f.Changes {
			fmt.Fprintln(stdout, c)
		}
	}
	return nil
}
