package protocheck_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/report"
)

// TestScripts runs the CLI's scripts (internal/cli/testdata/script) through
// the driver: each `exec protocheck check ARGS` becomes a Request, and what
// the script asserts of stdout (cmp stdout FILE, stdout REGEXP) and of the
// exit status must hold for the Result written as text: what the command
// prints, minus the printing. The setup steps a script takes (cp, rm,
// mkdir, cd, exec git, exec cp) are taken too. A script is followed up to
// the first step this reader does not take (another command, an env
// variable, a condition other than [!git] skip): what follows may depend
// on it. A check with flags that are not the driver's (--format other
// than text, --output, --prove, --verbose) runs, but its output is not
// compared.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("internal/cli/testdata/script/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	demo, err := filepath.Abs("testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			compared += runScript(t, file, demo)
		})
	}
	// The reader must keep up with the scripts: most of them are plain
	// checks on files.
	t.Logf("%d assertions compared", compared)
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" && compared < 100 {
		t.Errorf("%d assertions compared, want at least 100", compared)
	}
}

// scriptRun is the state of one script: where it is, and what the last
// check gave.
type scriptRun struct {
	t       *testing.T
	work    string
	dir     string
	demo    string
	env     map[string]string // what the script set with env
	stdout  *string           // nil: the last command's output is not compared
	checked int
}

func runScript(t *testing.T, file, demo string) int {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(work, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GIT_AUTHOR_NAME", "t")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "t")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(work, ".gitconfig-none"))
	t.Setenv("HOME", work)
	s := &scriptRun{t: t, work: work, dir: work, demo: demo, env: map[string]string{}}
	for i, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !s.step(line) {
			t.Logf("line %d: %s: not followed further", i+1, line)
			break
		}
	}
	return s.checked
}

// step takes one line of a script, and reports whether the script can be
// followed past it.
func (s *scriptRun) step(line string) bool {
	t := s.t
	neg := false
	if rest, ok := strings.CutPrefix(line, "! "); ok {
		neg, line = true, rest
	}
	if cond, ok := strings.CutPrefix(line, "["); ok {
		// [!git] skip, [!exec:bash] stop, [windows] skip 'why': the
		// conditions of this machine.
		cond, rest, _ := strings.Cut(cond, "]")
		verb := strings.Fields(rest)
		if len(verb) == 0 || verb[0] != "skip" && verb[0] != "stop" {
			return false
		}
		not := strings.HasPrefix(cond, "!")
		cond = strings.TrimPrefix(cond, "!")
		holds := false
		switch {
		case cond == "git" || strings.HasPrefix(cond, "exec:"):
			_, err := exec.LookPath(strings.TrimPrefix(cond, "exec:"))
			holds = err == nil
		case cond == "windows" || cond == "root" || cond == "buf" || cond == "go":
			holds = false
		default:
			return false
		}
		return holds == not
	}
	args := splitArgs(strings.NewReplacer("$WORK", s.work, "$DEMO", s.demo).Replace(line))
	if len(args) == 0 || strings.HasPrefix(args[0], "[") {
		return false
	}
	path := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(s.dir, p)
	}
	switch {
	case args[0] == "cd" && len(args) == 2:
		s.dir = path(args[1])
	case args[0] == "mkdir":
		for _, a := range args[1:] {
			if err := os.MkdirAll(path(a), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	case args[0] == "rm":
		for _, a := range args[1:] {
			os.RemoveAll(path(a))
		}
	case args[0] == "cp" && len(args) == 3 && args[1] != "stdout" && args[1] != "stderr":
		data, err := os.ReadFile(path(args[1]))
		if err != nil {
			t.Fatal(err)
		}
		dst := path(args[2])
		if st, err := os.Stat(dst); err == nil && st.IsDir() {
			dst = filepath.Join(dst, filepath.Base(args[1]))
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	case args[0] == "exec" && len(args) > 1 && (args[1] == "git" || args[1] == "cp"):
		cmd := exec.Command(args[1], args[2:]...)
		cmd.Dir = s.dir
		if out, err := cmd.CombinedOutput(); (err != nil) != neg {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	case args[0] == "exec" && len(args) > 2 && args[1] == "protocheck" && args[2] == "check":
		return s.check(line, neg, args[3:])
	case args[0] == "cmp" && len(args) == 3 && args[1] == "stdout":
		if s.stdout != nil {
			want, err := os.ReadFile(path(args[2]))
			if err != nil {
				t.Fatal(err)
			}
			if *s.stdout != string(want) {
				t.Errorf("%s: the driver gives\n%s\nthe script wants\n%s", line, *s.stdout, want)
			}
			s.checked++
		}
	case args[0] == "stdout" && len(args) == 2:
		if s.stdout != nil {
			re, err := regexp.Compile("(?m)" + args[1])
			if err != nil {
				t.Fatal(err)
			}
			if re.MatchString(*s.stdout) == neg {
				t.Errorf("%s: the driver gives\n%s", line, *s.stdout)
			}
			s.checked++
		}
	case args[0] == "symlink" && len(args) == 4 && args[2] == "->":
		if err := os.Symlink(args[3], path(args[1])); err != nil {
			t.Fatal(err)
		}
	case args[0] == "env" && len(args) == 2 && strings.Contains(args[1], "="):
		k, v, _ := strings.Cut(args[1], "=")
		s.env[k] = v
		t.Setenv(k, v) // for git; the driver reads none, Request.Hook gives them
	case args[0] == "stderr" || args[0] == "cmp" || args[0] == "exists":
		// What the command prints besides findings is the CLI's.
	default:
		return false
	}
	return true
}

// check runs the driver on the arguments of protocheck check.
func (s *scriptRun) check(line string, neg bool, args []string) bool {
	t := s.t
	req := protocheck.Request{Registry: protocheck.Registry{Env: map[string]string{"BUF_CACHE_DIR": filepath.Join(s.work, ".cache", "buf")}}}
	compare := true
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		takes := func() string {
			if hasValue {
				return value
			}
			i++
			if i == len(args) {
				t.Fatalf("%s: %s needs a value", line, name)
			}
			return args[i]
		}
		list := func() []string { return strings.Split(takes(), ",") }
		switch name {
		case "--against":
			req.Against = append(req.Against, takes())
		case "--use":
			req.Use = append(req.Use, list()...)
		case "--except":
			req.Except = append(req.Except, list()...)
		case "--config":
			req.Config = takes()
		case "--against-config":
			req.AgainstConfig = takes()
		case "--path":
			req.Paths = append(req.Paths, list()...)
		case "--exclude-path":
			req.ExcludePaths = append(req.ExcludePaths, list()...)
		case "-I", "--include":
			req.IncludePaths = append(req.IncludePaths, list()...)
		case "--limit-to-input-files":
			req.LimitToInputFiles = true
		case "--exclude-imports":
			req.ExcludeImports = true
		case "--full":
			req.Full = true
		case "--offline":
			req.Registry.Offline = true
		case "--direction":
			d, err := compat.ParseDirection(takes())
			if err != nil {
				return false
			}
			req.Direction = d
		case "--fail-on":
			sev, err := compat.ParseSeverity(takes())
			if err != nil {
				return false
			}
			req.FailOn = &sev
		case "--format", "--error-format":
			if f := takes(); f != "text" && f != "gcc" {
				compare = false
			}
		case "--against-tags":
			req.AgainstTags = takes()
		case "--against-history":
			n, err := strconv.Atoi(takes())
			if err != nil || n < 1 {
				return false
			}
			req.AgainstHistory = n
		case "-v", "--verbose":
			req.Verbose = true
		case "--output", "--update-snapshot":
			takes()
			return false // what they write is the CLI's to say
		default:
			if strings.HasPrefix(a, "-") {
				return false // a flag the driver does not take as such
			}
			if req.Input != "" {
				return false
			}
			req.Input = a
		}
	}
	if req.Input == "" {
		req.Input = "."
	}
	req.Hook = protocheck.Hook{
		FromRef: s.env["PRE_COMMIT_FROM_REF"], ToRef: s.env["PRE_COMMIT_TO_REF"],
		IndexFile: s.env["GIT_INDEX_FILE"], RemoteBranch: s.env["PRE_COMMIT_REMOTE_BRANCH"],
		PreCommit: s.env["PRE_COMMIT"] == "1", ReflogAction: s.env["GIT_REFLOG_ACTION"],
	}
	t.Chdir(s.dir)
	res, err := protocheck.Check(context.Background(), req)
	var out bytes.Buffer
	status := 0
	switch {
	case err != nil:
		status = 2
		var nothing *protocheck.NothingToCompareError
		if errors.As(err, &nothing) {
			status = 0
		}
	case res.Failed():
		status = 1
		fallthrough
	default:
		if werr := report.Write(&out, "text", res.Findings, report.Options{WarningsPass: res.FailOn == compat.Error}); werr != nil {
			t.Fatal(werr)
		}
	}
	if (status != 0) != neg {
		t.Errorf("%s: the driver's status is %d (%v)", line, status, err)
	}
	s.checked++
	s.stdout = nil
	if compare {
		text := out.String()
		s.stdout = &text
	}
	return true
}

// splitArgs splits a script line into words as testscript does: spaces
// separate them, single quotes keep spaces and quotes (” is one quote).
func splitArgs(line string) []string {
	var (
		args  []string
		cur   strings.Builder
		in    bool
		quote bool
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			cur.WriteByte('\'')
			i++
		case c == '\'':
			quote, in = !quote, true
		case !quote && (c == ' ' || c == '\t'):
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		args = append(args, cur.String())
	}
	return args
}
