package web

import (
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
