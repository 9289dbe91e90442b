package runner

import (
	"fmt"
	"strings"
)

// Logger is where run events go: the CLI's logger prints them as dbt-shaped text lines or
// JSON objects, copies them to logs/gdbt.log and redacts secrets. The runner only decides
// what to say.
type Logger interface {
	Event(level, msg string, fields map[string]any)
}

// Console formats the runner's events.
type Console struct {
	log   Logger
	color func(code, s string) string
	// Width is where the bracketed status of a dotted line ends (dbt's --printer-width;
	// 0 means dbt's default, 80).
	Width int
}

// NewConsole returns a console writing through log; color wraps a status in an ANSI colour
// code when the logger's output is a terminal (nil: never).
func NewConsole(log Logger, color func(code, s string) string) *Console {
	if color == nil {
		color = func(_, s string) string { return s }
	}
	return &Console{log: log, color: color}
}

// Event is one node event's structured fields.
type Event struct {
	Name     string
	Msg      string
	UniqueID string
	Status   string
	Index    int
	Total    int
	Elapsed  float64
}

// Info prints a plain line.
func (c *Console) Info(name, msg string) { c.log.Event("info", msg, map[string]any{"name": name}) }

// Error prints a line that is shown even with --quiet.
func (c *Console) Error(name, msg string) { c.log.Event("error", msg, map[string]any{"name": name}) }

// Warn prints a warning.
func (c *Console) Warn(msg string) { c.log.Event("warn", msg, map[string]any{"name": "Warning"}) }

// printerWidth is where dbt's dotted status lines put the bracketed status by default.
const printerWidth = 80

// StatusLine prints "i of n <description> ...... [STATUS]" justified the way dbt does.
func (c *Console) StatusLine(ev Event, bracket, colorCode string) {
	prefix := fmt.Sprintf("%d of %d %s ", ev.Index, ev.Total, ev.Msg)
	width := c.Width
	if width <= 0 {
		width = printerWidth
	}
	if n := width - len(prefix); n > 0 {
		prefix += strings.Repeat(".", n)
	}
	status := bracket
	if colorCode != "" {
		status = c.color(colorCode, bracket)
	}
	fields := map[string]any{"name": ev.Name, "index": ev.Index, "total": ev.Total}
	if ev.UniqueID != "" {
		fields["unique_id"] = ev.UniqueID
	}
	if ev.Status != "" {
		fields["status"] = ev.Status
	}
	if ev.Elapsed > 0 {
		fields["execution_time"] = ev.Elapsed
	}
	level := "info"
	if ev.Status == StatusError || ev.Status == StatusFail {
		level = "error"
	}
	c.log.Event(level, prefix+" ["+status+"]", fields)
}

// ANSI colour codes used for statuses.
const (
	colorGreen  = "32"
	colorRed    = "31"
	colorYellow = "33"
)
