package roundtrip

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// problemKind classifies problems; a counterexample is kept per kind and
// path, so the kinds are coarse and the reason text says the details.
type problemKind uint8

const (
	kindParse      problemKind = iota + 1 // the reader rejects the input
	kindValue                             // the reader sees another value
	kindUnknown                           // the value lands in the reader's unknown fields
	kindUndeclared                        // the reader does not declare the field
	kindJSONName                          // the reader knows the number under another JSON name
	kindOneof                             // a oneof in the reader keeps another member
	kindPresence                          // the reader cannot tell the value from unset
	kindMerged                            // repeated values read as one
	kindCount                             // a repeated field has another length
	kindRequired                          // a required field of the reader is not set
	kindLost                              // the value is gone, for another reason
	kindRenumbered                        // the reader knows the field's name at another number
	kindMoved                             // the reader reads the number into a field of another name
)

// problem is a difference found by comparing one writer message with what
// the reader made of it.
type problem struct {
	kind   problemKind
	path   string
	number protoreflect.FieldNumber
	reason string
	writer string
	reader string
	// oneof is the reader's oneof that kept another member (kindOneof).
	oneof protoreflect.OneofDescriptor
}

// comparer walks a writer message and the reader's message side by side.
type comparer struct {
	json bool
	// reportUndeclared reports fields that the reader does not declare.
	reportUndeclared bool
	// middleman says the reader is the writer's own schema, reading what
	// the other schema re-encoded.
	middleman bool
	// entryLists names repeated fields of entry messages that a map held
	// on the way (Middleman): duplicate keys and order do not count.
	entryLists map[protoreflect.FullName]bool
	// writerTypes and readerTypes are each side's extensions and
	// messages, which google.protobuf.Any values name.
	writerTypes, readerTypes *protoregistry.Types
	// strict says that the JSON reader rejected names it does not
	// declare, and r is what a tolerant reader made of the JSON.
	strict bool
	probs  []problem
}

func (c *comparer) add(kind problemKind, path string, num protoreflect.FieldNumber, reason, writer, reader string) {
	c.probs = append(c.probs, problem{kind: kind, path: path, number: num, reason: reason, writer: writer, reader: reader})
}

// match finds the reader's field for the writer's field: by number on the
// wire, by JSON name (or, as protojson accepts it, proto name) in JSON.
func (c *comparer) match(rd protoreflect.MessageDescriptor, wf protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
	if !c.json {
		return rd.Fields().ByNumber(wf.Number())
	}
	if rf := rd.Fields().ByJSONName(wf.JSONName()); rf != nil {
		return rf
	}
	return rd.Fields().ByName(protoreflect.Name(wf.JSONName()))
}

func (c *comparer) message(path string, w, r protoreflect.Message) {
	wd, rd := w.Descriptor(), r.Descriptor()
	if wd.FullName() == anyName && rd.FullName() == anyName && c.any(path, w, r) {
		return
	}
	// Map entries always carry key and value; an absent one means its
	// default, so they are compared by value, not presence.
	c.messageAs(path, w, r, wd.IsMapEntry() || rd.IsMapEntry())
}

func (c *comparer) messageAs(path string, w, r protoreflect.Message, entry bool) {
	wd, rd := w.Descriptor(), r.Descriptor()
	fields := wd.Fields()
	for i := range fields.Len() {
		wf := fields.Get(i)
		fpath := path + "." + string(wf.Name())
		rf := c.match(rd, wf)
		switch {
		case entry && rf != nil && wf.Cardinality() != protoreflect.Repeated && rf.Cardinality() != protoreflect.Repeated:
			// An entry's key and value are singular; a message read as an
			// entry (or an entry as a message) may hold a repeated field
			// at their numbers, which only field compares.
			c.value(fpath, wf, w.Get(wf), rf, r.Get(rf))
		case !w.Has(wf):
			if rf != nil {
				c.unsetDefault(fpath, wf, w, rf, r)
			}
		case rf == nil && c.extensionOf(rd, wf) != nil:
			// A field turned into an extension on the same number.
			c.field(fpath, wf, w.Get(wf), c.extensionOf(rd, wf), r)
		case rf == nil:
			c.undeclared(fpath, wf, w.Get(wf), r)
		case c.moved(fpath, wf, w.Get(wf), rf, r):
		default:
			c.field(fpath, wf, w.Get(wf), rf, r)
		}
	}
	if wd.ExtensionRanges().Len() == 0 {
		return
	}
	for _, wf := range setFields(w) {
		if !wf.IsExtension() {
			continue
		}
		fpath := path + "." + segment(wf)
		rf := c.extensionOf(rd, wf)
		if rf == nil && !c.json {
			rf = rd.Fields().ByNumber(wf.Number()) // an extension turned into a field
		}
		if rf == nil {
			c.undeclared(fpath, wf, w.Get(wf), r)
			continue
		}
		if c.movedExtension(fpath, wf, w.Get(wf), rf, r) {
			continue
		}
		c.field(fpath, wf, w.Get(wf), rf, r)
	}
}

// movedExtension reports, and returns true for, an extension whose number
// the reader gives another extension while one of the two is declared by
// the other side at another number: extensions that swapped numbers, or a
// number kept while its extension moved on. In JSON, which names
// extensions, numbers do not matter.
func (c *comparer) movedExtension(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, r protoreflect.Message) bool {
	if c.json || !wf.IsExtension() || !rf.IsExtension() || wf.FullName() == rf.FullName() {
		return false
	}
	if c.extensionNamed(c.readerTypes, wf.FullName()) == nil && c.extensionNamed(c.writerTypes, rf.FullName()) == nil {
		return false // renamed: the wire carries the number
	}
	c.add(kindMoved, path, wf.Number(),
		fmt.Sprintf("extension %d is %s to the writer and %s to the reader", wf.Number(), wf.FullName(), rf.FullName()),
		renderValue(wf, wv), fmt.Sprintf("(%s) = %s", rf.FullName(), renderValue(rf, r.Get(rf))))
	return true
}

// extensionNamed returns the extension of that full name in types, or nil.
func (c *comparer) extensionNamed(types *protoregistry.Types, name protoreflect.FullName) protoreflect.FieldDescriptor {
	if types == nil {
		return nil
	}
	xt, err := types.FindExtensionByName(name)
	if err != nil {
		return nil
	}
	return xt.TypeDescriptor()
}

const anyName = "google.protobuf.Any"

// any compares two google.protobuf.Any values by what they hold, each
// unpacked with its own side's version of the message they name, and
// reports whether it could. The path names the message as the text
// format does, "[type.googleapis.com/acme.v1.Item]".
func (c *comparer) any(path string, w, r protoreflect.Message) bool {
	urlField, valueField := w.Descriptor().Fields().ByNumber(1), w.Descriptor().Fields().ByNumber(2)
	url := w.Get(urlField).String()
	if url == "" || r.Get(r.Descriptor().Fields().ByNumber(1)).String() != url {
		return false
	}
	unpack := func(types *protoregistry.Types, b []byte) protoreflect.Message {
		if types == nil {
			return nil
		}
		mt, err := types.FindMessageByURL(url)
		if err != nil {
			return nil
		}
		m := mt.New()
		if unmarshal(b, m.Interface(), types) != nil {
			return nil
		}
		return m
	}
	wm := unpack(c.writerTypes, w.Get(valueField).Bytes())
	rm := unpack(c.readerTypes, r.Get(r.Descriptor().Fields().ByNumber(2)).Bytes())
	if wm == nil || rm == nil {
		return false // opaque to the reader: it keeps the bytes
	}
	c.message(path+"["+url+"]", wm, rm)
	return true
}

// extensionOf returns the reader's extension of rd that reads the writer's
// field wf: by number on the wire, by full name in JSON, where an
// extension is written as "[full.name]"; or nil.
func (c *comparer) extensionOf(rd protoreflect.MessageDescriptor, wf protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
	if c.readerTypes == nil || rd.ExtensionRanges().Len() == 0 {
		return nil
	}
	if c.json {
		if !wf.IsExtension() {
			return nil
		}
		xt, err := c.readerTypes.FindExtensionByName(wf.FullName())
		if err != nil || xt.TypeDescriptor().ContainingMessage().FullName() != rd.FullName() {
			return nil
		}
		return xt.TypeDescriptor()
	}
	xt, err := c.readerTypes.FindExtensionByNumber(rd.FullName(), wf.Number())
	if err != nil {
		return nil
	}
	return xt.TypeDescriptor()
}

// moved reports, and returns true for, a field whose number the reader
// declares under another name while one of the two names is declared by
// the other side at another number: fields that swapped numbers, or a
// number kept under a new name while the old name moved on. The bytes
// decode, into the wrong field. A plain rename is no problem on the wire.
//
// In JSON, fields meet by JSON name: the reader's field for the writer's
// name is another field when it has another name and number, and the
// reader declares the writer's field elsewhere or the writer the
// reader's (fields that swapped JSON names).
func (c *comparer) moved(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, r protoreflect.Message) bool {
	if wf.Name() == rf.Name() || wf.IsExtension() || rf.IsExtension() {
		return false
	}
	if c.json {
		if wf.Number() == rf.Number() {
			return false // a rename that keeps the JSON name
		}
		rd, wd := r.Descriptor().Fields(), wf.ContainingMessage().Fields()
		if rd.ByName(wf.Name()) == nil && rd.ByNumber(wf.Number()) == nil && wd.ByName(rf.Name()) == nil && wd.ByNumber(rf.Number()) == nil {
			return false
		}
		c.add(kindMoved, path, wf.Number(),
			fmt.Sprintf("JSON name %q is %s to the writer and %s to the reader", jsonKey(wf), wf.Name(), rf.Name()),
			renderValue(wf, wv), fmt.Sprintf("%s = %s", rf.Name(), renderValue(rf, r.Get(rf))))
		return true
	}
	if r.Descriptor().Fields().ByName(wf.Name()) == nil && wf.ContainingMessage().Fields().ByName(rf.Name()) == nil {
		return false
	}
	c.add(kindMoved, path, wf.Number(),
		fmt.Sprintf("field %d is %s to the writer and %s to the reader", wf.Number(), wf.Name(), rf.Name()),
		renderValue(wf, wv), fmt.Sprintf("%s = %s", rf.Name(), renderValue(rf, r.Get(rf))))
	return true
}

// unsetDefault reports a scalar field that the writer left unset and the
// reader reads with another default (proto2 [default = ...], or the first
// value of a closed enum, which a reordering changes).
func (c *comparer) unsetDefault(path string, wf protoreflect.FieldDescriptor, w protoreflect.Message, rf protoreflect.FieldDescriptor, r protoreflect.Message) {
	enums := wf.Kind() == protoreflect.EnumKind && rf.Kind() == protoreflect.EnumKind
	if !wf.HasDefault() && !rf.HasDefault() && !enums {
		return // both zero values of their kinds
	}
	if r.Has(rf) || wf.IsList() || wf.IsMap() || rf.IsList() || rf.IsMap() || isMessage(wf) || isMessage(rf) {
		return
	}
	// A oneof member reads as its default while no member is set; once
	// another is, the member's value means nothing.
	for i, o := range []protoreflect.OneofDescriptor{wf.ContainingOneof(), rf.ContainingOneof()} {
		msg := w
		if i == 1 {
			msg = r
		}
		if o != nil && !o.IsSynthetic() && msg.WhichOneof(o) != nil {
			return
		}
	}
	wv, rv := w.Get(wf), r.Get(rf)
	if wf.Kind() == protoreflect.EnumKind && rf.Kind() == protoreflect.EnumKind {
		wv, rv = protoreflect.ValueOfEnum(wf.Default().Enum()), protoreflect.ValueOfEnum(rf.Default().Enum())
	}
	if !sameScalar(wf, wv, rf, rv, c.json) {
		c.add(kindValue, path, wf.Number(), "default value differs",
			"(not set, default "+renderValue(wf, wv)+")", "(not set, default "+renderValue(rf, rv)+")")
	}
}

func (c *comparer) undeclared(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, r protoreflect.Message) {
	rd := r.Descriptor()
	if c.json {
		other := rd.Fields().ByNumber(wf.Number())
		if other == nil && wf.IsExtension() && c.readerTypes != nil {
			if xt, err := c.readerTypes.FindExtensionByNumber(rd.FullName(), wf.Number()); err == nil {
				other = xt.TypeDescriptor() // a renamed extension
			}
		}
		if other != nil {
			reason := fmt.Sprintf("reader knows field %d by JSON name %q, not %q", wf.Number(), jsonKey(other), jsonKey(wf))
			if c.strict {
				reason += ": a strict reader rejects the JSON"
			}
			c.add(kindJSONName, path, wf.Number(), reason, renderValue(wf, wv), "(not set)")
			return
		}
	}
	other := rd.Fields().ByName(wf.Name())
	if wf.IsExtension() {
		other = c.extensionNamed(c.readerTypes, wf.FullName())
	}
	if other != nil && other.Number() != wf.Number() && !c.json {
		// Not a deletion: the field is still there, at another number,
		// and the reader finds nothing where it looks.
		c.add(kindRenumbered, path, wf.Number(),
			fmt.Sprintf("renumbered: the writer sends %s as field %d, the reader reads it from field %d", declName(wf), wf.Number(), other.Number()),
			renderValue(wf, wv), "(not set)")
		return
	}
	if !c.reportUndeclared {
		return
	}
	reason := fmt.Sprintf("field %d is not declared by the reader", wf.Number())
	if rd.ReservedRanges().Has(wf.Number()) {
		reason = fmt.Sprintf("field %d is reserved by the reader", wf.Number())
	}
	if c.strict {
		reason += fmt.Sprintf(": a strict JSON reader rejects the name %q, a tolerant one drops the value", jsonKey(wf))
	}
	reader := "(not set)"
	if u := unknownField(r, wf.Number()); u != "" {
		reader = u
	}
	c.add(kindUndeclared, path, wf.Number(), reason, renderValue(wf, wv), reader)
}

// field compares a field the writer set with the reader's field of the
// same number (or JSON name).
func (c *comparer) field(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, r protoreflect.Message) {
	num := wf.Number()
	switch {
	case wf.IsMap() && rf.IsMap():
		c.mapToMap(path, wf, wv.Map(), rf, r.Get(rf).Map())
		return
	case rf.IsMap():
		c.listToMap(path, wf, wv, rf, r)
		return
	case wf.IsMap():
		// Read as repeated entry messages, or worse: compare as a list of
		// entries in the order Deterministic marshaling wrote them.
		entries, ef := mapEntries(wf, wv.Map())
		wf, wv = ef, protoreflect.ValueOfList(entries)
	}
	rset := r.Has(rf)
	switch {
	case wf.IsList() && rf.IsList() && c.entryLists[wf.FullName()] && keyed(wf) && keyed(rf):
		c.entryListToEntryList(path, wf, wv.List(), r.Get(rf).List())
	case wf.IsList() && rf.IsList():
		wl, rl := wv.List(), r.Get(rf).List()
		if wl.Len() != rl.Len() {
			if c.json && !c.reportUndeclared && slices.ContainsFunc(listValues(wl), func(v protoreflect.Value) bool { return addedEnumValue(wf, v, rf) }) {
				return // a tolerant old JSON reader drops values added since
			}
			kind, reason := kindCount, fmt.Sprintf("writer sent %d values, reader sees %d", wl.Len(), rl.Len())
			if u := unknownField(r, num); u != "" && rl.Len() < wl.Len() {
				kind, reason = kindUnknown, fmt.Sprintf("%d of %d values land in the reader's unknown fields", wl.Len()-rl.Len(), wl.Len())
			}
			for _, v := range listValues(wl) {
				if why, deleted := c.enumNameDropped(wf, v, rf); why != "" && rl.Len() < wl.Len() {
					kind, reason = kindLost, why
					if deleted {
						kind = kindUndeclared
					}
					break
				}
			}
			c.add(kind, path, num, reason, renderValue(wf, wv), renderValue(rf, r.Get(rf)))
			return
		}
		for i := range wl.Len() {
			c.value(fmt.Sprintf("%s[%d]", path, i), wf, wl.Get(i), rf, rl.Get(i))
		}
	case wf.IsList():
		wl := wv.List()
		switch {
		case !rset:
			c.missing(path, wf, wv, rf, r)
		case wl.Len() == 1:
			c.value(path, wf, wl.Get(0), rf, r.Get(rf))
		case isMessage(rf):
			c.add(kindMerged, path, num, fmt.Sprintf("%d repeated messages merged into one", wl.Len()), renderValue(wf, wv), renderValue(rf, r.Get(rf)))
		default:
			c.add(kindMerged, path, num, fmt.Sprintf("%d repeated values, reader keeps only the last", wl.Len()), renderValue(wf, wv), renderValue(rf, r.Get(rf)))
		}
	case rf.IsList():
		rl := r.Get(rf).List()
		switch rl.Len() {
		case 0:
			c.missing(path, wf, wv, rf, r)
		case 1:
			c.value(path, wf, wv, rf, rl.Get(0))
		default:
			c.add(kindCount, path, num, fmt.Sprintf("writer sent 1 value, reader sees %d", rl.Len()), renderValue(wf, wv), renderValue(rf, r.Get(rf)))
		}
	case !rset:
		c.missing(path, wf, wv, rf, r)
	default:
		c.value(path, wf, wv, rf, r.Get(rf))
	}
}

// missing explains why the reader does not see a field the writer set.
func (c *comparer) missing(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, r protoreflect.Message) {
	num := wf.Number()
	writer := renderValue(wf, wv)
	if c.json && !c.reportUndeclared && !wf.IsList() && !wf.IsMap() && addedEnumValue(wf, wv, rf) {
		return // a tolerant old JSON reader drops a value added since: an addition
	}
	if why, deleted := c.enumNameDropped(wf, wv, rf); why != "" {
		kind := kindLost
		if deleted {
			kind = kindUndeclared
		}
		c.add(kind, path, num, why, writer, "(not set)")
		return
	}
	if u := unknownField(r, num); u != "" {
		var reason string
		switch ws, rs := wireTypeName(wf), wireTypeName(rf); {
		case ws != rs:
			reason = fmt.Sprintf("wire type mismatch: writer sends %s, reader expects %s", ws, rs)
		case rf.Kind() == protoreflect.EnumKind && rf.Enum().IsClosed():
			reason = fmt.Sprintf("closed enum %s does not declare the value: the reader keeps it in unknown fields", rf.Enum().FullName())
		default:
			reason = "the reader keeps the value in unknown fields"
		}
		c.add(kindUnknown, path, num, reason, writer, u)
		return
	}
	if o := rf.ContainingOneof(); o != nil && !o.IsSynthetic() {
		if other := r.WhichOneof(o); other != nil && other != rf {
			c.add(kindOneof, path, num, fmt.Sprintf("oneof %s keeps only %s", o.Name(), other.Name()),
				writer, fmt.Sprintf("(not set; oneof %s holds %s)", o.Name(), other.Name()))
			c.probs[len(c.probs)-1].oneof = o
			return
		}
	}
	if c.json {
		if uf, uv, ok := unwrap(wf, wv); ok && !rf.IsList() && !isMessage(rf) && sameScalar(uf, uv, rf, rf.Default(), true) {
			return // a wrapper holding the default: JSON writes the bare value, which the reader takes as unset
		}
	}
	if !rf.HasPresence() && !wf.IsList() && !rf.IsList() && !isMessage(rf) && sameScalar(wf, wv, rf, rf.Default(), c.json) {
		c.add(kindPresence, path, num, "presence lost: reader cannot tell the default from unset", writer, "(not set)")
		return
	}
	if c.middleman && !wf.IsList() && !rf.IsList() && !isMessage(wf) && !isMessage(rf) && sameScalar(wf, wv, rf, rf.Default(), c.json) {
		c.add(kindPresence, path, num, "presence lost: the new schema drops a default set explicitly", writer, "(not set)")
		return
	}
	if !rf.HasPresence() && !wf.IsList() && !rf.IsList() && !isMessage(wf) && !isMessage(rf) {
		// The reader decoded a value that equals its default, e.g. an
		// int64 truncated to an int32 0.
		rv := r.Get(rf)
		c.add(kindValue, path, num, valueReason(wf, wv, rf, rv, c.json), writer, renderElem(rf, rv))
		return
	}
	if !c.json && isMessage(wf) && rf.Kind() == protoreflect.BytesKind && !rf.HasPresence() && !wf.IsList() && !rf.IsList() {
		if b, err := marshalOpts.Marshal(wv.Message().Interface()); err == nil && len(b) == 0 {
			// An empty message is empty bytes: the reader holds them,
			// only cannot tell them from unset.
			c.add(kindPresence, path, num, "presence lost: reader cannot tell the default from unset", writer, "(not set)")
			return
		}
	}
	c.add(kindLost, path, num, "value lost", writer, "(not set)")
}

// value compares one writer value with the reader's value for it.
func (c *comparer) value(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, rv protoreflect.Value) {
	wm, rm := isMessage(wf), isMessage(rf)
	if c.json && wm != rm {
		// JSON writes a wrapper (google.protobuf.Int32Value, ...) as its
		// bare value: read as a scalar, or a scalar read as a wrapper, it
		// keeps its meaning unless the value itself changes.
		if uf, uv, ok := unwrap(wf, wv); ok {
			wf, wv, wm = uf, uv, false
		} else if uf, uv, ok := unwrap(rf, rv); ok {
			rf, rv, rm = uf, uv, false
		}
	}
	if !c.json && wm != rm && (wf.Kind() == protoreflect.BytesKind || rf.Kind() == protoreflect.BytesKind) {
		// bytes holding a message's encoding is the documented compatible
		// case: the reader parsed the writer's bytes, or holds them.
		return
	}
	switch {
	case wm && rm && c.json && structFamily(wf.Message().FullName(), rf.Message().FullName()):
		// Value holds a Struct or a ListValue as their JSON does:
		// their fields do not meet by name, their JSON forms do.
		a, err1 := protojson.Marshal(wv.Message().Interface())
		b, err2 := protojson.Marshal(rv.Message().Interface())
		if err1 != nil || err2 != nil || !sameJSON(a, b) {
			c.add(kindValue, path, wf.Number(), "reinterpreted as "+elemName(rf), renderElem(wf, wv), renderElem(rf, rv))
		}
		return
	case wm && rm:
		c.message(path, wv.Message(), rv.Message())
		return
	case wm || rm:
		c.add(kindValue, path, wf.Number(), "reinterpreted as "+elemName(rf), renderElem(wf, wv), renderElem(rf, rv))
		return
	}
	we, re := wf.Kind() == protoreflect.EnumKind, rf.Kind() == protoreflect.EnumKind
	if re && rf.Enum().IsClosed() && rf.Enum().Values().ByNumber(rv.Enum()) == nil {
		if !c.reportUndeclared && addedEnumValue(wf, wv, rf) {
			return // an old reader meets a value added since: an addition
		}
		if c.json {
			// JSON has no unknown fields to move it to.
			c.add(kindValue, path, wf.Number(),
				fmt.Sprintf("closed enum %s does not declare %d: protobuf-go keeps a number the enum says cannot occur", rf.Enum().FullName(), rv.Enum()),
				renderElem(wf, wv), renderElem(rf, rv))
			return
		}
		// protobuf-go keeps the number, which is what these bytes show
		// here; C++ and Java, as the conformance suite requires, move it
		// to unknown fields and read the field as unset.
		c.add(kindUnknown, path, wf.Number(),
			fmt.Sprintf("closed enum %s does not declare %d: C++ and Java move it to unknown fields (protobuf-go keeps it)", rf.Enum().FullName(), rv.Enum()),
			renderElem(wf, wv), fmt.Sprintf("C++, Java: (not set, %d in unknown fields); Go: %s", rv.Enum(), renderElem(rf, rv)))
		return
	}
	if we && re {
		wn := wf.Enum().Values().ByNumber(wv.Enum())
		rn := rf.Enum().Values().ByNumber(rv.Enum())
		if c.json {
			// JSON carries the name; the number may change.
			if wn != nil && rn != nil && wn.Name() == rn.Name() {
				return
			}
		} else if wv.Enum() == rv.Enum() && wn != nil && rn != nil && wn.Name() != rn.Name() {
			// A rename keeps the meaning, and so does another order of
			// aliases; a name of the number that now has another number
			// on the other side does not.
			if nameMoved(wf.Enum(), rf.Enum(), wv.Enum()) || nameMoved(rf.Enum(), wf.Enum(), wv.Enum()) {
				c.add(kindValue, path, wf.Number(), "enum value renumbered", renderElem(wf, wv), renderElem(rf, rv))
			}
			return
		} else if wv.Enum() == rv.Enum() && wn != nil && rn == nil && rf.Enum().Values().ByName(wn.Name()) != nil {
			// The reader keeps the number, which its enum no longer
			// names: the writer's name now stands for another number.
			c.add(kindValue, path, wf.Number(), "enum value renumbered", renderElem(wf, wv), renderElem(rf, rv))
			return
		}
	}
	if !sameScalar(wf, wv, rf, rv, c.json) {
		c.add(kindValue, path, wf.Number(), valueReason(wf, wv, rf, rv, c.json), renderElem(wf, wv), renderElem(rf, rv))
	}
}

// enumNameDropped says why a JSON reader dropped an enum value: JSON
// carries the name the writer's enum gives the number first, which the
// reader's enum lacks. deleted reports that the reader lacks the number
// too, a deletion's hazard, where a reader that declares the number
// under other names (an alias added before a name, a value renamed)
// misreads. It returns "" when the reader knows the name.
func (c *comparer) enumNameDropped(wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor) (why string, deleted bool) {
	if !c.json || wf.Kind() != protoreflect.EnumKind || rf.Kind() != protoreflect.EnumKind {
		return "", false
	}
	wn := wf.Enum().Values().ByNumber(wv.Enum())
	if wn == nil || rf.Enum().Values().ByName(wn.Name()) != nil {
		return "", false
	}
	return fmt.Sprintf("JSON name %s is not a value of the reader's %s: a strict reader rejects the JSON, a tolerant one drops the value", wn.Name(), rf.Enum().FullName()),
		rf.Enum().Values().ByNumber(wv.Enum()) == nil
}

// jsonKey is the name JSON writes a field under: its JSON name, or for an
// extension its full name in brackets.
func jsonKey(fd protoreflect.FieldDescriptor) string {
	if fd.IsExtension() {
		return "[" + string(fd.FullName()) + "]"
	}
	return fd.JSONName()
}

// structFamily reports whether two different messages are each
// google.protobuf.Struct, Value or ListValue, whose JSON forms overlap.
func structFamily(a, b protoreflect.FullName) bool {
	in := func(n protoreflect.FullName) bool {
		return n == "google.protobuf.Struct" || n == "google.protobuf.Value" || n == "google.protobuf.ListValue"
	}
	return a != b && in(a) && in(b)
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// nameMoved reports whether a name that a declares for number n (an
// alias, or the first) stands for another number in b.
func nameMoved(a, b protoreflect.EnumDescriptor, n protoreflect.EnumNumber) bool {
	vals := a.Values()
	for i := range vals.Len() {
		v := vals.Get(i)
		if v.Number() != n {
			continue
		}
		if o := b.Values().ByName(v.Name()); o != nil && o.Number() != n {
			return true
		}
	}
	return false
}

// mapToMap matches entries by the meaning of their keys.
func (c *comparer) mapToMap(path string, wf protoreflect.FieldDescriptor, wm protoreflect.Map, rf protoreflect.FieldDescriptor, rm protoreflect.Map) {
	index := make(map[string]protoreflect.MapKey)
	rm.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		index[keyMeaning(rf.MapKey(), k.Value())] = k
		return true
	})
	for _, k := range sortedKeys(wm) {
		kpath := path + "[" + renderScalar(wf.MapKey(), k.Value()) + "]"
		rk, ok := index[keyMeaning(wf.MapKey(), k.Value())]
		if !ok && c.json && !c.reportUndeclared && addedEnumValue(wf.MapValue(), wm.Get(k), rf.MapValue()) {
			continue // a tolerant old JSON reader drops an entry holding a value added since
		}
		if !ok {
			kind, reason := kindLost, "map entry lost"
			if why, deleted := c.enumNameDropped(wf.MapValue(), wm.Get(k), rf.MapValue()); why != "" {
				reason = why
				if deleted {
					kind = kindUndeclared
				}
			}
			c.add(kind, kpath, wf.Number(), reason, renderValue(wf.MapValue(), wm.Get(k)), "(no such key)")
			continue
		}
		c.value(kpath, wf.MapValue(), wm.Get(k), rf.MapValue(), rm.Get(rk))
	}
}

// listToMap reads writer values (repeated entry messages, usually) into a
// map as the reader does: a later entry replaces an earlier one.
func (c *comparer) listToMap(path string, wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, r protoreflect.Message) {
	rm := r.Get(rf).Map()
	if u := unknownField(r, wf.Number()); u != "" && !c.json {
		// Values of another wire type than an entry's: the reader keeps
		// them aside, it does not read them as entries.
		c.add(kindUnknown, path, wf.Number(), fmt.Sprintf("wire type mismatch: writer sends %s, reader expects len (map entries)", wireTypeName(wf)), renderValue(wf, wv), u)
		return
	}
	if !isMessage(wf) {
		c.add(kindValue, path, wf.Number(), "reinterpreted as "+kindName(rf), renderValue(wf, wv), renderValue(rf, protoreflect.ValueOfMap(rm)))
		return
	}
	var elems []protoreflect.Message
	if wf.IsList() {
		for i := range wv.List().Len() {
			elems = append(elems, wv.List().Get(i).Message())
		}
	} else {
		elems = append(elems, wv.Message())
	}
	index := make(map[string]protoreflect.MapKey)
	rm.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		index[keyMeaning(rf.MapKey(), k.Value())] = k
		return true
	})
	last := make(map[string]int)
	count := make(map[string]int)
	var order []string
	for i, e := range elems {
		kf := e.Descriptor().Fields().ByNumber(1)
		if kf == nil || isMessage(kf) || kf.IsList() || kf.IsMap() {
			c.add(kindValue, path, wf.Number(), "reinterpreted as "+kindName(rf), renderValue(wf, wv), renderValue(rf, protoreflect.ValueOfMap(rm)))
			return
		}
		km := keyMeaning(kf, e.Get(kf))
		if _, seen := last[km]; !seen {
			order = append(order, km)
		}
		last[km] = i
		count[km]++
	}
	for _, km := range order {
		i := last[km]
		e := elems[i]
		epath := fmt.Sprintf("%s[%d]", path, i)
		if count[km] > 1 {
			c.duplicateKey(epath, wf, count[km], e)
			continue
		}
		rk, ok := index[km]
		if !ok {
			c.add(kindLost, epath, wf.Number(), "map entry lost", renderScalar(wf, protoreflect.ValueOfMessage(e)), "(no such key)")
			continue
		}
		entry := dynamicpb.NewMessage(rf.Message())
		entry.Set(rf.MapKey(), rk.Value())
		entry.Set(rf.MapValue(), rm.Get(rk))
		c.message(epath, e, entry)
	}
}

// entryListToEntryList compares two lists of entry messages as maps.
func (c *comparer) entryListToEntryList(path string, wf protoreflect.FieldDescriptor, wl, rl protoreflect.List) {
	dedupe := func(l protoreflect.List) (map[string]int, []string) {
		last := make(map[string]int)
		var order []string
		for i := range l.Len() {
			e := l.Get(i).Message()
			km := keyMeaning(e.Descriptor().Fields().ByNumber(1), e.Get(e.Descriptor().Fields().ByNumber(1)))
			if _, seen := last[km]; !seen {
				order = append(order, km)
			}
			last[km] = i
		}
		return last, order
	}
	wlast, worder := dedupe(wl)
	rlast, _ := dedupe(rl)
	if wl.Len() > len(worder) {
		count := make(map[string]int)
		for i := range wl.Len() {
			e := wl.Get(i).Message()
			kf := e.Descriptor().Fields().ByNumber(1)
			count[keyMeaning(kf, e.Get(kf))]++
		}
		for _, km := range worder {
			if count[km] > 1 {
				c.duplicateKey(fmt.Sprintf("%s[%d]", path, wlast[km]), wf, count[km], wl.Get(wlast[km]).Message())
				return
			}
		}
	}
	for _, km := range worder {
		i := wlast[km]
		epath := fmt.Sprintf("%s[%d]", path, i)
		j, ok := rlast[km]
		if !ok {
			c.add(kindLost, epath, wf.Number(), "map entry lost", renderElem(wf, wl.Get(i)), "(no such key)")
			continue
		}
		c.messageAs(epath, wl.Get(i).Message(), rl.Get(j).Message(), true)
	}
}

// keyed reports whether the elements of a repeated field can be read as
// map entries: messages whose field 1 is a singular scalar, as a key is. A
// number reused for another message type may hold anything there.
func keyed(fd protoreflect.FieldDescriptor) bool {
	if !isMessage(fd) {
		return false
	}
	k := fd.Message().Fields().ByNumber(1)
	return k != nil && k.Cardinality() != protoreflect.Repeated && !isMessage(k)
}

// duplicateKey reports n entries of a repeated entry field that share a
// key, which a map, reading them, collapses into the last one, e.
func (c *comparer) duplicateKey(path string, wf protoreflect.FieldDescriptor, n int, e protoreflect.Message) {
	kf := e.Descriptor().Fields().ByNumber(1)
	c.add(kindMerged, path, wf.Number(),
		fmt.Sprintf("%d entries with key %s: a map keeps only the last", n, renderScalar(kf, e.Get(kf))),
		fmt.Sprintf("%d entries", n), "1 entry: "+renderScalar(wf, protoreflect.ValueOfMessage(e)))
}

// entryListsThroughMaps finds the repeated fields of old that new holds as
// maps, following message fields paired by number.
func entryListsThroughMaps(old, new protoreflect.MessageDescriptor) map[protoreflect.FullName]bool {
	out := make(map[protoreflect.FullName]bool)
	seen := make(map[[2]protoreflect.FullName]bool)
	var walk func(o, n protoreflect.MessageDescriptor)
	walk = func(o, n protoreflect.MessageDescriptor) {
		k := [2]protoreflect.FullName{o.FullName(), n.FullName()}
		if seen[k] {
			return
		}
		seen[k] = true
		fields := o.Fields()
		for i := range fields.Len() {
			of := fields.Get(i)
			nf := n.Fields().ByNumber(of.Number())
			if nf == nil || !isMessage(of) || !isMessage(nf) {
				continue
			}
			if of.IsList() && nf.IsMap() {
				out[of.FullName()] = true
			}
			walk(of.Message(), nf.Message())
		}
	}
	walk(old, new)
	return out
}

// required reports required fields of the reader that are not set.
func (c *comparer) required(path string, r protoreflect.Message) {
	fields := r.Descriptor().Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		fpath := path + "." + string(f.Name())
		if f.Cardinality() == protoreflect.Required && !r.Has(f) {
			c.add(kindRequired, fpath, f.Number(), "required field not set", "(not set)", "(not set, required)")
			continue
		}
		if !r.Has(f) || !isMessage(f) || f.IsMap() && !isMessage(f.MapValue()) {
			continue
		}
		switch {
		case f.IsMap():
			m := r.Get(f).Map()
			for _, k := range sortedKeys(m) {
				c.required(path+"."+string(f.Name())+"["+renderScalar(f.MapKey(), k.Value())+"]", m.Get(k).Message())
			}
		case f.IsList():
			l := r.Get(f).List()
			for j := range l.Len() {
				c.required(fmt.Sprintf("%s[%d]", fpath, j), l.Get(j).Message())
			}
		default:
			c.required(fpath, r.Get(f).Message())
		}
	}
}

// mapEntries turns a map into entry messages in key order, the order in
// which Deterministic marshaling writes them.
func mapEntries(fd protoreflect.FieldDescriptor, m protoreflect.Map) (protoreflect.List, protoreflect.FieldDescriptor) {
	l := &entryList{}
	for _, k := range sortedKeys(m) {
		e := dynamicpb.NewMessage(fd.Message())
		e.Set(fd.MapKey(), k.Value())
		e.Set(fd.MapValue(), m.Get(k))
		l.elems = append(l.elems, protoreflect.ValueOfMessage(e))
	}
	return l, listOfEntries{fd}
}

// entryList is a read-only protoreflect.List of map entries.
type entryList struct {
	elems []protoreflect.Value
}

func (l *entryList) Len() int                          { return len(l.elems) }
func (l *entryList) Get(i int) protoreflect.Value      { return l.elems[i] }
func (l *entryList) Set(int, protoreflect.Value)       { panic("roundtrip: read-only list") }
func (l *entryList) Append(protoreflect.Value)         { panic("roundtrip: read-only list") }
func (l *entryList) AppendMutable() protoreflect.Value { panic("roundtrip: read-only list") }
func (l *entryList) Truncate(int)                      { panic("roundtrip: read-only list") }
func (l *entryList) NewElement() protoreflect.Value    { panic("roundtrip: read-only list") }
func (l *entryList) IsValid() bool                     { return true }

// listOfEntries presents a map field as the repeated field of entry
// messages that it is on the wire.
type listOfEntries struct {
	protoreflect.FieldDescriptor
}

func (f listOfEntries) IsMap() bool                            { return false }
func (f listOfEntries) IsList() bool                           { return true }
func (f listOfEntries) MapKey() protoreflect.FieldDescriptor   { return nil }
func (f listOfEntries) MapValue() protoreflect.FieldDescriptor { return nil }

func sortedKeys(m protoreflect.Map) []protoreflect.MapKey {
	var keys []protoreflect.MapKey
	m.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	slices.SortFunc(keys, func(a, b protoreflect.MapKey) int {
		switch av := a.Interface().(type) {
		case string:
			return compareStrings(av, b.Interface().(string))
		case bool:
			return compareBools(av, b.Interface().(bool))
		case int32, int64:
			x, y := a.Int(), b.Int()
			return compareOrdered(x, y)
		default:
			return compareOrdered(a.Uint(), b.Uint())
		}
	})
	return keys
}

func compareOrdered[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// unknownField renders the occurrences of field num in r's unknown fields,
// or returns "" if there are none.
func unknownField(r protoreflect.Message, num protoreflect.FieldNumber) string {
	var out string
	b := r.GetUnknown()
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			break
		}
		m := protowire.ConsumeFieldValue(n, typ, b[l:])
		if m < 0 {
			break
		}
		if n == num {
			if out != "" {
				out += "; "
			}
			out += "unknown " + describeField(n, typ, b[l:l+m])
		}
		b = b[l+m:]
	}
	return out
}

// meaning is a scalar value stripped of its encoding: an integer, a float
// or a string of bytes.
type meaning struct {
	cat   byte // 'i', 'f' or 'b'
	neg   bool // integers: sign and magnitude, so that all 64-bit values fit
	mag   uint64
	f     float64
	f32   bool
	bytes []byte
}

func meaningOf(fd protoreflect.FieldDescriptor, v protoreflect.Value) meaning {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if v.Bool() {
			return meaning{cat: 'i', mag: 1}
		}
		return meaning{cat: 'i'}
	case protoreflect.EnumKind:
		return signed(int64(v.Enum()))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return signed(v.Int())
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return meaning{cat: 'i', mag: v.Uint()}
	case protoreflect.FloatKind:
		return meaning{cat: 'f', f: v.Float(), f32: true}
	case protoreflect.DoubleKind:
		return meaning{cat: 'f', f: v.Float()}
	case protoreflect.StringKind:
		return meaning{cat: 'b', bytes: []byte(v.String())}
	case protoreflect.BytesKind:
		return meaning{cat: 'b', bytes: v.Bytes()}
	}
	return meaning{}
}

func signed(i int64) meaning {
	if i < 0 {
		return meaning{cat: 'i', neg: true, mag: uint64(-(i + 1)) + 1}
	}
	return meaning{cat: 'i', mag: uint64(i)}
}

func (m meaning) bigInt() *big.Int {
	b := new(big.Int).SetUint64(m.mag)
	if m.neg {
		b.Neg(b)
	}
	return b
}

// sameScalar reports whether two scalar values mean the same thing. In
// JSON, a string and a bytes field never agree unless equal as bytes, which
// the base64 encoding of bytes makes rare.
func sameScalar(wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, rv protoreflect.Value, json bool) bool {
	a, b := meaningOf(wf, wv), meaningOf(rf, rv)
	switch {
	case a.cat == 'i' && b.cat == 'i':
		return a.neg == b.neg && a.mag == b.mag
	case a.cat == 'f' && b.cat == 'f':
		if math.IsNaN(a.f) || math.IsNaN(b.f) {
			return math.IsNaN(a.f) && math.IsNaN(b.f)
		}
		if a.f == 0 && b.f == 0 {
			// +0 and -0 are equal, as proto.Equal has them. Only defaults
			// differ so (float and double keep a sent zero's sign), and
			// neither compat nor buf calls [default = -0.0] a change.
			return true
		}
		if a.f32 || b.f32 {
			// JSON writes a float in the fewest digits that read back as
			// the same float32.
			return math.Float32bits(float32(a.f)) == math.Float32bits(float32(b.f))
		}
		return math.Float64bits(a.f) == math.Float64bits(b.f)
	case a.cat == 'b' && b.cat == 'b':
		return bytes.Equal(a.bytes, b.bytes)
	case a.cat == 'i' && b.cat == 'f':
		return intEqualsFloat(a, b.f)
	case a.cat == 'f' && b.cat == 'i':
		return intEqualsFloat(b, a.f)
	}
	// Across kinds, the zero of one is the zero of the other: an empty
	// string read as a 0 (a map value of another wire type, dropped)
	// carried nothing to lose.
	return a.zero() && b.zero()
}

// zero reports whether m is its kind's zero value: 0, +0 or empty.
func (m meaning) zero() bool {
	switch m.cat {
	case 'i':
		return m.mag == 0
	case 'f':
		return math.Float64bits(m.f) == 0
	}
	return len(m.bytes) == 0
}

func intEqualsFloat(i meaning, f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return false
	}
	// -0 is 0 to an integer: JSON's "-0" reads back as 0.
	bf, _ := new(big.Float).SetFloat64(f).Int(nil)
	return bf.Cmp(i.bigInt()) == 0
}

// keyMeaning returns a string that is equal for map keys of equal meaning.
func keyMeaning(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	m := meaningOf(fd, v)
	switch m.cat {
	case 'i':
		return "i" + m.bigInt().String()
	case 'b':
		return "b" + string(m.bytes)
	}
	return "f" + strconv.FormatFloat(m.f, 'g', -1, 64)
}

// valueReason names the way a scalar value changed.
func valueReason(wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, rv protoreflect.Value, json bool) string {
	a, b := meaningOf(wf, wv), meaningOf(rf, rv)
	switch {
	case a.cat != b.cat:
		return "reinterpreted as " + elemName(rf)
	case a.cat == 'i':
		switch {
		case isZigZag(wf) != isZigZag(rf):
			return "zigzag encoding differs"
		case rf.Kind() == protoreflect.BoolKind:
			return "reader sees a bool"
		case bits32(rf) && !bits32(wf) && (a.mag > math.MaxUint32 || a.neg != b.neg):
			return "truncated to 32 bits"
		case a.neg != b.neg:
			return "sign changed"
		}
	case a.cat == 'b' && json && wf.Kind() != rf.Kind():
		return "JSON form differs: " + elemName(wf) + " written, " + elemName(rf) + " read"
	case a.cat == 'f' && a.f32 != b.f32:
		return "precision changed"
	}
	return "value changed"
}

func isZigZag(fd protoreflect.FieldDescriptor) bool {
	return fd.Kind() == protoreflect.Sint32Kind || fd.Kind() == protoreflect.Sint64Kind
}

func bits32(fd protoreflect.FieldDescriptor) bool {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.EnumKind:
		return true
	}
	return false
}

// wireTypeName names the wire type a field is written with.
func wireTypeName(fd protoreflect.FieldDescriptor) string {
	if fd.IsList() && fd.IsPacked() {
		return "len (packed)"
	}
	switch fd.Kind() {
	case protoreflect.BoolKind, protoreflect.EnumKind, protoreflect.Int32Kind, protoreflect.Sint32Kind,
		protoreflect.Uint32Kind, protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind:
		return "varint"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return "i32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return "i64"
	case protoreflect.GroupKind:
		return "group"
	}
	return "len"
}

// addedEnumValue reports whether wv is an enum number that the writer's
// enum declares and the reader's enum does not: a value added since the
// reader's version. Forward, that is an ordinary addition, as a field is.
func addedEnumValue(wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor) bool {
	if wf.Kind() != protoreflect.EnumKind || rf.Kind() != protoreflect.EnumKind {
		return false
	}
	return wf.Enum().Values().ByNumber(wv.Enum()) != nil && rf.Enum().Values().ByNumber(wv.Enum()) == nil
}

func listValues(l protoreflect.List) []protoreflect.Value {
	out := make([]protoreflect.Value, l.Len())
	for i := range out {
		out[i] = l.Get(i)
	}
	return out
}

// unwrap returns the value field of a wrapper message
// (google.protobuf.Int32Value and the like) and the value it holds.
func unwrap(fd protoreflect.FieldDescriptor, v protoreflect.Value) (protoreflect.FieldDescriptor, protoreflect.Value, bool) {
	if fd.Kind() != protoreflect.MessageKind || fd.IsList() || fd.IsMap() || !isWrapper(fd.Message().FullName()) {
		return nil, protoreflect.Value{}, false
	}
	vf := fd.Message().Fields().ByNumber(1)
	return vf, v.Message().Get(vf), true
}

func isWrapper(name protoreflect.FullName) bool {
	switch name {
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return true
	}
	return false
}
