package protocheck

import (
	"context"

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
}

// Prove does what `protocheck prove` does: it compiles both versions
// whole, chooses the rules as Check does (the request's Use and Except,
// else the first enabled module's of the configuration file, else FILE),
// and proves with opts every message whose own fields changed and every
// message a finding concerns. Only the request's first baseline is used,
// and neither modules nor path selection apply.
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
	return err
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
