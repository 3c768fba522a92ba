package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"carepath"
	"carepath/store"

	"golang.org/x/term"
)

const userSummary = `Usage:
  carepath user add --org ORG --email E --role R [--name NAME]   (password from stdin)
  carepath user list [--org ORG]
  carepath user disable [--org ORG] --email E
  carepath user reset-password [--org ORG] --email E           (password from stdin)

Manages the staff accounts of an organization. "add" creates the
organization when it is new. A password is read from standard input: asked
twice without echo on a terminal, otherwise the first line. Roles:
` + "  administrator, supervisor, care_manager, nurse, social_worker,\n  behavioral_health_care_manager, physician, pharmacist, auditor"

// subcommand splits "user add --email ..." into "add" and its flags. With
// no subcommand it prints the summary and returns "" and a usage error, or
// no error for --help.
func subcommand(args []string, summary string, stderr io.Writer) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, summary)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "-help") {
			return "", nil, nil
		}
		return "", nil, errUsage
	}
	return args[0], args[1:], nil
}

// openAsOperator opens the database and the organization a command works
// in (created when create is set and it is new), and returns the context
// its service calls run with: the operator as the actor.
func openAsOperator(ctx context.Context, dsn, orgName string, create bool, command string) (*store.DB, *carepath.Organization, context.Context, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	org, err := resolveOrg(ctx, db, orgName, create)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, org, cliActor(ctx, org.ID, command), nil
}

// cliActor is the command line's actor in an organization: the operator,
// named by their operating-system account in the audit trail.
func cliActor(ctx context.Context, org, command string) context.Context {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return carepath.NewContextWithActor(ctx, carepath.SystemActor(org, fmt.Sprintf("cli: carepath %s (%s)", command, who), "cli"))
}

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, userSummary, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("user "+sub, userSummary, stderr)
	dsn := dbFlag(fs)
	orgName := orgFlag(fs, "organization (env CAREPATH_ORG; default: the only one)")
	email := fs.String("email", "", "the user's email address")
	role := fs.String("role", "", "the user's role (add)")
	name := fs.String("name", "", "the user's name (add)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch sub {
	case "add", "list", "disable", "reset-password":
	default:
		fmt.Fprintf(stderr, "carepath user: unknown subcommand %q\n\n%s\n", sub, userSummary)
		return errUsage
	}
	if sub != "list" && *email == "" {
		fmt.Fprintln(stderr, "carepath user "+sub+": --email is required")
		return errUsage
	}
	if sub == "add" && (*role == "" || *orgName == "") {
		fmt.Fprintln(stderr, "carepath user add: --org and --role are required")
		return errUsage
	}
	db, org, actx, err := openAsOperator(ctx, *dsn, *orgName, sub == "add", "user "+sub)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		pw, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		u := &carepath.User{OrgID: org.ID, Email: *email, Name: *name, Role: carepath.Role(*role)}
		if err := db.CreateUser(actx, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %s (%s) to %s, id %s.\n", u.Email, u.Role.Label(), org.Name, u.ID)
	case "list":
		users, err := db.FindUsers(actx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATUS\tID")
		for _, u := range users {
			status := "active"
			switch {
			case u.Disabled:
				status = "disabled"
			case db.Now().Before(u.ThrottledUntil):
				status = fmt.Sprintf("%d failed sign-ins: new browsers wait until %s", u.FailedSignIns, u.ThrottledUntil.Format("2006-01-02 15:04:05 UTC"))
			case u.MustChangePassword:
				status = "must change password"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, status, u.ID)
		}
		return tw.Flush()
	case "disable", "reset-password":
		u, err := db.FindUserByEmail(actx, *email)
		if err != nil {
			return err
		}
		if sub == "disable" {
			if err := db.DisableUser(actx, u.ID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Disabled %s; their sessions and API tokens are revoked.\n", u.Email)
			return nil
		}
		pw, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := db.ResetPassword(actx, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Reset the password of %s; they must change it at their next sign-in.\n", u.Email)
	}
	return nil
}

// readPassword reads a new password: twice without echo from a terminal,
// otherwise the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", carepath.Errorf(carepath.EINVALID, "The two passwords differ.")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", carepath.Errorf(carepath.EINVALID, "No password on standard input.")
	}
	return line, nil
}

const tokenSummary = `Usage:
  carepath token create [--org ORG] --email E [--name NAME]
  carepath token revoke [--org ORG] --id ID

Issues a bearer token for the JSON API (/api/v1) acting as a user, with that
user's rights. The token is printed once and stored only as a hash.`

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, tokenSummary, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("token "+sub, tokenSummary, stderr)
	dsn := dbFlag(fs)
	orgName := orgFlag(fs, "organization (env CAREPATH_ORG; default: the only one)")
	email := fs.String("email", "", "the user the token acts as (create)")
	name := fs.String("name", "", "what the token is for (create)")
	id := fs.String("id", "", "the token's id (revoke)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "create" && sub != "revoke" || sub == "create" && *email == "" || sub == "revoke" && *id == "" {
		fmt.Fprintln(stderr, tokenSummary)
		return errUsage
	}
	db, _, actx, err := openAsOperator(ctx, *dsn, *orgName, false, "token "+sub)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "revoke" {
		if err := db.RevokeAPIToken(actx, *id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked token %s.\n", *id)
		return nil
	}
	u, err := db.FindUserByEmail(actx, *email)
	if err != nil {
		return err
	}
	tok, secret, err := db.CreateAPIToken(actx, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Token %s for %s (%s). It is shown once; keep it secret:\n", tok.ID, u.Email, u.Role.Label())
	fmt.Fprintln(stdout, secret)
	return nil
}

const auditSummary = `Usage:
  carepath audit verify [--org ORG] [--expect HASH@SEQ]...
  carepath audit list [--org ORG] [--patient ID] [--user EMAIL] [--after SEQ] [--limit N]

"verify" checks every organization's audit chain (or one): each record
against its hash, the chain from its recorded head back to its first
record, and that every record is on it (a record written beside the chain,
straight into the database, is not). It names the first problem and exits
1 if there is one. It prints each chain's head as HASH@SEQ: recorded
somewhere the database's writers cannot reach (serve writes it to its log
every 10 minutes), it shows later that the whole chain was not rewritten:
--expect HASH@SEQ checks that record SEQ is still on the chain with that
hash (with --org when there are several organizations). "list" prints
records oldest first.`

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, auditSummary, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("audit "+sub, auditSummary, stderr)
	dsn := dbFlag(fs)
	orgName := orgFlag(fs, "organization (env CAREPATH_ORG; verify: default all, list: default the only one)")
	patient := fs.String("patient", "", "only records about this patient id (list)")
	email := fs.String("user", "", "only records of this user (list)")
	after := fs.Int64("after", 0, "only records after this sequence number (list)")
	var expect []carepath.AuditAnchor
	fs.Func("expect", "a link of the chain recorded earlier, HASH@SEQ, that must still be on it (verify; repeatable)", func(s string) error {
		a, err := carepath.ParseAuditAnchor(s)
		if err != nil {
			return errors.New(carepath.ErrorMessage(err))
		}
		expect = append(expect, a)
		return nil
	})
	limit := fs.Int("limit", 100, "at most this many records (list; up to 1000)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "verify" && sub != "list" {
		fmt.Fprintln(stderr, auditSummary)
		return errUsage
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	orgID := ""
	if *orgName != "" || sub == "list" || len(expect) > 0 {
		org, err := resolveOrg(ctx, db, *orgName, false)
		if err != nil {
			return err
		}
		orgID = org.ID
	}
	actx := cliActor(ctx, orgID, "audit "+sub)
	if sub == "verify" {
		for i := range expect {
			expect[i].OrgID = orgID
		}
		return verifyAudit(actx, db, stdout, expect)
	}
	f := carepath.AuditFilter{OrgID: orgID, PatientID: *patient, AfterSeq: *after, Limit: *limit}
	if *email != "" {
		u, err := db.FindUserByEmail(actx, *email)
		if err != nil {
			return err
		}
		f.ActorID = u.ID
	}
	events, err := db.FindAuditEvents(actx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tAT (UTC)\tACTOR\tACTION\tPATIENT\tOBJECT\tFROM\tDETAIL")
	for _, e := range events {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02 15:04:05.000"), e.Actor, e.Action,
			e.PatientID, e.Object, e.Source, e.Detail)
	}
	return tw.Flush()
}

func verifyAudit(ctx context.Context, db *store.DB, stdout io.Writer, expect []carepath.AuditAnchor) error {
	vs, err := db.VerifyAudit(ctx, expect...)
	if err != nil {
		return err
	}
	broken := false
	for _, v := range vs {
		head := carepath.AuditAnchor{Seq: v.HeadSeq, Hash: v.HeadHash}
		if v.BrokenAt != 0 {
			broken = true
			fmt.Fprintf(stdout, "%s: BROKEN at record %d: %s (%d records, head %s)\n", v.OrgID, v.BrokenAt, v.Problem, v.Records, head)
			continue
		}
		fmt.Fprintf(stdout, "%s: intact, %d records, head %s\n", v.OrgID, v.Records, head)
		if len(expect) > 0 {
			fmt.Fprintf(stdout, "%s: holds %d expected anchor(s)\n", v.OrgID, len(expect))
		}
	}
	if len(vs) == 0 {
		fmt.Fprintln(stdout, "No audit records yet.")
	}
	if broken {
		return errPartial
	}
	return nil
}
