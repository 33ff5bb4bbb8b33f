package compat

import "google.golang.org/protobuf/reflect/protoreflect"

var messageNoDelete = &Rule{
	ID:         "MESSAGE_NO_DELETE",
	Categories: []Category{CSR, File},
	Direction:  Both,
	Doc: `messages are not deleted from a file

Deleting a message removes its generated type, breaking code that uses it,
and any field or RPC elsewhere that refers to it no longer compiles.

  before: message Address { ... }
  after:  (gone)

Deprecate the message ([deprecated = true] on its fields, or a comment),
move users to its replacement, and delete it in a major version.`,
	run: func(p *pass) {
		for _, name := range p.old.msgNames {
			om := p.old.messages[name]
			if om.IsMapEntry() {
				continue
			}
			if _, ok := p.new.messages[name]; ok {
				continue
			}
			nf, ok := p.new.files[om.ParentFile().Path()]
			if !ok {
				continue // the whole file was deleted: FILE_NO_DELETE's finding
			}
			if parent, ok := om.Parent().(protoreflect.MessageDescriptor); ok {
				if np, ok := p.new.messages[parent.FullName()]; ok {
					p.report(spanOf(np), spanOf(om), "message %q was deleted from %s", om.Name(), parent.FullName())
				}
				continue // the parent's own deletion is reported instead
			}
			p.report(fileSpan(nf), spanOf(om), "message %s was deleted", om.FullName())
		}
	},
}
