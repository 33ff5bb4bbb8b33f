package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// A pre-commit hook checks a large tree many times a day, and between two
// runs nearly every file is the same: HEAD's files, their headers, the
// unchanged files a change imports. With Loader.CacheDir set, the loader
// keeps what it learns of a file between runs, in files under that
// directory, by the file's contents:
//
//   - the header of a file (package, imports, whether it sets a custom
//     option), by the digest of its contents, so that listing what a
//     change reaches reads only the files that changed;
//   - the names a file declares, by the digest of its contents
//     (linkCache.declared);
//   - a linked file, as the descriptor the compiler made, by the digest of
//     its closure (closureKeys.key): its path and contents and the closure
//     digests of what it imports, so that an unchanged file and its
//     imports are not compiled again.
//
// Every key is a digest of contents, so an entry can never be stale: a
// changed file has another key. An entry that cannot be read, or whose
// checksum does not match, is ignored and the file compiled; entries are
// written to a temporary name and renamed, so that concurrent runs never
// see half of one. A linked file whose closure holds a file outside the
// input (an include path's, another root's) is not kept: its key does not
// say which contents that file had. The well-known types are the program's
// own and are kept.
//
// Entries live in a subdirectory named after the program that wrote them
// (its build and executable), so that another build, which may compile
// differently, never reads them. Subdirectories of other builds, and
// entries unused for cacheMaxAge, are removed now and then (prune).

// cacheFormat changes whenever what an entry holds or how a file is
// compiled changes in a way the build stamp would not show.
const cacheFormat = "1"

// cacheMaxAge is how long an entry that no run read is kept.
const cacheMaxAge = 14 * 24 * time.Hour

// entryMagic starts every entry.
var entryMagic = []byte("protocheck cache " + cacheFormat + "\n")

// diskCache is the directory of one build's entries.
type diskCache struct {
	dir string
	// made holds the fan-out directories known to exist.
	mu   sync.Mutex
	made map[string]bool
}

// disk returns l's on-disk cache, or nil when l keeps none.
func (l *Loader) disk() *diskCache {
	l.diskOnce.Do(func() {
		if l.CacheDir == "" {
			return
		}
		l.diskc = &diskCache{dir: filepath.Join(l.CacheDir, buildStamp()), made: make(map[string]bool)}
		l.diskc.prune(l.CacheDir)
	})
	return l.diskc
}

// buildStamp names the program that runs: its module versions and, since
// a development build keeps one version across edits, the size and time
// of its executable.
func buildStamp() string {
	h := sha256.New()
	fmt.Fprintf(h, "format %s\n", cacheFormat)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(h, "%s %s %s\n", bi.Main.Path, bi.Main.Version, bi.Main.Sum)
		for _, d := range bi.Deps {
			fmt.Fprintf(h, "%s %s %s\n", d.Path, d.Version, d.Sum)
		}
		for _, s := range bi.Settings {
			fmt.Fprintf(h, "%s=%s\n", s.Key, s.Value)
		}
	}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "%s %d %d\n", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	return "v" + cacheFormat + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// pruneEvery is how often a run looks for entries to remove.
const pruneEvery = 24 * time.Hour

// prune removes, at most once a pruneEvery, the other builds'
// subdirectories of root that no run used for cacheMaxAge, and this
// build's entries unused as long. Errors are ignored: a cache that cannot
// be cleaned still works.
func (c *diskCache) prune(root string) {
	mark := filepath.Join(root, "pruned")
	if st, err := os.Stat(mark); err == nil && time.Since(st.ModTime()) < pruneEvery {
		return
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return
	}
	if err := os.WriteFile(mark, nil, 0o644); err != nil {
		return
	}
	old := time.Now().Add(-cacheMaxAge)
	subs, _ := os.ReadDir(root)
	for _, s := range subs {
		p := filepath.Join(root, s.Name())
		if !s.IsDir() || !strings.HasPrefix(s.Name(), "v") {
			continue
		}
		if p != c.dir {
			if st, err := os.Stat(p); err == nil && st.ModTime().Before(old) {
				os.RemoveAll(p)
			}
			continue
		}
		filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil && info.ModTime().Before(old) {
					os.Remove(path)
				}
			}
			return nil
		})
	}
}

// path returns where the entry of a kind ("h", "d", "f") and key lives.
func (c *diskCache) path(kind, key string) string {
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	return filepath.Join(c.dir, kind, name[:2], name[2:])
}

// get returns the payload of an entry, or ok false when there is none or
// it does not check out (see put).
func (c *diskCache) get(kind, key string) (payload []byte, ok bool) {
	p := c.path(kind, key)
	f, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() > maxEntrySize {
		return nil, false
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, false
	}
	payload, ok = openEntry(kind, key, data)
	if !ok {
		return nil, false
	}
	// Used: not pruned for another while. The time has a day's slack, so
	// that most reads cost no write.
	if time.Since(st.ModTime()) > pruneEvery {
		now := time.Now()
		os.Chtimes(p, now, now)
		os.Chtimes(c.dir, now, now)
	}
	return payload, true
}

// maxEntrySize bounds what an entry may take: a file's descriptor with
// source info is some times the file, at most MaxFileSize.
const maxEntrySize = 64 * MaxFileSize

// openEntry checks an entry's magic and checksum, which covers the kind
// and key it was written for, and returns its payload.
func openEntry(kind, key string, data []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(data, entryMagic)
	if !ok || len(rest) < sha256.Size {
		return nil, false
	}
	sum, payload := rest[:sha256.Size], rest[sha256.Size:]
	want := entrySum(kind, key, payload)
	return payload, bytes.Equal(sum, want[:])
}

func entrySum(kind, key string, payload []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(kind + "\x00" + key + "\x00"))
	h.Write(payload)
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// put writes an entry, under a temporary name renamed into place: a
// concurrent reader sees the whole entry or none. Errors are ignored: a
// cache that cannot be written is only slower.
func (c *diskCache) put(kind, key string, payload []byte) {
	p := c.path(kind, key)
	dir := filepath.Dir(p)
	c.mu.Lock()
	made := c.made[dir]
	c.mu.Unlock()
	if !made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return
		}
		c.mu.Lock()
		c.made[dir] = true
		c.mu.Unlock()
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	sum := entrySum(kind, key, payload)
	_, err = f.Write(slices.Concat(entryMagic, sum[:], payload))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// errEntry says that an entry's payload does not decode.
var errEntry = errors.New("malformed cache entry")

// entryReader decodes a payload written with appendString and
// protowire.AppendVarint.
type entryReader struct {
	b   []byte
	err error
}

func (r *entryReader) varint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		r.err = errEntry
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *entryReader) bytes() []byte {
	if r.err != nil {
		return nil
	}
	v, n := protowire.ConsumeBytes(r.b)
	if n < 0 {
		r.err = errEntry
		return nil
	}
	r.b = r.b[n:]
	return v
}

func (r *entryReader) string() string { return string(r.bytes()) }

// strings reads a count, then as many strings; a count larger than what
// is left is malformed, not an allocation.
func (r *entryReader) strings() []string {
	n := r.varint()
	if n > uint64(len(r.b)) {
		r.err = errEntry
		return nil
	}
	var out []string
	for range n {
		out = append(out, r.string())
	}
	return out
}

func appendStrings(b []byte, ss []string) []byte {
	b = protowire.AppendVarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = protowire.AppendString(b, s)
	}
	return b
}

// headerKey is the key of a file's declarations: the kind of digest (a
// blob id is not a SHA-256 sum) and the digest.
func headerKey(t *Tree, f File) string {
	return kindName(kindOf(t)) + ":" + f.Digest
}

func kindName(k inputKind) string { return fmt.Sprint(int(k)) }

// Headers are kept in packs of a few files each: one entry per file would
// cost a pre-commit hook on a large tree a thousand small reads. A pack
// holds consecutive files (by path) of one directory, cut after each file
// whose path hashes to 0 modulo packSpread, so that a change touches one
// pack of about packSpread files, whose files are read and scanned again.
// A pack's key is its files' paths and digests.

// packSpread is the mean number of files of a header pack.
const packSpread = 16

// headerPacks splits files, sorted by path, into packs; it returns the
// index in files of each pack's first file, and len(files).
func headerPacks(files []File) []int {
	cuts := []int{0}
	for i := 1; i < len(files); i++ {
		prev := files[i-1].Path
		dir := prev[:strings.LastIndexByte(prev, '/')+1]
		if !strings.HasPrefix(files[i].Path, dir) || strings.IndexByte(files[i].Path[len(dir):], '/') >= 0 || pathHash(prev)%packSpread == 0 {
			cuts = append(cuts, i)
		}
	}
	return append(cuts, len(files))
}

// pathHash is FNV-1a: stable across runs and programs, unlike maphash.
func pathHash(s string) uint32 {
	h := uint32(2166136261)
	for i := range len(s) {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// packKey is the key of a pack of files of a tree of the given kind.
func packKey(kind inputKind, files []File) string {
	var b strings.Builder
	b.WriteString(kindName(kind))
	for _, f := range files {
		b.WriteString("\x00" + f.Path + "\x00" + f.Digest)
	}
	return b.String()
}

// getHeaders returns the headers kept for a pack of files.
func (c *diskCache) getHeaders(kind inputKind, files []File) ([]header, bool) {
	payload, ok := c.get("h", packKey(kind, files))
	if !ok {
		return nil, false
	}
	r := &entryReader{b: payload}
	if r.varint() != uint64(len(files)) {
		return nil, false
	}
	out := make([]header, len(files))
	for i := range out {
		h := &out[i]
		h.pkg = r.string()
		h.imports = r.strings()
		h.public = r.strings()
		n := r.varint()
		if n != uint64(len(h.imports)) {
			return nil, false
		}
		for range n {
			h.importAt = append(h.importAt, int(r.varint()))
		}
		h.options = r.varint() == 1
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, false
	}
	return out, true
}

// putHeaders keeps the headers of a pack of files, unless the scan could
// not read one: it says so again next time.
func (c *diskCache) putHeaders(kind inputKind, files []File, hs []header) {
	b := protowire.AppendVarint(nil, uint64(len(files)))
	for _, h := range hs {
		if h.err != nil {
			return
		}
		b = protowire.AppendString(b, h.pkg)
		b = appendStrings(b, h.imports)
		b = appendStrings(b, h.public)
		b = protowire.AppendVarint(b, uint64(len(h.importAt)))
		for _, at := range h.importAt {
			b = protowire.AppendVarint(b, uint64(at))
		}
		b = protowire.AppendVarint(b, boolBit(h.options))
	}
	c.put("h", packKey(kind, files), b)
}

// getDecls returns the declarations kept under key.
func (c *diskCache) getDecls(key string) (declarations, bool) {
	payload, ok := c.get("d", key)
	if !ok {
		return declarations{}, false
	}
	r := &entryReader{b: payload}
	var d declarations
	d.pkg = protoreflect.FullName(r.string())
	for _, n := range r.strings() {
		d.names = append(d.names, protoreflect.FullName(n))
	}
	if r.err != nil || len(r.b) != 0 {
		return declarations{}, false
	}
	return d, true
}

// putDecls keeps d under key.
func (c *diskCache) putDecls(key string, d declarations) {
	b := protowire.AppendString(nil, string(d.pkg))
	names := make([]string, len(d.names))
	for i, n := range d.names {
		names[i] = string(n)
	}
	c.put("d", key, appendStrings(b, names))
}

// A linked file's entry holds whether it was linked with source info, the
// path and closure key of each file it imports ("" for a well-known type,
// the program's own), and its descriptor proto.

// putFile keeps f under key; deps gives the closure key of each of its
// imports, in order, "" for a well-known type.
func (c *diskCache) putFile(key string, f protoreflect.FileDescriptor, deps []string) {
	fp := fileProtoOf(f)
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(fp)
	if err != nil {
		return
	}
	b := protowire.AppendVarint(nil, boolBit(f.SourceLocations().Len() > 0))
	imps := f.Imports()
	b = protowire.AppendVarint(b, uint64(imps.Len()))
	for i := range imps.Len() {
		b = protowire.AppendString(b, imps.Get(i).Path())
		b = protowire.AppendString(b, deps[i])
	}
	b = protowire.AppendBytes(b, data)
	c.put("f", key, b)
}

// keptFile is a linked file's entry, decoded.
type keptFile struct {
	source   bool
	depPaths []string
	depKeys  []string
	fp       *descriptorpb.FileDescriptorProto
}

// getFile returns the entry kept under key.
func (c *diskCache) getFile(key string) (keptFile, bool) {
	payload, ok := c.get("f", key)
	if !ok {
		return keptFile{}, false
	}
	r := &entryReader{b: payload}
	k := keptFile{source: r.varint() == 1}
	n := r.varint()
	if n > uint64(len(r.b)) {
		return keptFile{}, false
	}
	for range n {
		k.depPaths = append(k.depPaths, r.string())
		k.depKeys = append(k.depKeys, r.string())
	}
	data := r.bytes()
	if r.err != nil || len(r.b) != 0 {
		return keptFile{}, false
	}
	k.fp = new(descriptorpb.FileDescriptorProto)
	if err := proto.Unmarshal(data, k.fp); err != nil {
		return keptFile{}, false
	}
	if len(k.fp.GetDependency()) != len(k.depPaths) {
		return keptFile{}, false
	}
	for i, d := range k.fp.GetDependency() {
		if d != k.depPaths[i] {
			return keptFile{}, false
		}
	}
	return k, true
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// fileProtoOf returns f as a descriptor proto: the compiler's own when it
// kept one (the v0.14 compiler does, with its columns counted as buf
// counts them), else made from f.
func fileProtoOf(f protoreflect.FileDescriptor) *descriptorpb.FileDescriptorProto {
	if r, ok := f.(interface {
		FileDescriptorProto() *descriptorpb.FileDescriptorProto
	}); ok {
		return r.FileDescriptorProto()
	}
	return protodesc.ToFileDescriptorProto(f)
}

// wellKnown returns the program's own descriptor of a well-known type, the
// one the compiler links, or nil.
func wellKnown(path string) protoreflect.FileDescriptor {
	if !isWellKnown(path) {
		return nil
	}
	f, err := protoregistry.GlobalFiles.FindFileByPath(path)
	if err != nil {
		return nil
	}
	return f
}

// unwrapped returns the file behind the compiler's wrapper of a linked
// file (the v0.14 compiler wraps the files it is given): two wrappers of
// one file are that file, to the compiler as here.
func unwrapped(f protoreflect.FileDescriptor) protoreflect.FileDescriptor {
	for {
		w, ok := f.(interface {
			Unwrap() protoreflect.FileDescriptor
		})
		if !ok {
			return f
		}
		f = w.Unwrap()
	}
}

// sameLinked reports whether a and b are one linked file, wrapped or not.
func sameLinked(a, b protoreflect.FileDescriptor) bool {
	return a == b || (a != nil && b != nil && unwrapped(a) == unwrapped(b))
}

// depResolver resolves the imports of a file being built from its entry:
// its imports, and the files they import publicly.
type depResolver struct {
	files []protoreflect.FileDescriptor
}

func newDepResolver(deps []protoreflect.FileDescriptor) *depResolver {
	r := &depResolver{}
	seen := make(map[protoreflect.FileDescriptor]bool)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if seen[f] {
			return
		}
		seen[f] = true
		r.files = append(r.files, f)
		imps := f.Imports()
		for i := range imps.Len() {
			if imps.Get(i).IsPublic {
				add(imps.Get(i).FileDescriptor)
			}
		}
	}
	for _, d := range deps {
		add(d)
	}
	return r
}

func (r *depResolver) FindFileByPath(path string) (protoreflect.FileDescriptor, error) {
	for _, f := range r.files {
		if f.Path() == path {
			return f, nil
		}
	}
	return nil, protoregistry.NotFound
}

func (r *depResolver) FindDescriptorByName(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	for _, f := range r.files {
		if d := findIn(f, name); d != nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

// findIn returns the element of f with the full name, or nil.
func findIn(f protoreflect.FileDescriptor, name protoreflect.FullName) protoreflect.Descriptor {
	rel := string(name)
	if pkg := string(f.Package()); pkg != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(rel, pkg+"."); !ok {
			return nil
		}
	}
	msgs, enums, exts := f.Messages(), f.Enums(), f.Extensions()
	parts := strings.Split(rel, ".")
	for i, part := range parts {
		n := protoreflect.Name(part)
		last := i == len(parts)-1
		if m := msgs.ByName(n); m != nil {
			if last {
				return m
			}
			msgs, enums, exts = m.Messages(), m.Enums(), m.Extensions()
			continue
		}
		if !last {
			return nil
		}
		if e := enums.ByName(n); e != nil {
			return e
		}
		if x := exts.ByName(n); x != nil {
			return x
		}
		if i == 0 {
			if s := f.Services().ByName(n); s != nil {
				return s
			}
		}
		for j := range enums.Len() {
			if v := enums.Get(j).Values().ByName(n); v != nil {
				return v
			}
		}
	}
	return nil
}
