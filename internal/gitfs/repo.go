package gitfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Repo is a git repository opened with [Open]. Its methods run git in the
// repository, each call in its own process, and are safe for concurrent use.
type Repo struct {
	gitDir string // absolute path of the git directory
	root   string // absolute top of the work tree, "" without one
}

// ErrNotRepository is the cause of Open's error for a directory that no
// git repository holds.
var ErrNotRepository = errors.New("not a git repository")

// ErrNoGit is the cause of the error of any call that runs git when the git
// program is not installed or not on PATH. It wraps the error of os/exec
// too, which says which PATH was searched.
var ErrNoGit = errors.New("git is not installed or not on PATH")

// Open finds the repository that holds dir, which may be the top of a work
// tree, a directory inside one, or a git directory (".git" or a bare
// repository). Open records the locations git reports, so later calls do not
// depend on the current directory or on a relative GIT_DIR.
func Open(ctx context.Context, dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	if !fi.IsDir() {
		// In a linked work tree (git worktree add) and in a submodule,
		// .git is a file that points at the git directory: git finds it
		// from the work tree.
		if !isGitFile(abs) {
			return nil, fmt.Errorf("%w: %s is not a directory", ErrNotRepository, abs)
		}
		abs = filepath.Dir(abs)
	}
	out, err := git(ctx, abs, "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-inside-work-tree")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return nil, fmt.Errorf("%w: %s", ErrNotRepository, abs)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		return nil, fmt.Errorf("open repository %s: unexpected output from git rev-parse: %q", abs, out)
	}
	r := &Repo{gitDir: lines[0]}
	switch {
	case lines[2] == "true":
		top, err := git(ctx, abs, "rev-parse", "--show-toplevel")
		if err != nil {
			return nil, err
		}
		r.root = strings.TrimSpace(string(top))
	case lines[1] == "false":
		// dir is the git directory of a repository with a work tree: git
		// does not report the work tree from inside it, so accept the
		// conventional parent when it leads back to the same git directory.
		r.root = workTreeOf(ctx, r.gitDir)
	}
	return r, nil
}

// workTreeOf returns the work tree whose git directory is gitDir, or "" when
// it is not the conventional parent of a ".git" directory.
func workTreeOf(ctx context.Context, gitDir string) string {
	if filepath.Base(gitDir) != ".git" {
		return ""
	}
	parent := filepath.Dir(gitDir)
	out, err := git(ctx, parent, "rev-parse", "--absolute-git-dir", "--show-toplevel")
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] != gitDir {
		return ""
	}
	return lines[1]
}

// Root returns the top of the work tree, or "" for a bare repository, so
// that callers can show paths the way the user sees them.
func (r *Repo) Root() string { return r.root }

// GitDir returns the absolute path of the git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// name is how errors refer to the repository.
func (r *Repo) name() string {
	if r.root != "" {
		return r.root
	}
	return r.gitDir
}

// command prepares git with the locations found by Open pinned, so that a
// relative GIT_DIR in the environment cannot point elsewhere; the rest of the
// environment (GIT_INDEX_FILE among it) is inherited.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	full := make([]string, 0, len(args)+2)
	full = append(full, "--git-dir="+r.gitDir)
	dir := r.gitDir
	if r.root != "" {
		full = append(full, "--work-tree="+r.root)
		dir = r.root
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = dir
	return cmd
}

// run runs git in the repository and returns its standard output.
func (r *Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	return output(ctx, r.command(ctx, args...))
}

// git runs git in dir, for use before the repository is known.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	return output(ctx, cmd)
}

// output runs cmd and turns a failure into an error that carries git's own
// explanation from its standard error.
func output(ctx context.Context, cmd *exec.Cmd) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, commandError(ctx, cmd, stderr.Bytes(), err)
	}
	return stdout.Bytes(), nil
}

// commandError describes a failed git command by its subcommand and the
// first line git wrote to standard error.
func commandError(ctx context.Context, cmd *exec.Cmd, stderr []byte, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("git %s: %w", subcommand(cmd.Args), ctxErr)
	}
	if errors.Is(err, exec.ErrNotFound) {
		// Only git is run here: the program missing is git itself.
		return fmt.Errorf("%w: %w", ErrNoGit, err)
	}
	msg := firstLine(stderr)
	if msg == "" {
		return fmt.Errorf("git %s in %s: %w", subcommand(cmd.Args), cmd.Dir, err)
	}
	return fmt.Errorf("git %s in %s: %s", subcommand(cmd.Args), cmd.Dir, msg)
}

// subcommand returns the first argument after git's global options.
func subcommand(args []string) string {
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// firstLine returns the first non-empty line of git's standard error with
// its "fatal: " or "error: " prefix removed.
func firstLine(stderr []byte) string {
	for line := range strings.SplitSeq(string(stderr), "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimPrefix(line, "fatal: ")
		line = strings.TrimPrefix(line, "error: ")
		if line != "" {
			return line
		}
	}
	return ""
}

// IsShallow reports whether the repository is a shallow clone, whose
// history stops at a boundary and so may lack the commit asked for.
func (r *Repo) IsShallow(ctx context.Context) bool {
	out, err := r.run(ctx, "rev-parse", "--is-shallow-repository")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// isGitFile reports whether p is a .git file: "gitdir: PATH", which stands
// for the git directory of a linked work tree or a submodule.
func isGitFile(p string) bool {
	if filepath.Base(p) != ".git" {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len("gitdir:"))
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == "gitdir:"
}
