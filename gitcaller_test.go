package protocheck

import (
	"os"
	"slices"
	"testing"
)

// TestGitCommandLine reads git command lines as the hooks' callers write
// them: git's own options before the subcommand (the driver reads what
// follows it: TestHookCaller).
func TestGitCommandLine(t *testing.T) {
	tests := []struct {
		argv []string
		sub  string
		_    bool
		_    []string
	}{
		{[]string{"commit", "-m", "x"}, "commit", false, nil},
		{[]string{"commit", "--amend", "--no-edit"}, "commit", true, nil},
		{[]string{"-C", "repo", "-c", "user.name=a", "commit", "--am", "-m", "x"}, "commit", true, nil},
		{[]string{"--git-dir", ".git", "commit", "--amend", "--no-amend"}, "commit", false, nil},
		{[]string{"commit", "-m", "msg", "--", "--amend"}, "commit", false, nil},
		{[]string{"ci", "--amend"}, "ci", true, nil}, // an alias of commit
		{[]string{"merge", "--no-edit", "main"}, "merge", false, []string{"main"}},
		{[]string{"merge", "-m", "merge it", "-s", "ort", "-X", "theirs", "a", "b"}, "merge", false, []string{"a", "b"}},
		{[]string{"merge", "-q", "--no-edit", "FETCH_HEAD"}, "merge", false, []string{"FETCH_HEAD"}},
		{[]string{"rebase", "--amend"}, "rebase", false, nil},
		{nil, "", false, nil},
	}
	for _, tt := range tests {
		sub, args := gitSubcommand(tt.argv)
		if sub != tt.sub {
			t.Errorf("gitSubcommand(%q) = %q, want %q", tt.argv, sub, tt.sub)
		}
		if got := append([]string{sub}, args...); sub != "" && !slices.Equal(got, tt.argv[len(tt.argv)-len(got):]) {
			t.Errorf("gitSubcommand(%q) = %q, want the tail of the command line", tt.argv, got)
		}
	}
}

// TestGitCallerNone: a process that no git runs (the test itself) has no
// git caller, so nothing is taken for an amend.
func TestGitCallerNone(t *testing.T) {
	if os.Getenv("GIT_EXEC_PATH") != "" {
		t.Skip("run by git (a hook): git is the caller")
	}
	if sub, args := GitCaller(); sub != "" {
		t.Errorf("GitCaller() = %q %q, want none", sub, args)
	}
}
