package roundtrip

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/recording"
	"github.com/protocheck/protocheck/schema"
)

// Source hands out recorded messages one at a time, io.EOF after the
// last; *recording.Reader is one. A record's Data need only stay valid
// until the next call.
type Source interface {
	Next() (recording.Record, error)
}

// ReplayOptions configures Replay. The zero value replays Backward, in
// each record's own encoding, on every core.
type ReplayOptions struct {
	// Direction picks the directions replayed: compat.Backward reads each
	// recorded message with the new schema; compat.Forward has the new
	// schema read it, re-encode it as a new writer would, and the old
	// schema read that. Zero means compat.Backward.
	Direction compat.Direction
	// Encodings lists the encodings each message is compared in, Binary
	// and JSON: a binary record is also written as the old schema's
	// protojson and read as JSON, a JSON record also encoded in binary.
	// Nil means each record's own encoding.
	Encodings []string
	// Parallelism bounds how many records are compared at once. Zero
	// means runtime.GOMAXPROCS(0).
	Parallelism int
	// Examples is how many records each change keeps as examples, the
	// first ones in the recording. Zero means 3.
	Examples int
	// SchemaIDs are the schema registry ids under which the old schema
	// wrote Confluent-framed records; a record with another id is an
	// error. Empty means the first framed record's id, whatever it is.
	SchemaIDs []uint32
}

func (o ReplayOptions) withDefaults() ReplayOptions {
	if o.Direction == 0 {
		o.Direction = compat.Backward
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	if o.Examples <= 0 {
		o.Examples = 3
	}
	return o
}

// Replayed is what Replay found in a recording.
type Replayed struct {
	// Message is the message type replayed (records whose Confluent
	// indexes name another type count as that type).
	Message protoreflect.FullName
	// Read counts the records read.
	Read int
	// Undecodable counts the records the old schema could not decode: the
	// recording does not match it. Undecoded holds the first ones.
	Undecodable int
	Undecoded   []ReplayRecord
	// Identical counts the records read alike in every direction and
	// encoding replayed; Changed those with at least one change.
	Identical, Changed int
	// Changes lists what changed, one entry per direction, encoding, field
	// path (indexes dropped, "acme.v1.Order.items[].price") and class of
	// change, sorted by direction, encoding, path and reason.
	Changes []ReplayChange
}

// ReplayChange is one way in which recorded messages read differently.
type ReplayChange struct {
	// Direction is Backward or Forward.
	Direction Direction
	// Encoding is Binary or JSON.
	Encoding string
	// Path is the field's path from the message, indexes dropped, as the
	// writer names it; the message itself when the reader rejects the
	// whole record.
	Path string
	// FieldNumber is the number of Path's last field, or 0.
	FieldNumber protoreflect.FieldNumber
	// Reason says what went wrong in the first example.
	Reason string
	// Severity is compat.Warning for a hazard, the reader lacks the field
	// (its value survives in unknown fields) or sees the value but not
	// that it was set, else compat.Error: the reader misreads the data.
	Severity compat.Severity
	// Messages counts the records that show the change.
	Messages int
	// Examples are the first records that show it, in recording order.
	Examples []ReplayRecord
}

// ReplayRecord locates one record and says what became of it.
type ReplayRecord struct {
	// Record is the record's sequence number, 0 for the first.
	Record int
	// Offset, Line and File locate it as recording.Record does.
	Offset int64
	Line   int
	File   string
	// Path is the exact path of the change, with indexes.
	Path string
	// Reason says what went wrong.
	Reason string
	// Writer and Reader are what the writer meant and what the reader
	// understood, shortened to maxValueLen characters.
	Writer, Reader string
}

// Where describes the record's position: "offset 12", "line 3 (offset
// 57)" or "file a.bin".
func (r ReplayRecord) Where() string {
	return recording.Record{Offset: r.Offset, Line: r.Line, File: r.File}.Where()
}

// replayScan turns on the shortcut for records whose fields are all
// declared alike (replayscan.go); the property test turns it off.
var replayScan = true

// maxValueLen bounds a value shown in an example: a whole nested message
// is a large string.
const maxValueLen = 200

func shorten(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	cut := maxValueLen
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut-- // not inside a UTF-8 sequence
	}
	return s[:cut] + "…"
}

// ErrUnknownSchemaID is wrapped by Replay's error for a Confluent record
// whose schema id is not one of ReplayOptions.SchemaIDs.
var ErrUnknownSchemaID = errors.New("unknown schema id")

// ErrType is wrapped by Replay's error for a message type that a version
// does not declare, by name or by Confluent message indexes.
var ErrType = errors.New("no such message type")

// RecordError is an error that concerns one record, such as Confluent
// message indexes that name no type.
type RecordError struct {
	// Where locates the record, as recording.Record.Where says it.
	Where string
	// Err is what is wrong, wrapping ErrType or ErrUnknownSchemaID.
	Err error
}

// Error returns "line 2 (offset 13): " followed by Err's text.
func (e *RecordError) Error() string { return e.Where + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *RecordError) Unwrap() error { return e.Err }

// Replay reads recorded messages of the type message, written with old,
// and compares what each means to old and to new: Backward, it decodes
// each record with old and the same bytes (or JSON) with new; Forward,
// it re-encodes what new read as a new writer would and reads that with
// old. A record that old cannot decode is counted, not compared.
//
// Replay holds a few records per core in memory, whatever the recording's
// length, and returns the same result whatever the Parallelism. It
// returns an error when the source does (a truncated or malformed
// recording, with the record's position), when a version lacks the
// message, and soon after ctx is done.
func Replay(ctx context.Context, old, new *schema.Schema, message protoreflect.FullName, src Source, opts ReplayOptions) (*Replayed, error) {
	opts = opts.withDefaults()
	rp, err := newReplayer(old.Files, new.Files, message, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	jobs := make(chan replayJob, 2*opts.Parallelism)
	tallies := make([]*tally, opts.Parallelism)
	var wg sync.WaitGroup
	for i := range tallies {
		t := newTally(opts.Examples)
		tallies[i] = t
		wg.Go(func() {
			for j := range jobs {
				rp.replay(t, j)
				b := j.data[:0]
				rp.pool.Put(&b) // a pointer: a slice put in an interface allocates
			}
		})
	}
	seq, err := rp.feed(ctx, src, jobs)
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := merge(tallies, opts.Examples)
	out.Message = message
	out.Read = seq
	return out, nil
}

type replayJob struct {
	seq  int
	rec  recording.Record // Data is data
	data []byte
	md   [2]protoreflect.MessageDescriptor // old, new
}

// replayer holds what every record of one Replay shares.
type replayer struct {
	opts     ReplayOptions
	old, new protoreflect.MessageDescriptor
	file     protoreflect.FileDescriptor // old's, which Confluent indexes walk
	newMsgs  messageMap
	versions [2]version
	pool     sync.Pool
	// trials by message type (Confluent indexes may name several):
	// Backward binary, Backward JSON, Forward binary, Forward JSON.
	mu     sync.Mutex
	trials map[protoreflect.FullName]*[4]trial
	ids    map[uint32]bool
	// scan tells records that hold only fields declared alike.
	scan scanner
	// required says whether the old and the new version declare required
	// fields where records can reach them: checking costs a walk.
	required [2]bool
}

func newReplayer(old, new []protoreflect.FileDescriptor, message protoreflect.FullName, opts ReplayOptions) (*replayer, error) {
	message = protoreflect.FullName(strings.TrimPrefix(string(message), "."))
	rp := &replayer{opts: opts, trials: make(map[protoreflect.FullName]*[4]trial), ids: make(map[uint32]bool)}
	for _, id := range opts.SchemaIDs {
		rp.ids[id] = true
	}
	var mds [2]protoreflect.MessageDescriptor
	var msgs [2]messageMap
	for i, files := range [][]protoreflect.FileDescriptor{old, new} {
		all := collectMessages(files)
		md := all[message]
		if md == nil {
			return nil, fmt.Errorf("%w: %s is not a message of the %s version", ErrType, message, [2]string{"old", "new"}[i])
		}
		// As Prove does: rebuild for the runtime the file that declares
		// the message and those extending the schema's messages.
		rt := runtimeFileList(append([]protoreflect.FileDescriptor{md.ParentFile()}, extendingFiles(files, all)...))
		msgs[i] = collectMessages(rt)
		if m := msgs[i][message]; m != nil {
			md = m
		}
		mds[i] = md
		types := extensionTypes(rt, all)
		rp.versions[i] = version{types: types, anyOf: registerMessages(types, msgs[i])}
	}
	rp.old, rp.new, rp.file, rp.newMsgs = mds[0], mds[1], mds[0].ParentFile(), msgs[1]
	// Confluent indexes may name any message of the old file: look for
	// required fields from each.
	for i, md := range mds {
		rp.required[i] = reachesRequired(md)
		for _, m := range collectMessages([]protoreflect.FileDescriptor{md.ParentFile()}) {
			rp.required[i] = rp.required[i] || reachesRequired(m)
		}
	}
	return rp, nil
}

// trialsFor returns the four trials of one message type.
func (rp *replayer) trialsFor(old, new protoreflect.MessageDescriptor) *[4]trial {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if t, ok := rp.trials[old.FullName()]; ok {
		return t
	}
	ot, nt := rp.versions[0].types, rp.versions[1].types
	root := string(old.FullName())
	t := &[4]trial{
		{root: root, dir: Backward, enc: Binary, writer: old, reader: new, writerTypes: ot, readerTypes: nt},
		{root: root, dir: Backward, enc: JSON, writer: old, reader: new, writerTypes: ot, readerTypes: nt},
		{root: root, dir: Forward, enc: Binary, writer: new, reader: old, writerTypes: nt, readerTypes: ot},
		{root: root, dir: Forward, enc: JSON, writer: new, reader: old, writerTypes: nt, readerTypes: ot},
	}
	t[0].noRequired = !reachesRequired(new)
	rp.trials[old.FullName()] = t
	return t
}

// reachesRequired reports whether md, or a message one of its fields
// holds at any depth, declares a required field.
func reachesRequired(md protoreflect.MessageDescriptor) bool {
	seen := make(map[protoreflect.FullName]bool)
	var walk func(protoreflect.MessageDescriptor) bool
	walk = func(m protoreflect.MessageDescriptor) bool {
		if seen[m.FullName()] {
			return false
		}
		seen[m.FullName()] = true
		fields := m.Fields()
		for i := range fields.Len() {
			f := fields.Get(i)
			if f.Cardinality() == protoreflect.Required {
				return true
			}
			if f.IsMap() {
				f = f.MapValue()
			}
			if isMessage(f) && walk(f.Message()) {
				return true
			}
		}
		return false
	}
	return walk(md)
}

// feed reads the source and hands the records to the workers; it returns
// how many it read.
func (rp *replayer) feed(ctx context.Context, src Source, jobs chan<- replayJob) (int, error) {
	seq := 0
	for {
		if err := ctx.Err(); err != nil {
			return seq, err
		}
		rec, err := src.Next()
		if err == io.EOF {
			return seq, nil
		}
		if err != nil {
			return seq, err
		}
		j := replayJob{seq: seq, rec: rec, md: [2]protoreflect.MessageDescriptor{rp.old, rp.new}}
		if rec.Framed {
			if err := rp.pick(&j); err != nil {
				return seq, err
			}
		}
		var buf []byte
		if b, ok := rp.pool.Get().(*[]byte); ok {
			buf = *b
		}
		j.data = append(buf, rec.Data...)
		j.rec.Data, j.rec.Indexes = nil, nil
		select {
		case jobs <- j:
		case <-ctx.Done():
			return seq, ctx.Err()
		}
		seq++
	}
}

// pick checks a Confluent record's schema id and finds the type its
// message indexes name in the old schema's file of the replayed type.
func (rp *replayer) pick(j *replayJob) error {
	rec := j.rec
	if len(rp.ids) == 0 {
		rp.ids[rec.SchemaID] = true // the first framed record's
	}
	if !rp.ids[rec.SchemaID] {
		ids := make([]string, 0, len(rp.ids))
		for id := range rp.ids {
			ids = append(ids, fmt.Sprint(id))
		}
		slices.Sort(ids)
		return &RecordError{rec.Where(), fmt.Errorf("%w: the record has schema id %d, the old schema wrote %s", ErrUnknownSchemaID, rec.SchemaID, strings.Join(ids, ", "))}
	}
	msgs := rp.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range rec.Indexes {
		if i >= msgs.Len() {
			return &RecordError{rec.Where(), fmt.Errorf("%w: message indexes %v name no message of %s", ErrType, rec.Indexes, rp.file.Path())}
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	if md.FullName() == rp.old.FullName() {
		return nil
	}
	nm := rp.newMsgs[md.FullName()]
	if nm == nil {
		return &RecordError{rec.Where(), fmt.Errorf("%w: message indexes %v name %s, which the new version does not declare beside %s", ErrType, rec.Indexes, md.FullName(), rp.new.FullName())}
	}
	j.md = [2]protoreflect.MessageDescriptor{md, nm}
	return nil
}

// replay compares one record and tallies the outcome.
func (rp *replayer) replay(t *tally, j replayJob) {
	rec := j.rec
	at := ReplayRecord{Record: j.seq, Offset: rec.Offset, Line: rec.Line, File: rec.File}
	trials := rp.trialsFor(j.md[0], j.md[1])
	oldTypes, newTypes := orNone(rp.versions[0].types), orNone(rp.versions[1].types)

	// The writer's message, as the old schema reads the record.
	w := dynamicpb.NewMessage(j.md[0])
	var err error
	if rec.JSON {
		err = protojson.UnmarshalOptions{AllowPartial: true, Resolver: oldTypes}.Unmarshal(j.data, w)
	} else {
		err = unmarshal(j.data, w, oldTypes)
	}
	if err == nil && rp.required[0] {
		err = proto.CheckInitialized(w)
	}
	if err != nil {
		at.Path = string(j.md[0].FullName())
		at.Reason = "the old schema cannot read the record: " + cleanError(err)
		t.undecodable(at)
		return
	}
	if !rec.JSON && replayScan && rp.scan.plan(j.md[0], j.md[1]).alike(j.data, 0) {
		t.identical++ // every field declared alike in both (replayscan.go)
		return
	}
	encs := rp.opts.Encodings
	if encs == nil {
		encs = []string{Binary}
		if rec.JSON {
			encs = []string{JSON}
		}
	}
	var probs []problem
	var found []*trial
	note := func(tr *trial, ps []problem) {
		for range ps {
			found = append(found, tr)
		}
		probs = append(probs, ps...)
	}
	// What the new schema reads, for Forward to re-encode.
	var read *dynamicpb.Message
	for _, enc := range encs {
		if rp.opts.Direction&compat.Backward == 0 {
			break
		}
		switch {
		case enc == Binary && !rec.JSON:
			ps, r := trials[0].read(w, j.data)
			read = r
			note(&trials[0], ps)
		case enc == Binary:
			b, err := marshalOpts.Marshal(w)
			if err == nil {
				ps, r := trials[0].read(w, b)
				read = r
				note(&trials[0], ps)
			}
		case enc == JSON && rec.JSON:
			note(&trials[1], trials[1].readJSON(w, j.data))
		case enc == JSON:
			ps, _ := trials[1].runJSON(w)
			note(&trials[1], ps)
		}
	}
	if rp.opts.Direction&compat.Forward != 0 {
		if read == nil {
			read = dynamicpb.NewMessage(j.md[1])
			if rec.JSON {
				err = protojson.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true, Resolver: newTypes}.Unmarshal(j.data, read)
			} else {
				err = unmarshal(j.data, read, newTypes)
			}
			if err != nil {
				read = nil // the new schema cannot read it: a Backward change
			}
		}
		if read != nil && (!rp.required[1] || proto.CheckInitialized(read) == nil) {
			for _, enc := range encs {
				tr := &trials[2]
				if enc == JSON {
					tr = &trials[3]
				}
				ps, _, err := tr.run(read)
				if err == nil {
					note(tr, ps)
				}
			}
		}
	}
	if len(probs) == 0 {
		t.identical++
		return
	}
	t.changed++
	seen := make(map[changeKey]bool, len(probs))
	for i, p := range probs {
		k := changeKey{dir: found[i].dir, enc: found[i].enc, path: normalizePath(p.path), kind: p.kind}
		if p.path == "" {
			k.path = found[i].root
		}
		if seen[k] {
			continue // a record counts once per change
		}
		seen[k] = true
		ex := at
		ex.Path, ex.Reason, ex.Writer, ex.Reader = cmp.Or(p.path, k.path), p.reason, shorten(p.writer), shorten(p.reader)
		t.add(k, p, ex)
	}
}

type changeKey struct {
	dir  Direction
	enc  string
	path string
	kind problemKind
}

// tally is one worker's count; merge adds them up.
type tally struct {
	examples    int
	identical   int
	changed     int
	undecoded   int
	undecodedEx []ReplayRecord
	changes     map[changeKey]*ReplayChange
}

func newTally(examples int) *tally {
	return &tally{examples: examples, changes: make(map[changeKey]*ReplayChange)}
}

// keepFirst adds r to rs, keeping the n with the lowest record numbers.
func keepFirst(rs []ReplayRecord, r ReplayRecord, n int) []ReplayRecord {
	i, _ := slices.BinarySearchFunc(rs, r.Record, func(a ReplayRecord, seq int) int { return cmp.Compare(a.Record, seq) })
	if i >= n {
		return rs
	}
	rs = slices.Insert(rs, i, r)
	if len(rs) > n {
		rs = rs[:n]
	}
	return rs
}

func (t *tally) undecodable(r ReplayRecord) {
	t.undecoded++
	t.undecodedEx = keepFirst(t.undecodedEx, r, t.examples)
}

func (t *tally) add(k changeKey, p problem, ex ReplayRecord) {
	c := t.changes[k]
	if c == nil {
		sev := compat.Error
		if p.kind == kindUndeclared || p.kind == kindPresence {
			sev = compat.Warning
		}
		c = &ReplayChange{Direction: k.dir, Encoding: k.enc, Path: k.path, FieldNumber: p.number, Severity: sev}
		t.changes[k] = c
	}
	c.Messages++
	c.Examples = keepFirst(c.Examples, ex, t.examples)
}

func merge(ts []*tally, n int) *Replayed {
	out := &Replayed{}
	all := make(map[changeKey]*ReplayChange)
	var keys []changeKey
	for _, t := range ts {
		out.Identical += t.identical
		out.Changed += t.changed
		out.Undecodable += t.undecoded
		for _, r := range t.undecodedEx {
			out.Undecoded = keepFirst(out.Undecoded, r, n)
		}
		for k, c := range t.changes {
			m := all[k]
			if m == nil {
				m = &ReplayChange{Direction: c.Direction, Encoding: c.Encoding, Path: c.Path, FieldNumber: c.FieldNumber, Severity: c.Severity}
				all[k] = m
				keys = append(keys, k)
			}
			m.Messages += c.Messages
			for _, r := range c.Examples {
				m.Examples = keepFirst(m.Examples, r, n)
			}
		}
	}
	for _, k := range keys {
		c := all[k]
		c.Reason = c.Examples[0].Reason
		out.Changes = append(out.Changes, *c)
	}
	slices.SortFunc(out.Changes, func(a, b ReplayChange) int {
		return cmp.Or(
			cmp.Compare(a.Direction, b.Direction),
			strings.Compare(a.Encoding, b.Encoding),
			strings.Compare(a.Path, b.Path),
			cmp.Compare(a.Severity, b.Severity),
			strings.Compare(a.Reason, b.Reason),
		)
	})
	return out
}

// Failing reports whether a change at or above the severity failOn
// (compat.Error is the higher) shows in the recording.
func (r *Replayed) Failing(failOn compat.Severity) bool {
	return slices.ContainsFunc(r.Changes, func(c ReplayChange) bool { return c.Severity <= failOn })
}
