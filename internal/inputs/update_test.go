package inputs

import "flag"

// The flag is accepted so that `go test ./... -update`, which rewrites the
// golden files of the packages that have them, runs here too: this package
// has none.
var _ = flag.Bool("update", false, "accepted for go test ./... -update; this package has no golden files")
