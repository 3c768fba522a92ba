package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"carepath"
	"carepath/fhirimport"
	"carepath/store"
	"carepath/synth"
	"carepath/web"
)

const serveSummary = `Usage: carepath serve [--db DSN] [--addr ADDR] [--org NAME] [--demo]

Runs the web app. With --demo, an empty database is first filled with a
generated demo population in the organization "Demo Health".`

// DemoOrgName is the organization that holds generated demo data.
const DemoOrgName = "Demo Health"

// Main is the running server: the database and the HTTP server wired
// together. Tests boot it in-process on port 0.
type Main struct {
	DSN          string
	Addr         string
	OrgName      string
	Demo         bool
	DemoPatients int
	DemoSeed     uint64
	Stdout       io.Writer
	Logger       *slog.Logger

	DB     *store.DB
	Server *web.Server
}

// ParseFlags reads the serve command's flags.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", serveSummary, stderr)
	fs.StringVar(&m.DSN, "db", envOr("CAREPATH_DB", ""), "database: a SQLite file path (default "+store.DefaultPath+") or a postgres:// URL (env CAREPATH_DB)")
	// Until sign-in exists (the next issue), the server listens on the
	// loopback interface only unless told otherwise.
	fs.StringVar(&m.Addr, "addr", envOr("CAREPATH_ADDR", "localhost:8080"), "listen address (env CAREPATH_ADDR)")
	fs.StringVar(&m.OrgName, "org", envOr("CAREPATH_ORG", ""), "organization to show (env CAREPATH_ORG; default: the only one)")
	fs.BoolVar(&m.Demo, "demo", false, "load a generated demo population into an empty database")
	fs.IntVar(&m.DemoPatients, "demo-patients", 1000, "how many demo patients to generate")
	fs.Uint64Var(&m.DemoSeed, "demo-seed", 1, "seed of the demo population")
	return parse(fs, args)
}

// Run opens the database, loads the demo if asked, and starts serving. It
// returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.Default()
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	db, err := openDB(ctx, m.DSN)
	if err != nil {
		return err
	}
	m.DB = db
	orgName := m.OrgName
	if m.Demo {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
		if orgName == "" {
			orgName = DemoOrgName
		}
	}
	org, err := resolveOrg(ctx, db, orgName, false)
	if err != nil {
		if carepath.ErrorCode(err) == carepath.ENOTFOUND && orgName == "" {
			return carepath.Errorf(carepath.ENOTFOUND, "The database is empty: import data with \"carepath import\", or run \"carepath serve --demo\".")
		}
		return err
	}
	m.Server = &web.Server{
		Services: web.Services{Patients: db, Organizations: db, Health: db.Ping},
		OrgID:    org.ID,
		Logger:   m.Logger,
	}
	if err := m.Server.Open(ctx, m.Addr); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Carepath is serving %s (%s) on %s\n", org.Name, db.DSN, m.Server.URL())
	return nil
}

// loadDemo fills the demo organization with generated patients when it
// holds none, so that a newcomer sees a working product at once.
func (m *Main) loadDemo(ctx context.Context) error {
	org, err := m.DB.FindOrganization(ctx, DemoOrgName)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		org = &carepath.Organization{Name: DemoOrgName, TimeZone: "America/New_York", Demo: true}
		err = m.DB.CreateOrganization(ctx, org)
	}
	if err != nil {
		return err
	}
	if n, err := m.DB.CountPatients(ctx, org.ID); err != nil || n > 0 {
		return err
	}
	start := time.Now()
	fmt.Fprintf(m.Stdout, "Generating %d demo patients...\n", m.DemoPatients)
	gen := synth.New(m.DemoSeed, time.Now().In(mustLocation(org.TimeZone)))
	var genErr error
	rep, err := fhirimport.ImportDocuments(carepath.NewContextWithActor(ctx, carepath.SystemActor(org.ID, "demo data loader", "serve --demo")), m.DB, org.ID, m.DemoPatients, func(emit func(string, []byte) bool) {
		for i := 0; i < m.DemoPatients; i++ {
			b, err := gen.Bundle(i)
			if err != nil {
				genErr = err
				return
			}
			if !emit(fmt.Sprintf("demo patient %d", i), b) {
				return
			}
		}
	}, fhirimport.Options{})
	if err = errors.Join(err, genErr); err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	if len(rep.Failures) > 0 {
		return fmt.Errorf("load demo data: %s", rep.Failures[0])
	}
	fmt.Fprintf(m.Stdout, "Loaded %d demo patients (%d resources) in %.1fs.\n", rep.Units, rep.Resources, time.Since(start).Seconds())
	return nil
}

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Close stops the server, letting running requests finish, then closes
// the database.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.Server != nil {
		errs = append(errs, m.Server.Close(ctx))
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{Stdout: stdout, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	if err := m.ParseFlags(args, stderr); err != nil {
		return err
	}
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "Shutting down.")
	return nil
}
