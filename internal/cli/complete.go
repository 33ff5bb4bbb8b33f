package cli

import (
	"io"
	"os"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/compat"
)

// addCompletions registers shell completions for the flags that take a
// category, rule id, direction or severity on every command that has them,
// and for explain's RULE_ID.
func addCompletions(root *cobra.Command) {
	for _, cmd := range root.Commands() {
		for name, fn := range map[string]cobra.CompletionFunc{
			"use":       completeRules,
			"except":    completeRules,
			"direction": completeDirection,
			"fail-on":   completeSeverity,
		} {
			if cmd.Flags().Lookup(name) != nil {
				// An error means the command registered its own.
				_ = cmd.RegisterFlagCompletionFunc(name, fn)
			}
		}
		if cmd.Name() == "explain" {
			cmd.ValidArgsFunction = completeRuleID
		}
		if cmd.Name() == "completion" {
			for _, sh := range cmd.Commands() {
				if sh.Name() == "bash" {
					sh.RunE = bashCompletion
				}
			}
		}
	}
}

// bashMatch is the line of cobra's bash script (v1.10) that keeps the
// completions, with descriptions, that start with the word typed. It
// compares the completion quoted by printf %q, which puts a backslash
// before a comma, with the word as typed: "FILE,WI" never matches
// "FILE\,WIRE", so the second element of a --use list completed to nothing.
const bashMatch = `[[ $comp == "$cur"* ]] || continue`

// bashCompletion writes cobra's bash completion script, with a completion
// that starts with the word typed also kept as it is, unquoted.
func bashCompletion(cmd *cobra.Command, _ []string) error {
	var b strings.Builder
	noDesc, _ := cmd.Flags().GetBool("no-descriptions")
	if err := cmd.Root().GenBashCompletionV2(&b, !noDesc); err != nil {
		return err
	}
	script := strings.Replace(b.String(), bashMatch,
		`[[ $comp == "$cur"* || ${compline%%$tab*} == "$cur"* ]] || continue`, 1)
	_, err := io.WriteString(cmd.OutOrStdout(), script)
	return err
}

// completeRules offers categories and rule ids for the last element of a
// comma-separated list, keeping the elements before it.
func completeRules(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	i := strings.LastIndex(toComplete, ",")
	done, last := toComplete[:i+1], strings.ToUpper(toComplete[i+1:])
	var out []cobra.Completion
	for _, c := range compat.Categories() {
		if strings.HasPrefix(string(c), last) {
			out = append(out, cobra.CompletionWithDesc(done+string(c), "category"))
		}
	}
	for _, r := range compat.Rules() {
		if strings.HasPrefix(r.ID, last) {
			out = append(out, cobra.CompletionWithDesc(done+r.ID, r.Summary()))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeRuleID offers the rule ids with their summaries.
func completeRuleID(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, r := range compat.Rules() {
		if strings.HasPrefix(r.ID, strings.ToUpper(toComplete)) {
			out = append(out, cobra.CompletionWithDesc(r.ID, r.Summary()))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func completeDirection(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{
		cobra.CompletionWithDesc(compat.Backward.String(), "new readers, old data"),
		cobra.CompletionWithDesc(compat.Forward.String(), "old readers, new data"),
		cobra.CompletionWithDesc(compat.Both.String(), "both"),
	}, cobra.ShellCompDirectiveNoFileComp
}

func completeSeverity(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{
		cobra.CompletionWithDesc(compat.Error.String(), "fail on breaking changes only"),
		cobra.CompletionWithDesc(compat.Warning.String(), "fail on hazards too"),
	}, cobra.ShellCompDirectiveNoFileComp
}

// fileCompletions lists the files and directories whose path starts with
// toComplete, directories with a trailing slash: what the shell would offer,
// for a flag that offers more than files. Hidden entries show only when
// toComplete names them.
func fileCompletions(toComplete string) (out []cobra.Completion, hasDir bool) {
	dir, base := path.Split(toComplete)
	entries, err := os.ReadDir(dirOrDot(dir))
	if err != nil {
		return nil, false
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		if isDir(e, dir) {
			out = append(out, dir+name+"/")
			hasDir = true
		} else {
			out = append(out, dir+name)
		}
	}
	return out, hasDir
}

func dirOrDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// isDir reports whether entry e of directory dir is a directory, following
// a symbolic link.
func isDir(e os.DirEntry, dir string) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(path.Join(dirOrDot(dir), e.Name()))
	return err == nil && fi.IsDir()
}
