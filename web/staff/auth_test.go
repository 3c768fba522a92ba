package staff

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCachedForRefreshesInTheBackground(t *testing.T) {
	var m sync.Map
	loads := make(chan int, 10)
	n := 0
	load := func(context.Context) (int, error) {
		n++
		loads <- n
		return n, nil
	}
	if v, _ := cachedFor(&m, "org", time.Hour, load); v != 1 {
		t.Fatalf("first load: %d", v)
	}
	<-loads
	if v, _ := cachedFor(&m, "org", time.Hour, load); v != 1 || len(loads) != 0 {
		t.Fatalf("fresh value reloaded: %d", v)
	}
	// Stale: the old value now, the new one after the refresh.
	if v, _ := cachedFor(&m, "org", 0, load); v != 1 {
		t.Fatalf("stale value not served while refreshing: %d", v)
	}
	<-loads
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c, _ := m.Load("org"); c.(cached[int]).v == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refresh never landed")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSafeNext: a redirect after sign-in stays on this site, as a browser
// reads the address (the probe of the security review: "/\t/evil.example").
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/work", "/work"},
		{"/patients?q=bailey&cm=all", "/patients?q=bailey&cm=all"},
		{"/tasks/t1#row", "/tasks/t1#row"},
		{"", "/patients"},
		{"work", "/patients"},
		{"https://evil.example/phish", "/patients"},
		{"//evil.example/phish", "/patients"},
		{"/\\evil.example", "/patients"},
		{"\\/evil.example", "/patients"},
		{"/\t/evil.example/phish", "/patients"},
		{"/\n/evil.example", "/patients"},
		{"/\r\n/evil.example", "/patients"},
		{" //evil.example", "/patients"},
		{"\x00//evil.example", "/patients"},
		{"/\x00/evil.example", "/patients"},
		{"javascript:alert(1)", "/patients"},
		{"/%09/evil.example", "/%09/evil.example"}, // an escaped tab stays in the path
		{"/wo\trk", "/work"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// FuzzSafeNext: whatever comes in, what safeNext returns resolves on this
// site, and holds nothing a browser would strip before resolving it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/work", "/\t/evil.example", "//x", "/\\x", "https://x", "/a?b=c#d", " /x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://carepath.example/signin")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if strings.ContainsAny(got, "\t\n\r\\") || strings.TrimSpace(got) != got {
			t.Fatalf("safeNext(%q) = %q, which a browser would change", next, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("safeNext(%q) = %q: %v", next, got, err)
		}
		if r := base.ResolveReference(u); r.Host != base.Host || r.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) = %q resolves to %s", next, got, r)
		}
	})
}
