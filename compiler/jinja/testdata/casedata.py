"""Dumps Python's case data for every code point, for casetables_test.go.

One JSON array per line: [code point, lower, upper, title, casefold, flags] for each code
point whose mappings are not itself or that has a flag: 1 Cased, 2 Case_Ignorable (both
as str.lower's Final_Sigma rule and str.title see them), 4 str.isupper, 8 str.islower,
16 titlecase letter (category Lt). The properties are read through str's own methods, so
they are this Python's Unicode database and rules.
"""
import sys
import unicodedata

out = []
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    c = chr(cp)
    lo, up, ti, fo = c.lower(), c.upper(), c.title(), c.casefold()
    cased = (c + "a").title().endswith("a")
    if cased:
        ignorable = (" " + c + "\u03a3").lower().endswith("\u03c3")
    else:
        ignorable = ("A" + c + "\u03a3").lower().endswith("\u03c2")
    flags = (cased and 1) | (ignorable and 2) | (c.isupper() and 4) | (c.islower() and 8) | (unicodedata.category(c) == "Lt" and 16)
    if flags or lo != c or up != c or ti != c or fo != c:
        out.append("[%d,%s,%s,%s,%s,%d]" % (cp, *(__import__("json").dumps(x) for x in (lo, up, ti, fo)), flags))
sys.stdout.write("\n".join(out) + "\n")
