package bufplugin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"maps"
	"slices"

	"buf.build/go/bufplugin/check"
	"google.golang.org/protobuf/encoding/protowire"
	"pluginrpc.com/pluginrpc"
)

// Main runs the plugin: the Bufplugin SDK's server, in front of which a
// check request loses the files that cannot hold a finding before the SDK
// decodes and links it. cmd/buf-plugin-protocheck's main calls it.
func Main() {
	pluginrpc.Main(func() (pluginrpc.Server, error) {
		s, err := check.NewServer(Spec())
		if err != nil {
			return nil, err
		}
		return &server{s}, nil
	})
}

// server is the SDK's server, whose check procedure reads a reduced
// request. buf sends both images whole, with source info: on a pair of
// 1,000 files, a request of 189 MB, which the SDK unmarshals and links,
// file by file, in the time buf takes for a third of its own work. A
// change touches a few files: the others need only their names.
type server struct {
	pluginrpc.Server
}

// Serve serves env as the SDK does, after reducing a binary check request.
func (s *server) Serve(ctx context.Context, env pluginrpc.Env) error {
	if !isBinaryCheck(env.Args) {
		return s.Server.Serve(ctx, env)
	}
	data, err := io.ReadAll(env.Stdin)
	if err != nil {
		return err
	}
	if reduced, left, ok := reduceEnvelope(data); ok {
		data = reduced
		ctx = context.WithValue(ctx, leftOutKey{}, left)
	}
	env.Stdin = bytes.NewReader(data)
	return s.Server.Serve(ctx, env)
}

// isBinaryCheck reports whether args call the check procedure with a
// binary request, as buf does: by its args or its path, and without
// --format json (a request reduce would not read).
func isBinaryCheck(args []string) bool {
	check := false
	for i, a := range args {
		switch {
		case a == "check" || a == "/buf.plugin.check.v1.CheckService/Check":
			check = true
		case a == "--format=json" || a == "--format" && i+1 < len(args) && args[i+1] == "json":
			return false
		case a == "--protocol" || a == "--spec" || a == "-h" || a == "--help":
			return false
		}
	}
	return check
}

// leftOut names the files that reduce took out of a request, by version:
// their paths and packages, which the schemas list (schema.Schema.Paths
// and Packages) as they list a file left out because it did not change.
type leftOut struct {
	files, against map[string]string // path -> package
}

type leftOutKey struct{}

// reduceEnvelope reduces the check request in data, a pluginrpc.v1.Request
// whose value is a google.protobuf.Any, and wraps it again.
func reduceEnvelope(data []byte) (reduced []byte, left leftOut, ok bool) {
	var out []byte
	found := false
	wellFormed := eachField(data, func(num protowire.Number, typ protowire.Type, raw, anyData []byte) bool {
		if num != envelopeValue || typ != protowire.BytesType {
			out = append(out, raw...)
			return true
		}
		if found {
			return false // a value in parts: the SDK merges them
		}
		found = true
		typeURL, value, ok := readAny(anyData)
		if !ok || typeURL != checkRequestURL {
			return false
		}
		if value, left, ok = reduce(value); !ok {
			return false
		}
		var a []byte
		a = protowire.AppendTag(a, anyTypeURL, protowire.BytesType)
		a = protowire.AppendString(a, typeURL)
		a = protowire.AppendTag(a, anyValue, protowire.BytesType)
		a = protowire.AppendBytes(a, value)
		out = protowire.AppendTag(out, envelopeValue, protowire.BytesType)
		out = protowire.AppendBytes(out, a)
		return true
	})
	if !wellFormed {
		return nil, left, false
	}
	return out, left, found
}

// readAny reads a google.protobuf.Any: its type URL and value.
func readAny(b []byte) (typeURL string, value []byte, ok bool) {
	seen := map[protowire.Number]bool{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || typ != protowire.BytesType || seen[num] {
			return "", nil, false
		}
		seen[num] = true
		v, m := protowire.ConsumeBytes(b[n:])
		if m < 0 {
			return "", nil, false
		}
		switch num {
		case anyTypeURL:
			typeURL = string(v)
		case anyValue:
			value = v
		}
		b = b[n+m:]
	}
	return typeURL, value, true
}

// The fields of pluginrpc.v1.Request and google.protobuf.Any, and the
// type URL of a check request, that reduceEnvelope reads.
const (
	envelopeValue   protowire.Number = 1
	anyTypeURL      protowire.Number = 1
	anyValue        protowire.Number = 2
	checkRequestURL                  = "type.googleapis.com/buf.plugin.check.v1.CheckRequest"
)

// The fields of buf.plugin.check.v1.CheckRequest, of
// buf.plugin.descriptor.v1.FileDescriptor and of
// google.protobuf.FileDescriptorProto that reduce reads.
const (
	requestFiles        protowire.Number = 1
	requestAgainstFiles protowire.Number = 2
	fileDescriptorProto protowire.Number = 1
	fdpName             protowire.Number = 1
	fdpPackage          protowire.Number = 2
	fdpDependency       protowire.Number = 3
	fdpSourceCodeInfo   protowire.Number = 9
)

// A requestFile is one file of a request, read from its bytes.
type requestFile struct {
	name, pkg string
	deps      []string
	digest    [sha256.Size]byte // of the descriptor without source info
}

// reduce returns the check request data without the files that cannot
// hold a finding: those whose descriptor, apart from source info, is the
// same in both versions, and that no file that differs imports, directly
// or not. Every file kept in one version is kept in the other when it has
// it, so that no file seems added or deleted. It returns ok false, to use
// data as it is, when data does not read as a check request or nothing
// could be left out.
func reduce(data []byte) (reduced []byte, left leftOut, ok bool) {
	type field struct {
		num  protowire.Number
		raw  []byte // the whole field, tag included
		file *requestFile
	}
	var fields []field
	byVersion := map[protowire.Number]map[string]*requestFile{
		requestFiles:        {},
		requestAgainstFiles: {},
	}
	wellFormed := eachField(data, func(num protowire.Number, typ protowire.Type, raw, v []byte) bool {
		f := field{num: num, raw: raw}
		if num == requestFiles || num == requestAgainstFiles {
			if typ != protowire.BytesType {
				return false
			}
			rf, ok := readFile(v)
			if !ok {
				return false
			}
			if _, dup := byVersion[num][rf.name]; dup {
				return false // the SDK says what is wrong
			}
			byVersion[num][rf.name] = rf
			f.file = rf
		}
		fields = append(fields, f)
		return true
	})
	if !wellFormed {
		return nil, left, false
	}
	files, against := byVersion[requestFiles], byVersion[requestAgainstFiles]
	if len(against) == 0 {
		return nil, left, false // nothing to compare with: the SDK's way
	}
	// keep holds the names that differ, then those they import.
	keep := map[string]bool{}
	var todo []string
	add := func(name string) {
		if !keep[name] {
			keep[name] = true
			todo = append(todo, name)
		}
	}
	for name, f := range files {
		if a, ok := against[name]; !ok || a.digest != f.digest {
			add(name)
		}
	}
	for name := range against {
		if _, ok := files[name]; !ok {
			add(name)
		}
	}
	if !slices.ContainsFunc(slices.Collect(maps.Keys(files)), func(name string) bool { return keep[name] }) {
		// Nothing differs, but a request needs a file: one that imports
		// none, the same in both versions, keeps it valid and cheap.
		names := slices.Sorted(maps.Keys(files))
		i := slices.IndexFunc(names, func(name string) bool { return len(files[name].deps) == 0 })
		if i < 0 {
			return nil, left, false
		}
		add(names[i])
	}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, version := range []map[string]*requestFile{files, against} {
			if f, ok := version[name]; ok {
				for _, d := range f.deps {
					add(d)
				}
			}
		}
	}
	left = leftOut{files: map[string]string{}, against: map[string]string{}}
	var out []byte
	for _, f := range fields {
		if f.file != nil && !keep[f.file.name] {
			if f.num == requestFiles {
				left.files[f.file.name] = f.file.pkg
			} else {
				left.against[f.file.name] = f.file.pkg
			}
			continue
		}
		out = append(out, f.raw...)
	}
	if len(left.files)+len(left.against) == 0 {
		return nil, leftOut{}, false
	}
	return out, left, true
}

// readFile reads a buf.plugin.descriptor.v1.FileDescriptor: its file's
// name, package, imports, and a digest of its descriptor without source
// info, which moves with every edited comment.
func readFile(b []byte) (*requestFile, bool) {
	var fdp []byte
	if !eachField(b, func(num protowire.Number, typ protowire.Type, _, v []byte) bool {
		if num == fileDescriptorProto && typ == protowire.BytesType {
			fdp = append(fdp, v...) // a message split in parts merges
		}
		return true
	}) {
		return nil, false
	}
	rf := &requestFile{}
	h := sha256.New()
	if !eachField(fdp, func(num protowire.Number, typ protowire.Type, raw, v []byte) bool {
		if typ == protowire.BytesType {
			switch num {
			case fdpName:
				rf.name = string(v)
			case fdpPackage:
				rf.pkg = string(v)
			case fdpDependency:
				rf.deps = append(rf.deps, string(v))
			}
		}
		if num != fdpSourceCodeInfo {
			h.Write(raw)
		}
		return true
	}) {
		return nil, false
	}
	if rf.name == "" {
		return nil, false
	}
	h.Sum(rf.digest[:0])
	return rf, true
}

// eachField calls fn for each field of the message in b, in order: its
// number, wire type, whole encoding (tag included), and for a
// length-delimited field its contents. It reports false when b does not
// parse or fn returns false.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, raw, bytes []byte) bool) bool {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return false
		}
		var v []byte
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(b[n:])
		}
		if !fn(num, typ, b[:n+m], v) {
			return false
		}
		b = b[n+m:]
	}
	return true
}
