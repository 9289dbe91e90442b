#!/usr/bin/env python3
"""Parses every built-in macro file with Python's Jinja2 (the reference engine gdbt's
compiler/jinja follows), as a syntax check independent of the Go engine.

dbt's host block tags are rewritten to plain macro tags first, keeping line numbers:
  {% materialization name, default %}   -> {% macro materialization_name() %}
  {% test name(args) %}                 -> {% macro test_name(args) %}
Usage: python3 jinja_syntax_check.py [macros-dir]   (exit 1 on any error)
"""
import os
import re
import sys

import jinja2

TAG = r"\{%(-?)\s*"
END = r"\s*(-?)%\}"


def rewrite(src):
    src = re.sub(TAG + r"materialization\s+(\w+)\s*,[^%]*?" + END,
                 lambda m: "{%" + m.group(1) + " macro materialization_" + m.group(2) + "() " + m.group(3) + "%}", src)
    src = re.sub(TAG + r"endmaterialization" + END, r"{%\1 endmacro \2%}", src)
    src = re.sub(TAG + r"test\s+(\w+)\s*\(", r"{%\1 macro test_\2(", src)
    src = re.sub(TAG + r"endtest" + END, r"{%\1 endmacro \2%}", src)
    return src


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "macros")
    env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    failed = 0
    count = 0
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".sql"):
                continue
            path = os.path.join(dirpath, name)
            count += 1
            with open(path) as f:
                src = f.read()
            try:
                env.parse(rewrite(src))
            except jinja2.TemplateSyntaxError as e:
                failed += 1
                print(f"{path}:{e.lineno}: {e.message}")
    print(f"{count} files, {failed} with errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
