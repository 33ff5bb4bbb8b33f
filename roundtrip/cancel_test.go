package roundtrip

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/protocheck/protocheck/schema"
)

// TestCancelLatency cancels a running Prove and measures how long it takes
// to return: within 100 ms, so that an interrupted `protocheck check
// --prove` stops at once.
func TestCancelLatency(t *testing.T) {
	// Many messages, each with a type change, so that proving takes far
	// longer than the wait before cancelling.
	var oldSrc, newSrc strings.Builder
	oldSrc.WriteString(proto3Header)
	newSrc.WriteString(proto3Header)
	for i := range 400 {
		fmt.Fprintf(&oldSrc, "message M%d { int64 a = 1; string b = 2; repeated int32 c = 3; M%d d = 4; }\n", i, (i+1)%400)
		fmt.Fprintf(&newSrc, "message M%d { int32 a = 1; bytes b = 2; int32 c = 3; M%d d = 4; }\n", i, (i+1)%400)
	}
	old, new := compile(t, oldSrc.String()), compile(t, newSrc.String())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Prove(ctx, &schema.Schema{Files: old}, &schema.Schema{Files: new}, Options{})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Prove returned before it was cancelled (%v): make the schema larger", err)
	case <-time.After(300 * time.Millisecond):
	}
	cancel()
	start := time.Now()
	err := <-done
	took := time.Since(start)
	if err == nil {
		t.Errorf("Prove cancelled: no error")
	}
	if took > 100*time.Millisecond {
		t.Errorf("Prove returned %s after it was cancelled, want at most 100 ms", took)
	}
	t.Logf("Prove returned %s after it was cancelled", took)
}
