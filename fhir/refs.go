package fhir

import (
	"bytes"
	"net/url"
	"strings"

	"carepath"

	"github.com/go-json-experiment/json"
)

// referenceKey is how every Reference.reference element looks in compacted
// JSON. Inside a JSON string every quote is escaped, so an unescaped match
// can only be structure: the search finds exactly the reference elements.
var referenceKey = []byte(`"reference":"`)

// scanRefs finds every reference string in the entry's JSON.
func (e *entry) scanRefs() error {
	e.refs = e.refs[:0]
	raw := e.raw
	for off := 0; ; {
		i := bytes.Index(raw[off:], referenceKey)
		if i < 0 {
			return nil
		}
		start := off + i + len(referenceKey)
		end, escaped := start, false
		for end < len(raw) && raw[end] != '"' {
			if raw[end] == '\\' {
				escaped = true
				end++
			}
			end++
		}
		if end >= len(raw) {
			return entryErr(e.index, "unterminated reference string")
		}
		value := string(raw[start:end])
		if escaped {
			var s string
			if err := json.Unmarshal(raw[start-1:end+1], &s); err != nil {
				return entryErr(e.index, "bad reference string: %v", err)
			}
			value = s
		}
		e.refs = append(e.refs, refSpan{start: start, end: end, value: value, target: value})
		off = end + 1
	}
}

type resolver struct {
	byURL   map[string]*entry
	byKey   map[string]*entry
	entries []*entry
	idents  map[string]map[string]*entry // type -> "system|value" -> entry, built on first need
}

// resolve finds the target of every reference of e. References inside the
// bundle (by fullUrl, by Type/id, or conditionally by identifier) become
// "Type/id"; relative references to resources outside the bundle become
// ExternalRefs that the store checks; absolute URLs to other servers are kept
// as they are. Anything else is rejected as dangling or malformed.
func (r *resolver) resolve(e *entry, unit *carepath.ImportUnit) error {
	if err := e.scanRefs(); err != nil {
		return err
	}
	for k := range e.refs {
		ref := &e.refs[k]
		v := ref.value
		switch {
		case v == "":
			return entryErr(e.index, "empty reference")
		case v[0] == '#':
			continue // a contained resource
		case strings.HasPrefix(v, "urn:uuid:"), strings.HasPrefix(v, "urn:oid:"):
			t, ok := r.byURL[v]
			if !ok {
				return entryErr(e.index, "dangling reference %s: no entry of the bundle has that fullUrl", v)
			}
			ref.target = t.typ + "/" + t.id
		case strings.Contains(v, "?"):
			t, err := r.conditional(e.index, v)
			if err != nil {
				return err
			}
			ref.target = t.typ + "/" + t.id
		case strings.HasPrefix(v, "http://"), strings.HasPrefix(v, "https://"):
			if t, ok := r.byURL[v]; ok {
				ref.target = t.typ + "/" + t.id
			}
		default:
			typ, id, ok := strings.Cut(v, "/")
			if ok {
				id, _, _ = strings.Cut(id, "/_history/")
			}
			if !ok || !resourceTypes[typ] || !validID(id) {
				return entryErr(e.index, "reference %q is not of the form Type/id, urn:uuid:..., #contained or an absolute URL", v)
			}
			if t, ok := r.byKey[typ+"/"+id]; ok {
				ref.target = t.typ + "/" + t.id
			} else {
				unit.ExternalRefs = append(unit.ExternalRefs, carepath.ExternalRef{EntryIndex: e.index, Type: typ, ID: id})
				ref.target = typ + "/" + id
			}
		}
	}
	return nil
}

// conditional resolves "Type?identifier=system|value" against the bundle's
// own entries, as transaction bundles from Synthea and others use it.
func (r *resolver) conditional(i int, v string) (*entry, error) {
	typ, query, _ := strings.Cut(v, "?")
	param, value, ok := strings.Cut(query, "=")
	if u, err := url.QueryUnescape(value); err == nil {
		value = u
	}
	if !resourceTypes[typ] || !ok || param != "identifier" {
		return nil, entryErr(i, "conditional reference %q is not supported (only Type?identifier=system|value)", v)
	}
	if r.idents == nil {
		r.idents = map[string]map[string]*entry{}
	}
	m, ok := r.idents[typ]
	if !ok {
		m = map[string]*entry{}
		for _, e := range r.entries {
			if e.typ != typ {
				continue
			}
			var ids struct {
				Identifier []identifier `json:"identifier"`
			}
			if err := json.Unmarshal(e.raw, &ids); err != nil {
				return nil, entryErr(e.index, "identifier: %s", jsonProblem(err))
			}
			for _, id := range ids.Identifier {
				m[id.System+"|"+id.Value] = e
				if _, seen := m[id.Value]; !seen {
					m[id.Value] = e
				}
			}
		}
		r.idents[typ] = m
	}
	if t, ok := m[value]; ok {
		return t, nil
	}
	return nil, entryErr(i, "dangling conditional reference %q: no %s in the bundle has that identifier", v, typ)
}
