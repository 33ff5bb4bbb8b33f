package compat

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

var rpcNoDelete = &Rule{
	ID:         "RPC_NO_DELETE",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `RPCs are not deleted from a service

Clients generated from the old schema still call the method; the new
server answers UNIMPLEMENTED. Generated client and server code also loses
the method.

  before: rpc GetUser(GetUserRequest) returns (User);
  after:  (gone)

Deprecate the RPC (option deprecated = true), wait until no client calls
it, then delete it.`,
	run: func(p *pass) {
		p.forEachServicePair(func(os, ns protoreflect.ServiceDescriptor) {
			oms, nms := os.Methods(), byName(ns.Methods())
			for i := range oms.Len() {
				om := oms.Get(i)
				if nms(om.Name()) == nil {
					p.report(spanOf(ns), spanOf(om), "rpc %q was deleted from service %s", om.Name(), ns.FullName())
				}
			}
		})
	},
}

// Source path below method options for idempotency_level.
const methodIdempotencyTag = 34 // MethodOptions.idempotency_level

var serviceNoDelete = &Rule{
	ID:         "SERVICE_NO_DELETE",
	Categories: []Category{File},
	Direction:  Both,
	Doc: `services are not deleted from a file

Clients generated from the old schema still call the service's methods;
a server without them answers UNIMPLEMENTED to every call. Generated client
and server code loses the service too. Moving it to another file counts as
a deletion: generated code lives per file.

  before: service UserService { rpc GetUser(GetUserRequest) returns (User); }
  after:  (gone)

Deprecate the service (option deprecated = true), wait until no client
calls it, then delete it.`,
	run: func(p *pass) {
		p.forEachDeletedInFile(func(d protoreflect.Descriptor, nf protoreflect.FileDescriptor, _ protoreflect.MessageDescriptor) {
			if os, ok := d.(protoreflect.ServiceDescriptor); ok {
				p.report(fileSpan(nf), spanOf(os), "service %s was deleted from file %q", os.FullName(), nf.Path())
			}
		})
	},
}

var rpcSameRequestType = &Rule{
	ID:         "RPC_SAME_REQUEST_TYPE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `RPCs keep their request type

The server decodes each request with the type it declares. A client built
against the old type sends bytes that the new type reads as other fields,
or not at all; generated code for the call changes signature as well.

  before: rpc GetUser(GetUserRequest) returns (User);
  after:  rpc GetUser(LookupUserRequest) returns (User);

Add a new RPC with the new request type and deprecate the old one.`,
	run: func(p *pass) {
		p.forEachMethodPair(func(om, nm protoreflect.MethodDescriptor) {
			if om.Input().FullName() != nm.Input().FullName() {
				p.report(tokenSpan(nm, methodInputTag), tokenSpan(om, methodInputTag),
					"rpc %s changed request type from %s to %s", nm.FullName(), om.Input().FullName(), nm.Input().FullName())
			}
		})
	},
}

var rpcSameResponseType = &Rule{
	ID:         "RPC_SAME_RESPONSE_TYPE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `RPCs keep their response type

Clients decode each response with the type they were built with. A server
that answers with another type sends bytes that old clients read as other
fields, or not at all; generated code for the call changes as well.

  before: rpc GetUser(GetUserRequest) returns (User);
  after:  rpc GetUser(GetUserRequest) returns (GetUserResponse);

Add a new RPC with the new response type and deprecate the old one.`,
	run: func(p *pass) {
		p.forEachMethodPair(func(om, nm protoreflect.MethodDescriptor) {
			if om.Output().FullName() != nm.Output().FullName() {
				p.report(tokenSpan(nm, methodOutputTag), tokenSpan(om, methodOutputTag),
					"rpc %s changed response type from %s to %s", nm.FullName(), om.Output().FullName(), nm.Output().FullName())
			}
		})
	},
}

// streamingRule builds the rule that keeps one side of an RPC streaming or
// unary.
func streamingRule(id, side string, streams func(protoreflect.MethodDescriptor) bool, doc string) *Rule {
	return &Rule{
		ID:         id,
		Categories: []Category{CSR, File, Package, WireJSON, Wire},
		Direction:  Both,
		Doc:        doc,
		run: func(p *pass) {
			p.forEachMethodPair(func(om, nm protoreflect.MethodDescriptor) {
				if os, ns := streams(om), streams(nm); os != ns {
					p.report(spanOf(nm), spanOf(om), "rpc %s changed %s from %s to %s", nm.FullName(), side, streamName(os), streamName(ns))
				}
			})
		},
	}
}

func streamName(streaming bool) string {
	if streaming {
		return "streaming"
	}
	return "unary"
}

var rpcSameClientStreaming = streamingRule("RPC_SAME_CLIENT_STREAMING", "requests",
	protoreflect.MethodDescriptor.IsStreamingClient,
	`RPCs keep client streaming on or off

Whether the client sends one request or a stream is part of the call's
protocol and of its generated signature: gRPC frames the two differently,
and old clients and new servers no longer agree on how to talk.

  before: rpc Upload(Chunk) returns (Summary);
  after:  rpc Upload(stream Chunk) returns (Summary);

Add a new RPC with the other shape and deprecate the old one.`)

var rpcSameServerStreaming = streamingRule("RPC_SAME_SERVER_STREAMING", "responses",
	protoreflect.MethodDescriptor.IsStreamingServer,
	`RPCs keep server streaming on or off

Whether the server answers with one response or a stream is part of the
call's protocol and of its generated signature: old clients and new
servers no longer agree on how to talk.

  before: rpc Watch(WatchRequest) returns (Event);
  after:  rpc Watch(WatchRequest) returns (stream Event);

Add a new RPC with the other shape and deprecate the old one.`)

var rpcSameIdempotencyLevel = &Rule{
	ID:         "RPC_SAME_IDEMPOTENCY_LEVEL",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `RPCs keep their idempotency level

The idempotency_level option tells clients and proxies whether a call may
be retried or sent as an HTTP GET (Connect). Changing it changes how
generated clients issue the call, which servers built from the other
version may refuse or mishandle.

  before: rpc GetUser(GetUserRequest) returns (User) { option idempotency_level = NO_SIDE_EFFECTS; }
  after:  rpc GetUser(GetUserRequest) returns (User);

Leave the option alone once clients use it; add a new RPC to change it.`,
	run: func(p *pass) {
		p.forEachMethodPair(func(om, nm protoreflect.MethodDescriptor) {
			ol, nl := methodOptions(om).GetIdempotencyLevel(), methodOptions(nm).GetIdempotencyLevel()
			if ol != nl {
				p.report(tokenSpan(nm, methodOptionsTag, methodIdempotencyTag), tokenSpan(om, methodOptionsTag, methodIdempotencyTag),
					"rpc %s changed option idempotency_level from %s to %s", nm.FullName(), ol, nl)
			}
		})
	},
}

func methodOptions(m protoreflect.MethodDescriptor) *descriptorpb.MethodOptions {
	opts, _ := m.Options().(*descriptorpb.MethodOptions)
	return opts
}
