package compat

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

var packageNoDelete = &Rule{
	ID:         "PACKAGE_NO_DELETE",
	Categories: []Category{Package},
	Direction:  Both,
	Doc: `packages are not deleted

A package holds the full names of everything declared in it: deleting all
of its files deletes every message, enum and service in it, for generated
code, Any type URLs and gRPC method paths alike.

  before: acme/v1/user.proto with package acme.v1;
  after:  (no file declares package acme.v1)

Keep the package until nothing uses it, or delete it in a major version.`,
	run: func(p *pass) {
		p.forEachPackageDeleted(func(pkg protoreflect.FullName, old []protoreflect.FileDescriptor) {
			first := old[0]
			for _, f := range old[1:] {
				if f.Path() < first.Path() {
					first = f
				}
			}
			p.report(Span{}, fileSpan(first), "package %s was deleted", packageName(pkg))
		})
	},
}

// packageName names a package for messages; the unnamed package gets words.
func packageName(pkg protoreflect.FullName) string {
	if pkg == "" {
		return "(no package)"
	}
	return string(pkg)
}

// packageDeletionRule builds the rule that keeps the elements that match
// describes within their package, wherever the package's files move them.
func packageDeletionRule(id, doc string, describe func(*pass, protoreflect.Descriptor) (string, bool)) *Rule {
	return &Rule{
		ID:         id,
		Categories: []Category{Package},
		Direction:  Both,
		Doc:        doc,
		run: func(p *pass) {
			p.forEachDeletedInPackage(func(d protoreflect.Descriptor, at Span) {
				what, ok := describe(p, d)
				if !ok {
					return
				}
				if _, enum := d.(protoreflect.EnumDescriptor); enum && at.Path != d.ParentFile().Path() {
					// buf looks for a deleted enum's surviving parent in the
					// enum's old file only, else points at that file's top.
					at = Span{}
					if nf, ok := p.new.files[d.ParentFile().Path()]; ok {
						at = fileSpan(nf)
					}
				}
				if at.Path == "" {
					at = fileSpan(d.ParentFile()) // the file is gone too: point at where it was
				}
				p.report(at, spanOf(d), "%s was deleted from package %s", what, packageName(d.ParentFile().Package()))
			})
		},
	}
}

var packageMessageNoDelete = packageDeletionRule("PACKAGE_MESSAGE_NO_DELETE",
	`messages are not deleted from a package

Like MESSAGE_NO_DELETE, but a message may move to another file of the same
package: for languages whose generated code follows the package (Go, say),
moving is safe, deleting is not.

  before: message Address { ... } in package acme.v1
  after:  (no file of acme.v1 declares Address)

Deprecate the message, move users to its replacement, and delete it in a
major version.`,
	func(p *pass, d protoreflect.Descriptor) (string, bool) {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			return "", false
		}
		return fmt.Sprintf("message %s", m.FullName()), true
	})

var packageEnumNoDelete = packageDeletionRule("PACKAGE_ENUM_NO_DELETE",
	`enums are not deleted from a package

Like ENUM_NO_DELETE, but an enum may move to another file of the same
package: for languages whose generated code follows the package (Go, say),
moving is safe, deleting is not.

  before: enum State { ... } in package acme.v1
  after:  (no file of acme.v1 declares State)

Deprecate the enum, move users to its replacement, and delete it in a
major version.`,
	func(_ *pass, d protoreflect.Descriptor) (string, bool) {
		if _, ok := d.(protoreflect.EnumDescriptor); !ok {
			return "", false
		}
		return fmt.Sprintf("enum %s", d.FullName()), true
	})

var packageServiceNoDelete = packageDeletionRule("PACKAGE_SERVICE_NO_DELETE",
	`services are not deleted from a package

Like SERVICE_NO_DELETE, but a service may move to another file of the same
package: its gRPC path (/acme.v1.UserService/GetUser) does not change, so
moving is safe, deleting is not.

  before: service UserService { ... } in package acme.v1
  after:  (no file of acme.v1 declares UserService)

Deprecate the service, wait until no client calls it, then delete it.`,
	func(_ *pass, d protoreflect.Descriptor) (string, bool) {
		if _, ok := d.(protoreflect.ServiceDescriptor); !ok {
			return "", false
		}
		return fmt.Sprintf("service %s", d.FullName()), true
	})

var packageExtensionNoDelete = packageDeletionRule("PACKAGE_EXTENSION_NO_DELETE",
	`extensions are not deleted from a package

Like EXTENSION_NO_DELETE, but an extension may move to another file of the
same package. An extension is known by what it extends and its number.

  before: extend acme.v1.Base { string note = 100; } in package acme.v1
  after:  (no file of acme.v1 extends acme.v1.Base with number 100)

Deprecate the extension, wait until no code uses it, then delete it and
keep its number unused.`,
	func(_ *pass, d protoreflect.Descriptor) (string, bool) {
		x, ok := d.(protoreflect.ExtensionDescriptor)
		if !ok {
			return "", false
		}
		return fieldDesc(x), true
	})
