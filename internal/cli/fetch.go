package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/protocheck/protocheck/loader"
)

// fetched holds the inputs a command brought to this machine (archives
// unpacked, repositories cloned), to remove them when the command ends or
// is interrupted.
type fetched struct {
	cleanups []func()
}

// fetch replaces *in with the input on this machine; what prefixes an
// error (the flag that named the input). The temporary directory is
// registered for removal before the fetch starts, so that an interrupt
// during a clone removes it too.
func (f *fetched) fetch(ctx context.Context, in *loader.Input, what string) error {
	if in.IsLocal() {
		return nil
	}
	dir, err := os.MkdirTemp("", "protocheck-input-")
	if err != nil {
		return fmt.Errorf("%sinput %s: %w", what, in, err)
	}
	remove := func() { os.RemoveAll(dir) }
	unregister := onInterrupt.add(remove)
	f.cleanups = append(f.cleanups, func() {
		unregister()
		remove()
	})
	out, err := loader.FetchTo(ctx, *in, dir)
	if err != nil {
		return fmt.Errorf("%s%w", what, err)
	}
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
