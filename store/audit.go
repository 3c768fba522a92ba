package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"carepath"
)

// The audit trail is one hash chain per organization (see
// carepath.AuditEvent.ChainHash). Changes append their records in their own
// transaction (appendAudit); reads go through RecordAudit, whose records
// from concurrent requests share one transaction (group commit), so that
// auditing every page view costs one commit per batch, not per view.

// auditAppender batches RecordAudit calls into transactions.
type auditAppender struct {
	once    sync.Once
	queue   chan auditRequest
	mu      sync.RWMutex // guards closed against sends racing Close
	closed  bool
	stopped chan struct{}
}

type auditRequest struct {
	events []carepath.AuditEvent
	done   chan error
}

// maxAuditBatch bounds the records one group-commit transaction carries.
const maxAuditBatch = 1000

// auditWindow is how long the appender, under load, gathers records after
// the first before committing them. Measured on the 100,000-patient demo,
// 32 connections on a chart, alternating builds: no window 895 charts/s,
// 5 ms 1,025, 10 ms 1,197.
var auditWindow = 10 * time.Millisecond

// RecordAudit implements carepath.AuditService.
func (db *DB) RecordAudit(ctx context.Context, events ...carepath.AuditEvent) error {
	a := carepath.ActorFromContext(ctx)
	if a == nil {
		return carepath.Errorf(carepath.EUNAUTHORIZED, "No actor to audit.")
	}
	if len(events) == 0 {
		return nil
	}
	evs := make([]carepath.AuditEvent, len(events))
	for i, e := range events {
		evs[i] = withActor(e, a)
	}
	ap := &db.auditor
	ap.once.Do(func() {
		ap.queue = make(chan auditRequest, 4096)
		ap.stopped = make(chan struct{})
		go db.runAuditAppender()
	})
	req := auditRequest{events: evs, done: make(chan error, 1)}
	ap.mu.RLock()
	if ap.closed {
		ap.mu.RUnlock()
		return errors.New("store: database closed")
	}
	select {
	case ap.queue <- req:
	case <-ctx.Done():
		ap.mu.RUnlock()
		return ctx.Err()
	}
	ap.mu.RUnlock()
	// Once queued, the records are written even if ctx ends: a view that
	// was served must not go unaudited.
	return <-req.done
}

// withActor fills in who, from where and in which organization.
func withActor(e carepath.AuditEvent, a *carepath.Actor) carepath.AuditEvent {
	e.ActorID, e.Actor = a.ActorID(), a.Name()
	if e.Source == "" {
		e.Source = a.Source
	}
	if e.OrgID == "" {
		e.OrgID = a.OrgID
	}
	return e
}

func (db *DB) runAuditAppender() {
	ap := &db.auditor
	defer close(ap.stopped)
	lastBatch := 0
	for req := range ap.queue {
		batch := []auditRequest{req}
		n := len(req.events)
		// Under concurrent load (the last batch had company), gather for a
		// while: every commit makes each reader connection drop its page
		// cache (SQLite's WAL readers do on any change), so fewer, larger
		// commits serve more pages. A lone request is not kept waiting.
		wait := time.Duration(0)
		if lastBatch > 1 {
			wait = auditWindow
		}
		window := time.NewTimer(wait)
	fill:
		for n < maxAuditBatch {
			select {
			case r, ok := <-ap.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
				n += len(r.events)
			case <-window.C:
				break fill
			}
		}
		window.Stop()
		lastBatch = len(batch)
		err := db.RunInTx(context.Background(), func(tx *Tx) error {
			var all []carepath.AuditEvent
			for _, r := range batch {
				all = append(all, r.events...)
			}
			return appendAudit(context.Background(), tx, all)
		})
		for _, r := range batch {
			r.done <- err
		}
	}
}

// stopAuditor writes what is queued and stops the appender.
func (db *DB) stopAuditor() {
	ap := &db.auditor
	ap.mu.Lock()
	ap.closed = true
	started := ap.queue != nil
	if started {
		close(ap.queue)
	}
	ap.mu.Unlock()
	if started {
		<-ap.stopped
	}
}

// appendAudit appends events, in order, to their organizations' chains in
// tx. Each event must have its OrgID, actor and action set; the sequence
// number, time and hashes are assigned here.
func appendAudit(ctx context.Context, tx batchTx, events []carepath.AuditEvent) error {
	byOrg := map[string][]int{}
	var orgs []string
	for i, e := range events {
		if e.OrgID == "" || e.Action == "" || e.ActorID == "" {
			return fmt.Errorf("store: audit event without organization, action or actor: %+v", e)
		}
		if _, ok := byOrg[e.OrgID]; !ok {
			orgs = append(orgs, e.OrgID)
		}
		byOrg[e.OrgID] = append(byOrg[e.OrgID], i)
	}
	at := tx.now().Truncate(time.Microsecond)
	for _, org := range orgs {
		seq, prev, err := lockAuditHead(ctx, tx, org)
		if err != nil {
			return err
		}
		if seq, err = auditSeqPastStrays(ctx, tx, org, seq); err != nil {
			return err
		}
		args := make([]any, 0, len(byOrg[org])*12)
		for _, i := range byOrg[org] {
			e := &events[i]
			seq++
			e.Seq, e.At, e.PrevHash = seq, at, prev
			e.Hash = e.ChainHash()
			prev = e.Hash
			args = append(args, e.OrgID, e.Seq, e.At.Format(carepath.AuditTimeFormat), e.ActorID, e.Actor, e.Action,
				e.PatientID, e.Object, e.Source, e.Detail, e.PrevHash, e.Hash)
		}
		if err := tx.insertRows(ctx, "INSERT INTO audit_event (org_id, seq, at, actor_id, actor, action, patient_id, object, source, detail, prev_hash, hash) VALUES ("+
			placeholders(12)+")", 12, args); err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
		if err := tx.exec(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE org_id = ?", seq, prev, org); err != nil {
			return err
		}
	}
	return nil
}

// auditSeqPastStrays returns the number after which an organization's
// next record goes: its head's, unless records were written past the head
// outside Carepath (they would take the next numbers and every append
// would fail), in which case after the last of them, still linked to the
// head. It notes the strays for AuditAttention, or that there are none.
func auditSeqPastStrays(ctx context.Context, tx batchTx, org string, head int64) (int64, error) {
	var last, n int64
	found := false
	err := tx.each(ctx, "SELECT seq FROM audit_event WHERE org_id = ? AND seq > ? ORDER BY seq DESC", []any{org, head},
		func(scan func(...any) error) error {
			n++
			if !found {
				found = true
				return scan(&last)
			}
			return nil
		})
	if err != nil {
		return 0, err
	}
	if !found {
		return head, nil
	}
	problem := fmt.Sprintf("The audit trail has %d records after its head (record %d) that Carepath did not write: "+
		"someone wrote to the database directly. Carepath goes on recording after them; run carepath audit verify and investigate.", n, head)
	if err := tx.exec(ctx, "UPDATE audit_head SET attention = ? WHERE org_id = ?", problem, org); err != nil {
		return 0, err
	}
	tx.owner().auditAttention.Store(org, problem)
	return last, nil
}

// lockAuditHead returns the last link of an organization's chain, holding
// it until tx ends so that concurrent appenders (other processes, on
// PostgreSQL) queue behind this one. SQLite's single writer serializes them
// already.
func lockAuditHead(ctx context.Context, tx batchTx, org string) (seq int64, hash string, err error) {
	if err := tx.exec(ctx, "INSERT INTO audit_head (org_id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (org_id) DO NOTHING",
		org, carepath.AuditGenesis); err != nil {
		return 0, "", err
	}
	q := "SELECT seq, hash FROM audit_head WHERE org_id = ?"
	if tx.dialect() == Postgres {
		q += " FOR UPDATE"
	}
	found := false
	err = tx.each(ctx, q, []any{org}, func(scan func(...any) error) error {
		found = true
		return scan(&seq, &hash)
	})
	if err == nil && !found {
		err = fmt.Errorf("store: no audit head for %s", org)
	}
	return seq, hash, err
}

// auditOrg returns the organization whose trail the actor may read: their
// own, or for the system actor the one asked for.
func auditOrg(ctx context.Context, asked string) (string, error) {
	a := carepath.ActorFromContext(ctx)
	switch {
	case a == nil:
		return "", carepath.Errorf(carepath.EUNAUTHORIZED, "Sign in to read the audit trail.")
	case a.User == nil && asked != "":
		return asked, nil
	case !a.Role().CanReadAudit():
		return "", carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	return a.OrgID, nil
}

// FindAuditEvents implements carepath.AuditService. Reading the trail is
// itself audited.
func (db *DB) FindAuditEvents(ctx context.Context, f carepath.AuditFilter) ([]*carepath.AuditEvent, error) {
	org, err := auditOrg(ctx, f.OrgID)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	where, args := "a.org_id = ? AND a.seq > ?", []any{org, f.AfterSeq}
	order := " ORDER BY a.seq"
	if f.Newest {
		order = " ORDER BY a.seq DESC"
		if f.BeforeSeq > 0 {
			where, args = where+" AND a.seq < ?", append(args, f.BeforeSeq)
		}
	}
	if f.PatientID != "" {
		where, args = where+" AND a.patient_id = ?", append(args, f.PatientID)
	}
	if q := strings.TrimSpace(f.Patient); q != "" {
		// The patient's id, or their name as the panel searches it (a
		// prefix of "family given"); one IN list, which the patient index
		// of the trail serves.
		where += " AND a.patient_id IN (SELECT CAST(? AS TEXT) UNION ALL SELECT id FROM patient WHERE org_id = ? AND name_key >= ? AND name_key < ?)"
		name := carepath.NameQueryKey(q)
		args = append(args, q, org, name, name+"\uffff")
	}
	if f.ActorID != "" {
		where, args = where+" AND a.actor_id = ?", append(args, f.ActorID)
	}
	rows, err := db.query(ctx, "SELECT "+prefixed("a.", auditColumns)+", COALESCE(p.family || ', ' || p.given, '') FROM audit_event a"+
		" LEFT JOIN patient p ON p.org_id = a.org_id AND p.id = a.patient_id AND a.patient_id <> '' WHERE "+where+order+" LIMIT ?", append(args, f.Limit)...)
	out, err := collect(rows, err, func(scan func(...any) error) (*carepath.AuditEvent, error) {
		var name string
		e, err := scanAuditEvent(func(dest ...any) error { return scan(append(dest, &name)...) })
		if e != nil {
			e.PatientName = strings.TrimSuffix(name, ", ")
		}
		return e, err
	})
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%d records", len(out))
	if f.Patient != "" {
		detail += fmt.Sprintf(" of patient %q (an id or the start of a name)", f.Patient)
	}
	if err := db.RecordAudit(ctx, carepath.AuditEvent{OrgID: org, Action: carepath.AuditTrailRead,
		PatientID: f.PatientID, Object: "audit_event", Detail: detail}); err != nil {
		return nil, err
	}
	return out, nil
}

const auditColumns = "org_id, seq, at, actor_id, actor, action, patient_id, object, source, detail, prev_hash, hash"

func scanAuditEvent(scan func(...any) error) (*carepath.AuditEvent, error) {
	var e carepath.AuditEvent
	var at string
	if err := scan(&e.OrgID, &e.Seq, &at, &e.ActorID, &e.Actor, &e.Action, &e.PatientID, &e.Object, &e.Source,
		&e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	var err error
	if e.At, err = time.Parse(carepath.AuditTimeFormat, at); err != nil {
		// A time that does not parse is kept as the zero time; the chain
		// check then reports the record.
		e.At = time.Time{}
	}
	return &e, nil
}

// VerifyAudit implements carepath.AuditService.
func (db *DB) VerifyAudit(ctx context.Context, anchors ...carepath.AuditAnchor) ([]carepath.AuditVerification, error) {
	a := carepath.ActorFromContext(ctx)
	if a == nil {
		return nil, carepath.Errorf(carepath.EUNAUTHORIZED, "Sign in to verify the audit trail.")
	}
	var orgs []string
	if a.User == nil && a.OrgID == "" {
		rows, err := db.query(ctx, "SELECT org_id FROM audit_head ORDER BY org_id")
		orgs, err = collect(rows, err, func(scan func(...any) error) (o string, err error) { return o, scan(&o) })
		if err != nil {
			return nil, err
		}
	} else {
		org, err := auditOrg(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		orgs = []string{org}
	}
	var out []carepath.AuditVerification
	for _, org := range orgs {
		var mine []carepath.AuditAnchor
		for _, an := range anchors {
			if an.OrgID == org {
				mine = append(mine, an)
			}
		}
		v, err := db.verifyChain(ctx, org, mine)
		if err != nil {
			return nil, err
		}
		if v.BrokenAt == 0 {
			if err := db.clearAuditAttention(ctx, org); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// verifyChain checks one organization's chain. Every record must match
// its hash; from the head, each record's PrevHash must name the record
// before it, down to the first; every record must be reached so (one
// inserted beside the chain is not); and every anchor must be on it. The
// problem reported is the one at the lowest record.
func (db *DB) verifyChain(ctx context.Context, org string, anchors []carepath.AuditAnchor) (carepath.AuditVerification, error) {
	v := carepath.AuditVerification{OrgID: org}
	// One read transaction: a consistent snapshot while appends go on.
	tx, err := db.beginRead(ctx)
	if err != nil {
		return v, err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, db.rebind("SELECT seq, hash FROM audit_head WHERE org_id = ?"), org).Scan(&v.HeadSeq, &v.HeadHash)
	if errors.Is(err, sql.ErrNoRows) {
		v.HeadHash = carepath.AuditGenesis
	} else if err != nil {
		return v, err
	}
	rows, err := tx.QueryContext(ctx, db.rebind("SELECT seq, prev_hash, hash, "+auditColumns+" FROM audit_event WHERE org_id = ? ORDER BY seq"), org)
	if err != nil {
		return v, err
	}
	// Only the links are kept (a chain of millions is read once).
	type link struct {
		seq        int64
		prev, hash string
	}
	var links []link
	bySeq := map[int64]int{}
	broken := func(seq int64, problem string) {
		if v.BrokenAt == 0 || seq < v.BrokenAt {
			v.BrokenAt, v.Problem = seq, problem
		}
	}
	err = scanAll(rows, func(scan func(...any) error) error {
		var l link
		e, err := scanAuditEvent(func(dest ...any) error { return scan(append([]any{&l.seq, &l.prev, &l.hash}, dest...)...) })
		if err != nil {
			return err
		}
		if e.ChainHash() != e.Hash {
			broken(e.Seq, fmt.Sprintf("record %d was changed: its contents do not match its hash", e.Seq))
		}
		bySeq[l.seq] = len(links)
		links = append(links, l)
		return nil
	})
	if err != nil {
		return v, err
	}
	v.Records = int64(len(links))
	// From the head back. The chain's records are in sequence order,
	// those inserted beside it aside: the link before a record is the
	// latest earlier record whose hash its PrevHash names.
	reached := make([]bool, len(links))
	i, ok := bySeq[v.HeadSeq]
	if v.HeadSeq > 0 && (!ok || links[i].hash != v.HeadHash) {
		broken(v.HeadSeq, fmt.Sprintf("the head names record %d, which the chain does not end with: records were removed from the end", v.HeadSeq))
		// Walk from the latest record up to the head's number all the same.
		i = -1
		for j := len(links) - 1; j >= 0; j-- {
			if links[j].seq <= v.HeadSeq {
				i = j
				break
			}
		}
	}
	if v.HeadSeq == 0 {
		i = -1
	}
	for i >= 0 {
		reached[i] = true
		prev := links[i].prev
		if prev == carepath.AuditGenesis {
			if links[i].seq != 1 {
				broken(1, fmt.Sprintf("record %d is the first of the chain: records before it are missing", links[i].seq))
			}
			break
		}
		j := i - 1
		for j >= 0 && links[j].hash != prev {
			j--
		}
		if j < 0 {
			// Go on from the record before the hole, to check the rest.
			broken(links[i].seq-1, fmt.Sprintf("record %d is missing (record %d links to it)", links[i].seq-1, links[i].seq))
			j = i - 1
		}
		i = j
	}
	first := int64(0)
	for j, l := range links {
		if !reached[j] {
			v.Unlinked++
			if first == 0 {
				first = l.seq
			}
		}
	}
	if v.Unlinked > 0 {
		broken(first, fmt.Sprintf("record %d is not linked from the chain's head (%d records are not): written beside the chain, not by Carepath", first, v.Unlinked))
	}
	for _, an := range anchors {
		j, ok := bySeq[an.Seq]
		switch {
		case an.Seq > v.HeadSeq:
			broken(an.Seq, fmt.Sprintf("the anchor %s is past the head (record %d): the chain was cut or rewritten since", an, v.HeadSeq))
		case !ok || !reached[j]:
			broken(an.Seq, fmt.Sprintf("the anchor %s is not on the chain: record %d is gone", an, an.Seq))
		case links[j].hash != an.Hash:
			broken(an.Seq, fmt.Sprintf("the anchor %s does not match: record %d's hash is %s, so the chain was rewritten since the anchor was taken", an, an.Seq, links[j].hash))
		}
	}
	return v, nil
}

// AuditHeads returns each organization's chain head as an anchor, to be
// written somewhere the database's writers cannot reach (serve logs them).
// The system actor only.
func (db *DB) AuditHeads(ctx context.Context) ([]carepath.AuditAnchor, error) {
	if a := carepath.ActorFromContext(ctx); a == nil || a.User != nil {
		return nil, carepath.Errorf(carepath.EUNAUTHORIZED, "Only the system reads the audit heads.")
	}
	rows, err := db.query(ctx, "SELECT org_id, seq, hash FROM audit_head WHERE seq > 0 ORDER BY org_id")
	return collect(rows, err, func(scan func(...any) error) (a carepath.AuditAnchor, err error) {
		return a, scan(&a.OrgID, &a.Seq, &a.Hash)
	})
}

// AuditAttention says what is wrong with an organization's chain, as an
// append found it ("" when nothing is): records past its head, which
// Carepath did not write. Appends go on, after them; the server shows it
// to administrators and auditors and logs it until a verification finds
// the chain whole. It is kept in the chain's head and read once per
// process.
func (db *DB) AuditAttention(org string) string {
	if v, ok := db.auditAttention.Load(org); ok {
		return v.(string)
	}
	var problem string
	err := db.queryRow(context.Background(), "SELECT attention FROM audit_head WHERE org_id = ?", org).Scan(&problem)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "The audit trail's head could not be read: " + err.Error()
	}
	db.auditAttention.Store(org, problem)
	return problem
}

// clearAuditAttention forgets what was wrong with a chain that has since
// verified whole.
func (db *DB) clearAuditAttention(ctx context.Context, org string) error {
	if db.AuditAttention(org) == "" {
		return nil
	}
	err := db.RunInTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE audit_head SET attention = '' WHERE org_id = ?", org)
		return err
	})
	if err == nil {
		db.auditAttention.Store(org, "")
	}
	return err
}
