package roundtrip

import (
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Descriptors from other builders (protocompile's linker, for one) lack
// hooks that the Go runtime consults: without them it skips UTF-8
// validation of editions string fields, for instance. Rebuilding them
// with protodesc makes dynamicpb encode and decode exactly as generated
// code would. When rebuilding fails, the descriptors are used as given.

// runtimeFiles rebuilds files and their imports with protodesc.
func runtimeFiles(files []protoreflect.FileDescriptor) (*protoregistry.Files, error) {
	set := new(descriptorpb.FileDescriptorSet)
	seen := make(map[string]bool)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imports := f.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(f))
	}
	for _, f := range files {
		add(f)
	}
	return protodesc.NewFiles(set)
}

// runtimeMessage returns md as rebuilt by protodesc, or md itself if it
// cannot be rebuilt.
func runtimeMessage(md protoreflect.MessageDescriptor) protoreflect.MessageDescriptor {
	files, err := runtimeFiles([]protoreflect.FileDescriptor{md.ParentFile()})
	if err != nil {
		return md
	}
	if d, err := files.FindDescriptorByName(md.FullName()); err == nil {
		if m, ok := d.(protoreflect.MessageDescriptor); ok {
			return m
		}
	}
	return md
}

// runtimeFileList rebuilds files, or returns them as given if it cannot.
func runtimeFileList(files []protoreflect.FileDescriptor) []protoreflect.FileDescriptor {
	reg, err := runtimeFiles(files)
	if err != nil {
		return files
	}
	out := make([]protoreflect.FileDescriptor, 0, len(files))
	for _, f := range files {
		rf, err := reg.FindFileByPath(f.Path())
		if err != nil {
			return files
		}
		out = append(out, rf)
	}
	return out
}
