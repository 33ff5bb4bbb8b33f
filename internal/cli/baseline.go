package cli

import (
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck"
)

// setBaselines gives the request the versions that --against,
// --against-tags and --against-history name, or, with none of those, what
// git and pre-commit tell a hook, from which the driver infers them.
func (bf baselineFlags) setBaselines(cmd *cobra.Command, req *protocheck.Request) error {
	if bf.againstHistory < 0 || bf.againstHistory == 0 && cmd.Flags().Changed("against-history") {
		// 0 would compare with nothing, or, with no other baseline,
		// quietly check the staged files instead.
		return fmt.Errorf("--against-history: want a positive number of commits, not %d", bf.againstHistory)
	}
	if bf.againstTags != "" {
		// git matches a malformed pattern against nothing: say so,
		// rather than "no tag matches".
		if _, err := path.Match(bf.againstTags, ""); err != nil {
			return fmt.Errorf("--against-tags: malformed pattern %q: %v", bf.againstTags, err)
		}
	}
	req.Against, req.AgainstTags, req.AgainstHistory = bf.against, bf.againstTags, bf.againstHistory
	req.Hook = protocheck.Hook{
		FromRef:      os.Getenv("PRE_COMMIT_FROM_REF"),
		ToRef:        os.Getenv("PRE_COMMIT_TO_REF"),
		IndexFile:    os.Getenv("GIT_INDEX_FILE"),
		RemoteBranch: os.Getenv("PRE_COMMIT_REMOTE_BRANCH"),
		PreCommit:    os.Getenv("PRE_COMMIT") == "1",
		ReflogAction: os.Getenv("GIT_REFLOG_ACTION"),
		Caller:       protocheck.GitCaller,
	}
	return nil
}

// nothingToCompare says why there is nothing to compare and ends the
// command with status 0, when err says so; other errors pass through.
func nothingToCompare(cmd *cobra.Command, err error) error {
	var nothing *protocheck.NothingToCompareError
	if errors.As(err, &nothing) {
		fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s\n", flagWords.Replace(err.Error()))
		return &exitStatus{exitClean}
	}
	return err
}
