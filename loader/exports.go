package loader

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/internal/visibility"
)

// An importer links to a file through the names it declares, not through
// the rest of its contents. A field of type M records M's full name and
// whether it is a message or an enum; the fields of M are M's business,
// and the rules compare them where M is declared. So when a changed file
// still declares the same names, as the same kinds, with the same enums
// and extensions, an importer that sets no custom option links exactly as
// before, and need not be compiled again to be compared.
//
// exportsOf writes down what of f an importer can depend on, one entry per
// name, keyed by full name:
//   - every name a reference can resolve to, with its kind: messages (map
//     entries and groups included), enums and their values, services,
//     and extensions (resolution skips fields, oneofs and methods, which
//     never sit in an importer's scope);
//   - each message's options and extension ranges, which decide what an
//     importer may extend it with;
//   - each message's and enum's visibility (edition 2024's export and
//     local), which decides whether an importer may name it at all;
//   - each enum's closedness and options, and each value's number, which
//     decide an importer's enum defaults and whether proto3 may use it;
//   - each extension in full, which decides how an importer's option that
//     names it is encoded.
//
// Custom option values can name fields of any message reachable from the
// extension's type, so an importer that sets one is compiled whenever
// anything it imports, directly or not, changed (see header.options).
func exportsOf(f protoreflect.FileDescriptor) exports {
	x := exports{"": "package " + string(f.Package()) + " syntax " + f.Syntax().String()}
	x.enums(f.Enums())
	x.messages(f.Messages())
	x.extensions(f.Extensions())
	ss := f.Services()
	for i := range ss.Len() {
		x[ss.Get(i).FullName()] = "service"
	}
	return x
}

// exports maps the full names a file declares to what an importer can
// depend on of each; "" holds the file's package and syntax.
type exports map[protoreflect.FullName]string

// diff compares the exports of a file in two versions. changed is set
// when an importer may link differently whatever it names: a name was
// removed or altered, an extension added (its number may clash with an
// importer's), or the package or syntax changed. Otherwise added lists
// the names the new version declares besides, by their last component:
// only an importer that mentions one can resolve a reference to it.
func (old exports) diff(new exports) (changed bool, added []string) {
	for name, e := range old {
		if ne, ok := new[name]; !ok || ne != e {
			return true, nil
		}
	}
	for name, e := range new {
		if _, ok := old[name]; ok {
			continue
		}
		if strings.HasPrefix(e, "extension") {
			return true, nil
		}
		added = append(added, string(name.Name()))
	}
	return false, added
}

func (x exports) messages(ms protoreflect.MessageDescriptors) {
	for i := range ms.Len() {
		m := ms.Get(i)
		var b strings.Builder
		b.WriteString("message")
		if !visibility.Exported(m) {
			b.WriteString(" local") // an importer that names it fails
		}
		writeOptions(&b, m.Options())
		rs := m.ExtensionRanges()
		for j := range rs.Len() {
			r := rs.Get(j)
			b.WriteString(" ext ")
			b.WriteString(strconv.Itoa(int(r[0])))
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(r[1])))
			writeOptions(&b, m.ExtensionRangeOptions(j))
		}
		x[m.FullName()] = b.String()
		x.enums(m.Enums())
		x.messages(m.Messages())
		x.extensions(m.Extensions())
	}
}

func (x exports) enums(es protoreflect.EnumDescriptors) {
	for i := range es.Len() {
		e := es.Get(i)
		var b strings.Builder
		b.WriteString("enum")
		if e.IsClosed() {
			b.WriteString(" closed")
		}
		if !visibility.Exported(e) {
			b.WriteString(" local")
		}
		writeOptions(&b, e.Options())
		x[e.FullName()] = b.String()
		vs := e.Values()
		for j := range vs.Len() {
			v := vs.Get(j)
			x[v.FullName()] = "value of " + string(e.FullName()) + " " + strconv.Itoa(int(v.Number()))
		}
	}
}

func (x exports) extensions(xs protoreflect.ExtensionDescriptors) {
	for i := range xs.Len() {
		var b strings.Builder
		b.WriteString("extension")
		writeOptions(&b, protodesc.ToFieldDescriptorProto(xs.Get(i)))
		x[xs.Get(i).FullName()] = b.String()
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
