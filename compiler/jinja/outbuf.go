package jinja

import "unsafe"

// outBuf is where a render writes its output. Unlike strings.Builder it can be reset and
// reused, so a render keeps a free list of them for macro bodies, set blocks and filter
// blocks (one exact-size string allocation per body instead of a chain of growths).
//
// bad holds the first non-string a filter block wrote (its message and position): Jinja2
// appends a filter block's result to the output list as it is (compiler.py
// visit_FilterBlock), and only joining that list fails, so the error is raised when the
// buffer's text is taken (joined), never when a break, continue or return discards it.
type outBuf struct {
	b      []byte
	bad    string
	badPos int
}

// pend records a non-string item written at pos, unless one is recorded already (str.join
// reports the first).
func (o *outBuf) pend(pos int, msg string) {
	if o.bad == "" {
		o.bad, o.badPos = msg, pos
	}
}

// joined fails with the non-string item o holds, if any, as joining Jinja2's output list
// does.
func (r *renderer) joined(o *outBuf) {
	if o.bad != "" {
		msg, pos := o.bad, o.badPos
		o.bad = ""
		r.fail(pos, msg)
	}
}

// WriteString appends s.
func (o *outBuf) WriteString(s string) { o.b = append(o.b, s...) }

// String copies the output, so the buffer can be reused.
func (o *outBuf) String() string { return string(o.b) }

// take returns the output without copying; the buffer must not be written or reused after.
func (o *outBuf) take() string {
	if len(o.b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(o.b), len(o.b))
}

// getBuf returns an empty buffer from r's free list.
func (r *renderer) getBuf() *outBuf {
	if n := len(r.bufs); n > 0 {
		o := r.bufs[n-1]
		r.bufs = r.bufs[:n-1]
		return o
	}
	return &outBuf{b: make([]byte, 0, 256)}
}

// putBuf returns o to the free list (a buffer lost to a panic is simply collected).
func (r *renderer) putBuf(o *outBuf) {
	if cap(o.b) > 1<<16 {
		return // do not pin very large outputs
	}
	o.b = o.b[:0]
	o.bad = ""
	r.bufs = append(r.bufs, o)
}

// bufString returns o's output and recycles o.
func (r *renderer) bufString(o *outBuf) string {
	r.joined(o)
	s := o.String()
	r.putBuf(o)
	return s
}
