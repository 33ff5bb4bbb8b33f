package roundtrip

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

func TestExplore3(t *testing.T) {
	ed2 := strings.NewReplacer(
		"string s = 3 [features.utf8_validation = NONE];", "string s = 3;",
		"option features.enum_type = CLOSED;", "",
	).Replace(ed)
	md := message(t, ed, "p.M")
	md2 := message(t, ed2, "p.M")
	fmt.Println(enforcesUTF8(md2.Fields().ByName("s")), md2.Fields().ByName("c").Enum().IsClosed())
	w := dynamicpb.NewMessage(md)
	w.Set(md.Fields().ByName("s"), protoreflect.ValueOfString("\xff"))
	b, err := marshalOpts.Marshal(w)
	fmt.Println(b, err)
	r := dynamicpb.NewMessage(md2)
	fmt.Println(unmarshalOpts.Unmarshal(b, r))
	g := generator{rng: nil}
	_ = g
}
