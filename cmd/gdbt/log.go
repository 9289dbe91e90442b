package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
)

// Console output: every line is a log event with a level. Text lines look like dbt's
// ("HH:MM:SS  message"); with --log-format json each event is one JSON object per line.
// Info and debug go to stdout, warnings and errors to stderr; --quiet keeps errors only;
// DBT_ENV_SECRET_* values are redacted everywhere. Command results meant for pipes (ls,
// compile --inline, show) are written with Printf, unaffected by --quiet.

var levelRank = map[string]int{"debug": 0, "info": 1, "warn": 2, "error": 3, "none": 4}

// logClock is the clock for log timestamps (tests may replace it).
var logClock = time.Now

// enabled reports whether events of level are printed.
func (g *Globals) enabled(level string) bool {
	if g.Quiet && level != "error" {
		return false
	}
	return levelRank[level] >= levelRank[g.LogLevel]
}

// Event prints one log event with optional structured fields ("name" is the event's
// name). Text output prints msg; JSON output (console or file) prints dbt's event of that
// name with its data (events.go).
func (g *Globals) Event(level, msg string, fields map[string]any) {
	msg = compiler.Redact(msg)
	t := logClock()
	g.mu.Lock()
	defer g.mu.Unlock()
	var evs []dbtEvent
	if g.LogFormat == "json" || g.LogFormatFile == "json" {
		evs = g.toDbtEvents(level, msg, fields)
	} else {
		evs = []dbtEvent{{level: level, msg: msg}}
	}
	if g.liveLine != "" {
		// Lines scroll above the live line: erase it, print, draw it again.
		io.WriteString(g.Stdout, "\r\x1b[K")
		defer io.WriteString(g.Stdout, g.liveLine)
	}
	for i, ev := range evs {
		if i > 0 && g.LogFormat != "json" && g.LogFormatFile != "json" {
			break
		}
		if g.LogFile != nil && levelRank[ev.level] >= levelRank[g.LogLevelFile] {
			if g.LogFormatFile == "json" {
				g.LogFile.Write(g.eventJSON(t, ev))
			} else if i == 0 {
				fmt.Fprintf(g.LogFile, "%s [%s] %s\n", t.UTC().Format("2006-01-02 15:04:05.000000"), ev.level, ev.msg)
			}
		}
		if !g.enabled(ev.level) {
			continue
		}
		w := g.Stdout
		if ev.level == "warn" || ev.level == "error" {
			w = g.Stderr
		}
		if g.LogFormat == "json" {
			w.Write(g.eventJSON(t, ev))
			continue
		}
		if i > 0 {
			continue
		}
		prefix := t.Format("15:04:05") + "  "
		for _, line := range strings.Split(strings.TrimRight(ev.msg, "\n"), "\n") {
			fmt.Fprintf(w, "%s%s\n", prefix, g.colorize(ev.level, line))
		}
	}
}

// LiveLine keeps s as the status line under the console output (runner.LiveLiner): on a
// terminal, with text logs and without --quiet; elsewhere the heartbeat lines say it.
func (g *Globals) LiveLine(s string) {
	if g.LogFormat == "json" || g.Quiet || !isTerminal(g.Stdout) {
		return
	}
	width := 80
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
		width = n
	} else if g.PrinterWidth > width {
		width = g.PrinterWidth
	}
	if r := []rune(s); len(r) > width-1 {
		s = string(r[:width-2]) + "…"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.liveLine == "" && s == "" {
		return
	}
	io.WriteString(g.Stdout, "\r\x1b[K"+s)
	g.liveLine = s
}

// colorize wraps warnings and errors in ANSI colours when writing to a terminal.
func (g *Globals) colorize(level, s string) string {
	if g.NoColor || os.Getenv("NO_COLOR") != "" || !isTerminal(g.Stdout) {
		return s
	}
	switch level {
	case "error":
		return "\x1b[31m" + s + "\x1b[0m"
	case "warn":
		return "\x1b[33m" + s + "\x1b[0m"
	}
	return s
}

// Color wraps s in the ANSI colour code (e.g. "32" green) when colours are on.
func (g *Globals) Color(code, s string) string {
	if g.NoColor || g.LogFormat == "json" || os.Getenv("NO_COLOR") != "" || !isTerminal(g.Stdout) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Infof prints an info line.
func (g *Globals) Infof(format string, args ...any) {
	g.Event("info", fmt.Sprintf(format, args...), nil)
}

// Debugf prints a debug line (only with --log-level debug).
func (g *Globals) Debugf(format string, args ...any) {
	if levelRank[g.LogLevel] > 0 && g.LogFile == nil {
		return
	}
	g.Event("debug", fmt.Sprintf(format, args...), nil)
}

// Errorf prints an error line.
func (g *Globals) Errorf(format string, args ...any) {
	g.Event("error", fmt.Sprintf(format, args...), nil)
}

// Warn prints a warning and records it (compiler.Options.Warn points here).
func (g *Globals) Warn(msg string) { g.WarnEvent("", msg) }

// Printf writes command output (not a log line) to stdout, redacted.
func (g *Globals) Printf(format string, args ...any) {
	s := compiler.Redact(fmt.Sprintf(format, args...))
	g.mu.Lock()
	defer g.mu.Unlock()
	io.WriteString(g.Stdout, s)
}

// OpenLogFile appends every event, whatever the console level, to
// <project>/<log-path>/gdbt.log; the returned function closes it.
func (g *Globals) OpenLogFile(logPath string) (closeFn func()) {
	if g.LogPath != "" {
		logPath = g.LogPath // --log-path / DBT_LOG_PATH
	}
	if logPath == "" {
		logPath = "logs"
	}
	dir := logPath
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(g.ProjectDir, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		g.Warn(fmt.Sprintf("cannot write the log file: %v", err))
		return func() {}
	}
	f, err := os.OpenFile(filepath.Join(dir, "gdbt.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		g.Warn(fmt.Sprintf("cannot write the log file: %v", err))
		return func() {}
	}
	g.mu.Lock()
	g.LogFile = f
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		g.LogFile = nil
		g.mu.Unlock()
		f.Close()
	}
}

// sortedStrings returns a sorted copy.
func sortedStrings(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
