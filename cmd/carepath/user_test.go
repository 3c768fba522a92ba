package main

import (
	"strings"
	"testing"

	"carepath/internal/testdb"
)

func TestUserTokenAuditCommands(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		dsn := e.DSN(t)
		ok := func(stdin string, args ...string) string {
			t.Helper()
			code, stdout, stderr := runCmdInput(t, stdin, append(args, "--db", dsn)...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
			}
			return stdout + stderr
		}
		out := ok("a long enough password\n", "user", "add", "--org", "Riverside Clinic", "--email", "Ana@Example.org",
			"--role", "care manager", "--name", "Ana Rivera")
		if !strings.Contains(out, "Added ana@example.org (Care manager) to Riverside Clinic") {
			t.Errorf("user add printed %q", out)
		}
		ok("another long password\n", "user", "add", "--org", "Riverside Clinic", "--email", "audit@example.org", "--role", "auditor")
		if code, _, stderr := runCmdInput(t, "short\n", "user", "add", "--db", dsn, "--org", "Riverside Clinic",
			"--email", "x@example.org", "--role", "nurse"); code != 1 || !strings.Contains(stderr, "at least 12 characters") {
			t.Errorf("short password: exit %d %q", code, stderr)
		}
		if code, _, _ := runCmd(t, "user", "add", "--db", dsn, "--email", "x@example.org"); code != 2 {
			t.Errorf("user add without --org and --role: exit %d, want 2", code)
		}
		out = ok("", "user", "list")
		if !strings.Contains(out, "ana@example.org") || !strings.Contains(out, "care_manager") || !strings.Contains(out, "audit@example.org") {
			t.Errorf("user list:\n%s", out)
		}
		token := strings.TrimSpace(ok("", "token", "create", "--email", "ana@example.org", "--name", "tests"))
		if !strings.Contains(token, "cpt_") {
			t.Errorf("token create printed %q", token)
		}
		ok("", "user", "disable", "--email", "ana@example.org")
		if out = ok("", "user", "list"); !strings.Contains(out, "disabled") {
			t.Errorf("after disable:\n%s", out)
		}
		ok("a fresh long password\n", "user", "reset-password", "--email", "audit@example.org")

		out = ok("", "audit", "verify")
		if !strings.Contains(out, "riverside-clinic: intact, 5 records, head ") {
			t.Errorf("audit verify:\n%s", out)
		}
		out = ok("", "audit", "list")
		for _, want := range []string{"user.create", "token.create", "user.disable", "user.password_reset", "cli: carepath user add"} {
			if !strings.Contains(out, want) {
				t.Errorf("audit list lacks %q:\n%s", want, out)
			}
		}
	})
}
