package docs

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Chart geometry, in SVG user units; the SVGs scale to the tile's width.
const (
	chartW   = 520.0
	marginL  = 56.0
	marginR  = 16.0
	marginT  = 12.0
	marginB  = 36.0
	barRow   = 20.0
	defColor = "#3b6ea5"
)

// palette colours series without a declared colour (ColorBrewer Set1-like, colour-blind aware order).
var palette = []string{"#3b6ea5", "#e07b39", "#3a923a", "#c03d3e", "#9372b2", "#8c6d62", "#d684bd", "#7f7f7f"}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	case fmt.Stringer: // decimals and big integers from the drivers
		f, err := strconv.ParseFloat(x.String(), 64)
		return f, err == nil
	}
	return 0, false
}

// label spells a category value.
func label(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04")
	case float64:
		return FormatNumber(x, "")
	}
	return fmt.Sprint(v)
}

// FormatNumber formats v with a d3-style format: [,][.precision](d|f|%|s|e); "" picks an
// integer with separators or four significant digits. Exported so tests read numbers
// back the way the dashboard prints them.
func FormatNumber(v float64, f string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	comma := strings.HasPrefix(f, ",")
	f = strings.TrimPrefix(f, ",")
	prec := -1
	if strings.HasPrefix(f, ".") {
		i := 1
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		prec, _ = strconv.Atoi(f[1:i])
		f = f[i:]
	}
	var s string
	switch f {
	case "d":
		s = strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case "f":
		s = strconv.FormatFloat(v, 'f', max(prec, 0), 64)
	case "%":
		return FormatNumber(v*100, maybeComma(comma)+"."+strconv.Itoa(max(prec, 0))+"f") + "%"
	case "e":
		s = strconv.FormatFloat(v, 'e', max(prec, 0), 64)
	case "s", "g", "":
		if f == "" && prec < 0 && v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return FormatNumber(v, ",d")
		}
		p := prec
		if p < 0 {
			p = 4
		}
		s = strconv.FormatFloat(v, 'g', p, 64)
		if strings.Contains(s, "e") {
			s = strconv.FormatFloat(v, 'f', 0, 64)
		}
	default:
		s = strconv.FormatFloat(v, 'g', 6, 64)
	}
	if comma {
		s = groupThousands(s)
	}
	return s
}

func maybeComma(c bool) string {
	if c {
		return ","
	}
	return ""
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + frac
	if neg {
		out = "-" + out
	}
	return out
}

// bandColor is the colour of the band v falls in ("" if none).
func (s *ChartSpec) bandColor(v float64) string {
	for _, b := range s.Bands {
		if (b.From == nil || v >= *b.From) && (b.To == nil || v < *b.To) {
			return b.Color
		}
	}
	return ""
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// drawTile renders a tile as a <figure> holding an SVG (an HTML table for "table").
func drawTile(t *Tile) template.HTML {
	s := t.Spec
	var b strings.Builder
	title := s.Title
	if title == "" {
		title = strings.Join(s.Y, ", ")
	}
	fmt.Fprintf(&b, `<figure class="tile k-%s" data-model="%s" data-title="%s"><figcaption>%s</figcaption>`, s.Type, esc(t.Model), esc(title), esc(title))
	switch s.Type {
	case "kpi":
		drawKPI(&b, t)
	case "bar":
		drawBars(&b, t, false)
	case "histogram":
		drawBars(&b, t, true)
	case "line":
		drawLine(&b, t)
	case "table":
		drawTable(&b, t)
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

func drawKPI(b *strings.Builder, t *Tile) {
	s := t.Spec
	if len(t.Table.Rows) == 0 {
		b.WriteString(`<p class="muted">no rows</p>`)
		return
	}
	ci, _ := t.col(s.Y[0])
	raw := t.Table.Rows[0][ci]
	v, ok := toFloat(raw)
	text, color := label(raw), "currentColor"
	if ok {
		text = FormatNumber(v, s.Format)
		if c := s.bandColor(v); c != "" {
			color = c
		}
	}
	fmt.Fprintf(b, `<svg viewBox="0 0 240 80" class="kpi" role="img" aria-label="%s"><text x="120" y="52" text-anchor="middle" class="kpi-value" fill="%s" data-value="%s">%s</text></svg>`,
		esc(text), esc(color), esc(fmt.Sprint(raw)), esc(text))
}

// barColor picks a bar's colour: its series value's declared colour, its band, or the default.
func (t *Tile) barColor(row []any, v float64, seriesIdx int) string {
	s := t.Spec
	if seriesIdx >= 0 {
		key := label(row[seriesIdx])
		if c, ok := s.Colors[key]; ok {
			return c
		}
	}
	if c := s.bandColor(v); c != "" {
		return c
	}
	return defColor
}

func drawBars(b *strings.Builder, t *Tile, hist bool) {
	s := t.Spec
	xi, _ := t.col(s.X)
	yi, _ := t.col(s.Y[0])
	si := -1
	if s.Series != "" {
		si, _ = t.col(s.Series)
	}
	rows := t.Table.Rows
	maxV, minV := 0.0, 0.0
	longest := 0
	for _, r := range rows {
		v, _ := toFloat(r[yi])
		maxV, minV = max(maxV, v), min(minV, v)
		longest = max(longest, len([]rune(label(r[xi]))))
	}
	for _, th := range s.Thresholds {
		maxV = max(maxV, th.Value)
	}
	if maxV == minV {
		maxV = minV + 1
	}
	horizontal := !hist && (len(rows) > 12 || longest > 10)
	if horizontal {
		lw := math.Min(float64(longest)*6.6+8, 200)
		// one text row per threshold label under the bars, so close thresholds' labels
		// never overlap
		h := marginT + float64(len(rows))*barRow + 12 + 12*float64(max(len(s.Thresholds), 1))
		plotW := chartW - lw - 70
		fmt.Fprintf(b, `<svg viewBox="0 0 %.0f %.0f" class="chart" role="img">`, chartW, h)
		for i, r := range rows {
			v, _ := toFloat(r[yi])
			y := marginT + float64(i)*barRow
			w := (v - minV) / (maxV - minV) * plotW
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" class="axis">%s</text>`, lw-4, y+barRow*0.65, esc(clip(label(r[xi]), 30)))
			fmt.Fprintf(b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" data-x="%s" data-y="%s"><title>%s: %s</title></rect>`,
				lw, y+2, math.Max(w, 0.5), barRow-4, t.barColor(r, v, si), esc(label(r[xi])), esc(fmt.Sprint(r[yi])), esc(label(r[xi])), esc(FormatNumber(v, s.Format)))
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="val">%s</text>`, lw+w+4, y+barRow*0.65, esc(FormatNumber(v, s.Format)))
		}
		plotBottom := marginT + float64(len(rows))*barRow + 4
		for i, th := range s.Thresholds {
			x := lw + (th.Value-minV)/(maxV-minV)*plotW
			// a label right of its line, or left of it when it would run past the chart's
			// edge (about 6 units a character at the axis font size)
			anchor, tx := "start", x+2
			if x+2+6*float64(utf8.RuneCountInString(th.Label)) > chartW-2 {
				anchor, tx = "end", x-2
			}
			fmt.Fprintf(b, `<line class="threshold" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/><text x="%.1f" y="%.1f" text-anchor="%s" class="axis">%s</text>`,
				x, x, marginT, plotBottom+12*float64(i), colorOr(th.Color, "#555"), tx, plotBottom+12*float64(i)+10, anchor, esc(th.Label))
		}
		b.WriteString(legend(s, 0))
		b.WriteString(`</svg>`)
		return
	}
	h := 220.0
	plotW, plotH := chartW-marginL-marginR, h-marginT-marginB
	fmt.Fprintf(b, `<svg viewBox="0 0 %.0f %.0f" class="chart" role="img">`, chartW, h)
	axisY(b, minV, maxV, plotH, s.Format)
	n := float64(max(len(rows), 1))
	bw := plotW / n
	gap := bw * 0.15
	if hist {
		gap = 1
	}
	step := max(1, int(math.Ceil(float64(len(rows))*float64(min(longest, 12))*6.6/plotW)))
	for i, r := range rows {
		v, _ := toFloat(r[yi])
		x := marginL + float64(i)*bw
		bh := (v - minV) / (maxV - minV) * plotH
		fmt.Fprintf(b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" data-x="%s" data-y="%s"><title>%s: %s</title></rect>`,
			x+gap/2, marginT+plotH-bh, bw-gap, math.Max(bh, 0.5), t.barColor(r, v, si), esc(label(r[xi])), esc(fmt.Sprint(r[yi])), esc(label(r[xi])), esc(FormatNumber(v, s.Format)))
		if i%step == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="axis">%s</text>`, x+bw/2, marginT+plotH+14, esc(clip(label(r[xi]), 12)))
		}
	}
	for _, th := range s.Thresholds {
		y := marginT + plotH - (th.Value-minV)/(maxV-minV)*plotH
		// the label ends at the plot's right edge, so it is never cut by the viewBox
		fmt.Fprintf(b, `<line class="threshold" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/><text x="%.1f" y="%.1f" text-anchor="end" class="axis">%s</text>`,
			marginL, marginL+plotW, y, y, colorOr(th.Color, "#555"), marginL+plotW-2, y-3, esc(th.Label))
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="axis title">%s</text>`, marginL+plotW/2, h-4, esc(s.X))
	b.WriteString(legend(s, 0))
	b.WriteString(`</svg>`)
}

func colorOr(c, d string) string {
	if c == "" || c == "<nil>" {
		return d
	}
	return c
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// legend lists the declared series colours and bands.
func legend(s ChartSpec, y float64) string {
	var b strings.Builder
	x := chartW - marginR
	type ent struct{ c, l string }
	var es []ent
	for _, bd := range s.Bands {
		if bd.Label != "" {
			es = append(es, ent{bd.Color, bd.Label})
		}
	}
	keys := make([]string, 0, len(s.Colors))
	for k := range s.Colors {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		es = append(es, ent{s.Colors[k], k})
	}
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		w := float64(len(e.l))*6.6 + 16
		x -= w
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" class="axis">%s</text>`, x, y+2, esc(e.c), x+13, y+11, esc(e.l))
	}
	return b.String()
}

// axisY draws the value axis with about five round ticks.
func axisY(b *strings.Builder, lo, hi, plotH float64, f string) {
	for _, v := range niceTicks(lo, hi, 5) {
		y := marginT + plotH - (v-lo)/(hi-lo)*plotH
		fmt.Fprintf(b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><text x="%.1f" y="%.1f" text-anchor="end" class="axis">%s</text>`,
			marginL, chartW-marginR, y, y, marginL-4, y+4, esc(FormatNumber(v, f)))
	}
}

// niceTicks returns round values between lo and hi (1, 2 or 5 times a power of ten apart).
func niceTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if span <= 0 {
		return []float64{lo}
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	var out []float64
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		// 12 significant digits drop the binary noise of k·step (0.6000000000000001).
		v, _ := strconv.ParseFloat(strconv.FormatFloat(k*step, 'g', 12, 64), 64)
		if v == 0 {
			v = 0 // not -0
		}
		out = append(out, v)
	}
	return out
}

func drawLine(b *strings.Builder, t *Tile) {
	s := t.Spec
	xi, _ := t.col(s.X)
	rows := t.Table.Rows
	type series struct {
		name string
		pts  [][2]float64
		raw  [][2]any
	}
	var ss []*series
	byName := map[string]*series{}
	get := func(name string) *series {
		if x := byName[name]; x != nil {
			return x
		}
		x := &series{name: name}
		byName[name] = x
		ss = append(ss, x)
		return x
	}
	numericX := true
	for _, r := range rows {
		if _, ok := toFloat(r[xi]); !ok {
			numericX = false
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for ri, r := range rows {
		xv := float64(ri)
		if numericX {
			xv, _ = toFloat(r[xi])
		}
		xlo, xhi = min(xlo, xv), max(xhi, xv)
		for _, yc := range s.Y {
			yi, _ := t.col(yc)
			v, ok := toFloat(r[yi])
			if !ok {
				continue
			}
			name := yc
			if s.Series != "" {
				si, _ := t.col(s.Series)
				name = label(r[si])
				if len(s.Y) > 1 {
					name += " " + yc
				}
			}
			x := get(name)
			x.pts = append(x.pts, [2]float64{xv, v})
			x.raw = append(x.raw, [2]any{r[xi], r[yi]})
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for _, th := range s.Thresholds {
		lo, hi = min(lo, th.Value), max(hi, th.Value)
	}
	if math.IsInf(lo, 0) {
		b.WriteString(`<p class="muted">no rows</p>`)
		return
	}
	if hi == lo {
		hi = lo + 1
	}
	if xhi == xlo {
		xhi = xlo + 1
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	h := 220.0
	plotW, plotH := chartW-marginL-marginR, h-marginT-marginB
	px := func(x float64) float64 { return marginL + (x-xlo)/(xhi-xlo)*plotW }
	py := func(y float64) float64 { return marginT + plotH - (y-lo)/(hi-lo)*plotH }
	fmt.Fprintf(b, `<svg viewBox="0 0 %.0f %.0f" class="chart" role="img">`, chartW, h)
	for _, bd := range s.Bands {
		y1, y2 := hi, lo
		if bd.To != nil {
			y1 = min(*bd.To, hi)
		}
		if bd.From != nil {
			y2 = max(*bd.From, lo)
		}
		if y1 > y2 {
			fmt.Fprintf(b, `<rect class="band" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" opacity="0.15"/>`, marginL, py(y1), plotW, py(y2)-py(y1), esc(bd.Color))
		}
	}
	axisY(b, lo, hi, plotH, s.Format)
	for _, v := range niceTicks(xlo, xhi, 6) {
		txt := FormatNumber(v, "")
		if !numericX {
			i := int(v)
			if i < 0 || i >= len(rows) || float64(i) != v {
				continue
			}
			txt = clip(label(rows[i][xi]), 12)
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="axis">%s</text>`, px(v), marginT+plotH+14, esc(txt))
	}
	for _, th := range s.Thresholds {
		fmt.Fprintf(b, `<line class="threshold" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/><text x="%.1f" y="%.1f" text-anchor="end" class="axis">%s</text>`,
			marginL, marginL+plotW, py(th.Value), py(th.Value), colorOr(th.Color, "#555"), marginL+plotW-2, py(th.Value)-3, esc(th.Label))
	}
	for k, x := range ss {
		c := palette[k%len(palette)]
		if sc, ok := s.Colors[x.name]; ok {
			c = sc
		}
		var pts []string
		for _, p := range x.pts {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p[0]), py(p[1])))
		}
		fmt.Fprintf(b, `<polyline class="line" fill="none" stroke="%s" points="%s"/>`, esc(c), strings.Join(pts, " "))
		for i, p := range x.pts {
			fmt.Fprintf(b, `<circle class="pt" r="3" cx="%.1f" cy="%.1f" fill="%s" data-x="%s" data-y="%s"><title>%s %s: %s</title></circle>`,
				px(p[0]), py(p[1]), esc(c), esc(fmt.Sprint(x.raw[i][0])), esc(fmt.Sprint(x.raw[i][1])), esc(x.name), esc(label(x.raw[i][0])), esc(FormatNumber(p[1], s.Format)))
		}
		if len(ss) > 1 {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="axis" fill="%s">%s</text>`, marginL+8+float64(k)*110, marginT+10, esc(c), esc(x.name))
		}
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="axis title">%s</text>`, marginL+plotW/2, h-4, esc(s.X))
	b.WriteString(`</svg>`)
}

func drawTable(b *strings.Builder, t *Tile) {
	s := t.Spec
	cols := s.Columns
	if len(cols) == 0 {
		for _, c := range t.Table.Columns {
			cols = append(cols, c.Name)
		}
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i], _ = t.col(c)
	}
	b.WriteString(`<div class="scroll"><table class="cols data"><thead><tr>`)
	for _, c := range cols {
		fmt.Fprintf(b, `<th>%s</th>`, esc(c))
	}
	b.WriteString(`</tr></thead><tbody>`)
	rows := t.Table.Rows
	if s.Limit > 0 && len(rows) > s.Limit {
		rows = rows[:s.Limit]
	}
	formatted := map[int]bool{}
	for _, y := range s.Y {
		if i, err := t.col(y); err == nil {
			formatted[i] = true
		}
	}
	for _, r := range rows {
		b.WriteString(`<tr>`)
		for _, i := range idx {
			v := r[i]
			f := ""
			if formatted[i] {
				f = s.Format
			}
			txt := label(v)
			cls := ""
			if x, ok := toFloat(v); ok {
				if _, isStr := v.(string); !isStr {
					txt = FormatNumber(x, f)
					cls = ` class="num"`
					if c := s.bandColor(x); c != "" && formatted[i] {
						cls = fmt.Sprintf(` class="num" style="color:%s"`, esc(c))
					}
				}
			}
			fmt.Fprintf(b, `<td%s data-value="%s">%s</td>`, cls, esc(fmt.Sprint(v)), esc(txt))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
}
