package cli

import (
	"fmt"

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
			err = protocheck.WriteSnapshot(cmd.Context(), protocheck.Request{Plan: &protocheck.Plan{New: in}, IncludePaths: includes}, out)
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
