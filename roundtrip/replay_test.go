package roundtrip_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/recording"
	. "github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// demoFiles compiles testdata/demo/<version> of the repository.
func demoFiles(t testing.TB, version string) []protoreflect.FileDescriptor {
	t.Helper()
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			ImportPaths: []string{filepath.Join("..", "testdata", "demo", version)},
		}),
	}
	names := []string{"acme/shop/v1/catalog.proto", "acme/shop/v1/money.proto", "acme/shop/v1/order.proto", "acme/shop/v1/shop.proto"}
	files, err := c.Compile(context.Background(), names...)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out
}

// demoOrders are the orders of the bundled recording, testdata/demo/
// orders.bin, as a v1 program wrote them: most with the customer's email
// (a field v2 deletes), two with a returned item's quantity of -1 (v2
// reads quantity as uint32).
var demoOrders = []string{
	`{"id":"o-1001","customerEmail":"ada@example.com","items":[{"productId":"p-7","quantity":2,"unitPrice":{"currencyCode":"EUR","units":"12","nanos":500000000}}],"status":"STATUS_PLACED","createdAt":"2026-11-02T09:30:00Z"}`,
	`{"id":"o-1002","customerEmail":"grace@example.com","items":[{"productId":"p-3","quantity":1,"unitPrice":{"currencyCode":"EUR","units":"40"}}],"status":"STATUS_SHIPPED","createdAt":"2026-11-02T10:05:00Z","shippingAddress":{"lines":["1 Main St"],"postalCode":"75001","countryCode":"FR"}}`,
	`{"id":"o-1003","items":[{"productId":"p-7","quantity":1,"unitPrice":{"currencyCode":"EUR","units":"12","nanos":500000000}},{"productId":"p-9","quantity":3,"unitPrice":{"currencyCode":"EUR","units":"5"}}],"status":"STATUS_PLACED","createdAt":"2026-11-03T08:00:00Z"}`,
	`{"id":"o-1004","customerEmail":"alan@example.com","items":[{"productId":"p-3","quantity":-1,"unitPrice":{"currencyCode":"EUR","units":"40"}}],"status":"STATUS_CANCELLED","createdAt":"2026-11-03T12:45:00Z"}`,
	`{"id":"o-1005","customerEmail":"edsger@example.com","items":[{"productId":"p-1","quantity":4,"unitPrice":{"currencyCode":"USD","units":"3","nanos":990000000}}],"status":"STATUS_PLACED","createdAt":"2026-11-04T16:20:00Z","couponCode":"WINTER"}`,
	`{"id":"o-1006","items":[{"productId":"p-2","quantity":1,"unitPrice":{"currencyCode":"USD","units":"25"}}],"status":"STATUS_SHIPPED","createdAt":"2026-11-05T07:10:00Z"}`,
	`{"id":"o-1007","customerEmail":"barbara@example.com","items":[{"productId":"p-7","quantity":2,"unitPrice":{"currencyCode":"EUR","units":"12","nanos":500000000}},{"productId":"p-5","quantity":-1,"unitPrice":{"currencyCode":"EUR","units":"8"}}],"status":"STATUS_PLACED","createdAt":"2026-11-06T11:00:00Z"}`,
	`{"id":"o-1008","items":[{"productId":"p-4","quantity":10,"unitPrice":{"currencyCode":"GBP","units":"1","nanos":250000000}}],"status":"STATUS_PLACED","createdAt":"2026-11-07T19:30:00Z"}`,
}

// demoMessages decodes demoOrders with v1.
func demoMessages(t testing.TB, files []protoreflect.FileDescriptor) []*dynamicpb.Message {
	t.Helper()
	md := files[2].Messages().ByName("Order")
	out := make([]*dynamicpb.Message, len(demoOrders))
	for i, s := range demoOrders {
		m := dynamicpb.NewMessage(md)
		if err := protojson.Unmarshal([]byte(s), m); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		out[i] = m
	}
	return out
}

// TestDemoRecording keeps testdata/demo/orders.bin, the README's
// recording, what protobuf-go writes for demoOrders; -update rewrites it.
func TestDemoRecording(t *testing.T) {
	var b bytes.Buffer
	for _, m := range demoMessages(t, demoFiles(t, "v1")) {
		if _, err := (protodelim.MarshalOptions{MarshalOptions: proto.MarshalOptions{Deterministic: true}}).MarshalTo(&b, m); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("..", "testdata", "demo", "orders.bin")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is not what demoOrders encode to (go test ./roundtrip -run TestDemoRecording -update)", path)
	}
}

// replayDemo replays the orders, encoded as enc writes them, from v1 to v2.
func replayDemo(t testing.TB, opts ReplayOptions, format recording.Format, enc func(*dynamicpb.Message) []byte) *Replayed {
	t.Helper()
	v1, v2 := demoFiles(t, "v1"), demoFiles(t, "v2")
	var b bytes.Buffer
	for _, m := range demoMessages(t, v1) {
		b.Write(enc(m))
	}
	src, err := recording.NewReader(&b, recording.Options{Format: format})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func delimited(m *dynamicpb.Message) []byte {
	var buf bytes.Buffer
	if _, err := (protodelim.MarshalOptions{MarshalOptions: proto.MarshalOptions{Deterministic: true}}).MarshalTo(&buf, m); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// summary is what a reviewer reads first: per change, its direction,
// encoding, path, severity and count.
type summary struct {
	Dir      string
	Enc      string
	Path     string
	Severity string
	Messages int
	First    int
}

func summarize(r *Replayed) []summary {
	var out []summary
	for _, c := range r.Changes {
		out = append(out, summary{c.Direction.String(), c.Encoding, c.Path, c.Severity.String(), c.Messages, c.Examples[0].Record})
	}
	return out
}

func TestReplayDemoBackward(t *testing.T) {
	r := replayDemo(t, ReplayOptions{}, recording.Delimited, delimited)
	if r.Read != 8 || r.Identical != 3 || r.Changed != 5 || r.Undecodable != 0 {
		t.Errorf("read %d, identical %d, changed %d, undecodable %d; want 8, 3, 5, 0", r.Read, r.Identical, r.Changed, r.Undecodable)
	}
	want := []summary{
		{"backward", "binary", "acme.shop.v1.Order.customer_email", "warning", 5, 0},
		{"backward", "binary", "acme.shop.v1.Order.items[].quantity", "error", 2, 3},
	}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	ex := r.Changes[1].Examples[0]
	if ex.Path != "acme.shop.v1.Order.items[0].quantity" || ex.Writer != "int32 -1" || ex.Reader != "uint32 4294967295" {
		t.Errorf("first quantity example: %+v", ex)
	}
	if !r.Failing(compat.Error) {
		t.Error("a misread quantity does not fail --fail-on error")
	}
}

func TestReplayDemoForwardAndJSON(t *testing.T) {
	r := replayDemo(t, ReplayOptions{Direction: compat.Both, Encodings: []string{Binary, JSON}}, recording.Delimited, delimited)
	got := summarize(r)
	want := []summary{
		{"backward", "binary", "acme.shop.v1.Order.customer_email", "warning", 5, 0},
		{"backward", "binary", "acme.shop.v1.Order.items[].quantity", "error", 2, 3},
		// A strict JSON reader rejects the quantity -1 as a uint32, and
		// with it the whole record.
		{"backward", "json", "acme.shop.v1.Order", "error", 2, 3},
		{"backward", "json", "acme.shop.v1.Order.customer_email", "warning", 3, 0},
		{"forward", "binary", "acme.shop.v1.Order.items[].quantity", "error", 2, 3},
		// v2 writes 4294967295, which v1's int32 refuses in JSON.
		{"forward", "json", "acme.shop.v1.Order", "error", 2, 3},
		// v2 writes the JSON name "nano", which v1 does not know.
		{"forward", "json", "acme.shop.v1.Order.items[].unit_price.nanos", "error", 4, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

// TestReplayFormats replays the same orders from each format and expects
// the same changes, with each format's positions.
func TestReplayFormats(t *testing.T) {
	want := summarize(replayDemo(t, ReplayOptions{}, recording.Delimited, delimited))
	line := func(f func([]byte) string) func(*dynamicpb.Message) []byte {
		return func(m *dynamicpb.Message) []byte {
			b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			return []byte(f(b) + "\n")
		}
	}
	for _, tc := range []struct {
		format recording.Format
		enc    func(*dynamicpb.Message) []byte
	}{
		{recording.Auto, delimited},
		{recording.Base64, line(func(b []byte) string { return b64(b) })},
		{recording.Hex, line(func(b []byte) string { return hexString(b) })},
		{recording.Auto, line(func(b []byte) string { return b64(recording.AppendConfluent(nil, 7, []int{0}, b)) })},
	} {
		got := summarize(replayDemo(t, ReplayOptions{Parallelism: 1}, tc.format, tc.enc))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: changes (-delimited +got):\n%s", tc.format, diff)
		}
	}
}

// TestReplayConfluentIndexes replays records whose message indexes name
// another message of order.proto than --type.
func TestReplayConfluentIndexes(t *testing.T) {
	v1, v2 := demoFiles(t, "v1"), demoFiles(t, "v2")
	item := dynamicpb.NewMessage(v1[2].Messages().ByName("LineItem"))
	if err := protojson.Unmarshal([]byte(`{"productId":"p-1","quantity":-5}`), item); err != nil {
		t.Fatal(err)
	}
	b, _ := proto.Marshal(item)
	var rec bytes.Buffer
	rec.Write(appendDelimited(nil, recording.AppendConfluent(nil, 3, []int{1}, b)))
	src, err := recording.NewReader(bytes.NewReader(rec.Bytes()), recording.Options{Format: recording.Delimited})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{{"backward", "binary", "acme.shop.v1.LineItem.quantity", "error", 1, 0}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	// Another schema id than the first record's is not explained.
	rec.Reset()
	rec.Write(appendDelimited(nil, recording.AppendConfluent(nil, 3, []int{1}, b)))
	rec.Write(appendDelimited(nil, recording.AppendConfluent(nil, 4, []int{0}, nil)))
	src, _ = recording.NewReader(bytes.NewReader(rec.Bytes()), recording.Options{Format: recording.Delimited})
	_, err = Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, ReplayOptions{})
	if !errors.Is(err, ErrUnknownSchemaID) || err.Error() != "offset 24: unknown schema id: the record has schema id 4, the old schema wrote 3" {
		t.Errorf("second schema id: %v", err)
	}

	// Indexes past the file's messages name no type.
	rec.Reset()
	rec.Write(appendDelimited(nil, recording.AppendConfluent(nil, 3, []int{5}, b)))
	src, _ = recording.NewReader(bytes.NewReader(rec.Bytes()), recording.Options{Format: recording.Delimited})
	_, err = Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, ReplayOptions{})
	if !errors.Is(err, ErrType) || err.Error() != "offset 0: no such message type: message indexes [5] name no message of acme/shop/v1/order.proto" {
		t.Errorf("indexes [5]: %v", err)
	}
}

// TestReplayUndecodable counts records the old schema cannot read.
func TestReplayUndecodable(t *testing.T) {
	v1, v2 := demoFiles(t, "v1"), demoFiles(t, "v2")
	src, _ := recording.NewReader(bytes.NewReader([]byte("0a\n0a0161\nff\n")), recording.Options{Format: recording.Hex})
	r, err := Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Read != 3 || r.Undecodable != 2 || r.Identical != 1 {
		t.Errorf("read %d, undecodable %d, identical %d; want 3, 2, 1", r.Read, r.Undecodable, r.Identical)
	}
	if len(r.Undecoded) != 2 || r.Undecoded[0].Line != 1 || r.Undecoded[1].Line != 3 {
		t.Errorf("undecoded: %+v", r.Undecoded)
	}
	if _, err := Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Nope", src, ReplayOptions{}); !errors.Is(err, ErrType) {
		t.Errorf("unknown type: %v", err)
	}
}

// TestReplayParallel gives the same result on one core and on four.
func TestReplayParallel(t *testing.T) {
	enc := func(m *dynamicpb.Message) []byte {
		var b bytes.Buffer
		for range 50 {
			protodelim.MarshalTo(&b, m)
		}
		return b.Bytes()
	}
	one := replayDemo(t, ReplayOptions{Parallelism: 1, Direction: compat.Both}, recording.Delimited, enc)
	four := replayDemo(t, ReplayOptions{Parallelism: 4, Direction: compat.Both}, recording.Delimited, enc)
	if diff := cmp.Diff(one, four); diff != "" {
		t.Errorf("parallelism 1 and 4 differ:\n%s", diff)
	}
}

// appendDelimited appends b to dst preceded by its length as a varint.
func appendDelimited(dst, b []byte) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(b))), b...)
}

func b64(b []byte) string       { return base64.StdEncoding.EncodeToString(b) }
func hexString(b []byte) string { return hex.EncodeToString(b) }

// TestExercise counts what the demo orders set, as check --replay shows
// it, and says nothing of what an order cannot hold.
func TestExercise(t *testing.T) {
	v1 := demoFiles(t, "v1")
	var b bytes.Buffer
	for _, m := range demoMessages(t, v1) {
		b.Write(delimited(m))
	}
	b.Write(appendDelimited(nil, []byte{0xff})) // not an order
	src, err := recording.NewReader(&b, recording.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := Exercise(context.Background(), &schema.Schema{Files: v1}, "acme.shop.v1.Order", src, ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if x.Read != 9 || x.Undecodable != 1 {
		t.Errorf("read %d, undecodable %d; want 9, 1", x.Read, x.Undecodable)
	}
	field := func(parent string, n int32) compat.Finding {
		return compat.Finding{Old: &compat.Element{Kind: compat.FieldElement, Parent: protoreflect.FullName(parent), Number: n}}
	}
	for _, tc := range []struct {
		f    compat.Finding
		want string
	}{
		{field("acme.shop.v1.Order", 2), "set in 5 of 8 recorded acme.shop.v1.Order messages"},
		{field("acme.shop.v1.LineItem", 2), "set in 8 of 8 recorded acme.shop.v1.Order messages"},
		{field("acme.shop.v1.Order", 7), "set in 1 of 8 recorded acme.shop.v1.Order messages"},
		{field("acme.shop.v1.Address", 3), "set in 1 of 8 recorded acme.shop.v1.Order messages"},
		{field("acme.shop.v1.Money", 4), "no recorded message sets this field"},
		{compat.Finding{Old: &compat.Element{Kind: compat.EnumValueElement, Parent: "acme.shop.v1.Order.Status", Number: 3}}, "carried by 1 of 8 recorded acme.shop.v1.Order messages"},
		{compat.Finding{Old: &compat.Element{Kind: compat.EnumValueElement, Parent: "acme.shop.v1.Order.Status", Number: 4}}, "no recorded message carries this value"},
		{compat.Finding{Old: &compat.Element{Kind: compat.MessageElement, Parent: "acme.shop.v1", Name: "Address"}}, "held by 1 of 8 recorded acme.shop.v1.Order messages"},
		// An order holds no Product, and no service.
		{field("acme.shop.v1.Product", 2), ""},
		{compat.Finding{Old: &compat.Element{Kind: compat.ServiceElement, Parent: "acme.shop.v1", Name: "ShopService"}}, ""},
		{compat.Finding{}, ""},
	} {
		if got := x.Describe(tc.f); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.f.Old, got, tc.want)
		}
	}
}

// repeating reads as n copies of rec, without holding them.
type repeating struct {
	rec []byte
	n   int
	off int
}

func (r *repeating) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	c := copy(p, r.rec[r.off:])
	r.off += c
	if r.off == len(r.rec) {
		r.off, r.n = 0, r.n-1
	}
	return c, nil
}

// TestReplayConstantMemory streams 64 MiB of records through Replay and
// finds the heap never near that: records are read, compared and dropped.
func TestReplayConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB")
	}
	v1, v2 := demoFiles(t, "v1"), demoFiles(t, "v2")
	order := dynamicpb.NewMessage(v1[2].Messages().ByName("Order"))
	if err := protojson.Unmarshal([]byte(`{"id":"`+strings.Repeat("x", 2000)+`","customerEmail":"a@example.com"}`), order); err != nil {
		t.Fatal(err)
	}
	rec := delimited(order)
	n := (64 << 20) / len(rec)
	src, err := recording.NewReader(&repeating{rec: rec, n: n}, recording.Options{Format: recording.Delimited})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapAlloc))
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	r, err := Replay(context.Background(), &schema.Schema{Files: v1}, &schema.Schema{Files: v2}, "acme.shop.v1.Order", src, ReplayOptions{})
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if r.Read != n || r.Changes[0].Messages != n {
		t.Errorf("read %d, changed %d; want %d", r.Read, r.Changes[0].Messages, n)
	}
	t.Logf("peak heap %.1f MiB for %d records", float64(peak.Load())/(1<<20), n)
	if p := peak.Load(); p > 24<<20 {
		t.Errorf("heap reached %d MiB replaying %d MiB", p>>20, 64)
	}
}
