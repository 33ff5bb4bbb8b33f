package roundtrip

import (
	"bytes"
	"math"
	"slices"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Changed returns the messages, declared under the same name in both
// versions, that can encode or decode differently: those whose own fields
// differ in anything the binary or JSON encoding depends on (number, name,
// JSON name, kind, cardinality, presence, packing, oneof, default, UTF-8
// validation, the type a field holds, the values of an enum it holds, the
// entries of a map). The result is sorted.
//
// The messages that merely hold a changed one are left out on purpose:
// fields are compared by number wherever they sit, so every problem that
// proving a holder would find below one of its fields, proving the
// changed message itself finds at its root, and a schema where a few
// messages changed has thousands that reach them. The others cannot yield
// a counterexample at all. A caller proving a large schema passes
// Changed's result as Options.Messages.
func Changed(old, new *schema.Schema) []protoreflect.FullName {
	oldMsgs, newMsgs := collectMessages(old.Files), collectMessages(new.Files)
	out := make([]protoreflect.FullName, 0)
	for name := range directChanges(oldMsgs, newMsgs) {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

type messageMap = map[protoreflect.FullName]protoreflect.MessageDescriptor

// directChanges returns the shared messages whose own shape differs.
func directChanges(oldMsgs, newMsgs messageMap) map[protoreflect.FullName]bool {
	changed := make(map[protoreflect.FullName]bool)
	for name, om := range oldMsgs {
		if nm, ok := newMsgs[name]; ok && !sameShape(om, nm) {
			changed[name] = true
		}
	}
	return changed
}

// sameFields returns the message fields (by full name) that no sample
// needs: declared alike in both versions and in no oneof, holding a
// message that is declared alike in both versions, as is every message
// below it. Their
// values read back unchanged whatever they hold, so generating them only
// costs time; on large schemas, most of it.
func sameFields(oldMsgs, newMsgs messageMap) map[protoreflect.FullName]bool {
	// A message differs deeply if it differs, exists in one version only,
	// or holds, at any depth, one that does.
	deep := directChanges(oldMsgs, newMsgs)
	for _, pair := range [2][2]messageMap{{oldMsgs, newMsgs}, {newMsgs, oldMsgs}} {
		for name := range pair[0] {
			if _, ok := pair[1][name]; !ok {
				deep[name] = true
			}
		}
	}
	holders := make(map[protoreflect.FullName][]protoreflect.FullName)
	for _, msgs := range []messageMap{oldMsgs, newMsgs} {
		for name, md := range msgs {
			fields := md.Fields()
			for i := range fields.Len() {
				if vm := valueMessage(fields.Get(i)); vm != nil {
					holders[vm.FullName()] = append(holders[vm.FullName()], name)
				}
			}
		}
	}
	queue := make([]protoreflect.FullName, 0, len(deep))
	for name := range deep {
		queue = append(queue, name)
	}
	for len(queue) > 0 {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, h := range holders[name] {
			if !deep[h] {
				deep[h] = true
				queue = append(queue, h)
			}
		}
	}
	same := make(map[protoreflect.FullName]bool)
	for name, om := range oldMsgs {
		nm, ok := newMsgs[name]
		if !ok {
			continue
		}
		fields := om.Fields()
		for i := range fields.Len() {
			of := fields.Get(i)
			vm := valueMessage(of)
			if vm == nil || deep[vm.FullName()] || vm.FullName() == anyName {
				continue // an Any may hold any message being proved
			}
			nf := nm.Fields().ByNumber(of.Number())
			if nf == nil || oneofName(of) != "" {
				continue // a oneof member matters through its siblings
			}
			if sameField(of, nf) {
				same[of.FullName()] = true
			}
		}
	}
	return same
}

// sameShape reports whether two declarations of a message agree in what
// the encodings of their own fields depend on. Message-typed fields count
// by their type's name only: a change inside that type is the type's own.
// Map entries, never proved on their own, count in full.
func sameShape(a, b protoreflect.MessageDescriptor) bool {
	af, bf := a.Fields(), b.Fields()
	if af.Len() != bf.Len() {
		return false
	}
	for i := range af.Len() {
		if !sameField(af.Get(i), bf.Get(i)) {
			return false
		}
	}
	return true
}

func sameField(a, b protoreflect.FieldDescriptor) bool {
	if a.Number() != b.Number() || a.Name() != b.Name() || a.JSONName() != b.JSONName() ||
		a.Kind() != b.Kind() || a.Cardinality() != b.Cardinality() ||
		a.HasPresence() != b.HasPresence() || a.IsPacked() != b.IsPacked() ||
		a.IsMap() != b.IsMap() || a.HasDefault() != b.HasDefault() ||
		oneofName(a) != oneofName(b) || enforcesUTF8(a) != enforcesUTF8(b) {
		return false
	}
	if a.HasDefault() && !sameDefault(a, b) {
		return false
	}
	switch {
	case a.IsMap():
		return sameField(a.MapKey(), b.MapKey()) && sameField(a.MapValue(), b.MapValue())
	case isMessage(a):
		return a.Message().FullName() == b.Message().FullName()
	case a.Kind() == protoreflect.EnumKind:
		return sameEnum(a.Enum(), b.Enum())
	}
	return true
}

// sameDefault reports whether two fields of the same kind declare the same
// default: bytes by content (a []byte is not comparable), floats by bits
// (a NaN default equals itself), enums by number.
func sameDefault(a, b protoreflect.FieldDescriptor) bool {
	av, bv := a.Default(), b.Default()
	switch a.Kind() {
	case protoreflect.BytesKind:
		return bytes.Equal(av.Bytes(), bv.Bytes())
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return math.Float64bits(av.Float()) == math.Float64bits(bv.Float())
	case protoreflect.EnumKind:
		return av.Enum() == bv.Enum()
	}
	return av.Equal(bv)
}

func oneofName(fd protoreflect.FieldDescriptor) protoreflect.Name {
	if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o.Name()
	}
	return ""
}

func sameEnum(a, b protoreflect.EnumDescriptor) bool {
	if a.FullName() != b.FullName() || a.IsClosed() != b.IsClosed() || a.Values().Len() != b.Values().Len() {
		return false
	}
	av, bv := a.Values(), b.Values()
	for i := range av.Len() {
		if av.Get(i).Name() != bv.Get(i).Name() || av.Get(i).Number() != bv.Get(i).Number() {
			return false
		}
	}
	return true
}
