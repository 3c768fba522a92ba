package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// rateLine reports a countable operation's progress: count, rate and ETA,
// redrawn in place on a terminal, every few seconds otherwise.
type rateLine struct {
	mu       sync.Mutex
	w        io.Writer
	verb     string
	unit     string
	total    int
	start    time.Time
	last     time.Time
	terminal bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newRateLine(w io.Writer, verb, unit string, total int) *rateLine {
	return &rateLine{w: w, verb: verb, unit: unit, total: total, start: time.Now(), terminal: isTerminal(w)}
}

func (p *rateLine) update(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	every := 5 * time.Second
	if p.terminal {
		every = 200 * time.Millisecond
	}
	if now.Sub(p.last) < every && done != p.total {
		return
	}
	p.last = now
	p.print(done)
}

func (p *rateLine) print(done int) {
	el := time.Since(p.start)
	rate := float64(done) / max(el.Seconds(), 1e-9)
	eta := formatETA(el, float64(done)/float64(max(p.total, 1)))
	line := fmt.Sprintf("%s: %d/%d %s (%.0f%%), %.0f %s/s, ETA %s", p.verb, done, p.total, p.unit,
		100*float64(done)/float64(max(p.total, 1)), rate, p.unit, eta)
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s   ", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *rateLine) finish() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

// formatETA estimates the time left from the time spent and the fraction
// done, to the second; "--" while there is too little to go on or nothing
// left.
func formatETA(elapsed time.Duration, frac float64) string {
	if frac <= 0.01 || frac >= 1 {
		return "--"
	}
	return (time.Duration(float64(elapsed)*(1-frac)/frac) + time.Second/2).Truncate(time.Second).String()
}
