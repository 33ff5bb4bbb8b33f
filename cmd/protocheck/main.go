// Command protocheck tells whether a change to a set of Protocol Buffers
// schemas breaks anyone. See the README for its use.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/protocheck/protocheck/internal/cli"
)

// main cancels the command's context on SIGINT and SIGTERM: the command
// returns at once, undoing what it left, and exits 128 plus the signal's
// number.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx)
	stop()
	os.Exit(code)
}
