package protocheck

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/config"
	"github.com/protocheck/protocheck/internal/inputs"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/registry"
)

// Registry is the environment that buf.yaml deps and registry module
// inputs are resolved with, as buf resolves them. The caller reads it (a
// command line from its process's environment); this package never does.
// Its zero value reads buf's cache from nowhere and so fails on the first
// dep: a check without deps never looks at it.
type Registry struct {
	// Env holds the values of the environment variables buf reads for
	// its cache and credentials: BUF_CACHE_DIR, XDG_CACHE_HOME, HOME,
	// LOCALAPPDATA and BUF_TOKEN. A missing key is an unset variable.
	Env map[string]string
	// Netrc is the contents of the .netrc file buf reads tokens from
	// ($NETRC, else ~/.netrc), or nil.
	Netrc []byte
	// Verified is the directory where protocheck records the modules it
	// verified, so that a warm cache costs a stat per file, not a hash;
	// empty records nothing.
	Verified string
	// Offline takes deps from buf's cache only: the registry is never
	// asked.
	Offline bool
}

// resolver returns the resolver of registry deps that buf would use:
// buf's cache, and, unless offline, the registry with buf's credentials
// (BUF_TOKEN, then .netrc).
func (r Registry) resolver() (*registry.Resolver, error) {
	dir, err := registry.CacheDir(func(k string) string { return r.Env[k] }, runtime.GOOS)
	if err != nil {
		return nil, fmt.Errorf("buf's module cache: %w", err)
	}
	cache := &registry.Cache{Dir: dir, Verified: r.Verified}
	res := &registry.Resolver{Cache: cache}
	if !r.Offline {
		// buf refuses to run with a malformed BUF_TOKEN; so does protocheck,
		// rather than send no token and report "not authenticated".
		token := r.Env["BUF_TOKEN"]
		if err := registry.CheckBufToken(token); err != nil {
			return nil, err
		}
		netrc := r.Netrc
		res.Client = &registry.Client{Token: func(host string) string { return registry.Tokens(token, netrc, host) }}
	}
	return res, nil
}

// depRoots returns the directories that hold the deps of the input and of
// the baseline: each version's buf.lock, resolved from buf's cache or the
// registry. The baseline's own buf.lock pins its deps when it has one (at
// its top, as buf reads a baseline's); otherwise it shares the input's.
func (d *driver) depRoots(ctx context.Context, newIn, oldIn loader.Input) (newRoots, oldRoots []string, err error) {
	c := d.cc
	// A registry module input comes with its own deps.
	if own := inputs.Deps(newIn); len(own) > 0 {
		newRoots = own
	} else if c.file != nil && inputs.Modular(newIn) {
		if !c.newDeps.done {
			c.newDeps.roots, c.newDeps.err = d.resolveFile(ctx, c.file)
			c.newDeps.done = true
		}
		newRoots, err = c.newDeps.roots, c.newDeps.err
	}
	if own := inputs.Deps(oldIn); len(own) > 0 {
		return newRoots, own, err
	}
	if !inputs.Modular(oldIn) {
		return newRoots, nil, err
	}
	data, name, ok, rerr := inputs.ReadTop(ctx, &d.files, oldIn, "buf.lock")
	if rerr != nil {
		return nil, nil, errors.Join(err, rerr)
	}
	if !ok {
		return newRoots, newRoots, err
	}
	lock, lerr := config.ParseLock(name, data)
	if lerr != nil {
		// The baseline is history, which the user may not be able to
		// fix: its deps are the input's.
		d.warn("the baseline's %s is left aside: %v", name, lerr)
		return newRoots, newRoots, err
	}
	oldRoots, oerr := d.resolve(ctx, lock.Deps)
	// Every missing module is named at once, the baseline's with the
	// input's, so that one fill of the cache is enough.
	var newMissing, oldMissing *registry.MissingError
	if errors.As(err, &newMissing) && errors.As(oerr, &oldMissing) {
		merged := *newMissing
		merged.Keys = slices.Clone(merged.Keys)
		for _, k := range oldMissing.Keys {
			if !slices.Contains(merged.Keys, k) {
				merged.Keys = append(merged.Keys, k)
			}
		}
		return nil, nil, &merged
	}
	if err != nil {
		return nil, nil, err
	}
	if oerr != nil {
		return nil, nil, fmt.Errorf("the baseline's %s: %w", name, oerr)
	}
	return newRoots, oldRoots, nil
}

// resolveFile resolves what a configuration file's buf.lock files pin, and
// asks the registry for the deps that none pins, as buf does, saying so.
func (d *driver) resolveFile(ctx context.Context, f *config.File) ([]string, error) {
	keys, unpinned := f.Pins()
	if len(unpinned) > 0 {
		r, err := d.reg.resolver()
		if err != nil {
			return nil, err
		}
		if r.Client == nil {
			return nil, fmt.Errorf("%s names deps that no buf.lock pins (%s), and Request.Registry.Offline forbids asking the registry for their commits: run buf dep update to write buf.lock", f.Path, strings.Join(unpinned, ", "))
		}
		for _, ref := range unpinned {
			k, err := r.Client.Resolve(ctx, ref)
			if err != nil {
				return nil, fmt.Errorf("%s: dep %s: %w", f.Path, ref, err)
			}
			d.say("%s: no buf.lock pins %s: using commit %s, its latest, as buf does (buf dep update pins it)", f.Path, ref, k.Commit)
			keys = append(keys, k)
		}
	}
	return d.resolve(ctx, keys)
}

// resolve returns the directories of keys and of what they depend on.
func (d *driver) resolve(ctx context.Context, keys []registry.Key) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	r, err := d.reg.resolver()
	if err != nil {
		return nil, err
	}
	return r.Resolve(ctx, keys)
}

// modules is the resolver of a check's registry modules, made when first
// needed, so that a check without deps never looks at BUF_TOKEN or buf's
// cache. It serves registry module inputs (loader.ModuleResolver) and
// buf.lock deps alike.
type modules struct {
	env  Registry
	once sync.Once
	r    *registry.Resolver
	err  error
}

func (m *modules) resolver() (*registry.Resolver, error) {
	m.once.Do(func() { m.r, m.err = m.env.resolver() })
	return m.r, m.err
}

// Module brings a registry module input here.
func (m *modules) Module(ctx context.Context, ref string) (string, []string, error) {
	r, err := m.resolver()
	if err != nil {
		return "", nil, err
	}
	return r.Module(ctx, ref)
}

// fetched holds the inputs a check brought to this machine (archives
// unpacked, repositories cloned), to remove them when the check ends.
type fetched struct {
	cleanups []func()
}

// fetch replaces *in with the input on this machine. An error is a
// *RequestError of field, the Request field that named the input, unless
// field is empty.
func (f *fetched) fetch(ctx context.Context, in *loader.Input, field string) error {
	if in.IsLocal() {
		return nil
	}
	out, cleanup, err := loader.Fetch(ctx, *in)
	if err != nil {
		if field == "" {
			return err
		}
		return &RequestError{Field: field, Err: err}
	}
	f.cleanups = append(f.cleanups, cleanup)
	*in = out
	return nil
}

// close removes what was fetched.
func (f *fetched) close() {
	for _, c := range f.cleanups {
		c()
	}
	f.cleanups = nil
}
