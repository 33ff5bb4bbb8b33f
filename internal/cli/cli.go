// Package cli holds protocheck's commands. Each parses its flags, calls
// the library packages, prints, and maps the outcome to an exit status:
// 0 clean, 1 breaking findings, 2 could not run.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
)

// Exit statuses. Scripts and CI depend on them.
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// Main runs protocheck with the process's arguments and returns its exit
// status. The command stops when ctx is cancelled, which main does on
// SIGINT and SIGTERM: what it was doing returns at once, undoing what it
// left (a snapshot's temporary file, the progress line), and the status is
// then 128 plus the signal's number, as a shell reports a process the
// signal killed.
func Main(ctx context.Context) int {
	// Which signal cancelled ctx, for the status: the context says only
	// that one did.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	capHeap()
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if ctx.Err() == nil {
		return code
	}
	select {
	case sig := <-sigs:
		if s, ok := sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	default:
	}
	return 128 + int(syscall.SIGINT)
}

// Run runs protocheck with args, writing to stdout and stderr, until it
// ends or ctx is cancelled, and returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	var g globalFlags
	addGlobalFlags(root, &g)
	defer g.stop()
	root.SetArgs(args)
	err := unknownCommand(root, args)
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	if err != nil && ctx.Err() != nil {
		// Stopped by the caller (a signal, for Main): what failed failed
		// because of it, and has nothing to say.
		return exitError
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
	fmt.Fprintf(stderr, "protocheck: %s\n", report.Escape(errorText(err)))
	return exitError
}

// flagOf names the flag that sets each field of protocheck.Request that
// the driver's errors and notes name.
var flagOf = map[string]string{
	"Against":        "--against",
	"AgainstTags":    "--against-tags",
	"AgainstHistory": "--against-history",
	"AgainstConfig":  "--against-config",
	"Use":            "--use",
	"Except":         "--except",
}

// flagWords turns the driver's words for Request fields, in the middle of
// its messages, into the flags the user typed. Longer names come first:
// the replacer tries its pairs in order.
var flagWords = strings.NewReplacer(
	"Request.Registry.Offline", "--offline",
	"Request.AgainstConfig", "--against-config",
	"Request.Config", "--config",
	"Request.ExcludePaths", "--exclude-path",
	"Request.Paths", "--path",
	"Request.Against", "--against",
	"using the Request and defaults", "using flags and defaults",
)

// errorText is err's message as the command line says it: naming the
// flags the user typed where the driver names Request fields.
func errorText(err error) string {
	return flagWords.Replace(requestText(err))
}

// requestText is err's message with a RequestError's field named as a flag.
func requestText(err error) string {
	var re *protocheck.RequestError
	var nb *protocheck.NoBaselineError
	switch {
	case errors.Is(err, protocheck.ErrNoTargets):
		return "no .proto files were targeted: --path names no file of the input, or --exclude-path excludes them all"
	case errors.As(err, &nb):
		return fmt.Sprintf("check needs --against: %s, so there is no version to compare with by default", nb.Why)
	case errors.As(err, &re) && flagOf[re.Field] != "":
		// The request error is err itself, or what a prefix wraps.
		named := *re
		named.Field = flagOf[re.Field]
		return strings.Replace(err.Error(), re.Error(), named.Error(), 1)
	}
	return err.Error()
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

// globalFlags are buf's global flags (and --disable-symlinks, a flag of
// buf breaking and buf build), which users pass to protocheck by habit:
// each is taken with buf's meaning (docs/cli.md).
type globalFlags struct {
	timeout         time.Duration // the whole command's; 0 none, buf's default
	debug           bool          // -v, for the commands that have it
	logFormat       string        // text, color or json: protocheck's messages stay text
	disableSymlinks bool          // loader.WithoutSymlinks
	againstRegistry bool          // refused with what to write instead

	cancel context.CancelFunc
	timer  *time.Timer
}

func addGlobalFlags(root *cobra.Command, g *globalFlags) {
	f := root.PersistentFlags()
	f.DurationVar(&g.timeout, "timeout", 0, "stop with exit status 2 after this long (as buf's --timeout; 0, the default, is no limit)")
	f.BoolVar(&g.debug, "debug", false, "buf's name for -v: say which configuration file and versions are used")
	f.StringVar(&g.logFormat, "log-format", "text", "buf's log format (text, color, json): accepted; protocheck's messages on stderr are text, findings follow --format")
	f.BoolVar(&g.disableSymlinks, "disable-symlinks", false, "do not follow symbolic links below a directory input (as buf's --disable-symlinks)")
	f.BoolVar(&g.againstRegistry, "against-registry", false, "")
	_ = f.MarkHidden("against-registry")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return g.apply(cmd) }
}

// apply gives the command what the global flags ask for: a context with
// the deadline and the symlink choice, -v for --debug.
func (g *globalFlags) apply(cmd *cobra.Command) error {
	if g.againstRegistry {
		return errors.New("--against-registry is buf's: protocheck takes the registry module as the baseline, --against buf.build/OWNER/MODULE (docs/migrating-from-buf.md)")
	}
	switch g.logFormat {
	case "text", "color", "json":
	default:
		return fmt.Errorf("--log-format: unknown log format %q (want text, color or json)", g.logFormat)
	}
	if g.timeout < 0 {
		return fmt.Errorf("--timeout %s: want a duration of 0 (no limit) or more", g.timeout)
	}
	if g.debug {
		if v := cmd.Flags().Lookup("verbose"); v != nil {
			_ = v.Value.Set("true")
		}
	}
	ctx := cmd.Context()
	if g.disableSymlinks {
		ctx = loader.WithoutSymlinks(ctx)
	}
	if g.timeout > 0 {
		ctx, g.cancel = context.WithTimeout(ctx, g.timeout)
		// The work returns at the deadline (TestCancelLatency); should a
		// part of it ever not, the process still stops a second later.
		errw := cmd.ErrOrStderr()
		g.timer = time.AfterFunc(g.timeout+time.Second, func() {
			fmt.Fprintf(errw, "protocheck: timed out after %s (--timeout)\n", g.timeout)
			os.Exit(exitError)
		})
	}
	cmd.SetContext(ctx)
	return nil
}

// stop ends the deadline's timer and context once the command is done.
func (g *globalFlags) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
	if g.cancel != nil {
		g.cancel()
	}
}
