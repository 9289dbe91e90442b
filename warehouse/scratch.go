package warehouse

import "context"

// scratchTagKey carries a run's scratch tag in its context.
type scratchTagKey struct{}

// WithScratchTag returns ctx in which scratch names (the temporary and backup names of a
// replacement, a materialization's __dbt_tmp relations) end in "_"+tag. Runs that do not
// hold the schema's run lock (--no-lock) use one, unique per run, so one run's cleanup of
// leftovers never drops the tables another run is building; locked runs keep dbt's fixed
// names, so a crashed run's leftovers are found and dropped by the next build.
func WithScratchTag(ctx context.Context, tag string) context.Context {
	if tag == "" {
		return ctx
	}
	return context.WithValue(ctx, scratchTagKey{}, tag)
}

// ScratchTag is the "_"+tag a run's scratch names end in ("" for a locked run).
func ScratchTag(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	if t, ok := ctx.Value(scratchTagKey{}).(string); ok {
		return "_" + t
	}
	return ""
}

// ScratchSuffix is suffix (TmpSuffix, BackupSuffix) with the run's scratch tag.
func ScratchSuffix(ctx context.Context, suffix string) string { return suffix + ScratchTag(ctx) }
