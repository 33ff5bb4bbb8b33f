package protocheck

import (
	"context"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
)

// Annotate adds to the message of each finding how many of the recorded
// messages of type typ in src, written with the request's first baseline,
// exercise what it concerns ("set in 2 of 8 recorded acme.v1.Order
// messages"), as `protocheck check --replay` prints them: a reviewer tells a
// real break from a theoretical one. It compiles the input and the
// baseline whole, as Load does, which Check may not have done.
//
// Its errors are Load's, and Exercise's: a *roundtrip.RecordError for a
// recording that does not read, roundtrip.ErrType for a type the baseline
// lacks. The request's Progress is not told of the compile.
func Annotate(ctx context.Context, req Request, findings []compat.Finding, typ protoreflect.FullName, src roundtrip.Source) error {
	req.Progress = nil
	vs, err := Load(ctx, req)
	if err != nil {
		return err
	}
	x, err := roundtrip.Exercise(ctx, vs.Old, typ, src, roundtrip.ReplayOptions{})
	if err != nil {
		return err
	}
	for i := range findings {
		if d := x.Describe(findings[i]); d != "" {
			findings[i].Message += "; " + d
		}
	}
	return nil
}
