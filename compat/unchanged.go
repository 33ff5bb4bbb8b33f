package compat

import (
	"bytes"
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// A file whose descriptor is the same in both versions, apart from source
// info, declares the same elements with the same options, resolved types
// and features: no rule can find a difference between its elements and
// themselves. The pairing helpers skip such pairs, which in a large schema
// with a small change is nearly all of them.

// unchangedFiles returns the paths of the files present in both versions
// whose descriptors are equal apart from source info.
func unchangedFiles(ctx context.Context, old, new *index) (map[string]bool, error) {
	same := make(map[string]bool)
	for _, path := range old.filePaths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nf, ok := new.files[path]
		if ok && sameFile(fileProto(old.files[path]), fileProto(nf)) {
			same[path] = true
		}
	}
	return same, nil
}

// fileProto returns the descriptor proto behind f, without copying it when
// the compiler kept it (protocompile does).
func fileProto(f protoreflect.FileDescriptor) *descriptorpb.FileDescriptorProto {
	if r, ok := f.(interface {
		FileDescriptorProto() *descriptorpb.FileDescriptorProto
	}); ok {
		return r.FileDescriptorProto()
	}
	return protodesc.ToFileDescriptorProto(f)
}

// sameFile compares every field of two file descriptors but their source
// info, which moves with every edited comment.
func sameFile(a, b *descriptorpb.FileDescriptorProto) bool {
	return a.GetName() == b.GetName() &&
		a.GetPackage() == b.GetPackage() &&
		a.GetSyntax() == b.GetSyntax() &&
		a.GetEdition() == b.GetEdition() &&
		equalStrings(a.GetDependency(), b.GetDependency()) &&
		equalInts(a.GetPublicDependency(), b.GetPublicDependency()) &&
		equalInts(a.GetWeakDependency(), b.GetWeakDependency()) &&
		// Bytes, not proto.Equal: each compile makes its own types for
		// custom options, which proto.Equal never finds equal.
		equalMessages([]*descriptorpb.FileOptions{a.GetOptions()}, []*descriptorpb.FileOptions{b.GetOptions()}) &&
		equalMessages(a.GetMessageType(), b.GetMessageType()) &&
		equalMessages(a.GetEnumType(), b.GetEnumType()) &&
		equalMessages(a.GetService(), b.GetService()) &&
		equalMessages(a.GetExtension(), b.GetExtension())
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalInts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalMessages compares lists of descriptor protos by their encoding,
// which for these generated types is much faster than proto.Equal's
// reflection, and exact: deterministic marshalling of equal messages gives
// equal bytes.
func equalMessages[M proto.Message](a, b []M) bool {
	if len(a) != len(b) {
		return false
	}
	opts := proto.MarshalOptions{Deterministic: true}
	var ab, bb []byte
	for i := range a {
		var err1, err2 error
		ab, err1 = opts.MarshalAppend(ab[:0], a[i])
		bb, err2 = opts.MarshalAppend(bb[:0], b[i])
		if err1 != nil || err2 != nil || !bytes.Equal(ab, bb) {
			return false
		}
	}
	return true
}

// unchanged reports whether old and new lie in the same unchanged file, so
// that comparing them can find nothing.
func (p *pass) unchanged(old, new protoreflect.Descriptor) bool {
	of, nf := old.ParentFile(), new.ParentFile()
	return of != nil && nf != nil && of.Path() == nf.Path() && p.same[of.Path()]
}
