package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
)

// dbt's structured log events: with --log-format json every line is
// {"info": {name, code, msg, level, invocation_id, pid, thread, ts, extra, category},
//  "data": {…}} where name, code and data are those of dbt's event (dbt/events/types.py
// for the codes; the fields are dbt's protobuf messages, core_types.proto,
// adapter_types.proto and common_types.proto), so tools reading dbt's JSON logs read
// gdbt's. gdbt's own event names (the runner's, the CLI's) map to dbt's here.

// logVersion is dbt's LOG_VERSION (dbt/events/__init__.py: 3).
const logVersion = 3

// dbtEvent is one event ready to print: level, text message, and its JSON form.
type dbtEvent struct {
	level, name, code, msg string
	data                   map[string]any
}

// eventCodes are the codes of the dbt events gdbt emits (dbt/events/types.py; Z017 and
// Z050 from dbt_common, E016/E017 from dbt-adapters).
var eventCodes = map[string]string{
	"MainReportVersion": "A001", "MainReportArgs": "A002", "JinjaLogInfo": "I062", "JinjaLogDebug": "I063",
	"NoNodesForSelectionCriteria": "M030", "SeedHeader": "Q004", "LogTestResult": "Q007", "LogStartLine": "Q011",
	"LogModelResult": "Q012", "LogSnapshotResult": "Q015", "LogSeedResult": "Q016", "LogFreshnessResult": "Q018",
	"NodeStart": "Q024", "NodeFinished": "Q025", "ConcurrencyLine": "Q027", "NoNodesSelected": "Q038",
	"CompiledNode": "Q042", "ShowNode": "Q041", "FoundStats": "W006", "MainEncounteredError": "Z002",
	"Formatting": "Z017", "StatsLine": "Z023", "RunResultError": "Z024", "EndOfRunSummary": "Z030",
	"SkippingDetails": "Q034", "Note": "Z050", "SQLQuery": "E016", "SQLQueryStatus": "E017",
}

// gdbtToDbt renames the runner's console events to dbt's.
var gdbtToDbt = map[string]string{
	"Empty": "Formatting", "Concurrency": "ConcurrencyLine", "FinishedRunning": "Note", "RunResult": "EndOfRunSummary",
	"EndOfRunSummary": "StatsLine", "NodeSkipped": "SkippingDetails", "HookError": "RunResultError",
	"Interrupted": "MainEncounteredError", "Warning": "Note", "FreshnessStart": "LogStartLine", "FreshnessDone": "LogFreshnessResult",
	// dbt has no event for a node still running or its progress: dbt's generic Note.
	"NodeHeartbeat": "Note", "NodeProgress": "Note",
}

var (
	reSpecRaw  = regexp.MustCompile(`selection criterion '([^']*)'`)
	reLineHead = regexp.MustCompile(`^\d+ of \d+ (?:START |OK created |PARTIALLY created |OK loaded |OK snapshotted |PASS |FAIL \d+ |WARN \d+ |ERROR creating |ERROR loading |ERROR snapshotting |ERROR |SKIP |OK )?(.*?) \.*\s*\[(.*)\]$`)
	reStats    = regexp.MustCompile(`(PASS|WARN|ERROR|SKIP|NO-OP|TOTAL)=(\d+)`)
	// reRunSummary finds EndOfRunSummary's counts ("Completed with 1 error, 0 partial
	// successes, and 2 warnings:").
	reRunSummary = regexp.MustCompile(`(\d+) (error|partial|warning)`)
	reThreads    = regexp.MustCompile(`Concurrency: (\d+) threads(?: \(target='([^']*)'\))?`)
)

// toDbtEvents turns one gdbt log event into dbt's (a node's start and finish lines are
// followed by dbt's NodeStart/NodeFinished debug events).
func (g *Globals) toDbtEvents(level, msg string, fields map[string]any) []dbtEvent {
	name, _ := fields["name"].(string)
	if n, ok := gdbtToDbt[name]; ok {
		name = n
	}
	uid, _ := fields["unique_id"].(string)
	ni := g.nodeInfo(uid, fields)
	index, total := fields["index"], fields["total"]
	elapsed, _ := fields["execution_time"].(float64)
	status, _ := fields["status"].(string)
	desc, bracket := msg, ""
	if m := reLineHead.FindStringSubmatch(msg); m != nil {
		desc, bracket = m[1], m[2]
	}
	data := map[string]any{}
	var extra []dbtEvent
	switch name {
	case "":
		switch level {
		case "error":
			name, data = "MainEncounteredError", map[string]any{"exc": msg}
		default:
			name, data = "Note", map[string]any{"msg": msg}
		}
	case "NodeStart", "LogStartLine":
		name = "LogStartLine"
		data = map[string]any{"node_info": ni, "description": desc, "index": index, "total": total}
		extra = append(extra, dbtEvent{level: "debug", name: "NodeStart", msg: "Began running node " + uid, data: map[string]any{"node_info": ni}})
	case "NodeFinished":
		rt, _ := ni["resource_type"].(string)
		data = map[string]any{"node_info": ni, "status": status, "index": index, "total": total, "execution_time": elapsed}
		switch rt {
		case manifest.Test:
			name = "LogTestResult"
			data["name"], data["num_models"] = ni["node_name"], total
			nf := 0
			if f := strings.Fields(bracket); len(f) > 1 && (f[0] == "FAIL" || f[0] == "WARN") {
				nf, _ = strconv.Atoi(f[1])
			}
			data["num_failures"] = nf
		case manifest.Seed:
			name = "LogSeedResult"
			data["result_message"], data["schema"], data["relation"] = bracket, relPart(ni, "schema"), relPart(ni, "alias")
		case manifest.Snapshot:
			name = "LogSnapshotResult"
			data["description"], data["result_message"], data["cfg"] = desc, bracket, map[string]any{}
		default:
			name = "LogModelResult"
			data["description"] = desc
		}
		run := map[string]any{"status": status, "message": bracket, "timing_info": []any{}, "thread": "Thread-1",
			"execution_time": elapsed, "adapter_response": map[string]any{}, "num_failures": 0}
		extra = append(extra, dbtEvent{level: "debug", name: "NodeFinished", msg: "Finished running node " + uid, data: map[string]any{"node_info": ni, "run_result": run}})
	case "SkippingDetails":
		// dbt/task/base.py on_skip: a node skipped after an upstream failure (dbt's
		// LogSkipBecauseError is only for an ephemeral model's compilation error, which gdbt
		// reports on the model that refs it).
		data = map[string]any{"node_info": ni, "resource_type": ni["resource_type"], "schema": relPart(ni, "schema"),
			"node_name": ni["node_name"], "index": index, "total": total}
	case "LogFreshnessResult":
		data = map[string]any{"status": status, "node_info": ni, "index": index, "total": total, "execution_time": elapsed}
	case "FoundStats":
		data = map[string]any{"stat_line": strings.TrimPrefix(msg, "Found ")}
	case "ConcurrencyLine":
		data = map[string]any{"num_threads": 0, "target_name": "", "node_count": 0}
		if m := reThreads.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			data["num_threads"], data["target_name"] = n, m[2]
		}
	case "StatsLine":
		stats := map[string]any{}
		for _, m := range reStats.FindAllStringSubmatch(msg, -1) {
			n, _ := strconv.Atoi(m[2])
			stats[strings.ToLower(strings.ReplaceAll(m[1], "-", "_"))] = n
		}
		data = map[string]any{"stats": stats}
	case "EndOfRunSummary":
		// dbt's EndOfRunSummary (core_types.proto): the counts its message states.
		data = map[string]any{"num_errors": 0, "num_warnings": 0, "num_partial_success": 0, "keyboard_interrupt": false}
		for _, m := range reRunSummary.FindAllStringSubmatch(msg, -1) {
			n, _ := strconv.Atoi(m[1])
			data[map[string]string{"error": "num_errors", "partial": "num_partial_success", "warning": "num_warnings"}[m[2]]] = n
		}
	case "NoNodesForSelectionCriteria":
		spec := ""
		if m := reSpecRaw.FindStringSubmatch(msg); m != nil {
			spec = m[1]
		}
		data = map[string]any{"spec_raw": spec}
	case "MainReportVersion":
		data = map[string]any{"version": buildVersion(), "log_version": logVersion}
	case "MainEncounteredError":
		data = map[string]any{"exc": msg}
	case "JinjaLogInfo", "JinjaLogDebug":
		data = map[string]any{"msg": msg, "node_info": map[string]any{}}
	case "CompiledNode":
		data = map[string]any{"node_name": fields["node_name"], "compiled": fields["compiled"], "is_inline": false,
			"output_format": g.FlagStr("output", "text"), "unique_id": uid, "quiet": g.Quiet}
	case "SeedHeader":
		data = map[string]any{"header": msg}
	case "RunResultError":
		data = map[string]any{"msg": msg}
	case "SQLQuery", "SQLQueryStatus":
		for k, v := range fields {
			if k != "name" && k != "unique_id" {
				data[k] = v
			}
		}
		if _, ok := data["node_info"]; !ok {
			data["node_info"] = ni
		}
	default:
		if _, ok := eventCodes[name]; !ok {
			name = "Note"
		}
		data = map[string]any{"msg": msg}
	}
	out := []dbtEvent{{level: level, name: name, msg: msg, data: data}}
	return append(out, extra...)
}

// relPart reads one field of a node_info's node_relation.
func relPart(ni map[string]any, key string) string {
	if r, ok := ni["node_relation"].(map[string]any); ok {
		s, _ := r[key].(string)
		return s
	}
	return ""
}

// nodeInfo is dbt's NodeInfo of a node (empty strings when the id is unknown): from the
// snapshot taken at load (the runner writes nodes while they run).
func (g *Globals) nodeInfo(uid string, fields map[string]any) map[string]any {
	ni := map[string]any{"node_path": "", "node_name": "", "unique_id": uid, "resource_type": "", "materialized": "",
		"node_status": "", "node_started_at": "", "node_finished_at": "", "meta": map[string]any{},
		"node_relation": map[string]any{"database": "", "schema": "", "alias": "", "relation_name": ""}}
	if b, ok := g.nodeInfos[uid]; ok {
		ni["node_path"], ni["node_name"], ni["resource_type"], ni["materialized"], ni["meta"] = b.path, b.name, b.resourceType, b.materialized, b.meta
		ni["node_relation"] = map[string]any{"database": b.database, "schema": b.schema, "alias": b.alias, "relation_name": b.relationName}
	}
	now := logClock().UTC().Format("2006-01-02T15:04:05.000000")
	status, _ := fields["status"].(string)
	switch name, _ := fields["name"].(string); name {
	case "NodeStart":
		g.nodeStarted[uid] = now
		ni["node_status"], ni["node_started_at"] = "started", now
	case "NodeFinished", "NodeSkipped":
		ni["node_status"], ni["node_started_at"], ni["node_finished_at"] = status, g.nodeStarted[uid], now
	default:
		if s, ok := g.nodeStarted[uid]; ok {
			ni["node_status"], ni["node_started_at"] = "executing", s
		}
	}
	return ni
}

// nodeInfoBase is what a node's NodeInfo takes from the node, copied when the project is
// loaded (the runner writes nodes while they run). Plain fields, not the event's maps:
// those are built for the nodes that have events, where building them for every node of
// a 10,000-model project was 36,000 pairs of maps per JSON-logged command.
type nodeInfoBase struct {
	path, name, resourceType, materialized string
	meta                                   map[string]any
	database, schema, alias, relationName  string
}

// snapshotNodeInfos records the NodeInfo fields of every node of p for JSON events.
func (g *Globals) snapshotNodeInfos(p *compiler.Project) {
	if g.LogFormat != "json" && g.LogFormatFile != "json" {
		return
	}
	infos := make(map[string]nodeInfoBase, len(p.Manifest.Nodes))
	for id, n := range p.Manifest.Nodes {
		meta := n.Meta
		if meta == nil {
			meta = map[string]any{}
		}
		rel := n.RelationName
		if rel == "" {
			rel = strings.Trim(strings.Join([]string{n.Database, n.Schema, n.Alias}, "."), ".")
		}
		infos[id] = nodeInfoBase{path: n.Path, name: n.Name, resourceType: n.ResourceType, materialized: n.Materialized(), meta: meta,
			database: n.Database, schema: n.Schema, alias: n.Alias, relationName: rel}
	}
	g.mu.Lock()
	g.nodeInfos = infos
	g.mu.Unlock()
}

// eventJSON renders ev as dbt's JSON log line.
func (g *Globals) eventJSON(t time.Time, ev dbtEvent) []byte {
	info := map[string]any{
		"name": ev.name, "code": eventCodes[ev.name], "msg": ev.msg, "level": ev.level,
		"invocation_id": invocationID, "pid": os.Getpid(), "thread": "MainThread",
		"ts": t.UTC().Format("2006-01-02T15:04:05.000000Z"), "extra": map[string]any{}, "category": "",
	}
	b, err := json.Marshal(map[string]any{"info": info, "data": ev.data})
	if err != nil {
		b, _ = json.Marshal(map[string]any{"info": info, "data": map[string]any{"msg": ev.msg}})
	}
	return append([]byte(compiler.Redact(string(b))), '\n')
}
