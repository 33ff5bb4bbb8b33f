package recording_test

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/protocheck/protocheck/recording"
)

// got renders what a reader hands out, one record a line, and the error
// that ended it: what a user would see.
func got(r *recording.Reader, err error) string {
	if err != nil {
		return "open: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "format %s\n", r.Format())
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			var re *recording.Error
			if !errors.As(err, &re) {
				fmt.Fprintf(&b, "error (not *Error): %v\n", err)
			}
			fmt.Fprintf(&b, "error: %v\n", err)
			return b.String()
		}
		fmt.Fprintf(&b, "%s: % x", rec.Where(), rec.Data)
		if rec.JSON {
			fmt.Fprintf(&b, " json %s", rec.Data)
		}
		if rec.Framed {
			fmt.Fprintf(&b, " schema %d indexes %v", rec.SchemaID, rec.Indexes)
		}
		b.WriteString("\n")
	}
}

func delim(msgs ...string) []byte {
	var b []byte
	for _, m := range msgs {
		b = protowire.AppendVarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	return b
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReader(t *testing.T) {
	huge := protowire.AppendVarint(nil, 4<<30)
	for _, tc := range []struct {
		name string
		in   []byte
		opts recording.Options
		want string
	}{
		{"delimited", delim("\x08\x01", "", "\x12\x01a"), recording.Options{},
			"format delimited\noffset 0: 08 01\noffset 3: \noffset 4: 12 01 61\n"},
		{"delimited gzip", gz(delim("\x08\x01", "\x08\x02")), recording.Options{},
			"format delimited\noffset 0: 08 01\noffset 3: 08 02\n"},
		{"length prefix claiming gigabytes", append(delim("\x08\x01"), huge...), recording.Options{},
			"format delimited\noffset 0: 08 01\nerror: offset 3: record larger than the limit: the length prefix claims 4294967296 bytes, the limit is 67108864 (is this a length-delimited stream?)\n"},
		{"truncated record", append(delim("\x08\x01"), 5, 8), recording.Options{},
			"format delimited\noffset 0: 08 01\nerror: offset 3: truncated record: the length prefix says 5 bytes, the stream holds 1 more\n"},
		{"truncated prefix", []byte{2, 8, 1, 0x80}, recording.Options{Format: recording.Delimited},
			"format delimited\noffset 0: 08 01\nerror: offset 3: truncated record: the stream ends inside a length prefix\n"},
		{"empty", nil, recording.Options{}, "open: empty recording"},
		{"empty gzip", gz(nil), recording.Options{}, "open: empty recording"},
		{"blank lines only", []byte("\n\n"), recording.Options{Format: recording.Base64},
			"format base64\nerror: empty recording: no record in it\n"},
		{"single", []byte("\x08\x01\x12\x01a"), recording.Options{Format: recording.Single},
			"format single\noffset 0: 08 01 12 01 61\n"},
		{"base64", []byte("CAE=\n\nEgFh\r\nCAI\n"), recording.Options{},
			"format base64\nline 1 (offset 0): 08 01\nline 3 (offset 6): 12 01 61\nline 4 (offset 12): 08 02\n"},
		{"base64 url alphabet", []byte("-_8\n"), recording.Options{Format: recording.Base64},
			"format base64\nline 1 (offset 0): fb ff\n"},
		{"base64 garbage", []byte("CAE=\nnot base64!\n"), recording.Options{Format: recording.Base64},
			"format base64\nline 1 (offset 0): 08 01\nerror: line 2 (offset 5): malformed record: not base64: illegal base64 data at input byte 3\n"},
		{"hex", []byte("0801\n08 02\n"), recording.Options{},
			"format hex\nline 1 (offset 0): 08 01\nline 2 (offset 5): 08 02\n"},
		{"hex odd", []byte("0801\n080\n"), recording.Options{},
			"format hex\nline 1 (offset 0): 08 01\nerror: line 2 (offset 5): malformed record: not hex: encoding/hex: odd length hex string\n"},
		{"json lines", []byte("{\"a\":1}\n{\"b\":\n 2}\n"), recording.Options{},
			"format json\noffset 0: 7b 22 61 22 3a 31 7d json {\"a\":1}\noffset 8: 7b 22 62 22 3a 0a 20 32 7d json {\"b\":\n 2}\n"},
		{"json syntax", []byte("{\"a\":1}\n{\"b\" 2}\n"), recording.Options{},
			"format json\noffset 0: 7b 22 61 22 3a 31 7d json {\"a\":1}\nerror: offset 13: malformed record: JSON: invalid character '2' after object key\n"},
		{"json not an object", []byte("{}\n[1]\n"), recording.Options{Format: recording.JSON},
			"format json\noffset 0: 7b 7d json {}\nerror: offset 3: malformed record: a JSON value that is not an object: a message is written as one\n"},
		{"json truncated", []byte("{\"a\":"), recording.Options{},
			"format json\nerror: offset 0: truncated record: the stream ends inside a JSON value\n"},
		{"json too large", []byte(`{"a":"` + strings.Repeat("x", 100) + `"}`), recording.Options{MaxSize: 50},
			"format json\nerror: offset 0: record larger than the limit: a JSON value longer than the limit of 50 bytes\n"},
		{"confluent", delim(string(recording.AppendConfluent(nil, 7, []int{0}, []byte("\x08\x01"))), string(recording.AppendConfluent(nil, 7, []int{1, 2}, []byte("\x08\x02")))), recording.Options{},
			"format delimited\noffset 0: 08 01 schema 7 indexes [0]\noffset 9: 08 02 schema 7 indexes [1 2]\n"},
		{"confluent hex", []byte("00000000070008 01\n"), recording.Options{},
			"format hex\nline 1 (offset 0): 08 01 schema 7 indexes [0]\n"},
		{"confluent short", delim("\x00\x00\x07"), recording.Options{},
			"format delimited\nerror: offset 0: malformed record: Confluent framing: 3 bytes, too short for the magic byte and a 4-byte schema id\n"},
		{"confluent bad count", delim("\x00\x00\x00\x00\x07\x7f"), recording.Options{},
			"format delimited\nerror: offset 0: malformed record: Confluent framing: a message index count of -64\n"},
		{"confluent forced", delim("\x08\x01"), recording.Options{Framing: recording.Confluent},
			"format delimited\nerror: offset 0: malformed record: Confluent framing: the record does not start with the magic byte 0\n"},
		{"confluent off", delim("\x00\x00\x00\x00\x07\x00"), recording.Options{Framing: recording.Plain},
			"format delimited\noffset 0: 00 00 00 00 07 00\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := recording.NewReader(bytes.NewReader(tc.in), tc.opts)
			if diff := cmp.Diff(tc.want, got(r, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenFiles(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"b.bin":         []byte("\x08\x02"),
		"a.bin":         []byte("\x08\x01"),
		"c/d.bin.gz":    gz([]byte("\x08\x03")),
		"e.json":        []byte(" {\"id\":\"x\"}\n"),
		".hidden":       []byte("garbage"),
		".git/HEAD":     []byte("garbage"),
		"f.confluent":   recording.AppendConfluent(nil, 1, nil, []byte("\x08\x04")),
		"zz/empty.bin":  nil,
		"zz/framed.bin": recording.AppendConfluent(nil, 1, []int{3}, nil),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := recording.Open(dir, recording.Options{})
	want := "format files\n" +
		"a.bin: 08 01\n" +
		"b.bin: 08 02\n" +
		"c/d.bin.gz: 08 03\n" +
		"e.json: 20 7b 22 69 64 22 3a 22 78 22 7d 0a json  {\"id\":\"x\"}\n\n" +
		"f.confluent: 08 04 schema 1 indexes [0]\n" +
		"zz/empty.bin: \n" +
		"zz/framed.bin:  schema 1 indexes [3]\n"
	if diff := cmp.Diff(want, got(r, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r.Size() != 2+2+int64(len(gz([]byte("\x08\x03"))))+12+8+0+7 {
		t.Errorf("size %d", r.Size())
	}

	empty := t.TempDir()
	_, err = recording.Open(empty, recording.Options{})
	if !errors.Is(err, recording.ErrEmpty) || err.Error() != empty+": empty recording: no file in the directory" {
		t.Errorf("empty directory: %v", err)
	}
	_, err = recording.Open(dir, recording.Options{Format: recording.Hex})
	if err == nil || err.Error() != dir+" is a directory: the hex format reads a file" {
		t.Errorf("directory as hex: %v", err)
	}

	big := filepath.Join(t.TempDir(), "big.bin")
	os.WriteFile(big, bytes.Repeat([]byte{8, 1}, 100), 0o644)
	r, err = recording.Open(filepath.Dir(big), recording.Options{MaxSize: 10})
	if want := "format files\nerror: " + filepath.Dir(big) + ": big.bin: record larger than the limit: more than the limit of 10 bytes\n"; got(r, err) != want {
		t.Errorf("file over the limit: %s", got(r, err))
	}
}

// TestOpenFileNames: errors name the recording as given.
func TestOpenFileNames(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rec.bin")
	os.WriteFile(p, []byte{5, 8}, 0o644)
	r, err := recording.Open(p, recording.Options{})
	if want := "format delimited\nerror: " + p + ": offset 0: truncated record: the length prefix says 5 bytes, the stream holds 1 more\n"; got(r, err) != want {
		t.Errorf("got %s", got(r, err))
	}
	os.WriteFile(p, nil, 0o644)
	if _, err := recording.Open(p, recording.Options{}); err == nil || err.Error() != p+": empty recording" {
		t.Errorf("empty file: %v", err)
	}
}

func TestParse(t *testing.T) {
	if f, err := recording.ParseFormat("hex"); f != recording.Hex || err != nil {
		t.Errorf("hex: %v %v", f, err)
	}
	if _, err := recording.ParseFormat("csv"); err == nil || err.Error() != `unknown recording format "csv" (want auto, delimited, single, files, base64, hex or json)` {
		t.Errorf("csv: %v", err)
	}
	if f, err := recording.ParseFraming("none"); f != recording.Plain || err != nil {
		t.Errorf("none: %v %v", f, err)
	}
}

// FuzzRead feeds any bytes to every format: a reader returns records no
// larger than the limit and ends with io.EOF or an *Error, never a panic.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"", "\x02\x08\x01", "CAE=\n", "0801\n", "{\"a\":1}\n", "\xff\xff\xff\xff\x0f", "\x07\x00\x00\x00\x00\x07\x02\x02"} {
		f.Add([]byte(s), uint8(0))
	}
	seed, _ := hex.DecodeString("1f8b08000000000000ff")
	f.Add(seed, uint8(1))
	formats := append([]recording.Format{recording.Auto}, recording.Formats()...)
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		format := formats[int(pick)%len(formats)]
		if format == recording.Files {
			format = recording.Auto
		}
		const max = 1 << 12
		r, err := recording.NewReader(bytes.NewReader(data), recording.Options{Format: format, Framing: recording.Framing(pick / 16 % 3), MaxSize: max})
		if err != nil {
			var re *recording.Error
			if !errors.As(err, &re) {
				t.Fatalf("NewReader: not an *Error: %v", err)
			}
			return
		}
		for range 10000 {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var re *recording.Error
				if !errors.As(err, &re) {
					t.Fatalf("Next: not an *Error: %v", err)
				}
				return
			}
			if len(rec.Data) > max {
				t.Fatalf("a record of %d bytes, over the limit of %d", len(rec.Data), max)
			}
		}
	})
}
