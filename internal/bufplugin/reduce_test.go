package bufplugin

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"testing"

	checkv1 "buf.build/gen/go/bufbuild/bufplugin/protocolbuffers/go/buf/plugin/check/v1"
	descriptorv1 "buf.build/gen/go/bufbuild/bufplugin/protocolbuffers/go/buf/plugin/descriptor/v1"
	pluginrpcv1 "buf.build/gen/go/pluginrpc/pluginrpc/protocolbuffers/go/pluginrpc/v1"
	"buf.build/go/bufplugin/check"
	"buf.build/go/bufplugin/check/checktest"
	"buf.build/go/bufplugin/descriptor"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/anypb"
	"pluginrpc.com/pluginrpc"
)

// reduceRequest is the check request of testdata/reduce, as buf sends it:
// a.proto swaps two fields and imports dep.proto, which did not change;
// other.proto changed only a comment; gone.proto was deleted.
func reduceRequest(t *testing.T) []byte {
	t.Helper()
	protos := func(dir string, paths ...string) []*descriptorv1.FileDescriptor {
		fds, err := (&checktest.ProtoFileSpec{DirPaths: []string{dir}, FilePaths: paths}).ToFileDescriptors(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := make([]*descriptorv1.FileDescriptor, len(fds))
		for i, fd := range fds {
			out[i] = descriptor.FileDescriptor.ToProto(fd)
		}
		return out
	}
	var ids []string
	for _, s := range servedRules {
		ids = append(ids, Prefix+s.id)
	}
	req := checkv1.CheckRequest_builder{
		FileDescriptors:        protos("testdata/reduce/new", "a.proto", "other.proto"),
		AgainstFileDescriptors: protos("testdata/reduce/old", "a.proto", "other.proto", "gone.proto"),
		RuleIds:                ids,
	}.Build()
	data, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// reduce leaves out the files that no finding can concern (here
// other.proto, in both versions) and keeps the files that differ, the
// files they import, and a deleted file.
func TestReduce(t *testing.T) {
	data := reduceRequest(t)
	reduced, left, ok := reduce(data)
	if !ok {
		t.Fatal("reduce left nothing out")
	}
	want := leftOut{
		files:   map[string]string{"other.proto": "acme.other.v1"},
		against: map[string]string{"other.proto": "acme.other.v1"},
	}
	if diff := cmp.Diff(want, left, cmp.AllowUnexported(leftOut{})); diff != "" {
		t.Errorf("left out (-want +got):\n%s", diff)
	}
	var req checkv1.CheckRequest
	if err := proto.Unmarshal(reduced, &req); err != nil {
		t.Fatal(err)
	}
	names := func(fds []*descriptorv1.FileDescriptor) []string {
		var out []string
		for _, fd := range fds {
			out = append(out, fd.GetFileDescriptorProto().GetName())
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(req.GetFileDescriptors()), []string{"a.proto", "dep.proto"}; !slices.Equal(got, want) {
		t.Errorf("files kept: %q, want %q", got, want)
	}
	if got, want := names(req.GetAgainstFileDescriptors()), []string{"a.proto", "dep.proto", "gone.proto"}; !slices.Equal(got, want) {
		t.Errorf("against files kept: %q, want %q", got, want)
	}
	if len(req.GetRuleIds()) != len(servedRules) {
		t.Errorf("%d rule ids kept, want %d", len(req.GetRuleIds()), len(servedRules))
	}

	// Data that is not a check request, and a request without against
	// files, go to the SDK as they are.
	if _, _, ok := reduce([]byte{0xff}); ok {
		t.Error("reduce read a broken request")
	}
	if _, _, ok := reduce(reduced[:0]); ok {
		t.Error("reduce reduced an empty request")
	}
}

// When no file differs, the request keeps one file that imports none, in
// both versions: the SDK refuses a request without files.
func TestReduceUnchanged(t *testing.T) {
	fds, err := (&checktest.ProtoFileSpec{DirPaths: []string{"testdata/reduce/old"}, FilePaths: []string{"a.proto", "other.proto"}}).ToFileDescriptors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var protos []*descriptorv1.FileDescriptor
	for _, fd := range fds {
		protos = append(protos, descriptor.FileDescriptor.ToProto(fd))
	}
	data, err := proto.Marshal(checkv1.CheckRequest_builder{FileDescriptors: protos, AgainstFileDescriptors: protos}.Build())
	if err != nil {
		t.Fatal(err)
	}
	reduced, left, ok := reduce(data)
	if !ok {
		t.Fatal("reduce left nothing out")
	}
	var req checkv1.CheckRequest
	if err := proto.Unmarshal(reduced, &req); err != nil {
		t.Fatal(err)
	}
	for _, fds := range [][]*descriptorv1.FileDescriptor{req.GetFileDescriptors(), req.GetAgainstFileDescriptors()} {
		if len(fds) != 1 || fds[0].GetFileDescriptorProto().GetName() != "dep.proto" {
			t.Errorf("kept %v, want dep.proto alone", fds)
		}
	}
	want := map[string]string{"a.proto": "acme.v1", "other.proto": "acme.other.v1"}
	if !maps.Equal(left.files, want) || !maps.Equal(left.against, want) {
		t.Errorf("left out %v and %v, want %v in both", left.files, left.against, want)
	}
}

// The plugin answers a reduced request as the SDK answers the whole one.
func TestServeReduced(t *testing.T) {
	// What buf writes to the plugin's stdin: the request in an envelope.
	var req checkv1.CheckRequest
	if err := proto.Unmarshal(reduceRequest(t), &req); err != nil {
		t.Fatal(err)
	}
	value, err := anypb.New(&req)
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(pluginrpcv1.Request_builder{Value: value}.Build())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := reduceEnvelope(data); !ok {
		t.Fatal("reduceEnvelope left nothing out")
	}
	sdk, err := check.NewServer(Spec())
	if err != nil {
		t.Fatal(err)
	}
	serve := func(s pluginrpc.Server) *checkv1.CheckResponse {
		var stdout, stderr bytes.Buffer
		env := pluginrpc.Env{Args: []string{"check"}, Stdin: bytes.NewReader(data), Stdout: &stdout, Stderr: &stderr}
		if err := s.Serve(context.Background(), env); err != nil {
			t.Fatalf("%v: %s", err, stderr.String())
		}
		var env1 pluginrpcv1.Response
		if err := proto.Unmarshal(stdout.Bytes(), &env1); err != nil {
			t.Fatal(err)
		}
		if env1.HasError() {
			t.Fatalf("error: %v", env1.GetError())
		}
		var resp checkv1.CheckResponse
		if err := env1.GetValue().UnmarshalTo(&resp); err != nil {
			t.Fatal(err)
		}
		return &resp
	}
	whole, reduced := serve(sdk), serve(&server{sdk})
	if len(whole.GetAnnotations()) == 0 {
		t.Fatal("no annotations: the case shows nothing")
	}
	rules := map[string]bool{}
	for _, a := range reduced.GetAnnotations() {
		rules[a.GetRuleId()] = true
	}
	if got := slices.Sorted(maps.Keys(rules)); !slices.Contains(got, "PROTOCHECK_FIELD_SAME_NUMBER") {
		t.Errorf("rules reported: %q, want PROTOCHECK_FIELD_SAME_NUMBER among them", got)
	}
	if diff := cmp.Diff(whole, reduced, protocmp.Transform()); diff != "" {
		t.Errorf("annotations differ (-whole request +reduced):\n%s", diff)
	}
}

func TestIsBinaryCheck(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"check"}, true},
		{[]string{"/buf.plugin.check.v1.CheckService/Check"}, true},
		{[]string{"--format", "binary", "check"}, true},
		{[]string{"--format", "json", "check"}, false},
		{[]string{"--format=json", "check"}, false},
		{[]string{"list-rules"}, false},
		{[]string{"--spec"}, false},
	} {
		if got := isBinaryCheck(tt.args); got != tt.want {
			t.Errorf("isBinaryCheck(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
