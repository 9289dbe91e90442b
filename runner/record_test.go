package runner

import (
	"context"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// plainAdapter has no optional capability; sessionAdapter has both. Their methods are
// never called except Execute and Session: record's job is to keep capabilities visible.
type plainAdapter struct{ warehouse.Adapter }

func (plainAdapter) Execute(context.Context, string, bool) (warehouse.Response, *warehouse.Table, error) {
	return warehouse.Response{}, nil, nil
}

type sessionAdapter struct{ plainAdapter }

func (sessionAdapter) Session(context.Context) (warehouse.Session, error) { return fakeSession{}, nil }
func (sessionAdapter) ListSchemas(context.Context, string) ([]string, error) {
	return []string{"main"}, nil
}

type fakeSession struct{}

func (fakeSession) Execute(context.Context, string, bool) (warehouse.Response, *warehouse.Table, error) {
	return warehouse.Response{}, nil, nil
}
func (fakeSession) Close() error { return nil }

type halfAdapter struct{ plainAdapter }

func (halfAdapter) ListSchemas(context.Context, string) ([]string, error) { return nil, nil }

func TestRecordKeepsCapabilities(t *testing.T) {
	ctx := context.Background()
	a, rec := record(sessionAdapter{})
	if _, ok := a.(warehouse.Sessioner); !ok {
		t.Fatal("the wrapper hides Sessioner: ReplaceRelation would lose its transactional path")
	}
	if _, ok := a.(warehouse.SchemaLister); !ok {
		t.Fatal("the wrapper hides SchemaLister")
	}
	a.Execute(ctx, "select 1", true)
	a.Execute(ctx, "create table x as select 1;", false)
	s, _ := a.(warehouse.Sessioner).Session(ctx)
	s.Execute(ctx, "alter table x rename to y", false)
	if got, want := rec.script(), "create table x as select 1;\n\nalter table x rename to y;\n"; got != want {
		t.Errorf("script = %q, want %q", got, want)
	}
	if err := a.Close(); err != nil {
		t.Error(err)
	}

	if a, rec := record(plainAdapter{}); rec == nil || a == nil {
		t.Error("an adapter without optional capabilities is recorded")
	}
	h := halfAdapter{}
	if a, rec := record(h); rec != nil || a != warehouse.Adapter(h) {
		t.Error("an adapter with only some capabilities must be passed through unwrapped")
	}
	var none *recorder
	if none.script() != "" {
		t.Error("a nil recorder has no script")
	}
}
