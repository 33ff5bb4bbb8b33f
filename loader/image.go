package loader

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"gopkg.in/yaml.v3"
)

// The encodings of a descriptor set or buf image, as buf's format= names
// them.
const (
	encBinary = "binpb"
	encJSON   = "json"
	encText   = "txtpb"
	encYAML   = "yaml"
)

// decodeImage returns the binary form of a descriptor set or buf image
// written in encoding enc, gzip-compressed when gz is set. The text forms
// are read as buf writes them: a buf image's per-file extension (which
// files were only imported) survives, since the binary form is what the
// rest of the loader reads.
func decodeImage(name string, data []byte, enc string, gz bool) ([]byte, error) {
	if gz {
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: not gzip data: %v", name, err)
		}
		data, err = io.ReadAll(io.LimitReader(r, MaxDescriptorSetSize+1))
		if err != nil {
			return nil, fmt.Errorf("%s: not gzip data: %v", name, err)
		}
		if len(data) > MaxDescriptorSetSize {
			return nil, fmt.Errorf("%s: descriptor set is larger than %d MiB", name, MaxDescriptorSetSize>>20)
		}
	}
	if enc == encBinary || enc == "" {
		return data, nil
	}
	img, err := imageType()
	if err != nil {
		return nil, err
	}
	m := dynamicpb.NewMessage(img)
	switch enc {
	case encJSON:
		err = protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(data, m)
	case encYAML:
		// JSON is what protojson reads: YAML's values become JSON's.
		var v any
		if err = yaml.Unmarshal(data, &v); err == nil {
			var j []byte
			if j, err = json.Marshal(v); err == nil {
				err = protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(j, m)
			}
		}
	case encText:
		err = prototext.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(data, m)
	default:
		return nil, fmt.Errorf("%s: unknown image encoding %q (want binpb, json, txtpb or yaml)", name, enc)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a %s descriptor set or buf image: %v", name, enc, err)
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

var (
	imageOnce sync.Once
	imageDesc protoreflect.MessageDescriptor
	imageErr  error
)

// imageType returns the descriptor of a buf image as its text encodings
// see it: a FileDescriptorSet whose files carry buf's extension field
// (bufExtension, number 8042) with is_import. The field is declared here,
// not imported from buf: a FileDescriptorProto that is also an image file
// is all the loader needs.
func imageType() (protoreflect.MessageDescriptor, error) {
	imageOnce.Do(func() {
		fileProto := protodesc.ToDescriptorProto((&descriptorpb.FileDescriptorProto{}).ProtoReflect().Descriptor())
		fileProto.Name = proto.String("ImageFile")
		fileProto.Field = append(fileProto.Field, &descriptorpb.FieldDescriptorProto{
			Name:     proto.String("buf_extension"),
			JsonName: proto.String("bufExtension"),
			Number:   proto.Int32(bufImageFileExtension),
			Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
			TypeName: proto.String(".protocheck.image.ImageFileExtension"),
		})
		// The copied fields name their types relative to descriptor.proto's
		// package: make them absolute.
		for _, f := range fileProto.Field {
			if f.TypeName != nil && f.GetTypeName()[0] != '.' {
				f.TypeName = proto.String(".google.protobuf." + f.GetTypeName())
			}
		}
		fd := &descriptorpb.FileDescriptorProto{
			Name:       proto.String("protocheck/image.proto"),
			Package:    proto.String("protocheck.image"),
			Dependency: []string{"google/protobuf/descriptor.proto"},
			Syntax:     proto.String("proto2"),
			MessageType: []*descriptorpb.DescriptorProto{
				{
					Name: proto.String("Image"),
					Field: []*descriptorpb.FieldDescriptorProto{{
						Name:     proto.String("file"),
						JsonName: proto.String("file"),
						Number:   proto.Int32(1),
						Label:    descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(),
						Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
						TypeName: proto.String(".protocheck.image.ImageFile"),
					}},
				},
				fileProto,
				{
					Name: proto.String("ImageFileExtension"),
					Field: []*descriptorpb.FieldDescriptorProto{{
						Name:     proto.String("is_import"),
						JsonName: proto.String("isImport"),
						Number:   proto.Int32(1),
						Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
						Type:     descriptorpb.FieldDescriptorProto_TYPE_BOOL.Enum(),
					}},
				},
			},
		}
		f, err := protodesc.NewFile(fd, protoregistry.GlobalFiles)
		if err != nil {
			imageErr = fmt.Errorf("building the buf image type: %v", err)
			return
		}
		imageDesc = f.Messages().ByName("Image")
	})
	return imageDesc, imageErr
}
