package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// A Resolver finds the files of pinned modules: in buf's cache first, then
// on the registry each module names, writing what it downloads into the
// cache so that the next buf and the next protocheck find it there. Its
// methods may be called from several goroutines at once: the cache's
// locks order them, as they order buf and protocheck.
type Resolver struct {
	// Cache is buf's module cache.
	Cache *Cache
	// Client fetches what Cache lacks; nil means offline: a module that
	// is not cached is an error.
	Client *Client

	// found holds the modules already read and verified, by Key: the two
	// versions of a check usually pin the same commits, and verifying a
	// module hashes every file of it.
	found sync.Map // Key -> cached
}

// cached is what Cache.Get returned for a module.
type cached struct {
	dir  string
	deps []Key
}

// A MissingError says which pinned modules could be found neither in the
// cache nor on their registry, every one of them at once, so that one run
// of the command it names fills the cache.
type MissingError struct {
	// Keys are the missing modules, in the order they were asked for.
	Keys []Key
	// Cache is the cache directory that was searched.
	Cache string
	// Err is why they were not downloaded: ErrNoClient when the Resolver
	// has no Client, else the registry's error.
	Err error
}

// ErrNoClient is the cause of a MissingError when nothing may be
// downloaded (the Resolver has no Client: the command runs offline).
var ErrNoClient = errors.New("downloads are turned off")

// Error lists the missing modules and how to fill the cache.
func (e *MissingError) Error() string {
	var b strings.Builder
	what := "a module that is"
	if len(e.Keys) > 1 {
		what = fmt.Sprintf("%d modules that are", len(e.Keys))
	}
	fmt.Fprintf(&b, "buf.lock pins %s not in buf's cache (%s) and could not be downloaded (%v):\n", what, e.Cache, e.Err)
	for _, k := range e.Keys {
		fmt.Fprintf(&b, "  %s, commit %s\n", k.Name, k.Commit)
	}
	b.WriteString("fill the cache once where the registry can be reached (buf dep update, or buf build, in the module's directory), then run again")
	return b.String()
}

// Unwrap returns the cause.
func (e *MissingError) Unwrap() error { return e.Err }

// Resolve returns the directories that hold the files of the modules keys
// pins, one per module, in order. A module named twice is taken at its
// first commit. Modules whose digest does not match are refused, each by
// name.
//
// As buf does, Resolve takes keys as the whole list: a buf.lock names
// every module its deps reach, transitive ones included, and a module
// that buf.lock leaves out is not found (the import that needs it fails
// to compile, as in buf), even when a cached module records it.
func (r *Resolver) Resolve(ctx context.Context, keys []Key) ([]string, error) {
	return r.resolve(ctx, keys, false)
}

// resolve is Resolve; with transitive, the deps that each module records
// are resolved too, after the keys.
func (r *Resolver) resolve(ctx context.Context, keys []Key, transitive bool) ([]string, error) {
	var (
		dirs       []string
		missing    []Key
		errs       []error
		seen       = make(map[Name]bool)
		downloaded = make(map[Name]bool)
		queue      []Key
	)
	add := func(ks []Key) {
		for _, k := range ks {
			if !seen[k.Name] {
				seen[k.Name] = true
				queue = append(queue, k)
			}
		}
	}
	add(keys)
	for len(queue) > 0 {
		var fetch []Key
		pending := queue
		queue = nil
		for _, k := range pending {
			dir, deps, err := r.get(ctx, k)
			switch {
			case err == nil:
				dirs = append(dirs, dir)
				if transitive {
					add(deps)
				}
			case !errors.Is(err, ErrNotCached):
				errs = append(errs, err)
			case downloaded[k.Name]:
				errs = append(errs, fmt.Errorf("%s was written to buf's cache (%s) but cannot be read back", k, r.Cache.Dir))
			case r.Client == nil:
				missing = append(missing, k)
			default:
				fetch = append(fetch, k)
			}
		}
		if len(fetch) == 0 {
			continue
		}
		mods, err := r.Client.Download(ctx, fetch)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, ErrDigestMismatch) {
				return nil, err
			}
			return nil, &MissingError{Keys: fetch, Cache: r.Cache.Dir, Err: err}
		}
		for _, m := range mods {
			if err := r.Cache.Put(ctx, m); err != nil {
				return nil, fmt.Errorf("writing %s to buf's cache: %w", m.Key, err)
			}
		}
		// What was written is read back through the same checks as a hit.
		for _, k := range fetch {
			downloaded[k.Name] = true
			queue = append(queue, k)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(missing) > 0 {
		return nil, &MissingError{Keys: missing, Cache: r.Cache.Dir, Err: ErrNoClient}
	}
	return dirs, nil
}

// get is Cache.Get, once per Key for the Resolver's life.
func (r *Resolver) get(ctx context.Context, k Key) (string, []Key, error) {
	if c, ok := r.found.Load(k); ok {
		return c.(cached).dir, c.(cached).deps, nil
	}
	dir, deps, err := r.Cache.Get(ctx, k)
	if err == nil {
		r.found.Store(k, cached{dir, deps})
	}
	return dir, deps, err
}

// Module brings one commit of a module to this machine, as an input to
// compare: ref is registry/owner/module, with :label or :commit (the
// default label without). It returns the directory of the module's files
// and those of the modules it depends on. Asking the registry which commit
// a ref names needs a Client.
func (r *Resolver) Module(ctx context.Context, ref string) (dir string, deps []string, err error) {
	if r.Client == nil {
		return "", nil, fmt.Errorf("module %s: which commit it names is the registry's to say, and downloads are turned off", ref)
	}
	k, err := r.Client.Resolve(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	// A module pushed to a registry records all its deps, as a buf.lock
	// does.
	dirs, err := r.resolve(ctx, []Key{k}, true)
	if err != nil {
		return "", nil, err
	}
	return dirs[0], dirs[1:], nil
}
