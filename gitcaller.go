package protocheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// GitCaller returns the subcommand and its arguments of the git command
// that runs this process as a hook: the nearest ancestor process that is
// git (pre-commit, a shell or `go run` may come between). It returns ""
// when there is none, or when the system does not say (Windows): git
// tells a pre-commit hook nothing of --amend, and its command line does.
// It is what `protocheck check` gives as Hook.Caller. It reads the
// process table, never the environment, and is safe to call from several
// goroutines.
func GitCaller() (sub string, args []string) {
	pid := os.Getppid()
	for range 12 {
		if pid <= 1 {
			return "", nil
		}
		argv, ppid, ok := processInfo(pid)
		if !ok {
			return "", nil
		}
		if len(argv) > 0 {
			name := strings.TrimSuffix(filepath.Base(argv[0]), ".exe")
			if name == "git" {
				return gitSubcommand(argv[1:])
			}
		}
		pid = ppid
	}
	return "", nil
}

// processInfo returns the command line and the parent of process pid:
// from /proc where there is one (Linux), else from ps (macOS, the BSDs).
func processInfo(pid int) (argv []string, ppid int, ok bool) {
	p := strconv.Itoa(pid)
	if cmdline, err := os.ReadFile("/proc/" + p + "/cmdline"); err == nil {
		stat, err := os.ReadFile("/proc/" + p + "/stat")
		if err != nil {
			return nil, 0, false
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		if i < 0 || len(f) < 2 {
			return nil, 0, false
		}
		ppid, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, 0, false
		}
		for a := range bytes.SplitSeq(bytes.TrimRight(cmdline, "\x00"), []byte{0}) {
			argv = append(argv, string(a))
		}
		return argv, ppid, true
	}
	if _, err := os.Stat("/proc/self/cmdline"); err == nil {
		return nil, 0, false // the process is gone
	}
	out, err := exec.Command("ps", "-o", "ppid=", "-o", "args=", "-p", p).Output()
	if err != nil {
		return nil, 0, false
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return nil, 0, false
	}
	ppid, err = strconv.Atoi(f[0])
	if err != nil {
		return nil, 0, false
	}
	// ps joins the arguments with spaces: enough for git's options and
	// commit names, which hold none.
	return f[1:], ppid, true
}

// gitSubcommand returns the subcommand in git's arguments, after git's
// own options, and the arguments that follow it.
func gitSubcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env":
			i++ // its value
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}
