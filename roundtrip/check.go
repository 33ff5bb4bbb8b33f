package roundtrip

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// trial is one experiment: a writer schema, a reader schema, a direction
// and an encoding.
type trial struct {
	root   string
	dir    Direction
	enc    string
	writer protoreflect.MessageDescriptor
	// reader reads the writer's bytes; for Middleman it is the schema in
	// the middle, and the writer's schema reads last.
	reader protoreflect.MessageDescriptor
	// entryLists caches entryListsThroughMaps for Middleman.
	entryLists map[protoreflect.FullName]bool
	// writerTypes and readerTypes hold each side's extensions (never nil):
	// a reader resolves what it parses with its own.
	writerTypes, readerTypes *protoregistry.Types
	// noRequired says that no message the reader can reach declares a
	// required field, so read need not look for one unset: replay sets
	// it, where that walk costs as much as a decode.
	noRequired bool
}

// unmarshal parses b as a reader with the given extensions does.
func unmarshal(b []byte, m proto.Message, types *protoregistry.Types) error {
	return proto.UnmarshalOptions{AllowPartial: true, Resolver: orNone(types)}.Unmarshal(b, m)
}

// orNone returns types, or no types at all for nil: never the global
// registry, which depends on what the program links.
func orNone(types *protoregistry.Types) *protoregistry.Types {
	if types == nil {
		return noTypes
	}
	return types
}

var (
	marshalOpts = proto.MarshalOptions{AllowPartial: true, Deterministic: true}
	// An empty resolver keeps the global registry, which depends on what
	// the program links, out of the result; each side's extensions come
	// from its own schema (trial.writerTypes, trial.readerTypes).
	noTypes       = new(protoregistry.Types)
	unmarshalOpts = proto.UnmarshalOptions{AllowPartial: true, Resolver: noTypes}
)

// run encodes w, decodes it as the trial says and returns the problems.
// ok is false when the sample does not apply (the writer cannot encode it).
func (t *trial) run(w *dynamicpb.Message) (probs []problem, ok bool, err error) {
	if proto.CheckInitialized(w) != nil {
		// A required field left unset, where required fields nest deeper
		// than the generator goes: the writer's own schema refuses to
		// send it, so whatever the reader makes of it proves nothing.
		return nil, false, nil
	}
	switch {
	case t.enc == JSON:
		probs, ok = t.runJSON(w)
		return probs, ok, nil
	case t.dir == Middleman:
		return t.runMiddleman(w)
	}
	b, err := marshalOpts.Marshal(w)
	if err != nil {
		return nil, false, fmt.Errorf("roundtrip: cannot encode a generated %s: %v", w.Descriptor().FullName(), err)
	}
	probs, _ = t.read(w, b)
	return probs, true, nil
}

// read decodes b, the writer's encoding of w, with the reader's schema
// and compares; it also returns what the reader made of b, or nil when it
// rejects it. Replay passes recorded bytes, which need not be w's
// deterministic encoding.
func (t *trial) read(w *dynamicpb.Message, b []byte) ([]problem, *dynamicpb.Message) {
	r := dynamicpb.NewMessage(t.reader)
	if err := unmarshal(b, r, t.readerTypes); err != nil {
		return []problem{parseProblem("reader rejects the bytes", err)}, nil
	}
	c := comparer{reportUndeclared: t.dir == Backward, writerTypes: t.writerTypes, readerTypes: t.readerTypes}
	c.message(t.root, w, r)
	if !t.noRequired {
		c.required(t.root, r)
	}
	return c.probs, r
}

func (t *trial) runMiddleman(w *dynamicpb.Message) ([]problem, bool, error) {
	b, err := marshalOpts.Marshal(w)
	if err != nil {
		return nil, false, fmt.Errorf("roundtrip: cannot encode a generated %s: %v", w.Descriptor().FullName(), err)
	}
	mid := dynamicpb.NewMessage(t.reader)
	if err := unmarshal(b, mid, t.readerTypes); err != nil {
		return nil, false, nil // a Backward problem, reported there
	}
	b2, err := marshalOpts.Marshal(mid)
	if err != nil {
		return []problem{parseProblem("the new schema cannot re-encode what it read", err)}, true, nil
	}
	r := dynamicpb.NewMessage(t.writer)
	if err := unmarshal(b2, r, t.writerTypes); err != nil {
		return []problem{parseProblem("the old schema rejects the re-encoded bytes", err)}, true, nil
	}
	if t.entryLists == nil {
		t.entryLists = entryListsThroughMaps(t.writer, t.reader)
	}
	c := comparer{reportUndeclared: true, middleman: true, entryLists: t.entryLists, writerTypes: t.writerTypes, readerTypes: t.writerTypes}
	c.message(t.root, w, r)
	return c.probs, true, nil
}

func (t *trial) runJSON(w *dynamicpb.Message) ([]problem, bool) {
	text, err := protojson.MarshalOptions{AllowPartial: true, Resolver: orNone(t.writerTypes)}.Marshal(w)
	if err != nil {
		return nil, false // e.g. a NaN inside google.protobuf.Value
	}
	return t.readJSON(w, text), true
}

// readJSON reads text, the writer's JSON for w, with the reader's schema
// and compares. Replay passes recorded JSON.
func (t *trial) readJSON(w *dynamicpb.Message, text []byte) []problem {
	r := dynamicpb.NewMessage(t.reader)
	// A tolerant old reader ignores names it does not know (see doc.go).
	u := protojson.UnmarshalOptions{AllowPartial: true, DiscardUnknown: t.dir == Forward, Resolver: orNone(t.readerTypes)}
	c := comparer{json: true, reportUndeclared: t.dir == Backward, writerTypes: t.writerTypes, readerTypes: t.readerTypes}
	if err := u.Unmarshal(text, r); err != nil {
		// A strict reader rejects a name it does not declare. When that
		// is all it rejects, a tolerant reading tells the names apart:
		// a field or enum value deleted (the deletion's hazard, as in
		// binary) from one renamed (a misreading).
		r = dynamicpb.NewMessage(t.reader)
		u.DiscardUnknown = true
		if t.dir != Backward || u.Unmarshal(text, r) != nil {
			return []problem{parseProblem("reader rejects the JSON", err)}
		}
		c.strict = true
		c.message(t.root, w, r)
		c.required(t.root, r)
		if len(c.probs) == 0 {
			return []problem{parseProblem("reader rejects the JSON", err)}
		}
		return c.probs
	}
	c.message(t.root, w, r)
	c.required(t.root, r)
	return c.probs
}

// key identifies a problem for deduplication: one per field (wherever
// recursion nests it), direction and encoding, and class of problem.
func (t *trial) key(p problem) problemKey {
	k := problemKey{dir: t.dir, enc: t.enc, path: normalizePath(p.path)}
	switch p.kind {
	case kindParse, kindUndeclared, kindPresence, kindRequired:
		// Parse errors are traced to a field only once shrunk; the
		// arguable kinds must not hide a real break of the same field,
		// nor a field the writer lacks (a required field of the reader)
		// one of the same name that the writer sends.
		k.class = p.kind
	}
	if rest, ok := strings.CutPrefix(p.path, t.root+"."); ok {
		first, second := t.writer, t.reader
		if p.kind == kindRequired {
			first, second = second, first
		}
		if fd := fieldAt(first, second, rest, t.resolve); fd != nil {
			k.path = string(fd.FullName())
		}
	}
	return k
}

type problemKey struct {
	dir   Direction
	enc   string
	class problemKind
	path  string // the field's full name, or the path when it names none
}

// depth is how deeply a path nests: a shallower counterexample of the same
// field is easier to read.
func depth(path string) int { return strings.Count(normalizePath(path), ".") }

var indexRE = regexp.MustCompile(`\[[^\]]*\]`)

func normalizePath(p string) string { return indexRE.ReplaceAllString(p, "[]") }

func (t *trial) counterexample(w *dynamicpb.Message, p problem) Counterexample {
	b, _ := marshalOpts.Marshal(w)
	c := Counterexample{
		Message:      protoreflect.FullName(t.root),
		FieldPath:    p.path,
		FieldNumber:  p.number,
		Direction:    t.dir,
		Encoding:     t.enc,
		Reason:       p.reason,
		Bytes:        b,
		Wire:         Annotate(b),
		WriterValue:  p.writer,
		ReaderValue:  p.reader,
		Undeclared:   p.kind == kindUndeclared,
		PresenceOnly: p.kind == kindPresence,
		Moved:        p.kind == kindRenumbered || p.kind == kindMoved,
	}
	if rest, ok := strings.CutPrefix(p.path, t.root+"."); ok {
		first, second := t.writer, t.reader
		if p.kind == kindRequired {
			first, second = second, first // the reader's field, which the writer may lack
		}
		c.Path = fieldsAt(first, second, rest, t.resolve)
		if len(c.Path) > 0 {
			c.Field = c.Path[len(c.Path)-1]
		}
	}
	if p.oneof != nil {
		c.Oneof = p.oneof.FullName()
	}
	if c.Bytes == nil {
		c.Bytes = []byte{}
	}
	switch {
	case t.enc == JSON:
		text, _ := protojson.MarshalOptions{AllowPartial: true, Resolver: orNone(t.writerTypes)}.Marshal(w)
		// protojson varies its spacing from build to build on purpose;
		// compacted, the same message always reads the same.
		var compact bytes.Buffer
		if json.Compact(&compact, text) == nil {
			text = compact.Bytes()
		}
		c.Text = string(text)
	case t.dir == Middleman:
		mid := dynamicpb.NewMessage(t.reader)
		if unmarshal(b, mid, t.readerTypes) == nil {
			if b2, err := marshalOpts.Marshal(mid); err == nil {
				c.Wire += "re-encoded by the new schema:\n" + Annotate(b2)
			}
		}
	}
	return c
}

func parseProblem(reason string, err error) problem {
	return problem{kind: kindParse, reason: reason, reader: "error: " + cleanError(err)}
}

// lineColRE matches the position protojson puts in its errors; positions
// move because protojson output varies between builds.
var lineColRE = regexp.MustCompile(`\(line \d+:\d+\): `)

// cleanError strips what protobuf-go varies between builds from an error
// message: the "proto:" prefix with its random space and JSON positions.
func cleanError(err error) string {
	s := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	s = strings.TrimPrefix(s, "proto: ")
	s = strings.TrimPrefix(s, "proto:")
	return strings.TrimSpace(lineColRE.ReplaceAllString(s, ""))
}

// resolve finds, for paths, an extension or a message that an Any holds,
// as the writer or else the reader declares it.
func (t *trial) resolve(name protoreflect.FullName) protoreflect.Descriptor {
	for _, types := range []*protoregistry.Types{t.writerTypes, t.readerTypes} {
		if xt, err := orNone(types).FindExtensionByName(name); err == nil {
			return xt.TypeDescriptor()
		}
		if mt, err := orNone(types).FindMessageByName(name); err == nil {
			return mt.Descriptor()
		}
	}
	return nil
}
