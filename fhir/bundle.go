package fhir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"carepath"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// UnitError is why a bundle (or NDJSON line) was rejected: the entry at
// fault (-1 for the bundle itself) and the reason, in words for the person
// who sent the data.
type UnitError struct {
	Entry  int
	Reason string
}

func (e *UnitError) Error() string {
	if e.Entry < 0 {
		return e.Reason
	}
	return fmt.Sprintf("entry %d: %s", e.Entry, e.Reason)
}

func bundleErr(format string, args ...any) error {
	return &UnitError{Entry: -1, Reason: fmt.Sprintf(format, args...)}
}

func entryErr(i int, format string, args ...any) error {
	return &UnitError{Entry: i, Reason: fmt.Sprintf(format, args...)}
}

type bundleJSON struct {
	ResourceType string      `json:"resourceType"`
	Type         string      `json:"type"`
	Entry        []entryJSON `json:"entry"`
}

type entryJSON struct {
	FullURL  string         `json:"fullUrl"`
	Resource jsontext.Value `json:"resource"`
	Request  *struct {
		Method      string `json:"method"`
		URL         string `json:"url"`
		IfNoneExist string `json:"ifNoneExist"`
		IfMatch     string `json:"ifMatch"`
	} `json:"request"`
}

type resourceHeader struct {
	ResourceType string  `json:"resourceType"`
	ID           *string `json:"id"`
}

// entry is one resource of a unit while it is being parsed.
type entry struct {
	index      int
	fullURL    string
	raw        []byte // compacted resource JSON
	typ, id    string
	hadID      bool
	createOnly bool
	refs       []refSpan
}

// refSpan is a reference string found in raw: its bytes are raw[start:end]
// (inside the quotes) and value is its decoded text.
type refSpan struct {
	start, end int
	value      string
	target     string // resolved "Type/id" or an absolute URL left as is
}

// Parse reads one FHIR R4 JSON document, a Bundle or a single resource, into
// an import unit. Source names it in reports. A document that cannot be
// imported whole returns a *UnitError saying which entry and why.
// Parse takes ownership of data.
func Parse(data []byte, source string) (*carepath.ImportUnit, error) {
	typ, ok := sniffType(data)
	if !ok {
		var h resourceHeader
		if err := json.Unmarshal(data, &h); err != nil {
			return nil, bundleErr("not valid JSON: %s", jsonProblem(err))
		}
		typ = h.ResourceType
	}
	if typ == "Bundle" {
		return parseBundle(data, source)
	}
	e, err := newEntry(0, "", data)
	if err != nil {
		return nil, err
	}
	if !e.hadID {
		e.id = contentID(e.raw)
	}
	return finish(source, []*entry{e})
}

func parseBundle(data []byte, source string) (*carepath.ImportUnit, error) {
	var b bundleJSON
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, bundleErr("not a valid R4 Bundle: %s", jsonProblem(err))
	}
	withRequests := false
	switch b.Type {
	case "transaction", "batch":
		withRequests = true
	case "collection":
	case "":
		return nil, bundleErr("Bundle.type is missing (required)")
	default:
		return nil, bundleErr("Bundle.type %q cannot be imported: only transaction, batch and collection bundles can", b.Type)
	}
	entries := make([]*entry, 0, len(b.Entry))
	for i, be := range b.Entry {
		if len(be.Resource) == 0 {
			return nil, entryErr(i, "has no resource")
		}
		e, err := newEntry(i, be.FullURL, be.Resource)
		if err != nil {
			return nil, err
		}
		if withRequests {
			if be.Request == nil || be.Request.Method == "" || be.Request.URL == "" {
				return nil, entryErr(i, "request.method and request.url are required in a %s bundle", b.Type)
			}
			switch be.Request.Method {
			case "PUT":
				if err := e.idFromPUT(be.Request.URL); err != nil {
					return nil, err
				}
			case "POST":
				e.createOnly = be.Request.IfNoneExist != ""
			default:
				return nil, entryErr(i, "request method %s is not supported for import (only POST and PUT)", be.Request.Method)
			}
		}
		if !e.hadID && e.id == "" {
			e.id = idFromFullURL(be.FullURL, e.typ)
		}
		if e.id == "" {
			e.id = contentID(e.raw)
		}
		entries = append(entries, e)
	}
	return finish(source, entries)
}

// newEntry decodes what every entry needs: its type and its id. It takes
// ownership of resource, which it compacts in place.
func newEntry(i int, fullURL string, resource []byte) (*entry, error) {
	v := jsontext.Value(resource)
	if err := v.Compact(); err != nil {
		return nil, entryErr(i, "resource is not valid JSON: %s", jsonProblem(err))
	}
	// Compacting works in place; copy to drop the pretty-printed capacity,
	// which would otherwise stay alive (about twice the size) until written.
	v = bytes.Clone(v)
	h, ok := peekHeader(v)
	if !ok {
		if err := json.Unmarshal(v, &h); err != nil {
			return nil, entryErr(i, "resource is not a valid FHIR resource: %s", jsonProblem(err))
		}
	}
	if h.ResourceType == "" {
		return nil, entryErr(i, "resourceType is missing (required)")
	}
	if holdsNUL(v) {
		return nil, entryErr(i, "a text holds a NUL character (\\u0000), which no person writes and Carepath does not store")
	}
	if !resourceTypes[h.ResourceType] {
		if ver, ok := olderTypes[h.ResourceType]; ok {
			return nil, entryErr(i, "resourceType %s is FHIR %s, not R4", h.ResourceType, ver)
		}
		return nil, entryErr(i, "unknown resourceType %q (not an R4 resource type)", h.ResourceType)
	}
	if h.ResourceType == "Bundle" {
		return nil, entryErr(i, "nested Bundles cannot be imported")
	}
	e := &entry{index: i, fullURL: fullURL, raw: v, typ: h.ResourceType, hadID: h.ID != nil}
	if e.hadID {
		e.id = *h.ID
	}
	if e.hadID && !validID(e.id) {
		return nil, entryErr(i, "%s id %q is not a valid FHIR id (1-64 letters, digits, '-' and '.')", e.typ, e.id)
	}
	return e, nil
}

// holdsNUL reports whether the JSON text v holds a NUL in a string: as
// the escape \u0000, the only way valid JSON can (an escaped backslash
// before "u0000" is text, not a NUL). PostgreSQL stores no NUL in text,
// and the import would fail on it with a database error instead of a
// reason.
func holdsNUL(v []byte) bool {
	for i := 0; ; {
		j := bytes.Index(v[i:], []byte("u0000"))
		if j < 0 {
			return false
		}
		j += i
		slashes := 0
		for k := j - 1; k >= 0 && v[k] == '\\'; k-- {
			slashes++
		}
		if slashes%2 == 1 {
			return true
		}
		i = j + 1
	}
}

// sniffType reads resourceType when it is the first member of the
// document, whatever the white space, without decoding the rest.
func sniffType(data []byte) (string, bool) {
	rest := trimSpace(data)
	for _, want := range []string{"{", `"resourceType"`, ":", `"`} {
		var ok bool
		if rest, ok = bytes.CutPrefix(rest, []byte(want)); !ok {
			return "", false
		}
		if want != `"` {
			rest = trimSpace(rest)
		}
	}
	typ, _, ok := cutPlainString(rest)
	return typ, ok
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// peekHeader reads resourceType and id from compacted JSON that starts with
// them, as nearly all sources write it: {"resourceType":"X","id":"Y",...}.
// It saves a decoding pass over the whole resource.
func peekHeader(v []byte) (h resourceHeader, ok bool) {
	rest, ok := bytes.CutPrefix(v, []byte(`{"resourceType":"`))
	if !ok {
		return h, false
	}
	typ, rest, ok := cutPlainString(rest)
	if !ok {
		return h, false
	}
	h.ResourceType = typ
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"id":"`)); !ok {
		// No id first: fine only if there is no id anywhere at the top level,
		// which only a full decode can tell.
		return h, false
	}
	id, rest, ok := cutPlainString(rest)
	if !ok {
		return h, false
	}
	h.ID = &id
	return h, len(rest) > 0 && (rest[0] == ',' || rest[0] == '}')
}

// cutPlainString reads a JSON string body without escapes up to its closing
// quote and returns it and what follows.
func cutPlainString(b []byte) (string, []byte, bool) {
	for i, c := range b {
		switch {
		case c == '"':
			return string(b[:i]), b[i+1:], true
		case c == '\\' || c < 0x20:
			return "", nil, false
		}
	}
	return "", nil, false
}

// idFromPUT takes the id from a PUT request URL ("Type/id"), which must agree
// with the resource.
func (e *entry) idFromPUT(url string) error {
	if strings.Contains(url, "?") {
		return entryErr(e.index, "conditional update %q is not supported for import; PUT to Type/id", url)
	}
	typ, id, ok := strings.Cut(strings.Trim(url, "/"), "/")
	if !ok || strings.Contains(id, "/") {
		return entryErr(e.index, "PUT url %q is not of the form Type/id", url)
	}
	if typ != e.typ {
		return entryErr(e.index, "PUT url %q names %s but the resource is a %s", url, typ, e.typ)
	}
	if !validID(id) {
		return entryErr(e.index, "PUT url %q: %q is not a valid FHIR id", url, id)
	}
	if e.hadID && e.id != id {
		return entryErr(e.index, "resource id %q does not match PUT url %q", e.id, url)
	}
	e.id = id
	return nil
}

// idFromFullURL gives a created resource a stable id, so that importing the
// same bundle again updates instead of duplicating: the UUID of a
// urn:uuid fullUrl, or the id at the end of an absolute one.
func idFromFullURL(fullURL, typ string) string {
	if u, ok := strings.CutPrefix(fullURL, "urn:uuid:"); ok && validID(u) {
		return u
	}
	if i := strings.LastIndex(fullURL, "/"+typ+"/"); i >= 0 {
		if id := fullURL[i+len(typ)+2:]; validID(id) {
			return id
		}
	}
	return ""
}

// contentID names a resource that came with no id of any kind after its
// content, so the same content always gets the same id.
func contentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "h" + hex.EncodeToString(sum[:15])
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// finish resolves references across the unit's entries, rewrites the JSON
// and converts each resource.
func finish(source string, entries []*entry) (*carepath.ImportUnit, error) {
	byURL := make(map[string]*entry, len(entries))
	byKey := make(map[string]*entry, len(entries))
	for _, e := range entries {
		key := e.typ + "/" + e.id
		if prev, ok := byKey[key]; ok {
			return nil, entryErr(e.index, "%s appears twice in the bundle (entries %d and %d)", key, prev.index, e.index)
		}
		byKey[key] = e
		if e.fullURL != "" {
			if prev, ok := byURL[e.fullURL]; ok {
				return nil, entryErr(e.index, "fullUrl %s appears twice in the bundle (entries %d and %d)", e.fullURL, prev.index, e.index)
			}
			byURL[e.fullURL] = e
		}
	}
	r := &resolver{byURL: byURL, byKey: byKey, entries: entries}
	unit := &carepath.ImportUnit{Source: source, Resources: make([]carepath.ImportResource, 0, len(entries))}
	for _, e := range entries {
		if err := r.resolve(e, unit); err != nil {
			return nil, err
		}
		e.rewrite()
	}
	for _, e := range entries {
		rec, err := convert(e)
		if err != nil {
			return nil, entryErr(e.index, "%s/%s: %v", e.typ, e.id, err)
		}
		sum := sha256.Sum256(e.raw)
		patient := e.patientID()
		if p, ok := recordPatient(rec); ok {
			patient = p // the patient the typed record is filed under
		}
		unit.Resources = append(unit.Resources, carepath.ImportResource{
			EntryIndex: e.index,
			Type:       e.typ,
			ID:         e.id,
			PatientID:  patient,
			JSON:       e.raw,
			Hash:       hex.EncodeToString(sum[:16]),
			Record:     rec,
			CreateOnly: e.createOnly,
		})
	}
	return unit, nil
}

// patientID is the patient whose compartment holds the resource: itself for
// a Patient, else the first reference to a Patient.
func (e *entry) patientID() string {
	if e.typ == "Patient" {
		return e.id
	}
	if !patientCompartment[e.typ] {
		return ""
	}
	for _, ref := range e.refs {
		if id, ok := strings.CutPrefix(ref.target, "Patient/"); ok {
			return id
		}
	}
	return ""
}

// rewrite replaces every resolved reference in raw with its target and adds
// the id a resource was given when it came without one.
func (e *entry) rewrite() {
	changed := !e.hadID
	for _, ref := range e.refs {
		if ref.target != ref.value {
			changed = true
			break
		}
	}
	if !changed {
		return
	}
	out := make([]byte, 0, len(e.raw)+len(e.id)+16)
	prev := 0
	if !e.hadID {
		// {"resourceType":"X", ... } -> {"resourceType":"X","id":"...", ...}
		cut := bytes.IndexByte(e.raw, ',')
		if cut < 0 {
			cut = len(e.raw) - 1
		}
		out = append(out, e.raw[:cut]...)
		out = append(out, `,"id":"`...)
		out = append(out, e.id...)
		out = append(out, '"')
		prev = cut
		if !bytes.HasPrefix(e.raw, []byte(`{"resourceType":`)) {
			// resourceType is not first: put the id first instead.
			out = append(out[:0], `{"id":"`...)
			out = append(out, e.id...)
			out = append(out, `",`...)
			prev = 1
		}
	}
	for _, ref := range e.refs {
		if ref.target == ref.value {
			continue
		}
		out = append(out, e.raw[prev:ref.start]...)
		q, _ := jsontext.AppendQuote(nil, ref.target)
		out = append(out, q[1:len(q)-1]...)
		prev = ref.end
	}
	out = append(out, e.raw[prev:]...)
	e.raw = out
}

// jsonProblem shortens a decoding error to what a person needs.
func jsonProblem(err error) string {
	var se *json.SemanticError
	if errors.As(err, &se) {
		where := string(se.JSONPointer)
		if where == "" {
			where = "/"
		}
		want := "a different type"
		if se.GoType != nil {
			want = describeGoType(se.GoType.String())
		}
		if se.JSONKind != 0 {
			return fmt.Sprintf("at %s: found a JSON %s where R4 has %s", where, kindName(se.JSONKind), want)
		}
		if se.Err != nil {
			return fmt.Sprintf("at %s: %v", where, se.Err)
		}
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return fmt.Sprintf("at byte %d: %v", syn.ByteOffset, syn.Err)
	}
	return err.Error()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return k.String()
}

func describeGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.Contains(t, "codeableConcept"):
		return "a CodeableConcept object"
	case strings.Contains(t, "coding"):
		return "a Coding object"
	case strings.Contains(t, "reference"):
		return "a Reference object"
	case strings.Contains(t, "string"):
		return "a string"
	case strings.Contains(t, "float64"), strings.Contains(t, "int"):
		return "a number"
	case strings.Contains(t, "bool"):
		return "a boolean"
	}
	return "an object"
}
