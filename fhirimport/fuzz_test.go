package fhirimport

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// FuzzReadFile feeds the reader of import files (JSON, NDJSON, gzip and
// tar.gz archives) arbitrary bytes under each kind of name. Whatever they
// hold, it must not panic or hang, every document it passes on must come
// from the input (an NDJSON line, a file in the archive), named by where
// it came from, and every problem is reported against the file.
func FuzzReadFile(f *testing.F) {
	bundle := []byte(`{"resourceType":"Patient","id":"a"}`)
	f.Add("x.json", bundle)
	f.Add("x.ndjson", []byte("{\"a\":1}\n\n{\"b\":2}\r\n  \n{\"c\":3}"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bundle)
	zw.Close()
	f.Add("x.json.gz", gz.Bytes())
	var tgz bytes.Buffer
	zw = gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	for _, file := range []struct{ name, body string }{{"a/Patient.ndjson", "{\"a\":1}\n{\"b\":2}\n"}, {"a/b.json", string(bundle)}, {"a/skip.txt", "x"}} {
		tw.WriteHeader(&tar.Header{Name: file.name, Mode: 0o644, Size: int64(len(file.body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(file.body))
	}
	tw.Close()
	zw.Close()
	f.Add("x.tar.gz", tgz.Bytes())
	f.Add("x.tgz", []byte("not gzip"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !importable(name) || strings.ContainsAny(name, ":\n") {
			return
		}
		lower := strings.ToLower(name)
		archive := strings.HasSuffix(lower, ".gz") || strings.HasSuffix(lower, ".tgz")
		var docs int
		readFile(name, bytes.NewReader(data), func(source string, doc []byte) bool {
			docs++
			if !strings.HasPrefix(source, strings.TrimSuffix(name, ".gz")) {
				t.Fatalf("a document of %s is named %q", name, source)
			}
			if !archive && !bytes.Contains(data, doc) {
				t.Fatalf("%s: a document that is not in the input: %q", source, doc)
			}
			if !archive && strings.HasSuffix(lower, "json") && strings.HasSuffix(lower, ".ndjson") == (source == name) {
				t.Fatalf("%s: NDJSON lines are named by their line, whole files by the file", source)
			}
			return true
		}, func(source string, err error) {
			if !strings.HasPrefix(source, strings.TrimSuffix(name, ".gz")) || err == nil {
				t.Fatalf("a failure of %s reported as %q: %v", name, source, err)
			}
		})
		if !archive && !strings.HasSuffix(lower, ".ndjson") && !strings.HasSuffix(lower, ".jsonl") && docs != 1 {
			t.Fatalf("%s gave %d documents", name, docs)
		}
	})
}
