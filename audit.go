package carepath

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Audit actions: what was done. Reads of patient data are audited as much
// as changes.
const (
	AuditPatientView      = "patient.view"   // a chart or a patient's record read
	AuditPatientSearch    = "patient.search" // a panel or search page listed patients
	AuditImport           = "import"         // an import wrote records
	AuditExport           = "export"
	AuditSignIn           = "sign_in"
	AuditSignInFailed     = "sign_in.failed"
	AuditSignOut          = "sign_out"
	AuditUserCreate       = "user.create"
	AuditUserDisable      = "user.disable"
	AuditPasswordReset    = "user.password_reset"
	AuditPasswordChange   = "user.password_change"
	AuditTokenCreate      = "token.create"
	AuditTokenRevoke      = "token.revoke"
	AuditTrailRead        = "audit.read"
	AuditCareTeamAdd      = "care_team.add"
	AuditTaskCreate       = "task.create"
	AuditTaskUpdate       = "task.update"
	AuditTaskList         = "task.list" // a worklist listed tasks
	AuditAssessmentCreate = "assessment.create"
	AuditAssessmentList   = "assessment.list"
	AuditAssessmentView   = "assessment.view"
	AuditConcernDecide    = "health_concern.decide"
	AuditAssessmentDraft  = "assessment.draft"
	AuditHolidayChange    = "holiday.change"
	AuditScheduleChange   = "schedule.change"
	AuditCarePlanView     = "care_plan.view"
	AuditCarePlanUpdate   = "care_plan.update"
	AuditCareTeamUpdate   = "care_team.update"
	AuditCarePlanSign     = "care_plan.sign"
	AuditCarePlanCopy     = "care_plan.copy_given"
	AuditTemplateAdd      = "care_plan_template.add"
	AuditRiskScore        = "risk.score"
	AuditTransitionOpen   = "transition.open"
	AuditTransitionView   = "transition.view"
	AuditTransitionList   = "transition.list" // the transitions board listed episodes
	AuditTransitionUpdate = "transition.update"
	// A completed reconciliation made the patient's current medication list.
	AuditMedicationListUpdate = "medication_list.update"
	AuditEnrollment           = "enrollment.change" // enrolled, or an enrollment ended
	AuditConsent              = "consent.change"    // a consent recorded or revoked
	AuditTimeEntry            = "time.add"
	AuditBillingSignOff       = "billing.sign_off" // a practitioner reviewed their lines of a month
	AuditBillingClose         = "billing.close"    // a month's lines frozen
	AuditContactLog           = "contact.log"      // a contact logged in the communication log
	AuditNoteWrite            = "note.write"       // a progress note drafted, signed or amended
	AuditNoteRead             = "note.read"        // a patient's notes read (withheld sensitive ones counted)
)

// AuditEvent is one record of the audit trail: who did what, to which
// patient, when and from where. Records form one hash chain per
// organization: Hash covers the record and PrevHash, the previous record's
// Hash.
type AuditEvent struct {
	OrgID     string
	Seq       int64 // 1, 2, 3... within the organization
	At        time.Time
	ActorID   string // a user id, or "system"
	Actor     string // the user's email, or what the system actor was
	Action    string // one of the Audit* actions
	PatientID string // the patient whose data it was, if any
	Object    string // what was touched, e.g. "Patient/123" or "GET /patients"
	Source    string // where from: an IP address, or "cli"
	Detail    string // e.g. the search terms, counts, a reason
	PrevHash  string
	Hash      string

	// PatientName is filled in by reads: the patient's name, as the
	// record is read (not part of the record or its hash).
	PatientName string
}

// AuditFilter selects audit records of one organization.
type AuditFilter struct {
	OrgID     string // the system actor only; users see their own organization's
	PatientID string
	// Patient: records about the patient with this id, or about the
	// patients whose name starts so ("rivera", "Rivera, An"), as a person
	// types it; unlike PatientID it reads no patient.
	Patient string
	ActorID string
	// Newest lists the latest first, paged by BeforeSeq; else oldest
	// first, paged by AfterSeq.
	Newest    bool
	AfterSeq  int64 // records after this one
	BeforeSeq int64 // records before this one (with Newest)
	Limit     int   // at most this many; 0 means 100
}

// AuditVerification is what checking a chain found.
type AuditVerification struct {
	OrgID    string
	Records  int64  // records checked
	HeadSeq  int64  // the chain's last link, as recorded
	HeadHash string // record it elsewhere to detect a rewritten chain later
	// BrokenAt is the first record that does not match its hash, is not
	// linked from the head, or contradicts an anchor (0 when the chain is
	// whole), and Problem why.
	BrokenAt int64
	Problem  string
	// Unlinked counts the records that the chain from the head does not
	// reach: inserted beside it, not appended by Carepath.
	Unlinked int64
}

// AuditAnchor is a link of an organization's chain recorded outside the
// database (the log, an operator's notes): its record's sequence number
// and hash. Someone who can write to the database could rewrite the whole
// chain consistently, hashes and head included; a chain that no longer
// holds an anchor was rewritten.
type AuditAnchor struct {
	OrgID string
	Seq   int64
	Hash  string
}

// String writes the anchor as HASH@SEQ, as the log and `audit verify
// --expect` write it.
func (a AuditAnchor) String() string { return fmt.Sprintf("%s@%d", a.Hash, a.Seq) }

// ParseAuditAnchor reads HASH@SEQ (EINVALID otherwise).
func ParseAuditAnchor(s string) (AuditAnchor, error) {
	hash, seq, ok := strings.Cut(strings.TrimSpace(s), "@")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return AuditAnchor{}, Errorf(EINVALID, "%q is not an audit anchor: write the record's hash, @ and its number (HASH@SEQ).", s)
	}
	return AuditAnchor{Seq: n, Hash: hash}, nil
}

// AuditService appends to and reads the audit trail.
type AuditService interface {
	// RecordAudit appends events for the actor in ctx, filling in the
	// actor, source and time, and returns when they are durable. Events of
	// concurrent calls share a transaction.
	RecordAudit(ctx context.Context, events ...AuditEvent) error
	// FindAuditEvents returns records of the actor's organization (auditors
	// and administrators only), oldest first.
	FindAuditEvents(ctx context.Context, filter AuditFilter) ([]*AuditEvent, error)
	// VerifyAudit checks every organization's chain (the system actor) or
	// the actor's organization's: each record against its hash, the chain
	// from the head back to the first record, every record reached from
	// the head, and each anchor (of the organizations it names) on it.
	VerifyAudit(ctx context.Context, anchors ...AuditAnchor) ([]AuditVerification, error)
}

// AuditTimeFormat is how audit times are stored and hashed: UTC, fixed width,
// microseconds, so that text order is time order.
const AuditTimeFormat = "2006-01-02T15:04:05.000000Z"

// AuditGenesis is the PrevHash of an organization's first record.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHash returns the SHA-256 (hex) of the record's fields and PrevHash,
// each length-prefixed so that no two different records encode alike.
func (e *AuditEvent) ChainHash() string {
	h := sha256.New()
	var buf []byte
	for _, f := range []string{e.OrgID, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(AuditTimeFormat),
		e.ActorID, e.Actor, e.Action, e.PatientID, e.Object, e.Source, e.Detail, e.PrevHash} {
		buf = binary.AppendUvarint(buf[:0], uint64(len(f)))
		h.Write(buf)
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}
