package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"carepath"
	"carepath/fhirimport"
	"carepath/jobs"
	"carepath/store"
	"carepath/synth"
	"carepath/web"
	"carepath/web/api"
	"carepath/web/staff"
)

const serveSummary = `Usage: carepath serve [--db DSN] [--addr ADDR] [--demo]

Runs the web app. Staff sign in with the accounts "carepath user add"
creates. With --demo, the organization "Demo Health" is first filled, when
empty, with a generated population and one user per role, whose sign-ins
are printed.`

// DemoOrgName is the organization that holds generated demo data.
const DemoOrgName = "Demo Health"

// Main is the running server: the database and the HTTP server wired
// together. Tests boot it in-process on port 0.
type Main struct {
	DSN           string
	Addr          string
	SecureCookies bool
	TrustProxy    bool
	Demo          bool
	DemoPatients  int
	DemoSeed      uint64
	ChartCache    int           // charts kept in memory
	SweepEvery    time.Duration // how often the work rules sweep; 0: never (tests)
	// AuditHeadEvery is how often the audit chains' heads (and what is
	// wrong with them) go to the log: anchors kept outside the database.
	AuditHeadEvery time.Duration

	sweeper *jobs.Sweeper
	// background runs the sweeps and the audit heads' log until
	// stopBackground.
	background     sync.WaitGroup
	stopBackground context.CancelFunc
	Stdout         io.Writer
	Logger         *slog.Logger

	DB     *store.DB
	Server *web.Server
}

// ParseFlags reads the serve command's flags.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", serveSummary, stderr)
	fs.StringVar(&m.DSN, "db", envOr("CAREPATH_DB", ""), "database: a SQLite file path (default "+store.DefaultPath+") or a postgres:// URL (env CAREPATH_DB)")
	// The loopback interface only, unless told otherwise: a first run
	// should not expose anything.
	fs.StringVar(&m.Addr, "addr", envOr("CAREPATH_ADDR", "localhost:8080"), "listen address (env CAREPATH_ADDR)")
	fs.BoolVar(&m.SecureCookies, "secure-cookies", false, "mark the session cookie Secure on plain HTTP too (behind a TLS proxy)")
	fs.BoolVar(&m.TrustProxy, "trust-proxy", false, "take the client address from X-Forwarded-For (behind a proxy)")
	fs.BoolVar(&m.Demo, "demo", false, "load a generated demo population into an empty database")
	fs.IntVar(&m.ChartCache, "chart-cache", store.DefaultChartCache, "how many recently read charts to keep in memory (0: none)")
	fs.DurationVar(&m.SweepEvery, "sweep-every", time.Minute, "how often to run the work rules (schedules, escalations, events); 0 turns the sweep off")
	fs.DurationVar(&m.AuditHeadEvery, "audit-head-every", 10*time.Minute, "how often to write each audit chain's head (HASH@SEQ) to the log, for audit verify --expect; 0: never")
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
	if m.ChartCache != store.DefaultChartCache {
		db.SetChartCache(m.ChartCache)
	}
	if m.Demo {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
	}
	m.sweeper = &jobs.Sweeper{Store: db, Logger: m.Logger, EnrollEvery: time.Hour}
	m.Server = &web.Server{
		Services: web.Services{Patients: db, Charts: db, Organizations: db, Users: db, Sessions: db, Tokens: db, Audit: db, Tasks: db, WorkState: db, Assessments: db, CarePlans: db, Risk: db, Transitions: db, Programs: db, BillingMonths: db, Schedules: db, Health: db.Ping,
			ChartCacheStats: db.ChartCacheStats, AuditAttention: db.AuditAttention, Contacts: db, Notes: db,
			Encounters: &jobs.Intake{Encounters: db, Sweeper: m.sweeper, Logger: m.Logger}},
		Logger: m.Logger, SecureCookies: m.SecureCookies, TrustProxy: m.TrustProxy,
	}
	pages, err := staff.New(m.Server)
	if err != nil {
		return err
	}
	m.Server.Surfaces = []web.Surface{pages, &api.Server{Server: m.Server}}
	if err := m.Server.Open(ctx, m.Addr); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Carepath is serving %s on %s\n", db.DSN, m.Server.URL())
	bg, cancel := context.WithCancel(context.Background())
	m.stopBackground = cancel
	if m.SweepEvery > 0 {
		m.background.Go(func() { m.sweeper.Run(bg, m.SweepEvery) })
	}
	if m.AuditHeadEvery > 0 {
		m.background.Go(func() { m.logAuditHeads(bg, m.AuditHeadEvery) })
	}
	return nil
}

// logAuditHeads writes each organization's audit chain head to the log
// now and every so often (an anchor for audit verify --expect, kept
// wherever the log goes, out of the database's writers' reach), and, as
// an error, what is wrong with a chain, until it is dealt with.
func (m *Main) logAuditHeads(ctx context.Context, every time.Duration) {
	sys := cliActor(ctx, "", "audit head")
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		heads, err := m.DB.AuditHeads(sys)
		if err != nil && ctx.Err() == nil {
			m.Logger.Error("audit heads", "err", err)
		}
		for _, h := range heads {
			m.Logger.Info("audit head", "org", h.OrgID, "anchor", h.String())
			if problem := m.DB.AuditAttention(h.OrgID); problem != "" {
				m.Logger.Error("audit trail needs attention", "org", h.OrgID, "problem", problem)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// DemoPassword is every demo user's password. Demo organizations hold only
// generated patients, and show a banner saying so.
const DemoPassword = "carepath-demo"

// demoUsers are the demo organization's staff: one per role, and three care
// managers so that caseloads can be compared.
var demoUsers = []carepath.User{
	{Email: "admin@demo.carepath.example", Name: "Alex Admin", Role: carepath.RoleAdministrator},
	{Email: "supervisor@demo.carepath.example", Name: "Sam Supervisor", Role: carepath.RoleSupervisor},
	{Email: "cm@demo.carepath.example", Name: "Casey Morgan", Role: carepath.RoleCareManager},
	{Email: "cm2@demo.carepath.example", Name: "Jordan Lee", Role: carepath.RoleCareManager},
	{Email: "cm3@demo.carepath.example", Name: "Riley Patel", Role: carepath.RoleCareManager},
	{Email: "nurse@demo.carepath.example", Name: "Nia Nurse", Role: carepath.RoleNurse},
	{Email: "social@demo.carepath.example", Name: "Sol Social", Role: carepath.RoleSocialWorker},
	{Email: "bh@demo.carepath.example", Name: "Bea Behavioral", Role: carepath.RoleBehavioralHealth},
	{Email: "physician@demo.carepath.example", Name: "Dr. Pat Physician", Role: carepath.RolePhysician},
	{Email: "pharmacist@demo.carepath.example", Name: "Phil Pharmacist", Role: carepath.RolePharmacist},
	{Email: "auditor@demo.carepath.example", Name: "Ada Auditor", Role: carepath.RoleAuditor},
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
	actor := carepath.NewContextWithActor(ctx, carepath.SystemActor(org.ID, "demo data loader", "serve --demo"))
	if n, err := m.DB.CountPatients(ctx, org.ID); err != nil {
		return err
	} else if n == 0 {
		if err := m.loadDemoPatients(actor, org); err != nil {
			return err
		}
	}
	if err := m.loadDemoUsers(actor); err != nil {
		return err
	}
	if err := m.DB.ImportFinished(ctx); err != nil {
		return fmt.Errorf("finish the demo load: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Demo sign-ins (password %q for all):\n", DemoPassword)
	for _, u := range demoUsers {
		fmt.Fprintf(m.Stdout, "  %-34s %s\n", u.Email, u.Role.Label())
	}
	return nil
}

// loadDemoUsers adds the demo staff when the organization has none, and
// spreads the patients over the caseloads of those who carry one.
func (m *Main) loadDemoUsers(ctx context.Context) error {
	users, err := m.DB.FindUsers(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	var caseload []*carepath.User
	for _, du := range demoUsers {
		u := du
		if err := m.DB.CreateUser(ctx, &u, DemoPassword); err != nil {
			return err
		}
		if u.Role.HasCaseload() {
			caseload = append(caseload, &u)
		}
	}
	var members []carepath.CareTeamMember
	for offset := 0; ; offset += 500 {
		ps, total, err := m.DB.FindPatients(ctx, carepath.PatientFilter{Offset: offset, Limit: 500})
		if err != nil {
			return err
		}
		for i, p := range ps {
			members = append(members, carepath.CareTeamMember{PatientID: p.ID, UserID: caseload[(offset+i)%len(caseload)].ID})
		}
		if offset+len(ps) >= total || len(ps) == 0 {
			break
		}
	}
	return m.DB.AddCareTeamMembers(ctx, members...)
}

func (m *Main) loadDemoPatients(ctx context.Context, org *carepath.Organization) error {
	start := time.Now()
	fmt.Fprintf(m.Stdout, "Generating %d demo patients...\n", m.DemoPatients)
	gen := synth.New(m.DemoSeed, time.Now().In(mustLocation(org.TimeZone)))
	var genErr error
	rep, err := fhirimport.ImportDocuments(ctx, m.DB, org.ID, m.DemoPatients, func(emit func(string, []byte) bool) {
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
	if m.stopBackground != nil {
		// A sweep in progress finishes its step; what it did not reach, the
		// next start does (its state is in the database).
		m.stopBackground()
		m.background.Wait()
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// tuneGC lets the server's small heap grow four times its live size
// between collections instead of twice, under a soft 160 MB limit: the
// collector took a tenth of a chart page's CPU (measured: 32 connections
// on the 100,000-patient demo, 710-915 -> 1,055-1,066 charts/s). An
// operator's GOGC or GOMEMLIMIT wins.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{Stdout: stdout, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	if err := m.ParseFlags(args, stderr); err != nil {
		return err
	}
	defer m.Close()
	tuneGC()
	if err := m.Run(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "Shutting down.")
	return nil
}
