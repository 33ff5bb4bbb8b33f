package roundtrip

import (
	"context"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// compile compiles one inline .proto file named test.proto.
func compile(t testing.TB, src string) []protoreflect.FileDescriptor {
	t.Helper()
	files := compileLinked(t, src)
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out
}

func compileLinked(t testing.TB, src string) linker.Files {
	t.Helper()
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(map[string]string{"test.proto": src}),
		}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), "test.proto")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return files
}

// message compiles src and returns the message named name.
func message(t testing.TB, src string, name protoreflect.FullName) protoreflect.MessageDescriptor {
	t.Helper()
	d := compileLinked(t, src)[0].FindDescriptorByName(name)
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		t.Fatalf("no message %s", name)
	}
	return md
}
