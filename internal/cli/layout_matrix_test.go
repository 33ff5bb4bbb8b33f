package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/protocheck/protocheck/internal/buftest"
)

// TestLayoutMatrix builds repository layouts as teams build them (git
// histories, buf.yaml v1 and v2, buf.work.yaml, excludes, subdirectory and
// single-file inputs, symbolic links, directories named like
// repositories) and runs buf breaking and protocheck check on each with the
// same arguments, from the same directory: each script under
// testdata/layout is a layout, each `breaking` line in it a case. The
// command fails unless both tools end the same way (no findings, findings,
// or could not run) with the same findings (rule, file, line, column), or
// the case names the difference, which docs/differences-from-buf.md must
// give with its reason. buf is required: without it the test skips, and in
// CI it fails.
//
// A case reads
//
//	breaking [-differ REASON] ARGS...
//
// and prints what both tools found (or, with -differ, what each found),
// which the script compares with cmp, and protocheck's stderr:
//
//	findings
//	FIELD_NO_DELETE a/a.proto:4:1
//	FILE_NO_DELETE deleted "b.proto"
//
// A deleted file or package is given by the name in the message: buf gives
// it no path.
func TestLayoutMatrix(t *testing.T) {
	bufPath := buftest.Require(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "differences-from-buf.md"))
	if err != nil {
		t.Fatal(err)
	}
	var same, differ atomic.Int32
	var bufTime, ourTime atomic.Int64 // nanoseconds, summed over the cases
	breaking := func(ts *testscript.TestScript, neg bool, args []string) {
		if neg {
			ts.Fatalf("usage: breaking [-differ REASON] ARGS...")
		}
		fs := flag.NewFlagSet("breaking", flag.ContinueOnError)
		reason := fs.String("differ", "", "why protocheck differs from buf on purpose")
		ts.Check(fs.Parse(args))
		args = fs.Args()
		for _, a := range args {
			if a == ".git" || strings.HasSuffix(a, "/.git") {
				// In a script, an unquoted # starts a comment.
				ts.Fatalf("breaking: %s: quote an argument with # in it", a)
			}
		}
		start := time.Now()
		theirs, bufStderr := runLayoutTool(ts, bufPath, append([]string{"breaking"}, args...), func(code int) string {
			switch code {
			case 0:
				return "no findings"
			case 100:
				return "findings"
			}
			return "error"
		})
		bufTime.Add(int64(time.Since(start)))
		if bufStderr != "" {
			ts.Logf("[buf stderr]\n%s", bufStderr)
		}
		start = time.Now()
		ours, ourStderr := runLayoutTool(ts, "protocheck", append([]string{"check"}, args...), func(code int) string {
			switch code {
			case 0:
				return "no findings"
			case 1:
				return "findings"
			}
			return "error"
		})
		ourTime.Add(int64(time.Since(start)))
		// What protocheck said besides, for the script to assert: the
		// command's stderr, which the log shows once.
		fmt.Fprint(ts.Stderr(), ourStderr)
		if *reason == "" {
			if theirs != ours {
				ts.Fatalf("buf and protocheck differ on %s\nbuf:\n%sprotocheck:\n%s", strings.Join(args, " "), theirs, ours)
			}
			same.Add(1)
			fmt.Fprint(ts.Stdout(), ours)
			return
		}
		if theirs == ours {
			ts.Fatalf("buf and protocheck agree on %s, which is said to differ (%s):\n%s", strings.Join(args, " "), *reason, ours)
		}
		if !bytes.Contains(bytes.Join(bytes.Fields(doc), []byte(" ")), []byte(*reason)) {
			ts.Fatalf("docs/differences-from-buf.md does not give the reason %q", *reason)
		}
		differ.Add(1)
		fmt.Fprintf(ts.Stdout(), "buf: %sprotocheck: %s", theirs, ours)
	}
	// After the scripts, which run in parallel once this returns.
	t.Cleanup(func() {
		t.Logf("%d cases agree with buf, %d differ on purpose; buf ran for %v, protocheck for %v",
			same.Load(), differ.Load(), time.Duration(bufTime.Load()).Round(time.Millisecond), time.Duration(ourTime.Load()).Round(time.Millisecond))
	})
	testscript.Run(t, testscript.Params{
		Dir: "testdata/layout",
		Setup: func(env *testscript.Env) error {
			scriptEnv(env, root, nil)
			// The buf found, for scripts that build images with it.
			env.Setenv("PATH", filepath.Dir(bufPath)+string(filepath.ListSeparator)+env.Getenv("PATH"))
			env.Setenv("HOME", filepath.Join(env.WorkDir, ".home"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"breaking": breaking,
		},
	})
}

// runLayoutTool runs a tool with JSON output in the script's directory and
// returns how it ended, in class's words, then its findings, one a line,
// sorted; and what it wrote on stderr. The stderr goes to a file, not to
// ts.Exec's log: the caller shows it once, where testscript would log
// protocheck's twice (ts.Exec's, then the breaking command's own).
func runLayoutTool(ts *testscript.TestScript, program string, args []string, class func(code int) string) (string, string) {
	errFile := filepath.Join(ts.Getenv("WORK"), ".layout-stderr")
	err := ts.Exec("sh", append([]string{"-c", `"$0" "$@" 2>"` + errFile + `"`, program}, append(args, "--error-format", "json")...)...)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", program, err)
	}
	stderr := ts.ReadFile(errFile)
	stdout := ts.ReadFile("stdout")
	ts.Logf("%s %q: exit %d", filepath.Base(program), args, code)
	outcome := class(code)
	var lines []string
	for line := range strings.Lines(stdout) {
		var f struct {
			Path        string `json:"path"`
			StartLine   int    `json:"start_line"`
			StartColumn int    `json:"start_column"`
			Type        string `json:"type"`
			Message     string `json:"message"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			ts.Fatalf("%s: %v: %s", program, err, line)
		}
		if f.Type == "COMPILE" {
			// buf reports a compile error as a finding, with status 100:
			// it could not compare.
			outcome = "error"
			continue
		}
		if f.Type == "FILE_NO_DELETE" || f.Type == "PACKAGE_NO_DELETE" {
			lines = append(lines, fmt.Sprintf("%s deleted %s\n", f.Type, quoted.FindString(f.Message)))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s:%d:%d\n", f.Type, f.Path, f.StartLine, f.StartColumn))
	}
	if outcome == "error" {
		// What could not run prints no findings worth comparing.
		return outcome + "\n", stderr
	}
	slices.Sort(lines)
	return outcome + "\n" + strings.Join(lines, ""), stderr
}

var quoted = regexp.MustCompile(`"[^"]*"`)
