package roundtrip

import (
	"cmp"
	"slices"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
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

// forEachExtension calls fn for each extension that files declare, at
// the top level or nested in messages.
func forEachExtension(files []protoreflect.FileDescriptor, fn func(protoreflect.FieldDescriptor)) {
	var messages func(protoreflect.MessageDescriptors)
	each := func(xs protoreflect.ExtensionDescriptors) {
		for i := range xs.Len() {
			fn(xs.Get(i))
		}
	}
	messages = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			each(ms.Get(i).Extensions())
			messages(ms.Get(i).Messages())
		}
	}
	for _, f := range files {
		each(f.Extensions())
		messages(f.Messages())
	}
}

// extendingFiles returns the files that declare an extension of a message
// in msgs.
func extendingFiles(files []protoreflect.FileDescriptor, msgs messageMap) []protoreflect.FileDescriptor {
	var out []protoreflect.FileDescriptor
	for _, f := range files {
		found := false
		forEachExtension([]protoreflect.FileDescriptor{f}, func(xd protoreflect.FieldDescriptor) {
			_, ok := msgs[xd.ContainingMessage().FullName()]
			found = found || ok
		})
		if found {
			out = append(out, f)
		}
	}
	return out
}

// extensionTypes returns, for the runtime to resolve, the extensions that
// files declare of the messages in msgs.
func extensionTypes(files []protoreflect.FileDescriptor, msgs messageMap) *protoregistry.Types {
	types := new(protoregistry.Types)
	forEachExtension(files, func(xd protoreflect.FieldDescriptor) {
		if _, ok := msgs[xd.ContainingMessage().FullName()]; ok {
			types.RegisterExtension(dynamicpb.NewExtensionType(xd)) // a repeat is refused, harmlessly
		}
	})
	return types
}

// registerMessages adds msgs to types, for google.protobuf.Any values to
// name, and returns them sorted by name, for the generator to pack.
func registerMessages(types *protoregistry.Types, msgs messageMap) []protoreflect.MessageDescriptor {
	out := make([]protoreflect.MessageDescriptor, 0, len(msgs))
	for _, md := range msgs {
		out = append(out, md)
	}
	slices.SortFunc(out, func(a, b protoreflect.MessageDescriptor) int { return cmp.Compare(a.FullName(), b.FullName()) })
	for _, md := range out {
		types.RegisterMessage(dynamicpb.NewMessageType(md)) // a repeat is refused, harmlessly
	}
	return out
}

// extensionsOf returns the extensions of md in types, by number.
func extensionsOf(types *protoregistry.Types, md protoreflect.MessageDescriptor) []protoreflect.ExtensionType {
	var out []protoreflect.ExtensionType
	if types == nil || md.ExtensionRanges().Len() == 0 {
		return nil
	}
	types.RangeExtensionsByMessage(md.FullName(), func(xt protoreflect.ExtensionType) bool {
		out = append(out, xt)
		return true
	})
	slices.SortFunc(out, func(a, b protoreflect.ExtensionType) int {
		return cmp.Compare(a.TypeDescriptor().Number(), b.TypeDescriptor().Number())
	})
	return out
}
