package protocheck

import (
	"slices"
	"testing"
)

// TestHookCaller reads what the git command that runs a hook says after
// its subcommand, as Hook.Caller gives it: --amend spelled as git takes
// it, and the commits a merge names among its options.
func TestHookCaller(t *testing.T) {
	tests := []struct {
		sub    string
		args   []string
		amend  bool
		merged []string
	}{
		{"commit", []string{"-m", "x"}, false, nil},
		{"commit", []string{"--amend", "--no-edit"}, true, nil},
		{"commit", []string{"--am", "-m", "x"}, true, nil},
		{"commit", []string{"--amend", "--no-amend"}, false, nil},
		{"commit", []string{"-m", "msg", "--", "--amend"}, false, nil},
		{"ci", []string{"--amend"}, true, nil}, // an alias of commit
		{"merge", []string{"--no-edit", "main"}, false, []string{"main"}},
		{"merge", []string{"-m", "merge it", "-s", "ort", "-X", "theirs", "a", "b"}, false, []string{"a", "b"}},
		{"merge", []string{"-q", "--no-edit", "FETCH_HEAD"}, false, []string{"FETCH_HEAD"}},
		{"rebase", []string{"--amend"}, false, nil},
		{"", nil, false, nil},
	}
	for _, tt := range tests {
		if amend, _ := amends(tt.sub, tt.args); amend != tt.amend {
			t.Errorf("amends(%q, %q) = %v, want %v", tt.sub, tt.args, amend, tt.amend)
		}
		if tt.sub == "merge" {
			if got := mergeArgs(tt.args); !slices.Equal(got, tt.merged) {
				t.Errorf("mergeArgs(%q) = %q, want %q", tt.args, got, tt.merged)
			}
		}
	}
}
