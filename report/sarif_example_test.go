package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/report"
)

// SARIF is what GitHub code scanning and most review tools read. Each
// finding is a result naming its rule, with the file and region, the path
// as the finding gives it (here as `protocheck check proto` names the
// file, relative to the repository).
func ExampleWrite_sarif() {
	findings := []compat.Finding{{
		Rule:     "FIELD_NO_DELETE",
		Severity: compat.Error,
		Message:  `field 2 "email" on acme.v1.User was deleted`,
		Span:     compat.Span{Path: "proto/acme/v1/user.proto", StartLine: 7, StartCol: 1, EndLine: 10, EndCol: 2},
	}}
	var buf bytes.Buffer
	if err := report.Write(&buf, "sarif", findings, report.Options{}); err != nil {
		log.Fatal(err)
	}
	var doc struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		log.Fatal(err)
	}
	r := doc.Runs[0].Results[0]
	loc := r.Locations[0].PhysicalLocation
	fmt.Println("SARIF", doc.Version)
	fmt.Println(r.RuleID, r.Level, loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn)
	// Output:
	// SARIF 2.1.0
	// FIELD_NO_DELETE error proto/acme/v1/user.proto 7 1
}
