package loader

import (
	"github.com/bufbuild/protocompile/linker"
	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Snapshot encodes a schema as a FileDescriptorSet that Open reads back as
// the same version: every file with its source info, imports first, and
// each imported file marked the way buf images mark them, so that only the
// schema's own files are checked. The same schema always gives the same
// bytes, so a snapshot committed to a repository changes only when the
// schema does.
func Snapshot(s *schema.Schema) ([]byte, error) {
	own := make(map[string]bool, len(s.Files))
	for _, f := range s.Files {
		own[f.Path()] = true
	}
	var set descriptorpb.FileDescriptorSet
	seen := make(map[string]bool)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imps := f.Imports()
		for i := range imps.Len() {
			add(imps.Get(i).FileDescriptor)
		}
		if r, ok := f.(linker.Result); ok && own[f.Path()] {
			// The v0.14 compiler's own proto of the file is what
			// ToFileDescriptorProto would rebuild from the descriptors
			// (TestSnapshotCompilerProto), at a tenth of the cost on a
			// large file; it is read, never changed.
			set.File = append(set.File, r.FileDescriptorProto())
			return
		}
		fd := protodesc.ToFileDescriptorProto(f)
		if !own[f.Path()] {
			markImport(fd)
		}
		set.File = append(set.File, fd)
	}
	for _, f := range s.Files { // sorted by path, so the order is stable
		add(f)
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(&set)
}

// markImport sets buf's is_import mark on a file descriptor.
func markImport(fd *descriptorpb.FileDescriptorProto) {
	ext := protowire.AppendTag(nil, 1, protowire.VarintType)
	ext = protowire.AppendVarint(ext, 1)
	b := protowire.AppendTag(fd.ProtoReflect().GetUnknown(), bufImageFileExtension, protowire.BytesType)
	b = protowire.AppendBytes(b, ext)
	fd.ProtoReflect().SetUnknown(b)
}
