package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/loader"
)

// errNoBaseline says why check could not pick a version to compare with.
// It reads as a usage error: the user must give --against.
type errNoBaseline struct{ why string }

func (e *errNoBaseline) Error() string {
	return "check needs --against: " + e.why + ", so there is no version to compare with by default"
}

// errNothingToCompare says that the baseline does not hold the schema yet
// (the first commit that adds it): nothing can break, and a pre-commit hook
// must not block that commit.
type errNothingToCompare struct{ why string }

func (e *errNothingToCompare) Error() string { return e.why }

// inferBaseline picks the two versions to compare when --against is not
// given, as a pre-commit hook needs:
//
//   - with PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF set (pre-commit sets
//     them for `pre-commit run --from-ref A --to-ref B` and for pre-push
//     hooks), the input at TO against the input at FROM;
//   - otherwise the files staged for the next commit against HEAD, which is
//     what a commit is about to change.
//
// input must be a directory in a git repository; the repository's path to
// it becomes the subdir of both git inputs. GIT_DIR and GIT_INDEX_FILE,
// which git sets while it runs hooks, reach git untouched.
func inferBaseline(ctx context.Context, input string) (newIn, oldIn loader.Input, err error) {
	repo, sub, err := inputRepo(ctx, input)
	if err != nil {
		return newIn, oldIn, err
	}
	from, to := os.Getenv("PRE_COMMIT_FROM_REF"), os.Getenv("PRE_COMMIT_TO_REF")
	if from != "" && to != "" {
		newIn, err = revisionInput(repo.Root(), to, sub)
		if err == nil {
			oldIn, err = revisionInput(repo.Root(), from, sub)
		}
		return newIn, oldIn, err
	}
	// The staged files against HEAD. Before the first commit, or the first
	// commit that holds .proto files here, there is nothing to break.
	if _, err := repo.Resolve(ctx, "HEAD"); err != nil {
		return newIn, oldIn, &errNothingToCompare{"no commit yet: nothing to compare the staged files with"}
	}
	if !repo.HasProto(ctx, "HEAD", sub) {
		where := "HEAD"
		if sub != "" {
			where += ":" + sub
		}
		return newIn, oldIn, &errNothingToCompare{"no .proto files in " + where + ": nothing to compare the staged files with"}
	}
	oldIn, err = revisionInput(repo.Root(), "HEAD", sub)
	if err != nil {
		return newIn, oldIn, err
	}
	newIn = loader.StagedInput(repo.Root(), sub)
	newIn.Raw = ".git#index" + subdirOption(sub)
	return newIn, oldIn, nil
}

// inputRepo finds the git repository that holds the directory input, and
// the input's path within it, which git inputs take as their subdir.
func inputRepo(ctx context.Context, input string) (*loader.Repository, string, error) {
	in, err := loader.ParseInput(input)
	if err != nil {
		return nil, "", err
	}
	if !in.IsDirectory() {
		return nil, "", &errNoBaseline{fmt.Sprintf("%s is not a directory of a git repository", input)}
	}
	dir, err := filepath.Abs(in.Path)
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("input %s: %s does not exist", input, in.Path)
		}
		return nil, "", fmt.Errorf("input %s: %w", input, unwrapPath(err))
	}
	repo, err := loader.OpenRepository(ctx, dir)
	if err != nil {
		if errors.Is(err, loader.ErrNotRepository) {
			return nil, "", &errNoBaseline{input + " is not in a git repository"}
		}
		if errors.Is(err, loader.ErrNoGit) {
			return nil, "", err // not a question of --against
		}
		return nil, "", &errNoBaseline{fmt.Sprintf("%s is not in a git repository git can read (%v)", input, err)}
	}
	if repo.Root() == "" {
		return nil, "", &errNoBaseline{input + " is in a git repository without a work tree"}
	}
	root, err := filepath.EvalSymlinks(repo.Root())
	if err != nil {
		root = repo.Root()
	}
	sub, err := filepath.Rel(root, dir)
	if err != nil || sub == ".." || strings.HasPrefix(sub, ".."+string(filepath.Separator)) {
		return nil, "", &errNoBaseline{fmt.Sprintf("%s is outside the work tree of %s", input, repo.Root())}
	}
	sub = filepath.ToSlash(sub)
	if sub == "." {
		sub = ""
	}
	return repo, sub, nil
}

// revisionInput is the git input for rev, written for messages as the user
// would write it.
func revisionInput(repo, rev, sub string) (loader.Input, error) {
	if strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, ",#") {
		return loader.Input{}, fmt.Errorf("git revision %q cannot be compared: it starts with '-' or holds ',' or '#'", rev)
	}
	return loader.Input{
		Kind: loader.Git, Path: repo, RefKind: "ref", Ref: rev, Subdir: sub,
		Raw: ".git#ref=" + rev + subdirOption(sub),
	}, nil
}

func subdirOption(sub string) string {
	if sub == "" {
		return ""
	}
	return ",subdir=" + sub
}

// checkInputs returns the versions that check compares: the input and
// --against as written, or, without --against, those inferBaseline picks.
// When the baseline holds no schema yet it says so on stderr and ends the
// command with status 0.
func checkInputs(cmd *cobra.Command, input, against string) (newIn, oldIn loader.Input, err error) {
	if against != "" {
		newIn, err = loader.ParseInput(input)
		if err != nil {
			return newIn, oldIn, err
		}
		oldIn, err = loader.ParseInput(against)
		if err != nil {
			return newIn, oldIn, fmt.Errorf("--against: %w", err)
		}
		return newIn, oldIn, nil
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	newIn, oldIn, err = inferBaseline(ctx, input)
	var nothing *errNothingToCompare
	if errors.As(err, &nothing) {
		fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %v\n", err)
		return newIn, oldIn, &exitStatus{exitClean}
	}
	return newIn, oldIn, err
}
