#!/usr/bin/env python3
"""Parse dbt .sql files with Python's Jinja2 3.1 and dbt's block tags, as a cross-check
for gdbt's corpus parse test (corpus_test.go).

Input (stdin): a JSON list of file paths. Output (stdout): {"failures": {path: error
message} for each file Jinja2 rejects, "macros": {path: [[name, [param, ...]], ...]} the
top-level macro definitions (and test blocks) of each file that parses, in source order,
"renders": {path: {"out": str} | {"error": str}} each file rendered with an empty context,
for the files that parse and hold no materialization / docs / snapshot block (how those
render at the top level is the host's business)}.

The environment mirrors dbt's parser: the do and loopcontrols extensions, plus the block
tags and filters dbt adds. materialization, docs and snapshot take a header of comma-separated
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
    seen = False  # set when the file being parsed holds such a block

    def parse(self, parser):
        ArgsBlock.seen = True
        tag = next(parser.stream)
        while parser.stream.current.type != "block_end":
            if parser.stream.current.type == "name" and parser.stream.look().type == "assign":
                next(parser.stream)
                next(parser.stream)
            parser.parse_expression()
            if parser.stream.current.type != "block_end":
                parser.stream.expect("comma")
        parser.parse_statements(("name:end" + tag.value,), drop_needle=True)
        return nodes.Output([], lineno=tag.lineno)


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
    for name in ("as_bool", "as_native", "as_number", "as_text"):
        env.filters[name] = lambda value: value  # dbt's filters; identity is enough here
    failures, macros, renders = {}, {}, {}
    for path in json.load(sys.stdin):
        ArgsBlock.seen = False
        try:
            with open(path, encoding="utf-8") as f:
                src = f.read()
            tree = env.parse(src)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            failures[path] = "%s: %s" % (type(exc).__name__, exc)
            continue
        macros[path] = [
            [node.name, [arg.name for arg in node.args]]
            for node in tree.body
            if isinstance(node, nodes.Macro)
        ]
        if ArgsBlock.seen:
            continue
        try:
            renders[path] = {"out": env.from_string(src).render()}
        except Exception as exc:  # noqa: BLE001
            renders[path] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    json.dump(
        {"failures": failures, "macros": macros, "renders": renders},
        sys.stdout,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
