package unittest

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Diff compares expected and actual rows ignoring their order (dbt sorts both before
// handing them to daff) and, when they differ, renders daff's highlighter table as
// TerminalDiffRender prints it without colours:
//
//	@@ ,id,name
//	+++,3 ,c
//	---,2 ,b
//	→  ,1 ,a→x
//
// The first column is daff's action: "@@" the header, "+++" a row only in actual, "---" a
// row only in expected, "→" a row present in both with changed cells ("expected→actual"),
// blank an unchanged row kept as context, "..." unchanged rows left out. Rows are paired as
// modified when at least half of their cells agree; daff's own row alignment has more
// heuristics, so on wide tables with many near-duplicate rows the pairing may differ from
// dbt's (the verdict never does).
func Diff(cols []string, expected, actual [][]any) (string, bool) {
	sortRows(expected)
	sortRows(actual)
	key := func(r []any) string {
		parts := make([]string, len(r))
		for i, v := range r {
			if v == nil {
				parts[i] = "\x01"
			} else {
				parts[i] = Cell(v)
			}
		}
		return strings.Join(parts, "\x00")
	}
	usedA := make([]bool, len(actual))
	type entry struct {
		action string
		exp    []any
		act    []any
	}
	entries := make([]*entry, 0, len(expected)+len(actual))
	var unmatched []*entry
	for _, e := range expected {
		k := key(e)
		en := &entry{exp: e}
		for j, a := range actual {
			if !usedA[j] && key(a) == k {
				usedA[j] = true
				en.act = a
				break
			}
		}
		if en.act == nil {
			en.action = "---"
			unmatched = append(unmatched, en)
		}
		entries = append(entries, en)
	}
	differs := len(unmatched) > 0
	for _, u := range usedA {
		differs = differs || !u
	}
	if !differs {
		return "", false
	}
	// Pair removed and added rows that mostly agree into modified rows.
	for _, en := range unmatched {
		best, bestEq := -1, 0
		for j, a := range actual {
			if usedA[j] {
				continue
			}
			eq := 0
			for c := range en.exp {
				if c < len(a) && key(a[c:c+1]) == key(en.exp[c:c+1]) {
					eq++
				}
			}
			if eq > bestEq && eq*2 >= len(cols) {
				best, bestEq = j, eq
			}
		}
		if best >= 0 {
			usedA[best] = true
			en.act, en.action = actual[best], "→"
		}
	}
	// Rows only in actual go where they sort among the expected rows.
	for j, a := range actual {
		if usedA[j] {
			continue
		}
		at := len(entries)
		for i, en := range entries {
			if compareRows(a, en.exp) < 0 {
				at = i
				break
			}
		}
		entries = append(entries[:at], append([]*entry{{action: "+++", act: a}}, entries[at:]...)...)
	}

	// daff keeps one unchanged row of context around each change (unchanged_context = 1).
	keep := make([]bool, len(entries))
	for i, en := range entries {
		if en.action != "" {
			for d := -1; d <= 1; d++ {
				if i+d >= 0 && i+d < len(entries) {
					keep[i+d] = true
				}
			}
		}
	}
	table := [][]string{append([]string{"@@"}, cols...)}
	gap := false
	for i, en := range entries {
		if !keep[i] {
			if !gap {
				dots := make([]string, len(cols)+1)
				for c := range dots {
					dots[c] = "..."
				}
				table = append(table, dots)
			}
			gap = true
			continue
		}
		gap = false
		row := []string{en.action}
		for c := range cols {
			switch en.action {
			case "+++":
				row = append(row, cell(en.act, c))
			case "---", "":
				row = append(row, cell(en.exp, c))
			default:
				e, a := cell(en.exp, c), cell(en.act, c)
				if e != a {
					e += "→" + a
				}
				row = append(row, e)
			}
		}
		table = append(table, row)
	}
	return render(table), true
}

func cell(r []any, c int) string {
	if c < len(r) {
		return Cell(r[c])
	}
	return ""
}

func compareRows(a, b []any) int {
	for k := range a {
		if k >= len(b) {
			return 1
		}
		if c := compareCells(a[k], b[k]); c != 0 {
			return c
		}
	}
	return 0
}

// render is daff's TerminalDiffRender.render with colours off: cells joined by "," and
// padded (after the cell) to the column's size, each line ended by "\r\n"; a table wider
// than 130 characters is not aligned.
func render(t [][]string) string {
	sizes := pickSizes(t)
	if total := len(sizes) - 1; sizes != nil {
		for _, s := range sizes {
			total += s
		}
		if total > 130 {
			sizes = make([]int, len(sizes))
		}
	}
	var b strings.Builder
	for _, row := range t {
		target, at := 0, 0
		for x, txt := range row {
			for ; at < target; at++ {
				b.WriteByte(' ')
			}
			if x > 0 {
				b.WriteByte(',')
			}
			b.WriteString(txt)
			at += utf8.RuneCountInString(txt)
			target += sizes[x]
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// pickSizes is daff's column sizing: the longest cell not beyond mean + 2 standard
// deviations of the column's cell lengths, and never shorter than the header.
func pickSizes(t [][]string) []int {
	if len(t) == 0 {
		return nil
	}
	w, h := len(t[0]), float64(len(t))
	sizes := make([]int, w)
	for x := range w {
		var m, m2 float64
		mmin := -1
		for y, row := range t {
			l := utf8.RuneCountInString(row[x])
			if y == 0 {
				mmin = l
			}
			m += float64(l)
			m2 += float64(l * l)
		}
		mean := m / h
		most := int(mean + math.Sqrt(m2/h-mean*mean)*2 + 0.5)
		mostMax := 0
		for _, row := range t {
			if l := utf8.RuneCountInString(row[x]); l <= most && l > mostMax {
				mostMax = l
			}
		}
		most = mostMax
		if most < mmin {
			most = mmin
		}
		sizes[x] = most
	}
	return sizes
}
