package runner

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
)

// What is happening now: a build whose model runs for minutes must not look hung. Live
// tracks the nodes running at this moment and what their materializations last reported
// ({{ gdbt_progress(...) }}, compiler.Options.Progress); while a run lasts it
//   - writes every progress report to the debug log (each scan of the logistic regression,
//     with its loss, is in logs/gdbt.log),
//   - emits a heartbeat line for each node running longer than the heartbeat interval, and
//     again each interval (text and JSON logs alike: dbt has no such event, so its JSON
//     form is dbt's generic Note, Z050, which every reader of dbt's logs accepts),
//   - keeps a live line under the scrolling output when the logger is a terminal
//     (LiveLiner): the running nodes, their elapsed time and their last progress.

// DefaultHeartbeat is how long a node runs before its first "still running" line, and the
// interval between the next ones.
const DefaultHeartbeat = 10 * time.Second

// LiveLiner is a Logger that can keep one status line under its output (a terminal). s ""
// clears it.
type LiveLiner interface {
	LiveLine(s string)
}

// Live tracks running nodes and their reported progress. Report is safe to call from any
// goroutine; one Live serves one command.
type Live struct {
	mu    sync.Mutex
	nodes map[string]*liveNode
	con   *Console
	every time.Duration
}

type liveNode struct {
	index, total    int
	label           string
	start, lastBeat time.Time
	progress        *compiler.ProgressEvent
}

// NewLive returns a tracker with the given heartbeat interval (<= 0: DefaultHeartbeat).
// Hand its Report to compiler.Options.Progress and the tracker to Options.Live.
func NewLive(every time.Duration) *Live {
	if every <= 0 {
		every = DefaultHeartbeat
	}
	return &Live{nodes: map[string]*liveNode{}, every: every}
}

// Report records a materialization's progress (compiler.Options.Progress) and writes it
// to the debug log as "<node>: step 7 of 100, loss=0.3121".
func (l *Live) Report(ev compiler.ProgressEvent) {
	l.mu.Lock()
	n := l.nodes[ev.Node]
	con := l.con
	label := ev.Node
	if label == "" {
		label = "operation"
	}
	if n != nil {
		n.progress = &ev
		label = n.label
	}
	l.mu.Unlock()
	if con != nil {
		con.log.Event("debug", label+": "+progressText(&ev), map[string]any{"name": "NodeProgress", "unique_id": ev.Node})
	}
}

// begin starts tracking a node (its START line has just been printed).
func (l *Live) begin(id string, index, total int, label string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nodes[id] = &liveNode{index: index, total: total, label: label, start: now, lastBeat: now}
}

// end stops tracking a node.
func (l *Live) end(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.nodes, id)
}

// beat emits the heartbeats due at now, in "i of n" order, and returns the live line.
func (l *Live) beat(now time.Time) string {
	l.mu.Lock()
	type due struct {
		id   string
		n    liveNode
		took time.Duration
		beat bool
	}
	var all []due
	for id, n := range l.nodes {
		d := due{id: id, n: *n, took: now.Sub(n.start)}
		if now.Sub(n.lastBeat) >= l.every {
			n.lastBeat, d.beat = now, true
		}
		all = append(all, d)
	}
	con := l.con
	l.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].n.index < all[j].n.index })
	var live []string
	for _, d := range all {
		what := elapsedText(d.took)
		if d.n.progress != nil {
			what += "; " + progressText(d.n.progress)
		}
		live = append(live, fmt.Sprintf("%s (%s)", d.n.label, what))
		if d.beat && con != nil {
			con.log.Event("info", fmt.Sprintf("%d of %d still running %s (%s)", d.n.index, d.n.total, d.n.label, what),
				map[string]any{"name": "NodeHeartbeat", "unique_id": d.id, "index": d.n.index, "total": d.n.total})
		}
	}
	if len(live) == 0 {
		return ""
	}
	return "running: " + strings.Join(live, " | ")
}

// watch ticks until ctx ends or stop is called: heartbeats each second when due, and the
// live line when the console's logger is a terminal.
func (l *Live) watch(con *Console) (stop func()) {
	l.mu.Lock()
	l.con = con
	l.mu.Unlock()
	ll, _ := con.log.(LiveLiner)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(min(time.Second, l.every))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-tick.C:
				line := l.beat(now)
				if ll != nil {
					ll.LiveLine(line)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		if ll != nil {
			ll.LiveLine("")
		}
	}
}

// elapsedText is "42s" or "3m05s".
func elapsedText(d time.Duration) string {
	s := int(d.Seconds())
	if s < 60 {
		return strconv.Itoa(s) + "s elapsed"
	}
	return fmt.Sprintf("%dm%02ds elapsed", s/60, s%60)
}

// progressText is "step 7 of 100, loss=0.3121, grad_norm=0.0012".
func progressText(ev *compiler.ProgressEvent) string {
	var parts []string
	switch {
	case ev.Step > 0 && ev.Total > 0:
		parts = append(parts, fmt.Sprintf("step %d of %d", ev.Step, ev.Total))
	case ev.Step > 0:
		parts = append(parts, fmt.Sprintf("step %d", ev.Step))
	}
	for _, v := range ev.Values {
		switch x := v.Value.(type) {
		case float64:
			parts = append(parts, v.Name+"="+strconv.FormatFloat(x, 'g', 6, 64))
		default:
			parts = append(parts, fmt.Sprintf("%s=%v", v.Name, x))
		}
	}
	return strings.Join(parts, ", ")
}
