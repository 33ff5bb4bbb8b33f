package protocheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/protocheck/protocheck/internal/inputs"
	"github.com/protocheck/protocheck/loader"
)

// A NoBaselineError says why no version to compare with could be inferred:
// the request must name one.
type NoBaselineError struct {
	// Why is what keeps git from giving one ("x is not in a git
	// repository").
	Why string
}

// Error says that no baseline was given, and why none can be inferred.
func (e *NoBaselineError) Error() string {
	return "no baseline given: " + e.Why + ", so there is no version to compare with by default"
}

// A NothingToCompareError says that there is nothing to compare: the
// baseline holds no schema yet (the first commit that adds it), or nothing
// changed and there is no other version to compare with. Nothing can
// break, and a hook must not block the commit: a command line says why and
// passes.
type NothingToCompareError struct {
	// Why says what there is nothing of, as a sentence for the user.
	Why string
}

// Error returns Why.
func (e *NothingToCompareError) Error() string { return e.Why }

// Hook is what git and pre-commit tell a hook, which PlanFor reads to
// infer the versions to compare when a request names none: the values of
// their environment variables, read by the caller.
type Hook struct {
	// FromRef and ToRef are PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF
	// (pre-commit's --from-ref and --to-ref, and its pre-push hook).
	FromRef, ToRef string
	// IndexFile is GIT_INDEX_FILE, which git sets for the hooks of a
	// commit being made.
	IndexFile string
	// RemoteBranch is PRE_COMMIT_REMOTE_BRANCH (pre-commit's pre-push).
	RemoteBranch string
	// PreCommit says that pre-commit runs the check (PRE_COMMIT=1).
	PreCommit bool
	// ReflogAction is GIT_REFLOG_ACTION, which git merge sets.
	ReflogAction string
	// Caller, when set, returns the git subcommand that runs the hook and
	// its arguments (git gives a hook no other sign of commit --amend).
	Caller func() (sub string, args []string)
}

// inferPlan picks the versions to compare when --against is not given, as
// a hook or a person typing `protocheck check` in a repository means them.
// It says on stderr what it compares.
//
//   - PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF (pre-commit's --from-ref
//     and --to-ref, and its pre-push hook): the input at TO against its
//     merge base with FROM, as pre-commit names the files of the range.
//   - In a hook of a commit being made (git sets GIT_INDEX_FILE for
//     pre-commit and pre-merge-commit): the index, which the commit will
//     hold, against the commit's first parent: HEAD, or HEAD's for
//     `git commit --amend`.
//   - Merges, in either: a break that a merged branch made on its own
//     (found comparing it with where it forked) is left out; the merge
//     carries it in, it does not make it.
//   - Otherwise, the staged files against HEAD when the index changes the
//     input or its configuration; else, when nothing is staged, the work
//     tree against HEAD when it changes them. Under `pre-commit run
//     --all-files` (as CI runs it: nothing staged), the work tree against
//     the merge base of HEAD and its upstream branch. With nothing to
//     compare, check says so and exits 0.
//
// input must be a directory of a git repository, or one that does not
// exist yet (or any more); the repository's path to it becomes the subdir
// of the git inputs. GIT_DIR and GIT_INDEX_FILE reach git untouched.
func inferPlan(ctx context.Context, stderr func(format string, args ...any), input string, hook Hook) (Plan, error) {
	repo, sub, exists, err := inputRepo(ctx, input)
	if err != nil {
		return Plan{}, err
	}
	in := inferrer{ctx: ctx, repo: repo, sub: sub, input: input, exists: exists, say: stderr, hook: hook}
	from, to := hook.FromRef, hook.ToRef
	if from != "" && to != "" {
		return in.refRange(from, to)
	}
	if _, err := repo.Resolve(ctx, "HEAD"); err != nil {
		return Plan{}, &NothingToCompareError{"no commit yet: nothing to compare the staged files with"}
	}
	if !exists && !repo.HasProto(ctx, "HEAD", sub) {
		if staged, err := repo.HasStagedProto(ctx, sub); err == nil && !staged {
			// A hook set up before the schema's directory.
			return Plan{}, &NothingToCompareError{fmt.Sprintf("%s does not exist, nor is it in HEAD or staged: nothing to compare", input)}
		}
	}
	if hook.IndexFile != "" {
		return in.commit()
	}
	if hook.RemoteBranch != "" {
		// pre-commit's pre-push hook names no range when the remote has
		// none of the pushed history.
		return Plan{}, &NothingToCompareError{"the push holds the first commits the remote has of this history: nothing to compare with"}
	}
	return in.byHand()
}

// An inferrer holds what inferPlan found about the input.
type inferrer struct {
	ctx    context.Context
	repo   *loader.Repository
	sub    string // the input's directory from the top of the work tree
	input  string // as the user wrote it
	exists bool   // whether the directory exists in the work tree
	say    func(format string, args ...any)
	hook   Hook
}

// where names the input's directory in rev, for messages.
func (in inferrer) where(rev string) string {
	if in.sub == "" {
		return rev
	}
	return rev + ":" + in.sub
}

// refRange compares revision to with its merge base with from.
func (in inferrer) refRange(from, to string) (Plan, error) {
	newIn, err := revisionInput(in.repo.Root(), to, in.sub)
	if err != nil {
		return Plan{}, err
	}
	base := from
	mb, err := in.repo.MergeBase(in.ctx, from, to)
	if err != nil {
		return Plan{}, err
	}
	if fromID, _ := in.repo.Resolve(in.ctx, from); mb != "" && mb != fromID {
		base = mb // from is not an ancestor of to
	}
	if !in.repo.HasProto(in.ctx, base, in.sub) {
		return Plan{}, &NothingToCompareError{fmt.Sprintf("no .proto files in %s: the range %s..%s adds the first schema, so it breaks nobody", in.where(short(base)), from, to)}
	}
	p := Plan{New: newIn, NewEmpty: !in.repo.HasProto(in.ctx, to, in.sub)}
	if err := addBase(&p, in.repo.Root(), base, in.sub); err != nil {
		return Plan{}, err
	}
	merges, err := in.repo.Merges(in.ctx, base, to)
	if err != nil {
		return Plan{}, err
	}
	var brought []string
	for _, parents := range merges {
		names, err := in.bring(&p, parents[0], parents[1:])
		if err != nil {
			return Plan{}, err
		}
		brought = append(brought, names...)
	}
	what := fmt.Sprintf("%s against %s", to, from)
	if base != from {
		what = fmt.Sprintf("%s against %s, its merge base with %s", to, short(base), from)
	}
	what += bringing(brought)
	in.say("comparing %s (pre-commit's PRE_COMMIT_TO_REF and PRE_COMMIT_FROM_REF)", what)
	return p, nil
}

// commit compares the index with the first parent of the commit that a
// hook runs for.
func (in inferrer) commit() (Plan, error) {
	amend, err := in.amending()
	if err != nil {
		return Plan{}, err
	}
	if amend {
		parents, err := in.repo.Parents(in.ctx, "HEAD")
		if err != nil {
			return Plan{}, err
		}
		if len(parents) == 0 {
			return Plan{}, &NothingToCompareError{"amending the first commit: nothing to compare the staged files with"}
		}
		return in.index(parents[0], parents[1:], "the parent of the commit being amended")
	}
	merged, err := in.mergedHeads()
	if err != nil {
		return Plan{}, err
	}
	return in.index("HEAD", merged, "")
}

// index compares the index with commit first; merged are the other
// parents of the commit being made, and what says what first is, when not
// HEAD of a plain commit.
func (in inferrer) index(first string, merged []string, what string) (Plan, error) {
	if !in.repo.HasProto(in.ctx, first, in.sub) {
		return Plan{}, &NothingToCompareError{fmt.Sprintf("no .proto files in %s: nothing to compare the staged files with", in.where(revName(first)))}
	}
	var p Plan
	if err := addBase(&p, in.repo.Root(), first, in.sub); err != nil {
		return Plan{}, err
	}
	brought, err := in.bring(&p, first, merged)
	if err != nil {
		return Plan{}, err
	}
	has, err := in.repo.HasStagedProto(in.ctx, in.sub)
	if err != nil {
		return Plan{}, err
	}
	p.New = within(loader.GitIndex(in.repo.Root()), in.sub).WithName(".git#index" + subdirOption(in.sub))
	p.NewEmpty = !has
	with := revName(first)
	if what != "" {
		with += ", " + what
	}
	in.say("comparing the staged files with %s%s", with, bringing(brought))
	return p, nil
}

// bring adds to the plan, for each commit of merged (merged into first),
// the comparison of it with where it forked from first, and returns how
// messages name each: "m since fork".
func (in inferrer) bring(p *Plan, first string, merged []string) (names []string, err error) {
	for _, m := range merged {
		fork, err := in.repo.MergeBase(in.ctx, first, m)
		if err != nil {
			return nil, err
		}
		if fork == "" || !in.repo.HasProto(in.ctx, fork, in.sub) {
			continue // the schema was not there to break
		}
		newIn, err := revisionInput(in.repo.Root(), m, in.sub)
		if err != nil {
			return nil, err
		}
		newIn = newIn.WithName(".git#ref=" + revName(m) + subdirOption(in.sub))
		var q Plan
		if err := addBase(&q, in.repo.Root(), fork, in.sub); err != nil {
			return nil, err
		}
		p.Brought = append(p.Brought, Comparison{New: newIn, NewEmpty: !in.repo.HasProto(in.ctx, m, in.sub), Baseline: q.Baselines[0]})
		names = append(names, fmt.Sprintf("%s since %s", short(m), short(fork)))
	}
	return names, nil
}

// bringing says, for messages, which merged breaks are left out; names
// are bring's.
func bringing(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return ", leaving out the breaks that the merged " + strings.Join(names, " and ") + " made"
}

// byHand picks the versions when no hook says which: what is staged, else
// the work tree, or under pre-commit's --all-files the branch.
func (in inferrer) byHand() (Plan, error) {
	staged, unstaged, err := in.repo.Status(in.ctx, in.relevant())
	if err != nil {
		return Plan{}, err
	}
	staged, unstaged = in.schemaFiles(staged), in.schemaFiles(unstaged)
	if len(staged) > 0 {
		p, err := in.index("HEAD", nil, "")
		if err == nil && len(unstaged) > 0 {
			in.say("%s not staged %s not compared: stage %s, or compare the work tree with Request.Against %s",
				plural(len(unstaged), "change"), isAre(len(unstaged)), itThem(len(unstaged)), ".git#ref=HEAD"+subdirOption(in.sub))
		}
		return p, err
	}
	upstream := in.repo.Upstream(in.ctx)
	underPreCommit := in.hook.PreCommit
	if upstream != "" && (underPreCommit || len(unstaged) == 0) {
		mb, err := in.repo.MergeBase(in.ctx, "HEAD", upstream)
		if err != nil {
			return Plan{}, err
		}
		head, err := in.repo.Resolve(in.ctx, "HEAD")
		if err != nil {
			return Plan{}, err
		}
		if mb != "" && mb != head {
			if !in.repo.HasProto(in.ctx, mb, in.sub) {
				return Plan{}, &NothingToCompareError{fmt.Sprintf("no .proto files in %s, the merge base of HEAD and %s: the branch adds the first schema, so it breaks nobody", in.where(short(mb)), upstream)}
			}
			p, err := in.workTree(mb)
			if err == nil {
				in.say("nothing is staged: comparing the work tree with %s, the merge base of HEAD and %s", short(mb), upstream)
			}
			return p, err
		}
	}
	if len(unstaged) > 0 {
		if !in.repo.HasProto(in.ctx, "HEAD", in.sub) {
			return Plan{}, &NothingToCompareError{fmt.Sprintf("no .proto files in %s: nothing to compare the work tree with", in.where("HEAD"))}
		}
		p, err := in.workTree("HEAD")
		if err == nil {
			in.say("nothing is staged: comparing the work tree with HEAD")
		}
		return p, err
	}
	why := "HEAD has no upstream branch"
	if upstream != "" {
		why = "HEAD holds no commit that its upstream " + upstream + " lacks"
	}
	return Plan{}, &NothingToCompareError{fmt.Sprintf("nothing compared: no change to %s is staged or in the work tree, and %s; give Request.Against, such as Request.Against '.git#branch=main%s'",
		in.input, why, subdirOption(in.sub))}
}

// workTree compares the input's directory as it is on disk with rev.
func (in inferrer) workTree(rev string) (Plan, error) {
	var p Plan
	if err := addBase(&p, in.repo.Root(), rev, in.sub); err != nil {
		return Plan{}, err
	}
	newIn, err := loader.ParseInput(in.input)
	if err != nil {
		return Plan{}, err
	}
	p.New = newIn
	if !in.exists {
		p.NewEmpty = true
	} else if !hasProtoFile(in.input) {
		p.NewEmpty = true
	}
	return p, nil
}

// relevant returns the pathspecs whose changes the check reads: the
// input's directory, and the configuration files that may apply to it,
// in it or above it.
func (in inferrer) relevant() []string {
	paths := []string{"."}
	if in.sub != "" {
		paths = []string{in.sub}
	}
	for dir := in.sub; dir != "" && dir != "."; {
		dir = path.Dir(dir)
		for _, name := range configNames {
			paths = append(paths, path.Join(dir, name))
		}
	}
	return paths
}

// configNames are the configuration files that can apply to an input from
// a directory above it.
var configNames = []string{"buf.yaml", "buf.yml", "buf.work.yaml", "buf.work.yml", "buf.lock", "protocheck.yaml", "protocheck.yml"}

// schemaFiles keeps, of paths from the top of the work tree, the .proto
// files and the configuration files: a staged README does not make a
// commit whose schema is unstaged.
func (in inferrer) schemaFiles(paths []string) []string {
	return slices.DeleteFunc(paths, func(p string) bool {
		return !strings.HasSuffix(p, ".proto") && !slices.Contains(configNames, path.Base(p))
	})
}

// mergedHeads returns the commits that the commit being made merges into
// HEAD, or none. git tells a hook in three ways: MERGE_HEAD, written when a
// merge stopped before its commit (a conflict, --no-commit); else, in the
// pre-merge-commit hook of `git merge`, GIT_REFLOG_ACTION "merge NAME...",
// which git merge sets; else the arguments of the git merge command that
// runs the hook (git pull runs git merge FETCH_HEAD).
func (in inferrer) mergedHeads() ([]string, error) {
	heads, err := in.repo.MergeHeads(in.ctx)
	if err != nil || len(heads) > 0 {
		return heads, err
	}
	var names []string
	if action, ok := strings.CutPrefix(in.hook.ReflogAction, "merge "); ok {
		names = strings.Fields(action)
	} else if sub, args := in.hook.caller(); sub == "merge" {
		names = mergeArgs(args)
	}
	for _, n := range names {
		if n == "FETCH_HEAD" {
			fetched, err := in.repo.FetchHeads(in.ctx)
			if err != nil {
				return nil, err
			}
			heads = append(heads, fetched...)
			continue
		}
		c, err := in.repo.Resolve(in.ctx, n)
		if err != nil {
			return nil, fmt.Errorf("the merge of %s: %w", n, err)
		}
		heads = append(heads, c)
	}
	return heads, nil
}

// amending reports whether the hook runs for `git commit --amend`. git
// gives a pre-commit hook no sign of it (GIT_REFLOG_ACTION is unset, the
// reflog and ORIG_HEAD still describe the commit before): the git command
// that runs the hook says it.
func (in inferrer) amending() (bool, error) {
	return amends(in.hook.caller())
}

// caller returns the git subcommand that runs the hook, if known.
func (h Hook) caller() (string, []string) {
	if h.Caller == nil {
		return "", nil
	}
	return h.Caller()
}

// amends reports whether git subcommand sub with args amends a commit:
// commit, or an alias of it, where the last of --amend and --no-amend
// (written in full or as a prefix git takes, "--am") is --amend.
func amends(sub string, args []string) (bool, error) {
	switch sub {
	case "", "merge", "pull", "am", "rebase", "cherry-pick", "revert":
		return false, nil
	}
	amend := false
	for _, a := range args {
		if a == "--" {
			break
		}
		switch {
		case len(a) >= 4 && strings.HasPrefix("--amend", a):
			amend = true
		case len(a) >= 7 && strings.HasPrefix("--no-amend", a):
			amend = false
		}
	}
	return amend, nil
}

// mergeArgs returns the commits that the arguments of git merge name.
func mergeArgs(args []string) []string {
	var names []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(names, args[i+1:]...)
		case slices.Contains([]string{"-m", "-F", "-s", "-X", "--message", "--file", "--strategy", "--strategy-option", "--into-name", "--cleanup"}, a):
			i++ // its value
		case strings.HasPrefix(a, "-"):
		default:
			names = append(names, a)
		}
	}
	return names
}

// inputRepo finds the git repository that holds the directory input, and
// the input's path within it, which git inputs take as their subdir. An
// input that does not exist is taken as a directory that the work tree
// lacks (not created yet, or deleted): exists is false.
func inputRepo(ctx context.Context, input string) (repo *loader.Repository, sub string, exists bool, err error) {
	in, err := loader.ParseInput(input)
	if err != nil {
		return nil, "", false, err
	}
	dir, err := filepath.Abs(inputs.Path(in))
	if err != nil {
		return nil, "", false, fmt.Errorf("input %s: %w", input, unwrapPath(err))
	}
	dir, missing, err := existing(dir)
	if err != nil {
		return nil, "", false, fmt.Errorf("input %s: %w", input, unwrapPath(err))
	}
	exists = missing == ""
	if exists && !in.IsDirectory() {
		return nil, "", false, &NoBaselineError{fmt.Sprintf("%s is not a directory of a git repository", input)}
	}
	repo, err = loader.OpenRepository(ctx, dir)
	if err != nil {
		if errors.Is(err, loader.ErrNotRepository) {
			if !exists {
				return nil, "", false, fmt.Errorf("input %s: %s does not exist", input, inputs.Path(in))
			}
			return nil, "", false, &NoBaselineError{input + " is not in a git repository"}
		}
		if errors.Is(err, loader.ErrNoGit) {
			return nil, "", false, err // not a question of --against
		}
		return nil, "", false, &NoBaselineError{fmt.Sprintf("%s is not in a git repository git can read (%v)", input, err)}
	}
	if repo.Root() == "" {
		return nil, "", false, &NoBaselineError{input + " is in a git repository without a work tree"}
	}
	root, err := filepath.EvalSymlinks(repo.Root())
	if err != nil {
		root = repo.Root()
	}
	sub, err = filepath.Rel(root, filepath.Join(dir, missing))
	if err != nil || sub == ".." || strings.HasPrefix(sub, ".."+string(filepath.Separator)) {
		return nil, "", false, &NoBaselineError{fmt.Sprintf("%s is outside the work tree of %s", input, repo.Root())}
	}
	sub = filepath.ToSlash(sub)
	if sub == "." {
		sub = ""
	}
	if !exists && (sub == ".git" || strings.HasPrefix(sub, ".git/")) {
		return nil, "", false, fmt.Errorf("input %s: %s does not exist", input, inputs.Path(in))
	}
	return repo, sub, exists, nil
}

// existing returns the nearest directory of dir that exists, with its
// symbolic links resolved, and the rest of dir below it ("" when dir
// exists).
func existing(dir string) (found, missing string, err error) {
	for p := dir; ; {
		resolved, err := filepath.EvalSymlinks(p)
		if err == nil {
			rest, _ := filepath.Rel(p, dir)
			if rest == "." {
				rest = ""
			}
			return resolved, rest, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", "", err
		}
		p = parent
	}
}

// hasProtoFile reports whether the directory dir holds a .proto file at
// any depth.
func hasProtoFile(dir string) bool {
	found := errors.New("found")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".proto") {
			return found
		}
		return nil
	})
	return err == found
}

// revisionInput is the git input for rev, written for messages as the user
// would write it.
func revisionInput(repo, rev, sub string) (loader.Input, error) {
	if strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, ",#") {
		return loader.Input{}, fmt.Errorf("git revision %q cannot be compared: it starts with '-' or holds ',' or '#'", rev)
	}
	return within(loader.Git(repo, rev), sub).WithName(".git#ref=" + rev + subdirOption(sub)), nil
}

// within roots the git input in at sub, a directory of its tree ("" for
// its top).
func within(in loader.Input, sub string) loader.Input {
	if sub == "" {
		return in
	}
	out, _ := in.Narrow(sub) // a git input narrows without fail
	return out
}

// addBase adds revision rev to the plan's baselines.
func addBase(p *Plan, repo, rev, sub string) error {
	in, err := revisionInput(repo, rev, sub)
	if err != nil {
		return err
	}
	in = in.WithName(".git#ref=" + revName(rev) + subdirOption(sub))
	p.Baselines = append(p.Baselines, Baseline{Input: in, Label: in.String()})
	return nil
}

func subdirOption(sub string) string {
	if sub == "" {
		return ""
	}
	return ",subdir=" + sub
}

// short abbreviates a commit id for messages.
func short(id string) string {
	if len(id) >= 40 && isHexString(id) {
		return id[:12]
	}
	return id
}

// revName is how messages name a revision: as written, or a commit id
// abbreviated.
func revName(rev string) string { return short(rev) }

func isHexString(s string) bool {
	return strings.Trim(s, "0123456789abcdef") == ""
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// againstBaselines returns the input and the versions that Against,
// AgainstTags and AgainstHistory name.
func (d *driver) againstBaselines(ctx context.Context) (loader.Input, []Baseline, error) {
	input, bf := d.input(), d.req
	newIn, err := loader.ParseInput(input)
	if err != nil {
		return newIn, nil, err
	}
	var bases []Baseline
	for _, a := range bf.Against {
		in, err := loader.ParseInput(a)
		if err != nil {
			return newIn, nil, &RequestError{Field: "Against", Err: err}
		}
		bases = append(bases, Baseline{Input: in, Label: a})
	}
	if bf.AgainstTags == "" && bf.AgainstHistory == 0 {
		return newIn, bases, nil
	}
	repo, sub, _, err := inputRepo(ctx, input)
	if err != nil {
		if errors.Is(err, loader.ErrNoGit) {
			field := "AgainstTags"
			if bf.AgainstTags == "" {
				field = "AgainstHistory"
			}
			return newIn, nil, &RequestError{Field: field, Err: errors.New("git is not installed or not on PATH: protocheck reads tags and history through it")}
		}
		return newIn, nil, err
	}
	var revs []Baseline
	var refs []string // each rev's tag or commit
	if bf.AgainstTags != "" {
		tags, err := repo.Tags(ctx, bf.AgainstTags)
		if err != nil {
			return newIn, nil, &RequestError{Field: "AgainstTags", Err: err}
		}
		if len(tags) == 0 {
			return newIn, nil, &RequestError{Field: "AgainstTags", Err: fmt.Errorf("no tag matches %q", bf.AgainstTags)}
		}
		for _, t := range tags {
			in := within(loader.Git(repo.Root(), t), sub).WithName(".git#tag=" + t + subdirOption(sub))
			revs, refs = append(revs, Baseline{Input: in, Label: t}), append(refs, t)
		}
	}
	if bf.AgainstHistory > 0 {
		path := sub
		if path == "" {
			path = "."
		}
		commits, err := repo.History(ctx, "HEAD", bf.AgainstHistory, path)
		if err != nil {
			return newIn, nil, &RequestError{Field: "AgainstHistory", Err: err}
		}
		if len(commits) < bf.AgainstHistory {
			// A shallow clone (CI checks out one commit by default)
			// ends its history early: comparing with what it has would
			// check less than was asked, without a word.
			if repo.IsShallow(ctx) {
				return newIn, nil, &RequestError{Field: "AgainstHistory", Value: strconv.Itoa(bf.AgainstHistory),
					Err: fmt.Errorf("the repository is a shallow clone and holds %s that changed %s; run \"git fetch --unshallow\" to fetch the full history",
						plural(len(commits), "commit"), path)}
			}
			d.note(Note{Field: "AgainstHistory", Value: strconv.Itoa(bf.AgainstHistory),
				Message: fmt.Sprintf("only %s changed %s", plural(len(commits), "commit"), path)})
		}
		for _, c := range commits {
			in := within(loader.Git(repo.Root(), c), sub).WithName(".git#commit=" + c + subdirOption(sub))
			revs, refs = append(revs, Baseline{Input: in, Label: c[:min(12, len(c))]}), append(refs, c)
		}
	}
	// A release made before the schema existed has nothing to break.
	for i, b := range revs {
		if !repo.HasProto(ctx, refs[i], sub) {
			d.say("skipping %s: it holds no .proto files", b.Label)
			continue
		}
		bases = append(bases, b)
	}
	if len(bases) == 0 {
		return newIn, nil, fmt.Errorf("no baseline holds the schema: nothing to compare with")
	}
	return newIn, bases, nil
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// PlanFor returns the versions a request compares, as loader inputs: its
// Plan when it has one; else the input and every baseline that Against,
// AgainstTags and AgainstHistory name; else, with none of those, the
// versions a git hook or a person typing `protocheck check` in a
// repository means (the staged files with HEAD, a pre-push range, ...:
// see Hook), saying which in a note unless Quiet. When there is nothing
// to compare it returns a *NothingToCompareError; when no baseline can be
// inferred, a *NoBaselineError.
func PlanFor(ctx context.Context, req Request) (*Plan, error) {
	d := &driver{req: req, res: &Result{}}
	p, err := d.plan(ctx)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// plan is PlanFor.
func (d *driver) plan(ctx context.Context) (Plan, error) {
	if d.req.Plan != nil {
		p := *d.req.Plan
		p.Baselines = slices.Clone(p.Baselines)
		return p, nil
	}
	if len(d.req.Against) == 0 && d.req.AgainstTags == "" && d.req.AgainstHistory == 0 {
		tell := d.say
		if d.req.Quiet {
			tell = func(string, ...any) {}
		}
		return inferPlan(ctx, tell, d.input(), d.req.Hook)
	}
	newIn, bases, err := d.againstBaselines(ctx)
	return Plan{New: newIn, Baselines: bases}, err
}
