// Package recording reads recorded Protocol Buffers messages, as teams keep
// them: length-delimited streams (protodelim, Java's writeDelimitedTo), a
// directory of single-message files, base64 or hex one message a line (as
// logs hold them), protojson, and Kafka records in Confluent's wire format
// (magic byte, schema id, message indexes, payload) inside any of these.
// Any of them may be gzip-compressed.
//
// A Reader hands out one Record at a time and holds at most one record in
// memory, so a recording of any length is read in constant memory. Every
// size it reads from the input is checked against Options.MaxSize before
// anything is allocated: a length prefix claiming gigabytes is an Error
// with its byte offset, never an allocation. The package knows no schema:
// package roundtrip's Replay decodes what it reads.
package recording

import (
	"errors"
	"fmt"
	"slices"
)

// Format is the layout of a recording.
type Format string

// The formats Open and NewReader read. Auto detects the format: a
// directory is Files; a stream starting, after spaces, with '{' is JSON;
// text whose lines are all hex digits is Hex, other text Base64; anything
// else Delimited.
const (
	Auto Format = ""
	// Delimited is a stream of messages, each preceded by its length as a
	// varint (protodelim, Java's writeDelimitedTo).
	Delimited Format = "delimited"
	// Single is one message, the whole stream.
	Single Format = "single"
	// Files is a directory holding one message per file, read in name
	// order; each file may be gzip-compressed.
	Files Format = "files"
	// Base64 is one message a line in base64 (standard or URL alphabet,
	// padded or not). Blank lines are skipped.
	Base64 Format = "base64"
	// Hex is one message a line in hex digits, which may be separated by
	// spaces. Blank lines are skipped.
	Hex Format = "hex"
	// JSON is a sequence of protojson messages: one a line, or
	// pretty-printed one after another.
	JSON Format = "json"
)

// formats are the formats a user may name, in the order help shows them.
var formats = []Format{Delimited, Single, Files, Base64, Hex, JSON}

// Formats returns the formats a user may name, in the order help shows
// them, in a new slice.
func Formats() []Format { return slices.Clone(formats) }

// ParseFormat returns the format named s; "" and "auto" are Auto.
func ParseFormat(s string) (Format, error) {
	if s == "" || s == "auto" {
		return Auto, nil
	}
	for _, f := range formats {
		if string(f) == s {
			return f, nil
		}
	}
	return Auto, fmt.Errorf("unknown recording format %q (want auto, delimited, single, files, base64, hex or json)", s)
}

// Framing says whether binary records carry Confluent's wire format header.
type Framing uint8

const (
	// Detect reads a binary record that starts with a zero byte as
	// Confluent-framed: no protobuf message starts with one (field number
	// 0 is invalid), so the test is exact.
	Detect Framing = iota
	// Plain reads every record as a bare message.
	Plain
	// Confluent requires every binary record to be Confluent-framed.
	Confluent
)

// ParseFraming returns the framing named s: "auto" (or ""), "none" or
// "confluent".
func ParseFraming(s string) (Framing, error) {
	switch s {
	case "", "auto":
		return Detect, nil
	case "none":
		return Plain, nil
	case "confluent":
		return Confluent, nil
	}
	return Detect, fmt.Errorf("unknown framing %q (want auto, none or confluent)", s)
}

// Record is one recorded message.
type Record struct {
	// Offset is where the record starts, in bytes from the start of the
	// (decompressed) stream, or of its file for Files.
	Offset int64
	// Line is the record's 1-based line for Base64, Hex and JSON, or 0.
	Line int
	// File names the record's file, relative to the directory, for Files.
	File string
	// Data is the message's binary encoding, without any Confluent
	// header, or its protojson text when JSON is set. It is valid until
	// the next call of Next.
	Data []byte
	// JSON says that Data is protojson text.
	JSON bool
	// Framed says the record carried a Confluent header: SchemaID and
	// Indexes are its.
	Framed bool
	// SchemaID is the schema registry id of a Confluent-framed record.
	SchemaID uint32
	// Indexes are a Confluent-framed record's message indexes: the path
	// from the schema's file to the message type through nested messages,
	// [0] for the file's first message.
	Indexes []int
}

// Where describes the record's position for messages: "offset 12",
// "line 3 (offset 57)" or "file a.bin".
func (r Record) Where() string {
	return where(r.File, r.Line, r.Offset)
}

func where(file string, line int, offset int64) string {
	switch {
	case file != "" && offset > 0:
		return fmt.Sprintf("%s: offset %d", file, offset)
	case file != "":
		return file
	case line > 0:
		return fmt.Sprintf("line %d (offset %d)", line, offset)
	}
	return fmt.Sprintf("offset %d", offset)
}

// Errors that Error wraps, for errors.Is.
var (
	// ErrTooLarge means a size read from the input exceeds Options.MaxSize.
	ErrTooLarge = errors.New("record larger than the limit")
	// ErrTruncated means the input ends inside a record.
	ErrTruncated = errors.New("truncated record")
	// ErrSyntax means a record is not written as its format says.
	ErrSyntax = errors.New("malformed record")
	// ErrEmpty means the recording holds no record at all.
	ErrEmpty = errors.New("empty recording")
)

// Error is a recording that cannot be read further, with the position
// where reading stopped.
type Error struct {
	// Name is the recording's path as given, or "" for a stream.
	Name string
	// File, Line and Offset locate the problem as in Record.
	File   string
	Line   int
	Offset int64
	// Kind is ErrTooLarge, ErrTruncated, ErrSyntax or ErrEmpty.
	Kind error
	// Detail says what was found.
	Detail string
}

// Error returns "rec.bin: offset 12: truncated record: want 40 bytes, 3 left".
func (e *Error) Error() string {
	s := ""
	if e.Name != "" {
		s = e.Name + ": "
	}
	if e.Kind != ErrEmpty || e.File != "" {
		s += where(e.File, e.Line, e.Offset) + ": "
	}
	s += e.Kind.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }

// DefaultMaxSize is the largest record read when Options.MaxSize is 0:
// 64 MiB, protobuf-go's own limit on a message is 2 GiB, but a recording
// whose length prefix claims more than this is almost always not the
// format it was read as.
const DefaultMaxSize = 64 << 20

// Options configures Open and NewReader. The zero value detects the
// format and framing, and reads records up to DefaultMaxSize.
type Options struct {
	// Format forces a format; Auto detects it.
	Format Format
	// Framing says how to read Confluent headers.
	Framing Framing
	// MaxSize bounds a record's size in bytes, in its binary or JSON
	// form; 0 means DefaultMaxSize.
	MaxSize int
}

func (o Options) maxSize() int {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}
