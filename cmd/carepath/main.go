// Command carepath is Carepath in one binary: the web app (serve), the FHIR
// importer (import), the synthetic population generator (generate), and the
// database and administration tools (migrate, stats, user, token, audit).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"carepath"
	"carepath/store"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

const usage = `Carepath: care management, in one binary.

Usage:
  carepath <command> [flags]

Commands:
  serve      run the web app (with --demo: on generated demo data)
  import     import FHIR R4 data (bundles, NDJSON, folders, .tar.gz)
  generate   write a synthetic patient population as FHIR R4 bundles
  stats      count stored resources per kind and organization
  migrate    bring the database schema up to date
  user       add, list, disable users and reset their passwords
  token      issue and revoke API tokens
  audit      verify and list the audit trail
  sweep      run the work rules once (schedules, escalations, events)
  score      score every stay on record (LACE, HOSPITAL, Charlson)
  billing    a month's billing report, or its close
  instruments  list the assessment instruments; check them against FHIR Questionnaires
  version    print the version

Run "carepath <command> --help" for a command's flags.
Environment: CAREPATH_DB (database), CAREPATH_ADDR (listen address), CAREPATH_ORG (organization).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit code: 0 on success,
// 1 when the command ran but something failed (such as a rejected bundle),
// 2 for a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = runServe(ctx, rest, stdout, stderr)
	case "import":
		err = runImport(ctx, rest, stdout, stderr)
	case "generate":
		err = runGenerate(ctx, rest, stdout, stderr)
	case "stats":
		err = runStats(ctx, rest, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, rest, stdout, stderr)
	case "user":
		err = runUser(ctx, rest, stdin, stdout, stderr)
	case "token":
		err = runToken(ctx, rest, stdout, stderr)
	case "audit":
		err = runAudit(ctx, rest, stdout, stderr)
	case "sweep":
		err = runSweep(ctx, rest, stdout, stderr)
	case "score":
		err = runScore(ctx, rest, stdout, stderr)
	case "billing":
		err = runBilling(ctx, rest, stdout, stderr)
	case "instruments":
		err = runInstruments(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "carepath", version())
		return 0
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "carepath: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errPartial):
		return 1
	}
	fmt.Fprintln(stderr, "carepath:", message(err))
	return 1
}

var (
	errUsage   = errors.New("usage error")            // already reported by the flag set
	errPartial = errors.New("finished with failures") // already reported by the command
)

// message turns an error into what the person at the terminal should read.
func message(err error) string {
	if code := carepath.ErrorCode(err); code != carepath.EINTERNAL {
		return carepath.ErrorMessage(err)
	}
	return err.Error()
}

func version() string {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// newFlagSet makes a flag set whose --help prints the command's summary.
func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags:\n", summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; a usage error has already been printed by the set.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// dbFlag adds the --db flag every database command takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", envOr("CAREPATH_DB", ""),
		"database: a SQLite file path (default "+store.DefaultPath+") or a postgres:// URL (env CAREPATH_DB)")
}

// orgFlag adds the --org flag, falling back to CAREPATH_ORG.
func orgFlag(fs *flag.FlagSet, usage string) *string {
	return fs.String("org", envOr("CAREPATH_ORG", ""), usage)
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", db.DSN, err)
	}
	return db, nil
}

// resolveOrg finds the organization named by idOrName, creating it when
// create is set. With no name it picks the only organization, or creates
// "Default" in an empty database.
func resolveOrg(ctx context.Context, db *store.DB, idOrName string, create bool) (*carepath.Organization, error) {
	if idOrName != "" {
		org, err := db.FindOrganization(ctx, idOrName)
		if carepath.ErrorCode(err) == carepath.ENOTFOUND && create {
			org = &carepath.Organization{Name: idOrName}
			err = db.CreateOrganization(ctx, org)
		}
		return org, err
	}
	orgs, err := db.FindOrganizations(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case len(orgs) == 1:
		return orgs[0], nil
	case len(orgs) > 1:
		return nil, carepath.Errorf(carepath.EINVALID, "The database holds %d organizations; choose one with --org.", len(orgs))
	case !create:
		return nil, carepath.Errorf(carepath.ENOTFOUND, "The database holds no organization yet.")
	}
	org := &carepath.Organization{Name: "Default"}
	return org, db.CreateOrganization(ctx, org)
}
