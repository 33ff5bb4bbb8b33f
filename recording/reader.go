package recording

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
)

// Reader reads the records of one recording. Next returns them in order;
// a Reader is not safe for concurrent use, but Read and Size are.
type Reader struct {
	name   string
	opts   Options
	format Format
	closer io.Closer

	// raw counts the bytes read from the input (compressed, for gzip),
	// for progress; size is the input's size when known.
	raw  atomic.Int64
	size int64

	br    *bufio.Reader // the (decompressed) stream
	pos   int64         // bytes of br consumed
	line  int           // lines of br consumed (line formats)
	buf   []byte        // the current record's data
	text  []byte        // the current line
	idx   []int         // the current record's indexes
	dec   *json.Decoder // JSON
	files []string      // Files: the files left, relative to name
	dir   string
	any   bool // a record was returned
}

// Open opens the recording at path: a file or, for Files, a directory.
// The caller closes the Reader.
func Open(path string, opts Options) (*Reader, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		if opts.Format != Auto && opts.Format != Files {
			return nil, fmt.Errorf("%s is a directory: the %s format reads a file", path, opts.Format)
		}
		return openDir(path, opts)
	}
	if opts.Format == Files {
		return nil, fmt.Errorf("%s is not a directory: the files format reads a directory of single-message files", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{name: path, opts: opts, size: st.Size(), closer: f}
	if err := r.start(f); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// NewReader reads a recording from a stream. Files cannot be read so.
func NewReader(rd io.Reader, opts Options) (*Reader, error) {
	if opts.Format == Files {
		return nil, errors.New("the files format reads a directory, not a stream")
	}
	r := &Reader{opts: opts, size: -1}
	if err := r.start(rd); err != nil {
		return nil, err
	}
	return r, nil
}

// Format returns the recording's format, as given or detected.
func (r *Reader) Format() Format { return r.format }

// Read returns how many bytes of the input were read so far (before
// decompression), for progress.
func (r *Reader) Read() int64 { return r.raw.Load() }

// Size returns the input's size in bytes (before decompression), or -1
// when unknown.
func (r *Reader) Size() int64 { return r.size }

// Close closes the file Open opened.
func (r *Reader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

const bufSize = 64 << 10

// decompress returns br, or a reader of its decompressed content when it
// starts with gzip's magic number.
func (r *Reader) decompress(br *bufio.Reader, file string) (*bufio.Reader, error) {
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return nil, r.errorAt(file, 0, 0, ErrSyntax, "gzip: "+err.Error())
	}
	return bufio.NewReaderSize(gz, bufSize), nil
}

func (r *Reader) start(rd io.Reader) error {
	br, err := r.decompress(bufio.NewReaderSize(counter{rd, &r.raw}, bufSize), "")
	if err != nil {
		return err
	}
	r.br = br
	peek, _ := br.Peek(4096)
	if len(peek) == 0 {
		return r.errorAt("", 0, 0, ErrEmpty, "")
	}
	r.format = r.opts.Format
	if r.format == Auto {
		r.format = detect(peek)
	}
	if r.format == JSON {
		r.dec = json.NewDecoder(&guard{r: br, reader: r})
		r.dec.UseNumber()
	}
	return nil
}

// detect guesses a stream's format from its first bytes.
func detect(b []byte) Format {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return JSON
	}
	hexOnly := true
	for _, c := range b {
		switch {
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		case c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || 'g' <= c && c <= 'z' || 'G' <= c && c <= 'Z':
			hexOnly = false
		default:
			return Delimited
		}
	}
	if hexOnly {
		return Hex
	}
	return Base64
}

// guard stops a JSON decoder from buffering more than MaxSize bytes of
// one value: json.Decoder reads a whole value before it returns it.
type guard struct {
	r      io.Reader
	reader *Reader
	read   int64
}

func (g *guard) Read(p []byte) (int, error) {
	if d := g.reader.dec; d != nil && g.read-d.InputOffset() > int64(g.reader.opts.maxSize())+bufSize {
		return 0, errJSONTooLarge
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

var errJSONTooLarge = errors.New("json value too large")

func openDir(path string, opts Options) (*Reader, error) {
	r := &Reader{name: path, opts: opts, format: Files, dir: path}
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && len(d.Name()) > 0 && d.Name()[0] == '.' {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		r.files = append(r.files, filepath.ToSlash(rel))
		r.size += info.Size()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(r.files) == 0 {
		return nil, r.errorAt("", 0, 0, ErrEmpty, "no file in the directory")
	}
	slices.Sort(r.files)
	return r, nil
}

func (r *Reader) errorAt(file string, line int, offset int64, kind error, detail string) *Error {
	return &Error{Name: r.name, File: file, Line: line, Offset: offset, Kind: kind, Detail: detail}
}

// Next returns the next record, or io.EOF after the last. Any other error
// is an *Error, after which the recording cannot be read further.
func (r *Reader) Next() (Record, error) {
	var rec Record
	var err error
	switch r.format {
	case Files:
		rec, err = r.nextFile()
	case Delimited:
		rec, err = r.nextDelimited()
	case Single:
		rec, err = r.nextSingle()
	case Base64, Hex:
		rec, err = r.nextLine()
	case JSON:
		rec, err = r.nextJSON()
	default:
		return Record{}, fmt.Errorf("unknown recording format %q", r.format)
	}
	if err == io.EOF && !r.any {
		return Record{}, r.errorAt("", 0, 0, ErrEmpty, "no record in it")
	}
	if err != nil {
		return Record{}, err
	}
	if !rec.JSON {
		if err := r.frame(&rec); err != nil {
			return Record{}, err
		}
	}
	r.any = true
	return rec, nil
}

func (r *Reader) grow(n int) []byte {
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	return r.buf[:n]
}

func (r *Reader) nextDelimited() (Record, error) {
	off := r.pos
	var x uint64
	for i := 0; ; i++ {
		b, err := r.br.ReadByte()
		if err == io.EOF {
			if i == 0 {
				return Record{}, io.EOF
			}
			return Record{}, r.errorAt("", 0, off, ErrTruncated, "the stream ends inside a length prefix")
		}
		if err != nil {
			return Record{}, r.readError(off, err)
		}
		r.pos++
		if i == 9 && b > 1 {
			return Record{}, r.errorAt("", 0, off, ErrSyntax, "the length prefix is not a 64-bit varint")
		}
		x |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			break
		}
	}
	if max := r.opts.maxSize(); x > uint64(max) {
		return Record{}, r.errorAt("", 0, off, ErrTooLarge, fmt.Sprintf("the length prefix claims %d bytes, the limit is %d (is this a length-delimited stream?)", x, max))
	}
	buf := r.grow(int(x))
	n, err := io.ReadFull(r.br, buf)
	r.pos += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return Record{}, r.errorAt("", 0, off, ErrTruncated, fmt.Sprintf("the length prefix says %d bytes, the stream holds %d more", x, n))
	}
	if err != nil {
		return Record{}, r.readError(off, err)
	}
	return Record{Offset: off, Data: buf}, nil
}

// readError wraps an error of the input itself (gzip's, the disk's).
func (r *Reader) readError(off int64, err error) error {
	return r.errorAt("", 0, off, ErrSyntax, err.Error())
}

// readAll reads br whole, up to MaxSize bytes.
func (r *Reader) readAll(br io.Reader, file string) ([]byte, error) {
	max := r.opts.maxSize()
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(br, int64(max)+1))
	if err != nil {
		return nil, r.errorAt(file, 0, n, ErrSyntax, err.Error())
	}
	if n > int64(max) {
		return nil, r.errorAt(file, 0, 0, ErrTooLarge, fmt.Sprintf("more than the limit of %d bytes", max))
	}
	return b.Bytes(), nil
}

func (r *Reader) nextSingle() (Record, error) {
	if r.any {
		return Record{}, io.EOF
	}
	b, err := r.readAll(r.br, "")
	if err != nil {
		return Record{}, err
	}
	r.pos += int64(len(b))
	return Record{Data: b}, nil
}

func (r *Reader) nextFile() (Record, error) {
	if len(r.files) == 0 {
		return Record{}, io.EOF
	}
	name := r.files[0]
	r.files = r.files[1:]
	f, err := os.Open(filepath.Join(r.dir, filepath.FromSlash(name)))
	if err != nil {
		return Record{}, err
	}
	defer f.Close()
	br, err := r.decompress(bufio.NewReaderSize(counter{f, &r.raw}, bufSize), name)
	if err != nil {
		return Record{}, err
	}
	b, err := r.readAll(br, name)
	if err != nil {
		return Record{}, err
	}
	rec := Record{File: name, Data: b}
	if r.opts.Format != Files && len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '{' {
		rec.JSON = true // a directory of protojson files, detected
	}
	return rec, nil
}

// nextLine returns the next non-blank line, decoded.
func (r *Reader) nextLine() (Record, error) {
	limit := 3*r.opts.maxSize() + 64 // hex with spaces takes three characters a byte
	for {
		off := r.pos
		r.text = r.text[:0]
		for {
			chunk, err := r.br.ReadSlice('\n')
			r.text = append(r.text, chunk...)
			r.pos += int64(len(chunk))
			if len(r.text) > limit {
				return Record{}, r.errorAt("", r.line+1, off, ErrTooLarge, fmt.Sprintf("a line longer than %d characters", limit))
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				if len(r.text) == 0 {
					return Record{}, io.EOF
				}
				break
			}
			if err != nil {
				return Record{}, r.readError(off, err)
			}
			break
		}
		r.line++
		line := bytes.TrimSpace(r.text)
		if len(line) == 0 {
			continue
		}
		b, err := r.decodeLine(line)
		if err != nil {
			return Record{}, r.errorAt("", r.line, off, ErrSyntax, err.Error())
		}
		return Record{Offset: off, Line: r.line, Data: b}, nil
	}
}

func (r *Reader) decodeLine(line []byte) ([]byte, error) {
	if r.format == Hex {
		compact := r.grow(len(line))[:0]
		for _, c := range line {
			if c != ' ' && c != '\t' {
				compact = append(compact, c)
			}
		}
		n, err := hex.Decode(compact, compact)
		if err != nil {
			return nil, fmt.Errorf("not hex: %v", err)
		}
		return compact[:n], nil
	}
	var first error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		buf := r.grow(enc.DecodedLen(len(line)))
		n, err := enc.Decode(buf, line)
		if err == nil {
			return buf[:n], nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, fmt.Errorf("not base64: %v", first)
}

func (r *Reader) nextJSON() (Record, error) {
	var raw json.RawMessage
	start := r.dec.InputOffset()
	err := r.dec.Decode(&raw)
	var se *json.SyntaxError
	switch {
	case err == io.EOF:
		return Record{}, io.EOF
	case errors.Is(err, errJSONTooLarge):
		return Record{}, r.errorAt("", 0, start, ErrTooLarge, fmt.Sprintf("a JSON value longer than the limit of %d bytes", r.opts.maxSize()))
	case errors.As(err, &se):
		// Offset counts the bytes read up to and including the bad one.
		return Record{}, r.errorAt("", 0, max(se.Offset-1, 0), ErrSyntax, "JSON: "+se.Error())
	case err == io.ErrUnexpectedEOF:
		return Record{}, r.errorAt("", 0, start, ErrTruncated, "the stream ends inside a JSON value")
	case err != nil:
		return Record{}, r.errorAt("", 0, start, ErrSyntax, "JSON: "+err.Error())
	}
	end := r.dec.InputOffset()
	off := end - int64(len(raw))
	if len(raw) > r.opts.maxSize() {
		return Record{}, r.errorAt("", 0, off, ErrTooLarge, fmt.Sprintf("a JSON value longer than the limit of %d bytes", r.opts.maxSize()))
	}
	if raw[0] != '{' {
		return Record{}, r.errorAt("", 0, off, ErrSyntax, "a JSON value that is not an object: a message is written as one")
	}
	r.pos = end
	return Record{Offset: off, Data: raw, JSON: true}, nil
}

// frame reads a binary record's Confluent header, as Framing says.
func (r *Reader) frame(rec *Record) error {
	if r.opts.Framing == Plain || len(rec.Data) == 0 && r.opts.Framing == Detect {
		return nil
	}
	fail := func(detail string) error {
		return r.errorAt(rec.File, rec.Line, rec.Offset, ErrSyntax, "Confluent framing: "+detail)
	}
	b := rec.Data
	if len(b) == 0 || b[0] != 0 {
		if r.opts.Framing == Confluent {
			return fail("the record does not start with the magic byte 0")
		}
		return nil
	}
	if len(b) < 5 {
		return fail(fmt.Sprintf("%d bytes, too short for the magic byte and a 4-byte schema id", len(b)))
	}
	rec.Framed = true
	rec.SchemaID = binary.BigEndian.Uint32(b[1:5])
	b = b[5:]
	count, n := binary.Varint(b)
	if n <= 0 {
		return fail("the message index count is not a varint")
	}
	b = b[n:]
	r.idx = r.idx[:0]
	switch {
	case count == 0:
		r.idx = append(r.idx, 0) // the short form of [0]
	case count < 0 || count > int64(len(b)):
		return fail(fmt.Sprintf("a message index count of %d", count))
	}
	for range count {
		x, n := binary.Varint(b)
		if n <= 0 || x < 0 || x > 1<<20 {
			return fail("a message index is not a small non-negative varint")
		}
		r.idx = append(r.idx, int(x))
		b = b[n:]
	}
	rec.Indexes = r.idx
	rec.Data = b
	return nil
}

// AppendConfluent appends to dst a record in Confluent's wire format: the
// magic byte 0, schemaID in 4 bytes big-endian, the message indexes as
// zigzag varints preceded by their count ([0] as the single byte 0, as
// Confluent's serializers write it), then payload.
func AppendConfluent(dst []byte, schemaID uint32, indexes []int, payload []byte) []byte {
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, schemaID)
	if len(indexes) == 1 && indexes[0] == 0 || len(indexes) == 0 {
		dst = append(dst, 0)
	} else {
		dst = binary.AppendVarint(dst, int64(len(indexes)))
		for _, i := range indexes {
			dst = binary.AppendVarint(dst, int64(i))
		}
	}
	return append(dst, payload...)
}
