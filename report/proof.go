package report

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/protocheck/protocheck/compat"
)

// jsonProof is the "proof" object of a JSON finding.
type jsonProof struct {
	Direction   string `json:"direction"`
	Encoding    string `json:"encoding"`
	Message     string `json:"message"`
	FieldPath   string `json:"field_path"`
	Reason      string `json:"reason"`
	BytesHex    string `json:"bytes_hex"`
	Wire        string `json:"wire"`
	JSON        string `json:"json,omitempty"`
	WriterValue string `json:"writer_value"`
	ReaderValue string `json:"reader_value"`
	Hazard      bool   `json:"hazard,omitempty"`
}

// JSONProof returns the JSON object that json output writes for p, or nil
// for a nil p. `protocheck prove --format json` writes the same objects.
func JSONProof(p *compat.Proof) any {
	if p == nil {
		return nil
	}
	return jsonProofOf(p)
}

func jsonProofOf(p *compat.Proof) *jsonProof {
	if p == nil {
		return nil
	}
	return &jsonProof{
		Direction:   p.Direction,
		Encoding:    p.Encoding,
		Message:     p.Message,
		FieldPath:   p.FieldPath,
		Reason:      p.Reason,
		BytesHex:    hex.EncodeToString(p.Bytes),
		Wire:        p.Wire,
		JSON:        p.JSON,
		WriterValue: p.WriterValue,
		ReaderValue: p.ReaderValue,
		Hazard:      p.Hazard,
	}
}

// WriteProof writes p as text, each line starting with indent: a heading
// that starts with label, what the writer set and the reader saw, the
// JSON the writer produced when the proof is in JSON, the bytes and their
// annotated wire form. Text output prints it under the
// finding it proves, labelled "proof: ".
func WriteProof(w io.Writer, p *compat.Proof, indent, label string) error {
	var b strings.Builder
	// Values and field paths hold the schema's names and data: escaped,
	// as in the finding's line.
	fmt.Fprintf(&b, "%s%s%s %s, %s: %s\n", indent, label, p.Direction, p.Encoding, escapeControl(p.FieldPath), escapeControl(p.Reason))
	fmt.Fprintf(&b, "%s  writer: %s\n", indent, escapeControl(p.WriterValue))
	fmt.Fprintf(&b, "%s  reader: %s\n", indent, escapeControl(p.ReaderValue))
	if p.JSON != "" {
		fmt.Fprintf(&b, "%s  json:   %s\n", indent, escapeControl(p.JSON))
	}
	bytes := fmt.Sprintf("% x", p.Bytes)
	if len(p.Bytes) == 0 {
		bytes = "(empty)"
	}
	fmt.Fprintf(&b, "%s  bytes:  %s\n", indent, bytes)
	if p.Wire != "" {
		fmt.Fprintf(&b, "%s  wire:\n", indent)
		for line := range strings.Lines(p.Wire) {
			fmt.Fprintf(&b, "%s    %s\n", indent, escapeControl(strings.TrimRight(line, "\n")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ProofLine returns p on one line, the shortest whole form of a proof, for
// formats that show a finding in a line or a table cell (annotations, job
// summaries, SARIF messages): who writes and who reads, the field, what
// goes wrong, what each side sees, and the data: the JSON for a JSON
// proof, else the bytes in hex. The line is not escaped.
func ProofLine(p *compat.Proof) string {
	data := "bytes " + fmt.Sprintf("% x", p.Bytes)
	switch {
	case p.JSON != "":
		data = "json " + p.JSON
	case len(p.Bytes) == 0:
		data = "bytes (empty)"
	}
	kind := ""
	if p.Hazard {
		kind = " (a hazard)"
	}
	return fmt.Sprintf("%s %s%s, %s: %s; writer %s, reader %s; %s", p.Direction, p.Encoding, kind, p.FieldPath, p.Reason, p.WriterValue, p.ReaderValue, data)
}

// writeProofText writes under a finding of text output its proof, or why
// it has none when proving was asked for.
func writeProofText(w io.Writer, f compat.Finding) error {
	switch {
	case f.Proof != nil:
		return WriteProof(w, f.Proof, "    ", "proof: ")
	case f.Unproven != "":
		_, err := fmt.Fprintf(w, "    unproven: %s\n", escapeControl(f.Unproven))
		return err
	}
	return nil
}
