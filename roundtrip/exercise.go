package roundtrip

import (
	"context"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// Exercised counts, over a recording, the messages that set each field,
// carry each enum value and hold each message type, at any depth: what a
// reviewer weighs a finding by, a theoretical break or a real one.
type Exercised struct {
	// Message is the recorded type.
	Message protoreflect.FullName
	// Read counts the records read; Undecodable those the schema could
	// not decode, which count for nothing else.
	Read, Undecodable int
	counts            map[elementKey]int
	// reach holds the messages and enums that a recorded message can
	// hold: of the others, that no record exercises them says nothing.
	reach map[protoreflect.FullName]bool
}

type elementKey struct {
	kind   compat.ElementKind // FieldElement (extensions too), EnumValueElement, MessageElement
	parent protoreflect.FullName
	number int32
}

// Count returns how many recorded messages exercise e: set the field or
// extension, carry the enum value, or hold the message. ok is false for
// an element a record cannot exercise (a file, a service, a oneof) or nil.
func (x *Exercised) Count(e *compat.Element) (n int, ok bool) {
	if e == nil {
		return 0, false
	}
	switch e.Kind {
	case compat.FieldElement, compat.ExtensionElement:
		return x.counts[elementKey{compat.FieldElement, e.Parent, e.Number}], true
	case compat.EnumValueElement:
		return x.counts[elementKey{compat.EnumValueElement, e.Parent, e.Number}], true
	case compat.MessageElement:
		name := protoreflect.FullName(e.Name)
		if e.Parent != "" {
			name = e.Parent + "." + name
		}
		return x.counts[elementKey{kind: compat.MessageElement, parent: name}], true
	}
	return 0, false
}

// Describe says in words how many recorded messages exercise the element
// a finding concerns, as it was in the old version (else the new): "set
// in 2 of 8 recorded acme.v1.Order messages", "no recorded message sets
// this field", or "" when records cannot exercise it.
func (x *Exercised) Describe(f compat.Finding) string {
	e := f.Old
	if e == nil {
		e = f.New
	}
	n, ok := x.Count(e)
	if !ok {
		return "" // nil, or what no record can exercise
	}
	scope := e.Parent
	if e.Kind == compat.MessageElement {
		scope = e.Parent + "." + protoreflect.FullName(e.Name)
	}
	if !x.reach[scope] {
		return ""
	}
	verb, none := "set in", "no recorded message sets this field"
	switch e.Kind {
	case compat.EnumValueElement:
		verb, none = "carried by", "no recorded message carries this value"
	case compat.MessageElement:
		verb, none = "held by", "no recorded message holds this message"
	}
	if n == 0 {
		return none
	}
	return fmt.Sprintf("%s %d of %d recorded %s messages", verb, n, x.Read-x.Undecodable, x.Message)
}

// Exercise reads a recording of the type message, written with the
// version s, and counts what its messages exercise. Confluent-framed
// records count as the type their message indexes name, as in Replay. It
// returns an error as Replay does: a malformed recording, a type s lacks,
// ctx done.
func Exercise(ctx context.Context, s *schema.Schema, message protoreflect.FullName, src Source, opts ReplayOptions) (*Exercised, error) {
	rp, err := newReplayer(s.Files, s.Files, message, opts)
	if err != nil {
		return nil, err
	}
	x := &Exercised{Message: rp.old.FullName(), counts: make(map[elementKey]int), reach: make(map[protoreflect.FullName]bool)}
	reachable(rp.old, x.reach)
	types := orNone(rp.versions[0].types)
	seen := make(map[elementKey]bool)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := src.Next()
		if err == io.EOF {
			return x, nil
		}
		if err != nil {
			return nil, err
		}
		j := replayJob{rec: rec, md: [2]protoreflect.MessageDescriptor{rp.old, rp.new}}
		if rec.Framed {
			if err := rp.pick(&j); err != nil {
				return nil, err
			}
		}
		x.Read++
		m := dynamicpb.NewMessage(j.md[0])
		if rec.JSON {
			err = protojson.UnmarshalOptions{AllowPartial: true, Resolver: types}.Unmarshal(rec.Data, m)
		} else {
			err = unmarshal(rec.Data, m, types)
		}
		if err != nil {
			x.Undecodable++
			continue
		}
		reachable(j.md[0], x.reach)
		clear(seen)
		walkSet(m, seen)
		for k := range seen {
			x.counts[k]++
		}
	}
}

// walkSet marks, in seen, the message m, each field set in it and each
// enum value it carries, at any depth.
func walkSet(m protoreflect.Message, seen map[elementKey]bool) {
	md := m.Descriptor()
	seen[elementKey{kind: compat.MessageElement, parent: md.FullName()}] = true
	enum := func(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
		if fd.Kind() == protoreflect.EnumKind {
			seen[elementKey{compat.EnumValueElement, fd.Enum().FullName(), int32(v.Enum())}] = true
		}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		parent := md.FullName()
		if fd.IsExtension() {
			parent = fd.ContainingMessage().FullName()
		}
		seen[elementKey{compat.FieldElement, parent, int32(fd.Number())}] = true
		switch {
		case fd.IsMap():
			vf := fd.MapValue()
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				if isMessage(vf) {
					walkSet(mv.Message(), seen)
				}
				enum(vf, mv)
				return true
			})
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				if isMessage(fd) {
					walkSet(l.Get(i).Message(), seen)
				}
				enum(fd, l.Get(i))
			}
		case isMessage(fd):
			walkSet(v.Message(), seen)
		default:
			enum(fd, v)
		}
		return true
	})
}

// reachable adds to reach md and the messages and enums its fields hold,
// at any depth, extensions left out.
func reachable(md protoreflect.MessageDescriptor, reach map[protoreflect.FullName]bool) {
	if reach[md.FullName()] {
		return
	}
	reach[md.FullName()] = true
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		switch {
		case isMessage(fd):
			reachable(fd.Message(), reach)
		case fd.Kind() == protoreflect.EnumKind:
			reach[fd.Enum().FullName()] = true
		}
	}
}
