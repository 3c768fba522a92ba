package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"carepath/instrument"
)

const instrumentsSummary = `Usage: carepath instruments
       carepath instruments check [--as ID] QUESTIONNAIRE.json...

Lists the assessment instruments Carepath ships (id, version, codes, items,
source). "check" reads published FHIR R4 Questionnaires and says, item by
item, how Carepath's definition of the same instrument (the one with the
Questionnaire's panel code, or --as ID) departs from each: items missing or
extra, and items whose type or answer codes differ. It exits 1 when any
differs or has no Carepath instrument.`

func runInstruments(_ context.Context, args []string, stdout, stderr io.Writer) error {
	check := len(args) > 0 && args[0] == "check"
	if check {
		args = args[1:]
	}
	fs := newFlagSet("instruments", instrumentsSummary, stderr)
	as := fs.String("as", "", "compare with this Carepath instrument (its id), whatever the Questionnaire's code")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !check {
		if fs.NArg() > 0 || *as != "" {
			fs.Usage()
			return errUsage
		}
		for _, in := range instrument.All {
			fmt.Fprintf(stdout, "%-17s v%s  %-28s %s %s, %d items", in.ID, in.Version, in.Name, in.System(), in.Code, len(in.Items))
			if in.TotalCode != "" {
				fmt.Fprintf(stdout, ", total %s", in.TotalCode)
			}
			fmt.Fprintf(stdout, "\n    %s\n", in.Source)
		}
		return nil
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	var ours *instrument.Instrument
	if *as != "" {
		var ok bool
		if ours, ok = instrument.Find(*as); !ok {
			return fmt.Errorf("there is no instrument %q (see carepath instruments)", *as)
		}
	}
	failed := false
	for _, name := range fs.Args() {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		std, err := instrument.FromQuestionnaire(b)
		if err != nil {
			fmt.Fprintf(stdout, "%s: %s\n", name, message(err))
			failed = true
			continue
		}
		in := ours
		if in == nil {
			for _, c := range instrument.All {
				if c.Code == std.Code {
					in = c
				}
			}
		}
		if in == nil {
			fmt.Fprintf(stdout, "%s: %s (%s) is none of Carepath's instruments; name one with --as\n", name, std.Name, std.Code)
			failed = true
			continue
		}
		d := in.Compare(std)
		if d.None() {
			fmt.Fprintf(stdout, "%s: %s matches %s item for item (%d items)\n", name, in.ID, std.Name, len(std.Items))
			continue
		}
		failed = true
		fmt.Fprintf(stdout, "%s: %s departs from %s:\n", name, in.ID, std.Name)
		for _, l := range []struct {
			what  string
			items []string
		}{{"missing", d.Missing}, {"extra", d.Extra}, {"differs", d.Changed}} {
			if len(l.items) > 0 {
				fmt.Fprintf(stdout, "  %s:\n    %s\n", l.what, strings.Join(l.items, "\n    "))
			}
		}
	}
	if failed {
		return errPartial
	}
	return nil
}
