// Package registry resolves the dependencies that a buf.yaml names on a Buf
// Schema Registry (buf.build or a private instance), the way buf resolves
// them, so that a repository set up for buf needs no export step:
//
//   - lock.go reads buf.lock (v1 and v2): the commit and digest of every
//     dependency, transitive ones included;
//   - digest.go computes a module's b5 digest, as buf does, so that what
//     is read from a cache or a download is verified before it is used;
//   - cache.go reads and writes buf's own module cache ($BUF_CACHE_DIR, in
//     the layout of buf v1.75), under buf's locks, so that buf and
//     protocheck share what either has fetched;
//   - download.go fetches what the cache lacks through the registry's
//     module API, with buf's credentials.
//
// The package never prints and never reads the environment: callers pass
// the cache directory and credentials (CacheDir and Netrc help them find
// what buf would use).
package registry

import (
	"fmt"
	"strings"
)

// A Name is a module's full name on a registry: buf.build/googleapis/googleapis.
type Name struct {
	Registry, Owner, Module string
}

// ParseName reads registry/owner/module.
func ParseName(s string) (Name, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return Name{}, fmt.Errorf("module name %q: want registry/owner/module", s)
	}
	return Name{Registry: parts[0], Owner: parts[1], Module: parts[2]}, nil
}

// String returns registry/owner/module.
func (n Name) String() string { return n.Registry + "/" + n.Owner + "/" + n.Module }

// A Key pins one commit of a module, as buf.lock pins it.
type Key struct {
	Name Name
	// Commit is the commit id as buf.lock writes it: 32 lowercase hex
	// digits (a UUID without dashes).
	Commit string
	// Digest is the module's digest at that commit, "b5:" (or, in a v1
	// buf.lock, "shake256:") followed by lowercase hex.
	Digest string
}

// String returns name:commit, as buf names a pinned module.
func (k Key) String() string { return k.Name.String() + ":" + k.Commit }

// A File is one file of a module, by its path in the module
// (slash-separated, relative).
type File struct {
	Path string
	Data []byte
}

// A Module is the content of one commit of a module: its files and the
// commits of the modules it depends on, as the registry serves it and as
// buf's cache keeps it.
type Module struct {
	Key   Key
	Files []File
	// Deps are the module's direct and transitive dependencies at the
	// commits it was built with.
	Deps []Key
	// V1BufYAML and V1BufLock are the module's buf.yaml and buf.lock when it
	// was pushed with a v1 configuration; nil otherwise. buf keeps them
	// beside the files; they are not part of the b5 digest.
	V1BufYAML, V1BufLock []byte
}
