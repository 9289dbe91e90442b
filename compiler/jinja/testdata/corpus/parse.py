#!/usr/bin/env python3
"""Parse dbt .sql files with Python's Jinja2 3.1 and dbt's block tags, as a cross-check
for gdbt's corpus parse test (corpus_test.go).

Input (stdin): a JSON list of file paths. Output (stdout): a JSON object mapping each path
that Jinja2 rejects to its error message; files that parse are absent.

The environment mirrors dbt's parser: the do and loopcontrols extensions, plus the block
tags dbt adds. materialization, docs and snapshot take a header of comma-separated
expressions and keyword arguments; test (and data_test) take a macro signature. Only
parsing is checked, nothing is rendered.
"""
import json
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension


class ArgsBlock(Extension):
    """{% tag expr, key=expr %}...{% endtag %}"""

    tags = {"materialization", "docs", "snapshot"}

    def parse(self, parser):
        tag = next(parser.stream)
        while parser.stream.current.type != "block_end":
            if parser.stream.current.type == "name" and parser.stream.look().type == "assign":
                next(parser.stream)
                next(parser.stream)
            parser.parse_expression()
            if parser.stream.current.type != "block_end":
                parser.stream.expect("comma")
        body = parser.parse_statements(("name:end" + tag.value,), drop_needle=True)
        return nodes.Scope(body, lineno=tag.lineno)


class MacroLikeBlock(Extension):
    """{% test name(params) %}...{% endtest %}"""

    tags = {"test", "data_test"}

    def parse(self, parser):
        tag = next(parser.stream)
        node = nodes.Macro(lineno=tag.lineno)
        node.name = parser.parse_assign_target(name_only=True).name
        parser.parse_signature(node)
        node.body = parser.parse_statements(("name:end" + tag.value,), drop_needle=True)
        return node


def main():
    env = jinja2.Environment(
        extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do", ArgsBlock, MacroLikeBlock]
    )
    failures = {}
    for path in json.load(sys.stdin):
        try:
            with open(path, encoding="utf-8") as f:
                env.parse(f.read())
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            failures[path] = "%s: %s" % (type(exc).__name__, exc)
    json.dump(failures, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
