package registry

import (
	"bytes"
	"cmp"
	"crypto/sha3"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// A module digest is what buf.lock pins and what buf checks every module
// it reads from its cache or from a registry against. buf v1.75 knows two
// kinds, both built from SHAKE256 with 64 bytes of output:
//
// A manifest lists a set of files, one line per file sorted by path (byte
// order), each line "shake256:<hex of the file's SHAKE256>", two spaces,
// the path, and a newline.
//
// b4 ("shake256:<hex>", the digests of v1 buf.lock files) is the SHAKE256
// of the manifest of the module's files together with the v1 buf.yaml and
// buf.lock the module was pushed with, listed as "buf.yaml" and
// "buf.lock". A module's dependencies count only through its buf.lock.
//
// b5 ("b5:<hex>", the digests of v2 buf.lock files) is the SHAKE256 of
// the lines, joined by newlines with none after the last, "shake256:<hex
// of the SHAKE256 of the manifest of the module's files>" and then the b5
// digests of all the module's dependencies, direct and transitive, sorted
// as strings. buf.yaml and buf.lock take no part: names do not either, so
// renaming a module or a dependency leaves the digest as it was.
//
// The module's files, in both, are those buf keeps of a module (see
// moduleFiles): its .proto files, LICENSE, and one documentation file.

const (
	// b5Type and b4Type are the digest types as digest strings spell them.
	b5Type = "b5"
	b4Type = "shake256"
	// shake256Size is the length of every SHAKE256 value buf computes.
	shake256Size = 64
	// licensePath is the license file a module keeps, at its root only.
	licensePath = "LICENSE"
)

// docPaths are the documentation files that a module may keep, at its root,
// in order of preference: buf keeps the first of them that is present and
// drops the others, even when they are .proto-free Markdown like the first.
var docPaths = []string{"buf.md", "README.md", "README.markdown"}

// Digest returns the b5 digest ("b5:" and 128 lowercase hex digits) that
// buf computes for a module with the given files and dependencies, the
// digest a v2 buf.lock pins.
//
// Files that are not part of a module as buf sees it (anything but .proto
// files, a root LICENSE and the module's documentation file) are ignored,
// as buf drops them before computing the digest. deps are the module's
// direct and transitive dependencies; only their digests count, and each
// must be a b5 digest. Their order does not matter.
func Digest(files []File, deps []Key) (string, error) {
	kept, err := moduleFiles(files)
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, 1+len(deps))
	lines = append(lines, b4Type+":"+shake256Hex(manifest(kept)))
	depLines := make([]string, 0, len(deps))
	for _, dep := range deps {
		typ, value, err := parseDigest(dep.Digest)
		if err != nil {
			return "", fmt.Errorf("dependency %s: %w", dep, err)
		}
		if typ != b5Type {
			// A b5 digest cannot be made from b4 ones: buf asks the registry for
			// the dependency's b5 digest instead.
			return "", fmt.Errorf("dependency %s: digest %q is not a b5 digest", dep, dep.Digest)
		}
		// buf hashes the digest as it prints it, in lowercase hex, whatever
		// case the buf.lock or module.yaml wrote it in.
		depLines = append(depLines, b5Type+":"+hex.EncodeToString(value))
	}
	slices.Sort(depLines)
	lines = append(lines, depLines...)
	return b5Type + ":" + shake256Hex([]byte(strings.Join(lines, "\n"))), nil
}

// DigestB4 returns the b4 digest ("shake256:" and 128 lowercase hex
// digits) that buf computes for a module pushed with a v1 buf.yaml, the
// digest a v1 buf.lock pins. v1BufYAML and v1BufLock are the module's
// buf.yaml and buf.lock as pushed, nil when it had none. Files are kept as
// Digest keeps them.
func DigestB4(files []File, v1BufYAML, v1BufLock []byte) (string, error) {
	return digestB4(files, "buf.yaml", v1BufYAML, "buf.lock", v1BufLock)
}

// digestB4 is DigestB4 for a buf.yaml and buf.lock that may bear other
// names: buf lists them under the names its cache recorded them with.
func digestB4(files []File, yamlName string, yamlData []byte, lockName string, lockData []byte) (string, error) {
	kept, err := moduleFiles(files)
	if err != nil {
		return "", err
	}
	if yamlData != nil {
		kept = append(kept, File{Path: yamlName, Data: yamlData})
	}
	if lockData != nil {
		kept = append(kept, File{Path: lockName, Data: lockData})
	}
	slices.SortFunc(kept, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	for i := 1; i < len(kept); i++ {
		if kept[i].Path == kept[i-1].Path {
			// buf refuses a manifest that lists a path twice.
			return "", fmt.Errorf("module file %q is also the name of the module's v1 buf.yaml or buf.lock", kept[i].Path)
		}
	}
	return b4Type + ":" + shake256Hex(manifest(kept)), nil
}

// moduleFiles returns the files of files that buf keeps as a module's,
// sorted by path: .proto files anywhere, LICENSE at the root, and the first
// of docPaths present at the root. Every path must be clean, relative and
// slash-separated, and appear once: the paths become paths on disk in the
// cache.
func moduleFiles(files []File) ([]File, error) {
	present := make(map[string]bool, len(files))
	for _, f := range files {
		if err := checkFilePath(f.Path); err != nil {
			return nil, err
		}
		if present[f.Path] {
			return nil, fmt.Errorf("module file %q appears twice", f.Path)
		}
		present[f.Path] = true
	}
	doc := ""
	for _, p := range docPaths {
		if present[p] {
			doc = p
			break
		}
	}
	var kept []File
	for _, f := range files {
		if path.Ext(f.Path) == ".proto" || f.Path == licensePath || (doc != "" && f.Path == doc) {
			kept = append(kept, f)
		}
	}
	slices.SortFunc(kept, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return kept, nil
}

// checkFilePath reports whether p can name a file of a module: buf accepts
// only normalized relative paths, and the cache writes the file there.
func checkFilePath(p string) error {
	switch {
	case p == "":
		return errors.New("module file has an empty path")
	case strings.ContainsAny(p, "\\\x00"):
		return fmt.Errorf("module file path %q contains a backslash or NUL", p)
	case path.IsAbs(p), path.Clean(p) != p, p == ".", p == "..", strings.HasPrefix(p, "../"):
		return fmt.Errorf("module file path %q is not a clean relative path", p)
	}
	return nil
}

// manifest returns the manifest of files, which must be sorted by path.
func manifest(files []File) []byte {
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString(b4Type + ":" + shake256Hex(f.Data) + "  " + f.Path + "\n")
	}
	return b.Bytes()
}

// shake256Hex returns the hex of the 64-byte SHAKE256 of data.
func shake256Hex(data []byte) string {
	return hex.EncodeToString(sha3.SumSHAKE256(data, shake256Size))
}

// parseDigest splits a module digest into its type, b5Type or b4Type, and
// its value, which must be 64 bytes of hex (in either case, as buf allows).
func parseDigest(s string) (typ string, value []byte, err error) {
	typ, hexValue, ok := strings.Cut(s, ":")
	if !ok {
		return "", nil, fmt.Errorf("digest %q: want type:hex", s)
	}
	if typ != b5Type && typ != b4Type {
		return "", nil, fmt.Errorf("digest %q: unknown type %q (want %s or %s)", s, typ, b5Type, b4Type)
	}
	value, err = hex.DecodeString(hexValue)
	if err != nil {
		return "", nil, fmt.Errorf("digest %q: value is not hex", s)
	}
	if len(value) != shake256Size {
		return "", nil, fmt.Errorf("digest %q: value has %d bytes, want %d", s, len(value), shake256Size)
	}
	return typ, value, nil
}
