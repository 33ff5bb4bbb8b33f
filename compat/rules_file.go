package compat

import "google.golang.org/protobuf/reflect/protoreflect"

var fileSamePackage = &Rule{
	ID:         "FILE_SAME_PACKAGE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `files keep their package

The package is part of every full name the file declares: moving a file to
another package renames all its messages, enums and services, which breaks
generated code, google.protobuf.Any type URLs and gRPC method paths.

  before: package acme.v1;
  after:  package acme.v2;

Copy the definitions to a new file in the new package instead, and migrate.`,
	run: func(p *pass) {
		p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
			if of.Package() != nf.Package() {
				p.report(spanOf(nf, filePackageTag), spanOf(of, filePackageTag),
					"file %q changed package from %q to %q", nf.Path(), of.Package(), nf.Package())
			}
		})
	},
}
