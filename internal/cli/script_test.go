package cli_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/protocheck/protocheck/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the files that scripts compare output with")

func TestMain(m *testing.M) {
	// The loader's cache of files (PROTOCHECK_CACHE_DIR) in a directory
	// of the tests' own, shared by every test of the process, so that
	// tests that compare the default mode with --full see its entries.
	// Not when this binary runs as a script's protocheck: the script
	// names its own (scriptEnv).
	var cache string
	if filepath.Base(os.Args[0]) != "protocheck" {
		var err error
		if cache, err = os.MkdirTemp("", "protocheck-cache-"); err != nil {
			panic(err)
		}
		os.Setenv("PROTOCHECK_CACHE_DIR", cache)
	}
	testscript.Main(removing{m, cache}, map[string]func(){
		// As cmd/protocheck's main.
		"protocheck": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := cli.Main(ctx)
			stop()
			os.Exit(code)
		},
	})
}

// removing runs the tests, then removes a directory.
type removing struct {
	m   *testing.M
	dir string
}

func (r removing) Run() int {
	code := r.m.Run()
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
	return code
}

// TestScripts runs the command as a user types it: each script under
// testdata/script asserts exit status, stdout and stderr.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := goEnvironment(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			scriptEnv(env, root, goEnv)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":     serve,
			"bufmodule": bufModule,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "git":
				_, err := exec.LookPath("git")
				return err == nil, nil
			case "root": // root reads files whatever their mode
				return os.Geteuid() == 0, nil
			case "go":
				return goEnv != nil, nil
			case "buf": // under CI, a missing buf fails the script instead of skipping it
				_, err := exec.LookPath("buf")
				return err == nil || os.Getenv("CI") != "", nil
			}
			return false, nil
		},
		UpdateScripts: *update,
	})
}

// scriptEnv sets what every script runs with: the repository's root and
// demo, git without the user's configuration, buf without the user's cache
// or token, and goEnv.
func scriptEnv(env *testscript.Env, root string, goEnv map[string]string) {
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
	// buf's module cache: each script its own, empty, so that no
	// script reads what the user's buf downloaded or asks a
	// registry with the user's token.
	env.Setenv("BUF_CACHE_DIR", filepath.Join(env.WorkDir, ".cache", "buf"))
	env.Setenv("BUF_TOKEN", "")
	// The loader's cache of files: each script its own.
	env.Setenv("PROTOCHECK_CACHE_DIR", filepath.Join(env.WorkDir, ".cache", "protocheck"))
	// The repository, for scripts that run its scripts or build it.
	env.Setenv("ROOT", root)
	for k, v := range goEnv {
		env.Setenv(k, v)
	}
}

// goEnvironment returns what go needs to build in a script, whose HOME is
// not writable: the build and module caches of the test's own go, and no
// proxy, so that a script builds from the modules the test was built with.
// It returns nil when go is not on PATH.
func goEnvironment(t *testing.T) map[string]string {
	if _, err := exec.LookPath("go"); err != nil {
		return nil
	}
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOFLAGS", "GOTOOLCHAIN").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	env := map[string]string{}
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("go env: %v", err)
	}
	env["GOPROXY"] = "off"
	// The platform the test runs on, as release archives name it.
	env["PLATFORM"] = runtime.GOOS + "/" + runtime.GOARCH
	return env
}

// serve starts an HTTP server on the loopback interface that serves the
// files of a directory, and sets SERVER to its URL until the script ends:
// serve DIR.
func serve(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: serve DIR")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
	ts.Defer(srv.Close)
	ts.Setenv("SERVER", srv.URL)
}
