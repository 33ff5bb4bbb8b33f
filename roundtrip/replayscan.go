package roundtrip

import (
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A record whose every field is declared alike in both versions, down to
// the types it holds, means the same to both, in either direction and
// encoding: replay then needs only the old schema's decode (to count
// records that do not decode), not the new one's nor the comparison, which
// together cost more than the decode. scanPlan decides from the bytes
// alone, by field number, without allocating; any doubt (a field declared
// differently, an extension, a group, an Any, malformed bytes) sends the
// record down the full path. On data where a change touches few fields,
// most records take this path.

// scanPlan says, for one pair of message declarations, what each field
// number met in a record's bytes needs.
type scanPlan struct {
	// unsafe says that the pair differs where a record need not set
	// anything: a default, a closed enum's first value, a required field
	// the new version added, extensions. Every record holding this message
	// takes the full path.
	unsafe bool
	// fields holds, by number, scanSame, scanChanged or the plan of the
	// message pair that the field holds (scanNested).
	fields map[protoreflect.FieldNumber]scanAction
}

type scanAction struct {
	kind   uint8 // scanSame, scanChanged, scanNested
	nested *scanPlan
}

const (
	scanSame uint8 = iota
	scanChanged
	scanNested
)

// scanner holds the plans of one Replay, built as records need them.
type scanner struct {
	mu    sync.Mutex
	plans map[[2]protoreflect.FullName]*scanPlan
}

// plan returns the plan of the pair (old, new).
func (s *scanner) plan(old, new protoreflect.MessageDescriptor) *scanPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plans == nil {
		s.plans = make(map[[2]protoreflect.FullName]*scanPlan)
	}
	return s.build(old, new)
}

func (s *scanner) build(old, new protoreflect.MessageDescriptor) *scanPlan {
	key := [2]protoreflect.FullName{old.FullName(), new.FullName()}
	if p, ok := s.plans[key]; ok {
		return p
	}
	p := &scanPlan{fields: make(map[protoreflect.FieldNumber]scanAction)}
	s.plans[key] = p // a message that holds itself meets this plan
	if old.FullName() == anyName || old.ExtensionRanges().Len() > 0 || new.ExtensionRanges().Len() > 0 {
		p.unsafe = true
		return p
	}
	nfields := new.Fields()
	for i := range nfields.Len() {
		nf := nfields.Get(i)
		if nf.Cardinality() == protoreflect.Required && old.Fields().ByNumber(nf.Number()) == nil {
			p.unsafe = true
		}
	}
	ofields := old.Fields()
	for i := range ofields.Len() {
		of := ofields.Get(i)
		nf := nfields.ByNumber(of.Number())
		switch {
		case nf == nil:
			p.fields[of.Number()] = scanAction{kind: scanChanged}
		case !sameField(of, nf):
			p.fields[of.Number()] = scanAction{kind: scanChanged}
			if defaultsDiffer(of, nf) || nf.Cardinality() == protoreflect.Required {
				p.unsafe = true // read differently while unset
			}
		case of.Kind() == protoreflect.GroupKind:
			p.fields[of.Number()] = scanAction{kind: scanChanged}
		case of.IsMap():
			if isMessage(of.MapValue()) {
				p.fields[of.Number()] = scanAction{kind: scanChanged}
			}
		case isMessage(of):
			p.fields[of.Number()] = scanAction{kind: scanNested, nested: s.build(of.Message(), nf.Message())}
		}
	}
	// Numbers the new version declares and the old does not.
	for i := range nfields.Len() {
		if n := nfields.Get(i).Number(); ofields.ByNumber(n) == nil {
			p.fields[n] = scanAction{kind: scanChanged}
		}
	}
	return p
}

// alike reports whether the record b, of the pair p plans, holds only
// fields declared alike in both versions, at every depth.
func (p *scanPlan) alike(b []byte, depth int) bool {
	if p.unsafe || depth > 100 {
		return false
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		a := p.fields[num] // absent: declared by neither, unknown to both
		if a.kind == scanChanged {
			return false
		}
		if a.kind == scanNested && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 || !a.nested.alike(v, depth+1) {
				return false
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return false
		}
		b = b[m:]
	}
	return true
}

// defaultsDiffer reports whether a scalar field left unset reads as
// another value to each version, as comparer.unsetDefault finds it: a
// proto2 default, or a closed enum whose first value changed.
func defaultsDiffer(of, nf protoreflect.FieldDescriptor) bool {
	if of.IsList() || of.IsMap() || nf.IsList() || nf.IsMap() || isMessage(of) || isMessage(nf) {
		return false
	}
	enums := of.Kind() == protoreflect.EnumKind && nf.Kind() == protoreflect.EnumKind
	if !of.HasDefault() && !nf.HasDefault() && !enums {
		return false
	}
	return !sameScalar(of, of.Default(), nf, nf.Default(), false)
}
