package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/loader"
)

// baselineFlags name the versions that check compares the input with.
type baselineFlags struct {
	against        []string
	againstTags    string
	againstHistory int
	updateSnapshot string
}

func addBaselineFlags(cmd *cobra.Command, bf *baselineFlags) {
	f := cmd.Flags()
	f.StringArrayVar(&bf.against, "against", nil, "a version to compare with; repeat to compare with several (default: in a git repository, HEAD against the staged files)")
	f.StringVar(&bf.againstTags, "against-tags", "", "also compare with every git tag matching `GLOB` (such as 'v*'), in semantic version order")
	f.IntVar(&bf.againstHistory, "against-history", 0, "also compare with the last `N` commits that changed the input")
	f.StringVar(&bf.updateSnapshot, "update-snapshot", "", "when the check passes, write the input as a snapshot to `FILE` (see 'protocheck snapshot')")
}

// checkBaselines returns the input and the versions to compare it with:
// each --against, the tags and commits --against-tags and --against-history
// select, or, with none of those, the baseline a pre-commit hook needs.
//
// quiet keeps check from saying which versions it picked without
// --against.
func checkBaselines(cmd *cobra.Command, input string, bf baselineFlags, quiet bool) (protocheck.Plan, error) {
	if bf.againstHistory < 0 || bf.againstHistory == 0 && cmd.Flags().Changed("against-history") {
		// 0 would compare with nothing, or, with no other baseline,
		// quietly check the staged files instead.
		return protocheck.Plan{}, fmt.Errorf("--against-history: want a positive number of commits, not %d", bf.againstHistory)
	}
	if bf.againstTags != "" {
		// git matches a malformed pattern against nothing: say so,
		// rather than "no tag matches".
		if _, err := path.Match(bf.againstTags, ""); err != nil {
			return protocheck.Plan{}, fmt.Errorf("--against-tags: malformed pattern %q: %v", bf.againstTags, err)
		}
	}
	if len(bf.against) == 0 && bf.againstTags == "" && bf.againstHistory == 0 {
		return checkPlan(cmd, input, quiet)
	}
	newIn, bases, err := againstBaselines(cmd, input, bf)
	return protocheck.Plan{New: newIn, Baselines: bases}, err
}

// againstBaselines returns the input and the versions that --against,
// --against-tags and --against-history name.
func againstBaselines(cmd *cobra.Command, input string, bf baselineFlags) (loader.Input, []protocheck.Baseline, error) {
	newIn, err := loader.ParseInput(input)
	if err != nil {
		return newIn, nil, err
	}
	var bases []protocheck.Baseline
	for _, a := range bf.against {
		in, err := loader.ParseInput(a)
		if err != nil {
			return newIn, nil, fmt.Errorf("--against: %w", err)
		}
		bases = append(bases, protocheck.Baseline{Input: in, Label: a})
	}
	if bf.againstTags == "" && bf.againstHistory == 0 {
		return newIn, bases, nil
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	repo, sub, _, err := inputRepo(ctx, input)
	if err != nil {
		if errors.Is(err, loader.ErrNoGit) {
			flag := "--against-tags"
			if bf.againstTags == "" {
				flag = "--against-history"
			}
			return newIn, nil, fmt.Errorf("%s: git is not installed or not on PATH: protocheck reads tags and history through it", flag)
		}
		return newIn, nil, err
	}
	var revs []protocheck.Baseline
	if bf.againstTags != "" {
		tags, err := repo.Tags(ctx, bf.againstTags)
		if err != nil {
			return newIn, nil, fmt.Errorf("--against-tags: %w", err)
		}
		if len(tags) == 0 {
			return newIn, nil, fmt.Errorf("--against-tags: no tag matches %q", bf.againstTags)
		}
		for _, t := range tags {
			revs = append(revs, protocheck.Baseline{Input: loader.Input{
				Kind: loader.Git, Path: repo.Root(), RefKind: "tag", Ref: t, Subdir: sub,
				Raw: ".git#tag=" + t + subdirOption(sub),
			}, Label: t})
		}
	}
	if bf.againstHistory > 0 {
		path := sub
		if path == "" {
			path = "."
		}
		commits, err := repo.History(ctx, "HEAD", bf.againstHistory, path)
		if err != nil {
			return newIn, nil, fmt.Errorf("--against-history: %w", err)
		}
		if len(commits) < bf.againstHistory {
			// A shallow clone (CI checks out one commit by default)
			// ends its history early: comparing with what it has would
			// check less than was asked, without a word.
			if repo.IsShallow(ctx) {
				return newIn, nil, fmt.Errorf("--against-history %d: the repository is a shallow clone and holds %s that changed %s; run \"git fetch --unshallow\" to fetch the full history",
					bf.againstHistory, plural(len(commits), "commit"), path)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: --against-history %d: only %s changed %s\n", bf.againstHistory, plural(len(commits), "commit"), path)
		}
		for _, c := range commits {
			revs = append(revs, protocheck.Baseline{Input: loader.Input{
				Kind: loader.Git, Path: repo.Root(), RefKind: "commit", Ref: c, Subdir: sub,
				Raw: ".git#commit=" + c + subdirOption(sub),
			}, Label: c[:min(12, len(c))]})
		}
	}
	// A release made before the schema existed has nothing to break.
	for _, b := range revs {
		if !repo.HasProto(ctx, b.Input.Ref, sub) {
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: skipping %s: it holds no .proto files\n", b.Label)
			continue
		}
		bases = append(bases, b)
	}
	if len(bases) == 0 {
		return newIn, nil, fmt.Errorf("no baseline holds the schema: nothing to compare with")
	}
	return newIn, bases, nil
}

// writeSnapshot writes the input's schema to name, replacing the file
// whole so that a failed write never leaves half a snapshot. The temporary
// file it writes first is made before compiling, so that a directory it
// cannot write to is said at once, and it is removed on every way out,
// SIGINT and SIGTERM included. Errors name the file asked for.
func writeSnapshot(ctx context.Context, req protocheck.Request, name string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".snapshot-*")
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	defer onInterrupt.add(cleanup)()
	defer cleanup()
	data, err := protocheck.Snapshot(ctx, req)
	var le *protocheck.LoadError
	if errors.As(err, &le) {
		return le.Err
	}
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapLink(err))
	}
	return nil
}

// unwrapLink drops the two paths of an *os.LinkError (a rename's), one of
// them a temporary file's: the caller names the file.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func newSnapshotCmd() *cobra.Command {
	var out string
	var includes []string
	cmd := &cobra.Command{
		Use:   "snapshot [INPUT] -o FILE.binpb",
		Short: "Write a schema as a descriptor set to check against later",
		Long: `snapshot compiles INPUT (default ".") and writes it, with source info and
imports, as a FileDescriptorSet: a lock file for repositories that would
rather commit the schema they promised than trust git history. The same
schema always gives the same bytes. Check against it with
--against FILE.binpb; refresh it with check --update-snapshot FILE.binpb,
which writes only when the check passes.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("snapshot needs -o FILE")
			}
			input := "."
			if len(args) == 1 {
				input = args[0]
			}
			in, err := loader.ParseInput(input)
			if err != nil {
				return err
			}
			err = writeSnapshot(cmd.Context(), protocheck.Request{Plan: &protocheck.Plan{New: in}, IncludePaths: includes}, out)
			if err != nil {
				return reportLoadError(cmd, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write")
	cmd.Flags().StringSliceVarP(&includes, "include", "I", nil, "directories to search for imports the input does not hold")
	return cmd
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
