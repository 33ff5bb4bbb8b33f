package roundtrip_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// TestProofsDecode holds every proof to what protobuf-go makes of its
// bytes: every proof must decode to the values it claims. For each
// rule case of package compat and for generated pairs, it proves the
// change and decodes each counterexample again, with descriptors rebuilt
// by protodesc and nothing of the prover's: the writer's schema must
// accept the bytes as a complete message, and the reader must reject
// them when the proof says so, or else see something other than what the
// writer meant at the proof's field: another value, no value, the value
// under another name, in its unknown fields, or a message the writer's
// schema would not accept. The values the proof shows must be those the
// bytes hold.
func TestProofsDecode(t *testing.T) {
	paths, err := filepath.Glob("../compat/testdata/*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	proofs := 0
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		old, errOld := loadSide(t, a, "old")
		new, errNew := loadSide(t, a, "new")
		if errOld != nil || errNew != nil {
			continue // a case of bad input, or of a layout the loader reads otherwise
		}
		proofs += verifyProofs(t, strings.TrimPrefix(p, "../compat/testdata/"), old, new, 0, 24)
	}
	for i, pair := range issuePairs {
		old, err1 := compileSchema(pair[0])
		new, err2 := compileSchema(pair[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("pair %d does not compile: %v %v", i, err1, err2)
		}
		proofs += verifyProofs(t, fmt.Sprintf("pair %d", i), old, new, 0, 24)
	}
	rng := rand.New(rand.NewPCG(13, 13))
	for i := 0; i < 120; i++ {
		s := genSchema(rng)
		m := s.clone()
		_, what, ok := mutate(rng, m)
		if !ok {
			continue
		}
		old, err1 := compileSchema(s.render())
		new, err2 := compileSchema(m.render())
		if err1 != nil || err2 != nil {
			continue
		}
		proofs += verifyProofs(t, fmt.Sprintf("generated %d (%s)", i, what), old, new, uint64(i), 24)
	}
	// Pairs of the model that covers every field type and option.
	for i := range uint64(120) {
		oldSrc, newSrc, class, what, ok := genPair(i)
		if !ok {
			continue
		}
		old, err1 := compileSchema(oldSrc)
		new, err2 := compileSchema(newSrc)
		if err1 != nil || err2 != nil {
			t.Fatalf("generated pair %d does not compile: %v %v", i, err1, err2)
		}
		proofs += verifyProofs(t, fmt.Sprintf("generated pair %d (%s: %s)\n--- old\n%s--- new\n%s", i, class, what, oldSrc, newSrc), old, new, i, 24)
	}
	t.Logf("%d proofs decoded", proofs)
	if proofs < 200 {
		t.Errorf("only %d proofs checked: the cases no longer exercise the prover", proofs)
	}
}

// issuePairs are changes where the prover once claimed more than the
// bytes show, or missed what they show.
var issuePairs = [][2]string{{
	`syntax = "proto3"; package x; import "google/protobuf/wrappers.proto"; message M { google.protobuf.Int32Value a = 1; google.protobuf.StringValue s = 2; }`,
	`syntax = "proto3"; package x; message M { optional int32 a = 1; string s = 2; }`,
}, {
	`syntax = "proto3"; package x; message M { N n = 1; repeated N ns = 2; } message N { int32 x = 1; string s = 2; }`,
	`syntax = "proto3"; package x; message M { bytes n = 1; repeated bytes ns = 2; }`,
}, {
	`syntax = "proto3"; package x; message M { float f = 1; double d = 2; }`,
	`syntax = "proto3"; package x; message M { fixed32 f = 1; fixed64 d = 2; }`,
}, {
	`syntax = "proto2"; package x; message M { optional E e = 1; repeated E es = 2; } enum E { A = 1; B = 2; C = 3; }`,
	`syntax = "proto2"; package x; message M { optional E e = 1; repeated E es = 2; } enum E { B = 2; A = 1; }`,
}, {
	`syntax = "proto2"; package x; message M { required M self = 1; optional int32 x = 2; } message R { optional M m = 1; required int32 a = 2; }`,
	`syntax = "proto2"; package x; message M { required M self = 1; optional int64 x = 2; } message R { optional M m = 1; required int32 a = 2; required int32 b = 3; }`,
}, {
	`syntax = "proto3"; package x; message M { int64 a = 1; int64 b = 2; string first = 3; string last = 4; oneof o { int32 p = 5; int32 q = 6; } }`,
	`syntax = "proto3"; package x; message M { int64 a = 1; int64 b = 7; string first = 4; string last = 3; oneof o { int32 p = 5; int32 q = 8; } }`,
}, {
	`syntax = "proto3"; package x; message M { repeated E m = 1; message E { string key = 1; int32 value = 2; } }`,
	`syntax = "proto3"; package x; message M { map<string, int32> m = 1; }`,
}, {
	`syntax = "proto3"; package x; message T { T child = 1; int32 x = 2; repeated T kids = 3; map<string, T> byName = 4; }`,
	`syntax = "proto3"; package x; message T { T child = 1; sint32 x = 2; repeated T kids = 3; map<string, T> byName = 4; }`,
}, {
	`syntax = "proto2"; package x; message M { extensions 100 to 200; optional int32 a = 1; } extend M { optional int32 x = 100; optional int64 y = 101; optional string z = 102; }`,
	`syntax = "proto2"; package x; message M { extensions 101 to 200; optional int32 a = 1; optional uint32 x = 100; } extend M { optional sint64 y = 101; optional string z = 102; }`,
}, {
	`syntax = "proto3"; package x; import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; repeated google.protobuf.Any as = 2; } message T { int32 x = 1; string s = 2; E e = 3; } enum E { Z = 0; A = 1; }`,
	`syntax = "proto3"; package x; import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; repeated google.protobuf.Any as = 2; int64 n = 3; } message T { sint32 x = 1; bytes s = 2; E e = 3; } enum E { Z = 0; A = 2; }`,
}}

func loadSide(t *testing.T, a *txtar.Archive, side string) ([]protoreflect.FileDescriptor, error) {
	dir := t.TempDir()
	n := 0
	for _, f := range a.Files {
		rel, ok := strings.CutPrefix(f.Name, side+"/")
		if !ok {
			continue
		}
		n++
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no %s/ files", side)
	}
	var l loader.Loader
	in, err := loader.ParseInput(dir)
	if err != nil {
		return nil, err
	}
	s, err := l.Load(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return s.Files, nil
}

// verifyProofs proves old against new and checks each counterexample; it
// returns how many it checked.
func verifyProofs(t *testing.T, name string, old, new []protoreflect.FileDescriptor, seed uint64, samples int) int {
	t.Helper()
	results, err := roundtrip.Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, roundtrip.Options{Samples: samples, Seed: seed})
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return 0
	}
	oldReg, err1 := rebuild(old)
	newReg, err2 := rebuild(new)
	if err1 != nil || err2 != nil {
		return 0 // a legacy feature the Go runtime refuses, such as a MessageSet
	}
	n := 0
	for _, r := range results {
		for _, c := range r.Counterexamples {
			n++
			writer, reader := oldReg, newReg
			if c.Direction == roundtrip.Forward {
				writer, reader = newReg, oldReg
			}
			if why := verify(claimOf(c), writer, reader); why != "" {
				t.Errorf("%s: false proof: %s\n  %s\n  bytes % x json %s", name, why, c, c.Bytes, c.Text)
			}
		}
	}
	return n
}

// rebuild makes the files anew with protodesc, as generated code would
// see them, independent of the compiler and of the prover.
func rebuild(files []protoreflect.FileDescriptor) (*protoregistry.Files, error) {
	set := new(descriptorpb.FileDescriptorSet)
	seen := make(map[string]bool)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		for i := range f.Imports().Len() {
			add(f.Imports().Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(f))
	}
	for _, f := range files {
		add(f)
	}
	return protodesc.NewFiles(set)
}

// claim is what a proof says, whether it comes from a Counterexample or
// from a finding's compat.Proof: verify trusts nothing else of the
// prover's.
type claim struct {
	Message                  protoreflect.FullName
	FieldPath                string
	Direction                roundtrip.Direction
	Encoding                 string
	Bytes                    []byte
	WriterValue, ReaderValue string
}

func claimOf(c roundtrip.Counterexample) claim {
	return claim{c.Message, c.FieldPath, c.Direction, c.Encoding, c.Bytes, c.WriterValue, c.ReaderValue}
}

// claimOfProof reads a finding's proof; ok is false for a direction it
// does not know.
func claimOfProof(p *compat.Proof) (claim, bool) {
	dirs := map[string]roundtrip.Direction{"backward": roundtrip.Backward, "forward": roundtrip.Forward, "middleman": roundtrip.Middleman}
	d, ok := dirs[p.Direction]
	return claim{protoreflect.FullName(p.Message), p.FieldPath, d, p.Encoding, p.Bytes, p.WriterValue, p.ReaderValue}, ok
}

// verify returns why c is not borne out by protobuf-go, or "".
func verify(c claim, writerReg, readerReg *protoregistry.Files) string {
	wd, err1 := writerReg.FindDescriptorByName(c.Message)
	rd, err2 := readerReg.FindDescriptorByName(c.Message)
	if err1 != nil || err2 != nil {
		return "the message is not declared by both versions"
	}
	wmd, rmd := wd.(protoreflect.MessageDescriptor), rd.(protoreflect.MessageDescriptor)
	wtypes, rtypes := dynamicpb.NewTypes(writerReg), dynamicpb.NewTypes(readerReg)
	w := dynamicpb.NewMessage(wmd)
	if err := (proto.UnmarshalOptions{Resolver: wtypes}).Unmarshal(c.Bytes, w); err != nil {
		return "the writer's own schema rejects the bytes: " + err.Error()
	}
	claimsError := strings.HasPrefix(c.ReaderValue, "error: ")
	r := dynamicpb.NewMessage(rmd)
	var rerr error
	switch {
	case c.Encoding == roundtrip.JSON:
		text, err := protojson.MarshalOptions{Resolver: wtypes}.Marshal(w)
		if err != nil {
			return "the writer cannot write the message as JSON: " + err.Error()
		}
		rerr = protojson.UnmarshalOptions{AllowPartial: true, DiscardUnknown: c.Direction == roundtrip.Forward, Resolver: rtypes}.Unmarshal(text, r)
		if rerr != nil && !claimsError {
			// A strict reader rejects names it does not declare; the
			// proof then shows what a tolerant one reads.
			r = dynamicpb.NewMessage(rmd)
			rerr = protojson.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true, Resolver: rtypes}.Unmarshal(text, r)
		}
	case c.Direction == roundtrip.Middleman:
		mid := dynamicpb.NewMessage(rmd)
		if err := (proto.UnmarshalOptions{AllowPartial: true, Resolver: rtypes}).Unmarshal(c.Bytes, mid); err != nil {
			rerr = err
			break
		}
		b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(mid)
		if err != nil {
			rerr = err
			break
		}
		r = dynamicpb.NewMessage(wmd)
		rerr = (proto.UnmarshalOptions{AllowPartial: true, Resolver: wtypes}).Unmarshal(b, r)
		if rerr == nil && !claimsError && proto.Equal(w, r) {
			return "the message comes back unchanged through the new schema"
		}
	default:
		rerr = (proto.UnmarshalOptions{AllowPartial: true, Resolver: rtypes}).Unmarshal(c.Bytes, r)
	}
	switch {
	case claimsError && rerr == nil:
		return "the proof says the reader rejects the input, and it accepts it"
	case claimsError:
		return ""
	case rerr != nil:
		return "the reader rejects the input, which the proof does not say: " + rerr.Error()
	case c.Direction == roundtrip.Middleman:
		return ""
	}
	if proto.CheckInitialized(r) != nil {
		return "" // a required field of the reader is missing
	}
	rest, ok := strings.CutPrefix(c.FieldPath, string(c.Message)+".")
	if !ok {
		return "the reader sees the message as the writer wrote it"
	}
	match := func(m protoreflect.MessageDescriptor, f protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
		if f.IsExtension() {
			if c.Encoding == roundtrip.JSON {
				if xt, err := rtypes.FindExtensionByName(f.FullName()); err == nil {
					return xt.TypeDescriptor()
				}
				return nil
			}
			if xt, err := rtypes.FindExtensionByNumber(m.FullName(), f.Number()); err == nil {
				return xt.TypeDescriptor()
			}
			return m.Fields().ByNumber(f.Number())
		}
		if c.Encoding != roundtrip.JSON {
			if xt, err := rtypes.FindExtensionByNumber(m.FullName(), f.Number()); err == nil && m.Fields().ByNumber(f.Number()) == nil {
				return xt.TypeDescriptor()
			}
		}
		if c.Encoding == roundtrip.JSON {
			if rf := m.Fields().ByJSONName(f.JSONName()); rf != nil {
				return rf
			}
			return m.Fields().ByName(f.Name())
		}
		return m.Fields().ByNumber(f.Number())
	}
	wf, rf, wv, rv, wset, rset := walk(w.ProtoReflect(), r.ProtoReflect(), rest, wtypes, rtypes, match, c.Encoding == roundtrip.JSON)
	if wf != nil && wset && !shows(wv, c.WriterValue) {
		return fmt.Sprintf("the writer's value at the path is %v, not what the proof says", wv)
	}
	if rf != nil && rset && !strings.HasPrefix(c.ReaderValue, "(") && !strings.Contains(c.ReaderValue, " = ") && !shows(rv, c.ReaderValue) {
		return fmt.Sprintf("the reader's value at the path is %v, not what the proof says", rv)
	}
	switch {
	case wf == nil:
		return "the proof's field path names no field of the writer"
	case rf == nil:
		return "" // the reader does not declare the field there
	case moved(wf, rf, c.Encoding == roundtrip.JSON):
		return ""
	case wset != rset:
		return ""
	case !wset:
		if wf.Kind() == protoreflect.EnumKind && rf.Kind() == protoreflect.EnumKind && wf.Default().Enum() != rf.Default().Enum() {
			return "" // an unset closed enum's default changed
		}
		if !sameMeaning(wf, wf.Default(), rf, rf.Default(), false) {
			return ""
		}
		return "neither side sets the field, and the defaults agree"
	}
	if n, ok := rv.Interface().(protoreflect.EnumNumber); ok && rf.Enum().IsClosed() && rf.Enum().Values().ByNumber(n) == nil {
		return "" // C++ and Java move the number to unknown fields
	}
	if sameMeaning(wf, wv, rf, rv, c.Encoding == roundtrip.JSON) {
		return fmt.Sprintf("writer and reader values mean the same (%v, %v)", wv, rv)
	}
	return ""
}

// moved reports whether the reader's field rf, which reads the writer's
// field wf, is another field: it has another name, and one of the two
// names is declared by the other side at another number (swapped fields,
// a number kept while its field moved on). In JSON, where fields meet by
// JSON name, rf is another field when neither name nor number agree.
func moved(wf, rf protoreflect.FieldDescriptor, json bool) bool {
	if wf.IsExtension() || rf.IsExtension() {
		if wf.IsExtension() && rf.IsExtension() {
			return wf.FullName() != rf.FullName()
		}
		return false
	}
	if wf.Name() == rf.Name() {
		return false
	}
	if json {
		return wf.Number() != rf.Number()
	}
	return rf.ContainingMessage().Fields().ByName(wf.Name()) != nil || wf.ContainingMessage().Fields().ByName(rf.Name()) != nil
}

// structFamily reports whether a message is google.protobuf.Struct,
// Value or ListValue, whose JSON forms overlap.
func structFamily(name protoreflect.FullName) bool {
	switch name {
	case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue":
		return true
	}
	return false
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// shows reports whether a proof's rendering of a value, such as
// "int32 -1" or `enum p.E B=2`, holds v: a number as decimal, a string or
// bytes quoted, as the proof writes them. Lists, maps and messages are not
// checked.
func shows(v protoreflect.Value, claim string) bool {
	var token string
	switch x := v.Interface().(type) {
	case bool:
		token = strconv.FormatBool(x)
	case protoreflect.EnumNumber:
		token = strconv.Itoa(int(x))
	case int32, int64:
		token = strconv.FormatInt(v.Int(), 10)
	case uint32, uint64:
		token = strconv.FormatUint(v.Uint(), 10)
	case float32:
		token = formatFloat(float64(x), 32)
	case float64:
		token = formatFloat(x, 64)
	case string:
		token = strconv.Quote(x)
	case []byte:
		token = strconv.Quote(string(x))
	default:
		return true
	}
	return strings.Contains(claim, token)
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// walk follows a field path ("a.b[2].c", `m["k"]`) through the writer's
// message w and the reader's r side by side, pairing each writer field
// with the reader's through match. It returns the last fields, their
// values and whether each is set; rf is nil when the reader has no field
// there, and the walk stops early where either side holds no message.
//
// In JSON, the walk stops at a Struct, Value or ListValue that the other
// side holds as another of the three: their fields do not meet by name,
// their JSON forms do.
func walk(w, r protoreflect.Message, path string, wtypes, rtypes *dynamicpb.Types, match func(protoreflect.MessageDescriptor, protoreflect.FieldDescriptor) protoreflect.FieldDescriptor, json bool) (wf, rf protoreflect.FieldDescriptor, wv, rv protoreflect.Value, wset, rset bool) {
	for {
		if name, rest, ok := strings.Cut(strings.TrimPrefix(path, "("), ")"); ok && strings.HasPrefix(path, "(") {
			// An extension, by its full name.
			wf, path = nil, rest
			if xt, err := wtypes.FindExtensionByName(protoreflect.FullName(name)); err == nil {
				wf = xt.TypeDescriptor()
			}
		} else {
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			wf = w.Descriptor().Fields().ByName(protoreflect.Name(path[:end]))
			path = path[end:]
		}
		if wf == nil {
			return nil, nil, wv, rv, false, false
		}
		if rf = match(r.Descriptor(), wf); rf == nil {
			return wf, nil, w.Get(wf), rv, w.Has(wf), false
		}
		wv, rv, wset, rset = w.Get(wf), r.Get(rf), w.Has(wf), r.Has(rf)
		for wset && rset && strings.HasPrefix(path, "[") {
			key, rest, ok := cutKey(path[1:])
			if !ok {
				return nil, nil, wv, rv, false, false
			}
			path = rest
			if url := key; strings.Contains(url, "/") && wf.Message() != nil && wf.Message().FullName() == "google.protobuf.Any" {
				// The message an Any holds, each side unpacking its own.
				wv, rv = unpackAny(wv.Message(), wtypes), unpackAny(rv.Message(), rtypes)
				wset, rset = wv.IsValid(), rv.IsValid()
				continue
			}
			wf, wv, wset = index(wf, wv, key)
			rf, rv, rset = index(rf, rv, key)
		}
		if path == "" || !wset || !rset {
			return wf, rf, wv, rv, wset, rset
		}
		wm, ok1 := wv.Interface().(protoreflect.Message)
		rm, ok2 := rv.Interface().(protoreflect.Message)
		if !ok1 || !ok2 {
			return wf, rf, wv, rv, wset, rset
		}
		if wn, rn := wm.Descriptor().FullName(), rm.Descriptor().FullName(); json && wn != rn && (structFamily(wn) || structFamily(rn)) {
			return wf, rf, wv, rv, wset, rset
		}
		w, r, path = wm, rm, strings.TrimPrefix(path, ".")
	}
}

// unpackAny returns the message that an Any holds, as types declare it,
// or an invalid value.
func unpackAny(m protoreflect.Message, types *dynamicpb.Types) protoreflect.Value {
	fields := m.Descriptor().Fields()
	mt, err := types.FindMessageByURL(m.Get(fields.ByNumber(1)).String())
	if err != nil {
		return protoreflect.Value{}
	}
	inner := mt.New()
	if (proto.UnmarshalOptions{AllowPartial: true, Resolver: types}).Unmarshal(m.Get(fields.ByNumber(2)).Bytes(), inner.Interface()) != nil {
		return protoreflect.Value{}
	}
	return protoreflect.ValueOfMessage(inner)
}

// cutKey splits `"k"]rest` or `2]rest` into the key and the rest.
func cutKey(s string) (key, rest string, ok bool) {
	if q, err := strconv.QuotedPrefix(s); err == nil {
		key, _ = strconv.Unquote(q)
		s = s[len(q):]
		return key, strings.TrimPrefix(s, "]"), strings.HasPrefix(s, "]")
	}
	key, rest, ok = strings.Cut(s, "]")
	return key, rest, ok
}

// index takes element key of a list or map value of fd; a singular field
// (which the other side repeats) stays as it is.
func index(fd protoreflect.FieldDescriptor, v protoreflect.Value, key string) (protoreflect.FieldDescriptor, protoreflect.Value, bool) {
	switch {
	case fd.IsList():
		i, err := strconv.Atoi(key)
		if err != nil || i >= v.List().Len() {
			return fd, protoreflect.Value{}, false
		}
		return fd, v.List().Get(i), true
	case fd.IsMap():
		mk, ok := mapKey(fd.MapKey(), key)
		if !ok || !v.Map().Has(mk) {
			return fd.MapValue(), protoreflect.Value{}, false
		}
		return fd.MapValue(), v.Map().Get(mk), true
	}
	return fd, v, true
}

func mapKey(fd protoreflect.FieldDescriptor, s string) (protoreflect.MapKey, bool) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(s).MapKey(), true
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(s == "true").MapKey(), true
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		i, err := strconv.ParseInt(s, 10, 32)
		return protoreflect.ValueOfInt32(int32(i)).MapKey(), err == nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		i, err := strconv.ParseInt(s, 10, 64)
		return protoreflect.ValueOfInt64(i).MapKey(), err == nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		u, err := strconv.ParseUint(s, 10, 32)
		return protoreflect.ValueOfUint32(uint32(u)).MapKey(), err == nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		u, err := strconv.ParseUint(s, 10, 64)
		return protoreflect.ValueOfUint64(u).MapKey(), err == nil
	}
	return protoreflect.MapKey{}, false
}

// sameMeaning reports whether two values mean the same to a program:
// numbers by value, strings and bytes by their bytes, enums by number
// (in JSON by name), messages by their encoding, lists and maps element
// by element.
func sameMeaning(wf protoreflect.FieldDescriptor, wv protoreflect.Value, rf protoreflect.FieldDescriptor, rv protoreflect.Value, json bool) bool {
	if !wv.IsValid() || !rv.IsValid() {
		return wv.IsValid() == rv.IsValid()
	}
	switch w := wv.Interface().(type) {
	case protoreflect.List:
		r, ok := rv.Interface().(protoreflect.List)
		if !ok || w.Len() != r.Len() {
			return false
		}
		for i := range w.Len() {
			if !sameMeaning(wf, w.Get(i), rf, r.Get(i), json) {
				return false
			}
		}
		return true
	case protoreflect.Map:
		r, ok := rv.Interface().(protoreflect.Map)
		if !ok || w.Len() != r.Len() {
			return false
		}
		same := true
		w.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			same = r.Has(k) && sameMeaning(wf.MapValue(), v, rf.MapValue(), r.Get(k), json)
			return same
		})
		return same
	case protoreflect.Message:
		r, ok := rv.Interface().(protoreflect.Message)
		if ok && json && (structFamily(w.Descriptor().FullName()) || structFamily(r.Descriptor().FullName())) {
			// google.protobuf.Value holds a Struct or a ListValue as
			// their JSON says: the same JSON is the same value.
			a, err1 := protojson.Marshal(w.Interface())
			b, err2 := protojson.Marshal(r.Interface())
			return err1 == nil && err2 == nil && sameJSON(a, b)
		}
		if !ok {
			// JSON writes a wrapper as its bare value.
			return json && strings.HasSuffix(string(w.Descriptor().FullName()), "Value") &&
				sameMeaning(w.Descriptor().Fields().ByNumber(1), w.Get(w.Descriptor().Fields().ByNumber(1)), rf, rv, json)
		}
		a, _ := proto.MarshalOptions{Deterministic: true}.Marshal(w.Interface())
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(r.Interface())
		return bytes.Equal(a, b)
	}
	if wf.Kind() == protoreflect.EnumKind && rf.Kind() == protoreflect.EnumKind {
		wvals, rvals := wf.Enum().Values(), rf.Enum().Values()
		a, b := wvals.ByNumber(wv.Enum()), rvals.ByNumber(rv.Enum())
		switch {
		case json && a != nil && b != nil:
			return a.Name() == b.Name() // JSON carries the name
		case a != nil && b != nil && a.Name() != b.Name():
			// Another name for the same number is a rename (or another
			// order of aliases), unless a name of the number stands
			// for another number on the other side.
			moved := func(from, to protoreflect.EnumValueDescriptors, n protoreflect.EnumNumber) bool {
				for i := range from.Len() {
					if v := from.Get(i); v.Number() == n {
						if o := to.ByName(v.Name()); o != nil && o.Number() != n {
							return true
						}
					}
				}
				return false
			}
			return !moved(wvals, rvals, wv.Enum()) && !moved(rvals, wvals, rv.Enum())
		case a != nil && b == nil && rvals.ByName(a.Name()) != nil:
			return false // the writer's name now has another number
		}
	}
	a, b := number(wf, wv), number(rf, rv)
	if a != nil && b != nil {
		return a.Cmp(b) == 0
	}
	// A string or bytes means the same only as a string or bytes: an
	// empty one is not the absent text of a number.
	x, y := raw(wv), raw(rv)
	return x != nil && y != nil && bytes.Equal(x, y)
}

// number returns a numeric value exactly, or nil for a string or bytes.
func number(fd protoreflect.FieldDescriptor, v protoreflect.Value) *big.Float {
	switch x := v.Interface().(type) {
	case bool:
		if x {
			return big.NewFloat(1)
		}
		return big.NewFloat(0)
	case protoreflect.EnumNumber:
		return big.NewFloat(float64(x))
	case int32:
		return new(big.Float).SetInt64(int64(x))
	case int64:
		return new(big.Float).SetInt64(x)
	case uint32:
		return new(big.Float).SetUint64(uint64(x))
	case uint64:
		return new(big.Float).SetUint64(x)
	case float32:
		return finite(float64(x))
	case float64:
		return finite(x)
	}
	return nil
}

// finite maps NaN and infinities to values no integer takes, so that they
// compare equal to themselves only.
func finite(f float64) *big.Float {
	switch {
	case math.IsNaN(f):
		return big.NewFloat(math.MaxFloat64)
	case math.IsInf(f, 1):
		return big.NewFloat(math.MaxFloat64 / 2)
	case math.IsInf(f, -1):
		return big.NewFloat(-math.MaxFloat64 / 2)
	}
	return big.NewFloat(f)
}

func raw(v protoreflect.Value) []byte {
	switch x := v.Interface().(type) {
	case string:
		return append([]byte{}, x...)
	case []byte:
		return append([]byte{}, x...)
	}
	return nil
}
