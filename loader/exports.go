package loader

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// An importer links to a file through the names it declares, not through
// the rest of its contents. A field of type M records M's full name and
// whether it is a message or an enum; the fields of M are M's business,
// and the rules compare them where M is declared. So when a changed file
// still declares the same names, as the same kinds, with the same enums
// and extensions, an importer that sets no custom option links exactly as
// before, and need not be compiled again to be compared.
//
// exportsOf writes down what of f an importer can depend on:
//   - every name a reference can resolve to, with its kind: messages (map
//     entries and groups included), enums and their values, services,
//     and extensions (resolution skips fields, oneofs and methods, which
//     never sit in an importer's scope);
//   - each message's options and extension ranges, which decide what an
//     importer may extend it with;
//   - each enum's closedness, options and values with their numbers, which
//     decide an importer's enum defaults and whether proto3 may use it;
//   - each extension in full, which decides how an importer's option that
//     names it is encoded.
//
// Custom option values can name fields of any message reachable from the
// extension's type, so an importer that sets one is compiled whenever
// anything it imports, directly or not, changed (see header.options).
func exportsOf(f protoreflect.FileDescriptor) string {
	var b strings.Builder
	b.WriteString("package ")
	b.WriteString(string(f.Package()))
	b.WriteString("\nsyntax ")
	b.WriteString(f.Syntax().String())
	b.WriteByte('\n')
	writeEnums(&b, f.Enums())
	writeMessages(&b, f.Messages())
	writeExtensions(&b, f.Extensions())
	ss := f.Services()
	for i := range ss.Len() {
		b.WriteString("service ")
		b.WriteString(string(ss.Get(i).FullName()))
		b.WriteByte('\n')
	}
	return b.String()
}

func writeMessages(b *strings.Builder, ms protoreflect.MessageDescriptors) {
	for i := range ms.Len() {
		m := ms.Get(i)
		b.WriteString("message ")
		b.WriteString(string(m.FullName()))
		writeOptions(b, m.Options())
		rs := m.ExtensionRanges()
		for j := range rs.Len() {
			r := rs.Get(j)
			b.WriteString(" ext ")
			b.WriteString(strconv.Itoa(int(r[0])))
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(r[1])))
			writeOptions(b, m.ExtensionRangeOptions(j))
		}
		b.WriteByte('\n')
		writeEnums(b, m.Enums())
		writeMessages(b, m.Messages())
		writeExtensions(b, m.Extensions())
	}
}

func writeEnums(b *strings.Builder, es protoreflect.EnumDescriptors) {
	for i := range es.Len() {
		e := es.Get(i)
		b.WriteString("enum ")
		b.WriteString(string(e.FullName()))
		if e.IsClosed() {
			b.WriteString(" closed")
		}
		writeOptions(b, e.Options())
		vs := e.Values()
		for j := range vs.Len() {
			v := vs.Get(j)
			b.WriteByte(' ')
			b.WriteString(string(v.Name()))
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(int(v.Number())))
		}
		b.WriteByte('\n')
	}
}

func writeExtensions(b *strings.Builder, xs protoreflect.ExtensionDescriptors) {
	for i := range xs.Len() {
		x := xs.Get(i)
		b.WriteString("extension ")
		b.WriteString(string(x.FullName()))
		writeOptions(b, protodesc.ToFieldDescriptorProto(x))
		b.WriteByte('\n')
	}
}

// writeOptions writes m's bytes in a stable order, quoted so that they
// never run into the next item.
func writeOptions(b *strings.Builder, m proto.Message) {
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		data = []byte("unmarshalable: " + err.Error()) // differs from any encoding
	}
	b.WriteByte(' ')
	b.WriteString(strconv.Quote(string(data)))
}
