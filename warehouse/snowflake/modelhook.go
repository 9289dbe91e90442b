package snowflake

import (
	"context"
	"fmt"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// PreModelHook switches the session to the model's snowflake_warehouse when it differs
// from the profile's warehouse, and returns what switches it back: dbt-snowflake's
// SnowflakeAdapter.pre_model_hook/post_model_hook (impl.py), with the same statements
// (`select current_warehouse() as warehouse`, `use warehouse <name>`, never quoted).
func (a *Adapter) PreModelHook(ctx context.Context, exec warehouse.Adapter, config map[string]any) (func(context.Context) error, error) {
	v, ok := config["snowflake_warehouse"]
	if !ok || v == nil {
		return nil, nil
	}
	wh, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("snowflake_warehouse: want a warehouse name, got %v", v)
	}
	if wh == a.cfg.Warehouse {
		return nil, nil
	}
	_, t, err := exec.Execute(ctx, "select current_warehouse() as warehouse", true)
	if err != nil {
		return nil, err
	}
	if t == nil || len(t.Rows) == 0 || len(t.Rows[0]) == 0 {
		return nil, fmt.Errorf("snowflake: could not get current warehouse: no results")
	}
	if t.Rows[0][0] == nil { // no warehouse in use: nothing to go back to
		_, _, err := exec.Execute(ctx, "use warehouse "+wh, false)
		return nil, err
	}
	previous := fmt.Sprint(t.Rows[0][0])
	if _, _, err := exec.Execute(ctx, "use warehouse "+wh, false); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, _, err := exec.Execute(ctx, "use warehouse "+previous, false)
		return err
	}, nil
}
