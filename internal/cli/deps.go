package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/config"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/registry"
)

// newResolver returns the resolver of registry deps that buf would use:
// buf's cache ($BUF_CACHE_DIR or buf's default), and, unless offline, the
// registry with buf's credentials (BUF_TOKEN, then ~/.netrc or $NETRC).
func newResolver(offline bool) (*registry.Resolver, error) {
	dir, err := registry.CacheDir(os.Getenv, runtime.GOOS)
	if err != nil {
		return nil, fmt.Errorf("buf's module cache: %w", err)
	}
	cache := &registry.Cache{Dir: dir}
	// protocheck's own record of the modules it verified, so that a warm
	// cache costs a stat per file, not a hash (registry/verified.go).
	if user, err := os.UserCacheDir(); err == nil {
		cache.Verified = filepath.Join(user, "protocheck", "verified")
	}
	r := &registry.Resolver{Cache: cache}
	if !offline {
		// buf refuses to run with a malformed BUF_TOKEN; so does protocheck,
		// rather than send no token and report "not authenticated".
		if err := registry.CheckBufToken(os.Getenv("BUF_TOKEN")); err != nil {
			return nil, err
		}
		r.Client = &registry.Client{Token: bufToken}
	}
	return r, nil
}

// bufToken returns the token buf would send to a registry host.
func bufToken(host string) string {
	netrc := os.Getenv("NETRC")
	if netrc == "" {
		if home, err := os.UserHomeDir(); err == nil {
			netrc = filepath.Join(home, ".netrc")
		}
	}
	data, _ := os.ReadFile(netrc) // no .netrc: no token from it
	return registry.Tokens(os.Getenv("BUF_TOKEN"), data, host)
}

// depRoots returns the directories that hold the deps of the input and of
// the baseline: each version's buf.lock, resolved from buf's cache or the
// registry. The baseline's own buf.lock pins its deps when it has one (at
// its top, as buf reads a baseline's); otherwise it shares the input's.
func (c *checkConfig) depRoots(cmd *cobra.Command, newIn, oldIn loader.Input) (newRoots, oldRoots []string, err error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	// A registry module input comes with its own deps.
	if len(newIn.DepRoots) > 0 {
		newRoots = newIn.DepRoots
	} else if c.file != nil && newIn.Modular() {
		if !c.newDeps.done {
			c.newDeps.roots, c.newDeps.err = c.resolveFile(ctx, cmd, c.file)
			c.newDeps.done = true
		}
		newRoots, err = c.newDeps.roots, c.newDeps.err
	}
	if len(oldIn.DepRoots) > 0 {
		return newRoots, oldIn.DepRoots, err
	}
	if !oldIn.Modular() {
		return newRoots, nil, err
	}
	data, name, ok, rerr := (&loader.Loader{}).ReadTop(ctx, oldIn, "buf.lock")
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
		fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: warning: the baseline's %s is left aside: %v\n", name, lerr)
		return newRoots, newRoots, err
	}
	oldRoots, oerr := c.resolve(ctx, lock.Deps)
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
func (c *checkConfig) resolveFile(ctx context.Context, cmd *cobra.Command, f *config.File) ([]string, error) {
	keys, unpinned := f.Pins()
	if len(unpinned) > 0 {
		r, err := c.resolver()
		if err != nil {
			return nil, err
		}
		if r.Client == nil {
			return nil, fmt.Errorf("%s names deps that no buf.lock pins (%s), and --offline forbids asking the registry for their commits: run buf dep update to write buf.lock", f.Path, strings.Join(unpinned, ", "))
		}
		for _, ref := range unpinned {
			k, err := r.Client.Resolve(ctx, ref)
			if err != nil {
				return nil, fmt.Errorf("%s: dep %s: %w", f.Path, ref, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s: no buf.lock pins %s: using commit %s, its latest, as buf does (buf dep update pins it)\n", f.Path, ref, k.Commit)
			keys = append(keys, k)
		}
	}
	return c.resolve(ctx, keys)
}

// resolve returns the directories of keys and of what they depend on.
func (c *checkConfig) resolve(ctx context.Context, keys []registry.Key) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	r, err := c.resolver()
	if err != nil {
		return nil, err
	}
	return r.Resolve(ctx, keys)
}

// resolver returns the command's resolver, made on first use.
func (c *checkConfig) resolver() (*registry.Resolver, error) {
	if c.registry == nil {
		c.registry = &modules{offline: c.offline}
	}
	return c.registry.resolver()
}

// modules is the resolver of a command's registry modules, made when
// first needed, so that a check without deps never looks at BUF_TOKEN or
// buf's cache. It serves registry module inputs (loader.ModuleResolver)
// and buf.lock deps alike.
type modules struct {
	offline bool
	once    sync.Once
	r       *registry.Resolver
	err     error
}

func (m *modules) resolver() (*registry.Resolver, error) {
	m.once.Do(func() { m.r, m.err = newResolver(m.offline) })
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
