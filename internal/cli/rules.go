package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/compat"
)

func newRulesCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule with its categories and summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				enc := json.NewEncoder(out)
				for _, r := range compat.Rules() {
					err := enc.Encode(map[string]any{
						"id":         r.ID,
						"categories": r.Categories,
						"severity":   r.Severity.String(),
						"directions": r.Direction.Names(),
						"summary":    r.Summary(),
					})
					if err != nil {
						return err
					}
				}
				return nil
			case "text":
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tCATEGORIES\tSEVERITY\tSUMMARY")
				for _, r := range compat.Rules() {
					cats := make([]string, len(r.Categories))
					for i, c := range r.Categories {
						cats[i] = string(c)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, strings.Join(cats, ","), r.Severity, r.Summary())
				}
				return tw.Flush()
			}
			return fmt.Errorf("--format: unknown format %q (want text or json)", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func newExplainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE_ID",
		Short: "Explain what a rule protects and how to make the change safely",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := compat.Lookup(strings.ToUpper(args[0]))
			if r == nil {
				if near := compat.Nearest(args[0]); near != "" && compat.Lookup(near) != nil {
					return fmt.Errorf("unknown rule %q: did you mean %s? (see 'protocheck rules')", args[0], near)
				}
				return fmt.Errorf("unknown rule %q (see 'protocheck rules')", args[0])
			}
			cats := make([]string, len(r.Categories))
			for i, c := range r.Categories {
				cats[i] = string(c)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n\ncategories: %s\nseverity:   %s\nbreaks:     %s\n\n%s\n",
				r.ID, r.Summary(), strings.Join(cats, ", "), r.Severity, r.Direction, r.Explanation())
			return nil
		},
	}
}
