package compat

import "google.golang.org/protobuf/reflect/protoreflect"

var extensionNoDelete = &Rule{
	ID:         "EXTENSION_NO_DELETE",
	Categories: []Category{File},
	Direction:  Both,
	Doc: `extensions are not deleted from a file

Generated code has an identifier per extension, used to get and set it on
the extended message; deleting the extension breaks that code, and the
extension's number is free for reuse with another type. An extension is
known by what it extends and its number: renaming it is not a deletion.

  before: extend acme.v1.Base { string note = 100; }
  after:  (gone)

Deprecate the extension, wait until no code uses it, then delete it and
keep its number unused.`,
	run: func(p *pass) {
		p.forEachDeletedInFile(func(d protoreflect.Descriptor, nf protoreflect.FileDescriptor, survivor protoreflect.MessageDescriptor) {
			ox, ok := d.(protoreflect.ExtensionDescriptor)
			if !ok {
				return
			}
			at := fileSpan(nf)
			if survivor != nil {
				at = spanOf(survivor)
			}
			p.report(at, spanOf(ox), "%s was deleted", fieldDesc(ox))
		})
	},
}
