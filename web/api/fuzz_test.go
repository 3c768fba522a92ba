package api

import (
	"reflect"
	"strings"
	"testing"

	"carepath"
)

// FuzzDecodeJSON: whatever an API client sends, decodeJSON refuses it
// with EINVALID or gives a value decoded from one JSON object alone, with
// no NUL in any text; never a panic.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"title": "Call back", "due": "2026-12-08T10:00:00Z", "version": 3}`, `null`, `{}`, `{"title": "a"} {}`,
		`{"title": "a\u0000b"}`, `{"problems": [{"text": "x", "goals": [{"description": "y", "target_values": [130, 80]}]}]}`, `[]`, ` {"why":"x"}  `,
		`{"staff": [{"user_id": "u", "role": "primary"}], "outside": null}`, `{"due": "9999-12-31T00:00:00Z"}`, `{"unknown": 1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, v := range []any{&apiTaskInput{}, &apiCarePlan{}, &apiCareTeam{}, &struct {
			Revision *int    `json:"revision"`
			Why      string  `json:"why"`
			Status   *string `json:"status"`
		}{}} {
			err := decodeJSON([]byte(body), "a test", v)
			if err != nil {
				if carepath.ErrorCode(err) != carepath.EINVALID {
					t.Fatalf("%q into %T: not EINVALID: %v", body, v, err)
				}
				continue
			}
			if !strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), "{") || hasNUL(reflect.ValueOf(v)) {
				t.Fatalf("%q into %T: accepted", body, v)
			}
		}
	})
}

// FuzzPatientCursor: a cursor from a client is one this API wrote, read
// back as it was written, or EINVALID.
func FuzzPatientCursor(f *testing.F) {
	f.Add(encodePatientCursor("rivera ana\x00p1"))
	f.Add(encodePatientCursor("\x00p1"))
	f.Add("cml2ZXJh")
	f.Add("!!")
	f.Add(encodePatientCursor("a\x00b\x00c"))
	f.Add(encodePatientCursor("\xff\x00p"))
	f.Fuzz(func(t *testing.T, c string) {
		after, err := decodePatientCursor(c)
		if err != nil {
			if carepath.ErrorCode(err) != carepath.EINVALID {
				t.Fatalf("%q: %v", c, err)
			}
			return
		}
		if encodePatientCursor(after) != c || strings.Count(after, "\x00") != 1 {
			t.Fatalf("%q reads as %q", c, after)
		}
	})
}
