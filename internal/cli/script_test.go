package cli_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/protocheck/protocheck/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the files that scripts compare output with")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"protocheck": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs the command as a user types it: each script under
// testdata/script asserts exit status, stdout and stderr.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The bundled example, so scripts check what the README shows.
			env.Setenv("DEMO", filepath.Join(root, "testdata", "demo"))
			env.Setenv("NO_COLOR", "1")
			// Git needs an identity and no user configuration.
			env.Setenv("GIT_AUTHOR_NAME", "t")
			env.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "t")
			env.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(env.WorkDir, ".gitconfig-none"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "git":
				_, err := exec.LookPath("git")
				return err == nil, nil
			case "root": // root reads files whatever their mode
				return os.Geteuid() == 0, nil
			}
			return false, nil
		},
		UpdateScripts: *update,
	})
}
