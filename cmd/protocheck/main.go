// Command protocheck tells whether a change to a set of Protocol Buffers
// schemas breaks anyone. See the README for its use.
package main

import (
	"os"

	"github.com/protocheck/protocheck/internal/cli"
)

func main() { os.Exit(cli.Main()) }
