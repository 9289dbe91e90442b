package contract

import (
	"fmt"
	"sort"
)

// FormattedColumn is one entry of dbt's format_columns: the column name as the engine
// reports it and its data type (dbt-adapters columns_spec_ddl.sql default__format_column).
type FormattedColumn struct {
	Name, DataType string
}

// MismatchHeader is the columns of dbt's mismatch table.
var MismatchHeader = []string{"column_name", "definition_type", "contract_type", "mismatch_reason"}

// Mismatches is dbt-core's ContractError.get_mismatches (dbt/exceptions.py): one row per
// SQL column whose type differs from the contract's or that the contract lacks, then one per
// contract column the SQL lacks, sorted by column name.
func Mismatches(yaml, sql []FormattedColumn) [][]string {
	var rows [][]string
	inSQL := map[string]bool{}
	for _, s := range sql {
		inSQL[s.Name] = true
		for i, y := range yaml {
			if s.Name == y.Name {
				if s.DataType != y.DataType {
					rows = append(rows, []string{s.Name, s.DataType, y.DataType, "data type mismatch"})
				}
				break
			}
			if i == len(yaml)-1 {
				rows = append(rows, []string{s.Name, s.DataType, "", "missing in contract"})
			}
		}
	}
	for _, y := range yaml {
		if !inSQL[y.Name] {
			rows = append(rows, []string{y.Name, "", y.DataType, "missing in definition"})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	return rows
}

// Error is dbt-core's ContractError message: the mismatch table printed by printTable
// (agate's print_table, which the caller owns), or the missing-columns message when the
// contract has no columns.
func Error(yaml, sql []FormattedColumn, printTable func(header []string, rows [][]string) string) error {
	if len(yaml) == 0 {
		return fmt.Errorf("This model has an enforced contract, and its 'columns' specification is missing")
	}
	return fmt.Errorf("This model has an enforced contract that failed.\n"+
		"Please ensure the name, data_type, and number of columns in your contract "+
		"match the columns in your model's definition.\n\n%s", printTable(MismatchHeader, Mismatches(yaml, sql)))
}
