package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"carepath/store"
)

const statsSummary = `Usage: carepath stats [--db DSN] [--json]

Prints how many resources of each kind every organization holds.`

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stats", statsSummary, stderr)
	dsn := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs, err := db.FindOrganizations(ctx)
	if err != nil {
		return err
	}
	counts, err := db.ResourceCounts(ctx)
	if err != nil {
		return err
	}
	type orgStats struct {
		ID        string           `json:"id"`
		Name      string           `json:"name"`
		Total     int64            `json:"total"`
		Resources map[string]int64 `json:"resources"`
	}
	out := struct {
		Database      string      `json:"database"`
		Organizations []*orgStats `json:"organizations"`
	}{Database: db.DSN, Organizations: []*orgStats{}}
	byID := map[string]*orgStats{}
	for _, o := range orgs {
		s := &orgStats{ID: o.ID, Name: o.Name, Resources: map[string]int64{}}
		byID[o.ID] = s
		out.Organizations = append(out.Organizations, s)
	}
	for _, c := range counts {
		if s := byID[c.OrgID]; s != nil {
			s.Resources[c.ResourceType] = c.Count
			s.Total += c.Count
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, s := range out.Organizations {
		fmt.Fprintf(tw, "%s (%s)\t%d\t\n", s.Name, s.ID, s.Total)
		for _, c := range counts {
			if c.OrgID == s.ID {
				fmt.Fprintf(tw, "  %s\t%d\t\n", c.ResourceType, c.Count)
			}
		}
	}
	return tw.Flush()
}

const migrateSummary = `Usage: carepath migrate [--db DSN]

Applies the schema migrations this binary carries that the database has not
yet applied. Every other command also does this on start.`

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", migrateSummary, stderr)
	dsn := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range st.Applied {
		fmt.Fprintf(stdout, "applied %04d %s\n", m.Version, m.Name)
	}
	fmt.Fprintf(stdout, "%s: schema version %d\n", db.DSN, st.Version)
	return nil
}
