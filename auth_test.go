package carepath

import (
	"testing"
	"time"
)

func TestSignInDelay(t *testing.T) {
	for _, c := range []struct {
		failures, free int
		want           time.Duration
	}{
		{0, 5, 0}, {5, 5, 0}, {6, 5, time.Second}, {7, 5, 2 * time.Second}, {10, 5, 16 * time.Second},
		{14, 5, 256 * time.Second}, {15, 5, 512 * time.Second}, {16, 5, MaxSignInDelay}, {1000, 5, MaxSignInDelay},
		{20, 20, 0}, {21, 20, time.Second},
	} {
		if got := SignInDelay(c.failures, c.free); got != c.want {
			t.Errorf("SignInDelay(%d, %d) = %v; want %v", c.failures, c.free, got, c.want)
		}
	}
}
