// Package cli holds protocheck's commands. Each parses its flags, calls
// the library packages, prints, and maps the outcome to an exit status:
// 0 clean, 1 breaking findings, 2 could not run.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/report"
)

// Exit statuses. Scripts and CI depend on them.
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// Main runs protocheck with the process's arguments and returns its exit
// status.
func Main() int {
	defer handleInterrupts()()
	return Run(os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs protocheck with args, writing to stdout and stderr, and returns
// the exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := unknownCommand(root, args)
	if err == nil {
		err = root.Execute()
	}
	var ex *exitStatus
	switch {
	case err == nil:
		return exitClean
	case errors.As(err, &ex):
		return ex.code
	}
	// An error may name a file or input as the user wrote it: escaped, as
	// text output escapes names.
	fmt.Fprintf(stderr, "protocheck: %s\n", report.Escape(err.Error()))
	return exitError
}

// exitStatus ends a command with a status other than 0 after the command
// has printed what it had to say.
type exitStatus struct{ code int }

func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "protocheck",
		Short: "Tell whether a change to Protocol Buffers schemas breaks anyone, and prove it",
		Long: `protocheck compares two versions of a set of .proto files and reports every
change that breaks generated code, or readers and writers of binary or JSON
data, with the rule that forbids it and where to look.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		// unknownCommand words the suggestions: cobra's indent them with
		// a tab, which printing an error escapes.
		DisableSuggestions: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(
		newCheckCmd(),
		newProveCmd(),
		newRulesCmd(),
		newExplainCmd(),
		newVersionCmd(),
		newSnapshotCmd(),
		newFixCmd(),
		newReplayCmd(),
	)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	addCompletions(root)
	return root
}

// unknownCommand returns the error for args whose first word names no
// command, with the commands it may be a mistyping of, or nil when it names
// one (or is a flag, which cobra reads).
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return nil
	}
	name := args[0]
	for _, c := range root.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return nil
		}
	}
	root.SuggestionsMinimumDistance = 2
	var quoted []string
	for _, s := range root.SuggestionsFor(name) {
		if !slices.Contains(quoted, strconv.Quote(s)) {
			quoted = append(quoted, strconv.Quote(s))
		}
	}
	hint := ""
	if len(quoted) > 0 {
		hint = ": did you mean " + strings.Join(quoted, " or ") + "?"
	}
	return fmt.Errorf("unknown command %q%s (see '%s --help')", name, hint, root.CommandPath())
}

// buildVersion is the release's tag, set by scripts/release.sh with
// -ldflags -X: a release archive is built without module information.
var buildVersion string

// version returns the version protocheck was released as, or else the
// module version it was built from.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print protocheck's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "protocheck %s\n", version())
			return nil
		},
	}
}
