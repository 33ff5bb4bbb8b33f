package loader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// The well-known types register themselves, so that a descriptor set
	// written without --include_imports still links against them.
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/apipb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb"
	_ "google.golang.org/protobuf/types/known/sourcecontextpb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/typepb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// MaxDescriptorSetSize is the largest descriptor set file read, in bytes.
// The file is read whole, and each file of it is unmarshalled and linked
// only when a comparison needs it; linking costs about 50 bytes of memory
// per byte of descriptor (docs/limits.md).
const MaxDescriptorSetSize = 256 << 20

// MaxLinkedDescriptors is the most bytes of a descriptor set's files that
// one comparison unmarshals and links: the files that differ and what they
// import. Linking 58 MB of descriptors on each side took 5.8 GiB, so the
// limit keeps a check of two sets near 3 GiB however large they are; sets
// that differ in a few files are not near it.
const MaxLinkedDescriptors = 32 << 20

// bufImageFileExtension is the field of FileDescriptorProto in which buf
// images record, per file, whether it was only imported (its field 1,
// is_import). Files so marked are dependencies, not the input's own.
const bufImageFileExtension = 8042

// descriptorSet is a FileDescriptorSet as read at Open: each file's raw
// bytes and the little that Open and Changed need, its name, package and
// imports. Unmarshalling and linking a large set costs gigabytes, and
// comparing two sets usually needs only a handful of its files, so Compile
// links only the files it is asked for and what they import.
type descriptorSet struct {
	// entries are the set's files in the set's order.
	entries []*setFile
	// byPath indexes entries by name.
	byPath map[string]*setFile
}

// A setFile is one file of a descriptor set, not yet unmarshalled.
type setFile struct {
	raw    []byte // the FileDescriptorProto, as the set holds it
	name   string
	pkg    string
	deps   []string
	public []int32 // indexes into deps of the public imports
	imp    bool    // buf marked the file as only imported
	marked bool    // buf's is_import mark is present
	digest string  // sha256 of raw
}

func (l *Loader) openDescriptorSet(ctx context.Context, in Input) (*Tree, error) {
	name := l.abs(in.path)
	f, err := openInput(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
	}
	// The size is counted as the bytes come: a pipe, /dev/zero or a file
	// that grows has no size to check first.
	data, err := readBounded(f, MaxDescriptorSetSize)
	f.Close()
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%s: descriptor set is larger than %d MiB", in.path, MaxDescriptorSetSize>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
	}
	if data, err = decodeImage(in.path, data, in.enc, in.gz); err != nil {
		return nil, err
	}
	set, ok := scanSet(data)
	if !ok {
		return nil, corruptSet(in, data)
	}
	if len(set.entries) == 0 {
		return nil, fmt.Errorf("%s: the descriptor set holds no files", in.path)
	}
	t := &Tree{Input: in, loader: l, display: func(p string) string { return p }}
	marked := false
	for _, f := range set.entries {
		if f.marked {
			marked = true
		}
	}
	set.byPath = make(map[string]*setFile, len(set.entries))
	for _, f := range set.entries {
		if _, dup := set.byPath[f.name]; dup {
			return nil, fmt.Errorf("%s: the descriptor set does not link: file appears multiple times: %q", in.path, f.name)
		}
		set.byPath[f.name] = f
		if f.imp || (!marked && isWellKnown(f.name)) {
			continue
		}
		t.Files = append(t.Files, File{Path: f.name, Digest: f.digest})
	}
	// A set written without its imports may still link against the
	// well-known types, which this program carries.
	for _, f := range set.entries {
		for _, dep := range f.deps {
			if set.byPath[dep] != nil {
				continue
			}
			if _, err := protoregistry.GlobalFiles.FindFileByPath(dep); err != nil {
				return nil, fmt.Errorf("%s: %s imports %q, which the descriptor set does not hold (write it with --include_imports, or buf build --as-file-descriptor-set)", in.path, f.name, dep)
			}
		}
	}
	if len(t.Files) == 0 {
		return nil, fmt.Errorf("%s: the descriptor set holds only imported files", in.path)
	}
	slices.SortFunc(t.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	t.set = set
	return t, nil
}

// corruptSet is the error for a set whose bytes do not parse, in the words
// of protobuf-go's own decoder.
func corruptSet(in Input, data []byte) error {
	cause := "cannot parse invalid wire-format data"
	if err := proto.Unmarshal(data, &descriptorpb.FileDescriptorSet{}); err != nil {
		cause = protoCause(err)
	}
	return fmt.Errorf("%s: not a valid FileDescriptorSet: %s", in.path, cause)
}

// scanSet splits a FileDescriptorSet into its files without unmarshalling
// them. ok is false when the set's wire format, or that of a file's top
// level, is broken. Fields are read as protobuf-go reads them: a field of
// the wrong wire type is an unknown field, and the last name wins.
func scanSet(data []byte) (set *descriptorSet, ok bool) {
	set = &descriptorSet{}
	for b := data; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			raw, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, false
			}
			b = b[n:]
			f, ok := scanFile(raw)
			if !ok {
				return nil, false
			}
			set.entries = append(set.entries, f)
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return nil, false
		}
		b = b[n:]
	}
	return set, true
}

// scanFile reads the name, package, imports and is_import mark of one
// FileDescriptorProto, and hashes its bytes.
func scanFile(raw []byte) (*setFile, bool) {
	f := &setFile{raw: raw}
	for b := raw; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false
		}
		b = b[n:]
		if typ == protowire.BytesType && (num == 1 || num == 2 || num == 3 || num == bufImageFileExtension) {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, false
			}
			b = b[n:]
			switch num {
			case 1:
				f.name = string(v)
			case 2:
				f.pkg = string(v)
			case 3:
				f.deps = append(f.deps, string(v))
			default:
				if !f.marked {
					f.imp, f.marked = extIsImport(v), true
				}
			}
			continue
		}
		if num == 10 { // public_dependency, packed or not
			switch typ {
			case protowire.VarintType:
				v, n := protowire.ConsumeVarint(b)
				if n < 0 {
					return nil, false
				}
				f.public = append(f.public, int32(v))
				b = b[n:]
				continue
			case protowire.BytesType:
				v, n := protowire.ConsumeBytes(b)
				if n < 0 {
					return nil, false
				}
				for len(v) > 0 {
					x, m := protowire.ConsumeVarint(v)
					if m < 0 {
						return nil, false
					}
					f.public = append(f.public, int32(x))
					v = v[m:]
				}
				b = b[n:]
				continue
			}
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return nil, false
		}
		b = b[n:]
	}
	sum := sha256.Sum256(raw)
	f.digest = hex.EncodeToString(sum[:])
	return f, true
}

func extIsImport(b []byte) bool {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if num == 1 && typ == protowire.VarintType {
			v, n := protowire.ConsumeVarint(b)
			return n > 0 && v != 0
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return false
		}
		b = b[n:]
	}
	return false
}

func isWellKnown(path string) bool {
	return strings.HasPrefix(path, "google/protobuf/") && filepath.Ext(path) == ".proto"
}

// schema unmarshals and links the files named in only, or all of the
// set's files when only is nil, with everything they import.
func (d *descriptorSet) schema(t *Tree, only []string) (*schema.Schema, error) {
	s := &schema.Schema{Paths: t.Paths()}
	paths := only
	if paths == nil {
		paths = s.Paths
	}
	for _, p := range paths {
		if d.byPath[p] == nil {
			return nil, fmt.Errorf("%s: no file %q in the descriptor set", t.Input.path, p)
		}
	}
	files, err := d.link(t.Input, paths, only == nil)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		fd, err := files.FindFileByPath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: no file %q in the descriptor set", t.Input.path, p)
		}
		s.Files = append(s.Files, fd)
	}
	slices.SortFunc(s.Files, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
	return s, nil
}

// link unmarshals and links the files of paths and their imports, or, when
// all is set, every file of the set, in the set's order, as protodesc
// would see the whole set.
func (d *descriptorSet) link(in Input, paths []string, all bool) (*protoregistry.Files, error) {
	var closure []*setFile
	if all {
		closure = d.entries
	} else {
		seen := make(map[string]bool)
		var queue []string
		for _, p := range paths {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
		for len(queue) > 0 {
			p := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			f := d.byPath[p]
			if f == nil {
				continue // a well-known type that the set does not hold
			}
			closure = append(closure, f)
			for _, dep := range f.deps {
				if !seen[dep] {
					seen[dep] = true
					queue = append(queue, dep)
				}
			}
		}
	}
	linked := 0
	for _, f := range closure {
		linked += len(f.raw)
	}
	if linked > MaxLinkedDescriptors {
		return nil, fmt.Errorf("%s: the files to compare hold %d MiB of descriptors, more than the %d MiB protocheck links from one descriptor set (each byte costs about 50 of memory): compare the .proto files, or sets that differ in fewer files",
			in.path, linked>>20, MaxLinkedDescriptors>>20)
	}
	set := &descriptorpb.FileDescriptorSet{File: make([]*descriptorpb.FileDescriptorProto, 0, len(closure))}
	asked := make(map[string]bool, len(paths))
	for _, p := range paths {
		asked[p] = true
	}
	for _, f := range closure {
		raw := f.raw
		if !all && !asked[f.name] {
			// Positions are needed only in the files that are checked;
			// they are most of a file's bytes, and of the unmarshalling.
			raw = withoutSourceInfo(raw)
		}
		fd := new(descriptorpb.FileDescriptorProto)
		if err := proto.Unmarshal(raw, fd); err != nil {
			return nil, fmt.Errorf("%s: not a valid FileDescriptorSet: %s", in.path, protoCause(err))
		}
		if nestedDeeper(fd.GetMessageType(), MaxNestingDepth) {
			// Full names grow with depth: linking costs its square.
			return nil, fmt.Errorf("%s: %s: messages nest more than %d deep: protocheck refuses deeper nesting", in.path, fd.GetName(), MaxNestingDepth)
		}
		if ed := fd.GetEdition(); fd.GetSyntax() == "editions" && !slices.Contains(editions, editionName(ed)) {
			return nil, fmt.Errorf("%s: %s: edition %s is not supported: protocheck compiles %s", in.path, fd.GetName(), editionName(ed), supportedEditions)
		}
		set.File = append(set.File, fd)
	}
	// Open checked that the imports the set lacks are well-known types.
	added := make(map[string]bool)
	for _, f := range closure {
		for _, dep := range f.deps {
			if d.byPath[dep] != nil || added[dep] {
				continue
			}
			g, err := protoregistry.GlobalFiles.FindFileByPath(dep)
			if err != nil {
				return nil, fmt.Errorf("%s: %s imports %q, which the descriptor set does not hold (write it with --include_imports, or buf build --as-file-descriptor-set)", in.path, f.name, dep)
			}
			set.File = append(set.File, protodesc.ToFileDescriptorProto(g))
			added[dep] = true
		}
	}
	files, err := protodesc.FileOptions{AllowUnresolvable: false}.NewFiles(set)
	if err != nil {
		return nil, fmt.Errorf("%s: the descriptor set does not link: %v", in.path, err)
	}
	return files, nil
}

// withoutSourceInfo returns a FileDescriptorProto's bytes without its
// source_code_info (field 9), or raw itself when it has none. raw's top
// level was read by scanFile, so it parses.
func withoutSourceInfo(raw []byte) []byte {
	var out []byte
	kept := 0 // raw[:kept] is copied to out, or would be
	for i := 0; i < len(raw); {
		num, typ, n := protowire.ConsumeTag(raw[i:])
		if n < 0 {
			return raw
		}
		m := protowire.ConsumeFieldValue(num, typ, raw[i+n:])
		if m < 0 {
			return raw
		}
		end := i + n + m
		if num == 9 {
			if out == nil {
				out = make([]byte, 0, len(raw)-(end-i))
			}
			out = append(out, raw[kept:i]...)
			kept = end
		}
		i = end
	}
	if out == nil {
		return raw
	}
	return append(out, raw[kept:]...)
}

// nestedDeeper reports whether messages nest more than limit deep.
func nestedDeeper(ms []*descriptorpb.DescriptorProto, limit int) bool {
	if len(ms) == 0 {
		return false
	}
	if limit == 0 {
		return true
	}
	for _, m := range ms {
		if nestedDeeper(m.GetNestedType(), limit-1) {
			return true
		}
	}
	return false
}

// protoCause returns a protobuf-go error's text without its "proto:"
// prefix, after which protobuf-go puts a space or, at random, a no-break
// space, so that nobody compares its messages: ours must be stable.
func protoCause(err error) string {
	msg := strings.TrimPrefix(err.Error(), "proto:")
	return strings.TrimLeft(msg, " \u00a0")
}

// publicDeps returns the paths of f's public imports.
func (f *setFile) publicDeps() []string {
	var out []string
	for _, i := range f.public {
		if i >= 0 && int(i) < len(f.deps) {
			out = append(out, f.deps[i])
		}
	}
	return out
}

// customOptions reports whether any options message of f sets an
// extension, or holds bytes its message type does not declare: the value
// of a custom option, which depends on the types of f's imports.
func (f *setFile) customOptions() bool {
	fd := new(descriptorpb.FileDescriptorProto)
	if err := proto.Unmarshal(withoutSourceInfo(f.raw), fd); err != nil {
		return true // the compile says what is wrong
	}
	return setsCustomOptions(fd.ProtoReflect())
}

// setsCustomOptions reports whether an options message within m, a
// descriptor proto, sets an extension or holds unknown bytes.
func setsCustomOptions(m protoreflect.Message) bool {
	if strings.HasSuffix(string(m.Descriptor().FullName()), "Options") && len(m.GetUnknown()) > 0 {
		return true
	}
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsExtension():
			found = true
		case fd.IsList() && fd.Message() != nil:
			for i := range v.List().Len() {
				found = found || setsCustomOptions(v.List().Get(i).Message())
			}
		case !fd.IsMap() && fd.Message() != nil:
			found = setsCustomOptions(v.Message())
		}
		return !found
	})
	return found
}
