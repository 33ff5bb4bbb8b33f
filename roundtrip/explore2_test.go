package roundtrip

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestExplore2(t *testing.T) {
	ed2 := strings.NewReplacer(
		"string s = 3 [features.utf8_validation = NONE];", "string s = 3;",
		"N n = 5 [features.message_encoding = DELIMITED];", "N n = 5;",
		"option features.enum_type = CLOSED;", "",
		"repeated int32 r = 4 [features.repeated_field_encoding = EXPANDED];", "repeated int32 r = 4;",
	).Replace(ed)
	for _, c := range [][2]string{{ed, ed2}, {p3, p3}, {p2, p2}} {
		start := time.Now()
		r, err := ProveMessage(message(t, c[0], "p.M"), message(t, c[1], "p.M"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("=====", time.Since(start))
		for _, x := range r.Counterexamples {
			fmt.Println(x)
			fmt.Print(x.Wire)
		}
	}
}
