package cli

import (
	"context"
	"fmt"

	"github.com/protocheck/protocheck/loader"
)

// fetched holds the inputs a command brought to this machine (archives
// unpacked, repositories cloned), to remove them when the command ends.
type fetched struct {
	cleanups []func()
}

// fetch replaces *in with the input on this machine; what prefixes an
// error (the flag that named the input).
func (f *fetched) fetch(ctx context.Context, in *loader.Input, what string) error {
	out, cleanup, err := loader.Fetch(ctx, *in)
	if err != nil {
		return fmt.Errorf("%s%w", what, err)
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
