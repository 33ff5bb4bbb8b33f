package cli

import (
	"github.com/spf13/cobra"
)

// configFlags are the flags of check that choose and report the
// configuration file.
type configFlags struct {
	path    string
	against string // the baseline's buf.yaml, as a file or inline
	verbose bool
	offline bool // deps come from buf's cache only
}

func addConfigFlags(cmd *cobra.Command, fl *configFlags) {
	f := cmd.Flags()
	f.StringVar(&fl.path, "config", "", "configuration file (protocheck.yaml, buf.yaml or buf.work.yaml), or a buf.yaml's contents as YAML or JSON (default: found in or above INPUT)")
	f.StringVar(&fl.against, "against-config", "", "the baseline's buf.yaml, as a file or its contents as YAML or JSON: its layout (module root) for the baseline; rules come from the input's configuration (default: found at the baseline's top)")
	f.BoolVarP(&fl.verbose, "verbose", "v", false, "print to stderr which configuration file and which versions are used")
	f.BoolVar(&fl.offline, "offline", false, "take buf.lock's deps from buf's module cache only: never ask the registry")
}
