package protocheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// A ProveResult is what Prove found.
type ProveResult struct {
	// Outcome is the prover's: findings with proofs, and per message the
	// counterexamples found (roundtrip.Run).
	Outcome roundtrip.Outcome
	// Notes are what the run told its user, in order.
	Notes []Note
	// Config is the rules the change was held to; FailOn what the request
	// and the configuration came to.
	Config compat.Config
	FailOn compat.Severity
	// Verdict is what `protocheck check --prove` would conclude, and
	// whether data shows it.
	Verdict Verdict
	// Failing are the findings that fail the check; Unproved those of
	// them that no counterexample shows.
	Failing, Unproved []compat.Finding
	// Unsampled counts the messages that could not be sampled at all.
	Unsampled int
}

// A Verdict is what proving concluded.
type Verdict int

// The verdicts, of a whole run (ProveResult.Verdict) or of one message
// (MessageVerdict).
const (
	// NoCounterexample: nothing fails, or nothing was found.
	NoCounterexample Verdict = iota
	// Counterexamples: data shows a failing finding (of a message: a
	// counterexample was found).
	Counterexamples
	// NotProved: findings fail but no data shows them, or a message could
	// not be sampled at all (of a message: it could not be proved).
	NotProved
)

// String returns the verdict as prove's reports write it: "no
// counterexample", "counterexamples" or "not proved".
func (v Verdict) String() string {
	switch v {
	case Counterexamples:
		return "counterexamples"
	case NotProved:
		return "not proved"
	}
	return "no counterexample"
}

// MessageVerdict says what proving one message came to.
func MessageVerdict(r roundtrip.Result) Verdict {
	switch {
	case len(r.Counterexamples) > 0:
		return Counterexamples
	case r.Unproven != "":
		return NotProved
	}
	return NoCounterexample
}

// conclude decides as check --prove would, and says whether data shows
// it: Counterexamples when a failing finding is proved, NotProved when
// findings fail without proof or a message could not be sampled.
func (out *ProveResult) conclude() {
	proved := false
	for _, f := range out.Outcome.Findings {
		if f.Ignored || f.Severity > out.FailOn {
			continue
		}
		out.Failing = append(out.Failing, f)
		if f.Proof != nil {
			proved = true
		} else {
			out.Unproved = append(out.Unproved, f)
		}
	}
	for _, r := range out.Outcome.Results {
		if r.Unproven != "" && len(r.Counterexamples) == 0 {
			out.Unsampled++
		}
	}
	switch {
	case proved:
		out.Verdict = Counterexamples
	case len(out.Failing) > 0 || out.Unsampled > 0:
		out.Verdict = NotProved
	default:
		out.Verdict = NoCounterexample
	}
}

// Prove does what `protocheck prove` does: it compiles both versions
// whole, chooses the rules as Check does (the request's Use and Except,
// else the first enabled module's of the configuration file, else FILE),
// and proves with opts every message whose own fields changed and every
// message a finding concerns. Only the request's first baseline is used,
// and neither modules nor path selection apply. The result's Verdict says
// what it came to.
func Prove(ctx context.Context, req Request, opts roundtrip.Options) (*ProveResult, error) {
	d := &driver{req: req, res: &Result{}}
	out := &ProveResult{}
	err := d.prove(ctx, out, opts)
	out.Notes = d.res.Notes
	return out, err
}

func (d *driver) prove(ctx context.Context, out *ProveResult, opts roundtrip.Options) error {
	pl, err := d.plan(ctx)
	if err != nil {
		return err
	}
	newIn, oldIn := pl.New, pl.Baselines[0].Input
	if err := d.loadConfig(ctx, &newIn); err != nil {
		return err
	}
	cfg := compat.Config{Use: d.req.Use, Except: d.req.Except, Direction: d.res.Direction}
	for _, m := range d.cc.modules {
		if !m.Disabled {
			cfg = moduleConfig(m.Config, d.req, d.res.Direction)
			break
		}
	}
	if _, err := cfg.Select(); err != nil {
		return err
	}
	out.Config, out.FailOn = cfg, d.res.FailOn
	l := &loader.Loader{IncludePaths: d.req.IncludePaths}
	if d.req.Progress != nil {
		l.Progress = d.req.Progress.Loading
		opts.Progress = d.req.Progress.Proving
	}
	schemas, err := loadAll(ctx, l, oldIn, newIn)
	d.progressDone()
	if err != nil {
		return &LoadError{Err: err, Input: newIn, Against: oldIn}
	}
	old, new := schemas[0], schemas[1]
	d.loaderNotes(new, old)
	out.Outcome, err = roundtrip.Run(ctx, old, new, cfg, opts)
	d.progressDone()
	if err != nil {
		return err
	}
	out.conclude()
	return nil
}

// Snapshot compiles the input whole, with the request's IncludePaths, and
// returns it as `protocheck snapshot` writes it: a FileDescriptorSet with
// source info and imports, the same bytes for the same schema.
func Snapshot(ctx context.Context, req Request) ([]byte, error) {
	d := &driver{req: req, res: &Result{}}
	in, err := loader.ParseInput(d.input())
	if err != nil {
		return nil, err
	}
	if req.Plan != nil {
		in = req.Plan.New
	}
	in = in.WithModules(&modules{env: req.Registry})
	s, err := (&loader.Loader{IncludePaths: req.IncludePaths}).Load(ctx, in)
	if err != nil {
		return nil, &LoadError{Err: err, Input: in}
	}
	return loader.Snapshot(s)
}

// WriteSnapshot writes Snapshot's bytes for the request to the file name,
// as `protocheck snapshot -o` and `check --update-snapshot` do: replacing
// the file whole, so that a failed write never leaves half a snapshot.
// The temporary file it writes first, beside name, is made before
// compiling, so that a directory it cannot write to is said at once, and
// it is removed on every way out, ctx cancelled included. A schema that
// does not compile is Snapshot's *LoadError; other errors name the file.
func WriteSnapshot(ctx context.Context, req Request, name string) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".snapshot-*")
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	data, err := Snapshot(ctx, req)
	var le *LoadError
	if errors.As(err, &le) {
		return le
	}
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapPath(err))
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("snapshot %s: %w", name, unwrapLink(err))
	}
	return nil
}

// unwrapLink drops the two paths of an *os.LinkError (a rename's), one of
// them a temporary file's: the caller names the file.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Versions are the two versions of a request, compiled whole.
type Versions struct {
	Old, New *schema.Schema
	// Notes say what the loader left out of either, each once.
	Notes []Note
}

// Load compiles the request's input and its first baseline whole, with
// its IncludePaths, bringing archives and remote repositories here first:
// what `protocheck replay` reads recorded messages with. The configuration
// file is not read.
func Load(ctx context.Context, req Request) (*Versions, error) {
	d := &driver{req: req, res: &Result{}}
	pl, err := d.plan(ctx)
	if err != nil {
		return nil, err
	}
	var fetched fetched
	defer fetched.close()
	newIn, oldIn := pl.New, pl.Baselines[0].Input
	if err := fetched.fetch(ctx, &newIn, ""); err != nil {
		return nil, err
	}
	if err := fetched.fetch(ctx, &oldIn, "Against"); err != nil {
		return nil, err
	}
	l := &loader.Loader{IncludePaths: req.IncludePaths}
	if req.Progress != nil {
		l.Progress = req.Progress.Loading
	}
	schemas, err := loadAll(ctx, l, oldIn, newIn)
	d.progressDone()
	if err != nil {
		return nil, &LoadError{Err: err, Input: newIn, Against: oldIn}
	}
	d.loaderNotes(schemas[1], schemas[0])
	return &Versions{Old: schemas[0], New: schemas[1], Notes: d.res.Notes}, nil
}
