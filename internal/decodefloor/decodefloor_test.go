package decodefloor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.json")
	os.WriteFile(good, []byte(`{"resourceType":"Bundle","entry":[{},{},{}]}`), 0o644)
	other := filepath.Join(dir, "b.json")
	os.WriteFile(other, []byte(`{"resourceType":"Bundle","entry":[{}]}`), 0o644)
	if n, err := Decode([]string{good, other}); err != nil || n != 4 {
		t.Errorf("two bundles: %d entries, %v", n, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"entry":[`), 0o644)
	if _, err := Decode([]string{good, bad}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a broken file: %v", err)
	}
}
