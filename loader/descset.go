package loader

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
const MaxDescriptorSetSize = 1 << 30

// bufImageFileExtension is the field of FileDescriptorProto in which buf
// images record, per file, whether it was only imported (its field 1,
// is_import). Files so marked are dependencies, not the input's own.
const bufImageFileExtension = 8042

// descriptorSet is a decoded FileDescriptorSet, linked.
type descriptorSet struct {
	files *protoregistry.Files
}

func (l *Loader) openDescriptorSet(in Input) (*Tree, error) {
	name := l.abs(in.Path)
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
	}
	if st.Size() > MaxDescriptorSetSize {
		return nil, fmt.Errorf("%s: descriptor set is larger than %d MiB", in.Path, MaxDescriptorSetSize>>20)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in, unwrapPathError(err))
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%s: not a valid FileDescriptorSet: %s", in.Path, protoCause(err))
	}
	if len(set.File) == 0 {
		return nil, fmt.Errorf("%s: the descriptor set holds no files", in.Path)
	}
	for _, fd := range set.File {
		if nestedDeeper(fd.GetMessageType(), MaxNestingDepth) {
			// Full names grow with depth: linking costs its square.
			return nil, fmt.Errorf("%s: %s: messages nest more than %d deep: protocheck refuses deeper nesting", in.Path, fd.GetName(), MaxNestingDepth)
		}
	}
	t := &Tree{Input: in, loader: l, display: func(p string) string { return p }}
	marked := false
	for _, fd := range set.File {
		if _, ok := isImport(fd); ok {
			marked = true
		}
	}
	have := make(map[string]bool)
	for _, fd := range set.File {
		have[fd.GetName()] = true
		if imp, _ := isImport(fd); imp || (!marked && isWellKnown(fd.GetName())) {
			continue
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fd)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", in.Path, fd.GetName(), err)
		}
		sum := sha256.Sum256(b)
		t.Files = append(t.Files, File{Path: fd.GetName(), Digest: hex.EncodeToString(sum[:])})
	}
	// A set written without its imports may still link against the
	// well-known types, which this program carries.
	for _, fd := range set.File {
		for _, dep := range fd.GetDependency() {
			if have[dep] {
				continue
			}
			g, err := protoregistry.GlobalFiles.FindFileByPath(dep)
			if err != nil {
				return nil, fmt.Errorf("%s: %s imports %q, which the descriptor set does not hold (write it with --include_imports, or buf build --as-file-descriptor-set)", in.Path, fd.GetName(), dep)
			}
			set.File = append(set.File, protodesc.ToFileDescriptorProto(g))
			have[dep] = true
		}
	}
	files, err := protodesc.FileOptions{AllowUnresolvable: false}.NewFiles(&set)
	if err != nil {
		return nil, fmt.Errorf("%s: the descriptor set does not link: %v", in.Path, err)
	}
	if len(t.Files) == 0 {
		return nil, fmt.Errorf("%s: the descriptor set holds only imported files", in.Path)
	}
	slices.SortFunc(t.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	t.set = &descriptorSet{files: files}
	return t, nil
}

// isImport reads buf's is_import mark from a file's unknown fields. ok is
// false when the file carries no mark.
func isImport(fd *descriptorpb.FileDescriptorProto) (imp, ok bool) {
	b := fd.ProtoReflect().GetUnknown()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false, false
		}
		b = b[n:]
		if num == bufImageFileExtension && typ == protowire.BytesType {
			ext, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return false, false
			}
			return extIsImport(ext), true
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return false, false
		}
		b = b[n:]
	}
	return false, false
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

func (d *descriptorSet) schema(t *Tree, only []string) (*Schema, error) {
	s := &Schema{Input: t.Input, Paths: t.Paths()}
	paths := only
	if paths == nil {
		paths = s.Paths
	}
	for _, p := range paths {
		fd, err := d.files.FindFileByPath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: no file %q in the descriptor set", t.Input.Path, p)
		}
		s.Files = append(s.Files, fd)
	}
	slices.SortFunc(s.Files, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
	return s, nil
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
