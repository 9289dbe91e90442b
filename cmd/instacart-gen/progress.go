package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line bar on stderr; it is only created when stderr
// is a terminal or --progress asks for it, so logs and tests stay clean.
type progress struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

// update redraws the bar at most ten times a second.
func (p *progress) update(done int) {
	if p == nil {
		return
	}
	now := time.Now()
	if done < p.total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	frac := float64(done) / float64(max(p.total, 1))
	filled := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %5.1f%% %d/%d users %5.1fs", strings.Repeat("=", filled),
		strings.Repeat(" ", width-filled), 100*frac, done, p.total, now.Sub(p.start).Seconds())
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p != nil {
		p.update(p.total)
		fmt.Fprintln(p.w)
	}
}
