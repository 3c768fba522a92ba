package web

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestFailureLimiter(t *testing.T) {
	l := newFailureLimiter(3, 10*time.Second)
	now := time.Date(2026, 5, 22, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if l.blocked("a", now) {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("a", now)
	}
	if !l.blocked("a", now) {
		t.Fatal("not blocked after the burst of failures")
	}
	if l.blocked("b", now) {
		t.Fatal("another address is blocked")
	}
	if l.blocked("a", now.Add(10*time.Second)) {
		t.Fatal("still blocked once one failure refilled")
	}
	l.fail("a", now.Add(10*time.Second))
	if !l.blocked("a", now.Add(11*time.Second)) {
		t.Fatal("a failure right after the refill did not block again")
	}
	// Full buckets are forgotten, so memory stays bounded.
	l.blocked("c", now.Add(2*time.Minute))
	l.blocked("c", now.Add(4*time.Minute))
	if _, ok := l.buckets["b"]; ok {
		t.Error("a full bucket was kept")
	}
}

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
