package compat

import "google.golang.org/protobuf/reflect/protoreflect"

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
			oms := os.Methods()
			for i := range oms.Len() {
				om := oms.Get(i)
				if ns.Methods().ByName(om.Name()) == nil {
					p.report(spanOf(ns), spanOf(om), "rpc %q was deleted from service %s", om.Name(), ns.FullName())
				}
			}
		})
	},
}
