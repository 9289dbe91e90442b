#!/usr/bin/env python3
"""Checks that reference.py computes the same features as gdbt's SQL: every (user, product)
row of fct_reorder_training_data exported from gdbt's database to CSV must have the same
22 features, label and split as the pandas pipeline (relative and absolute tolerance 1e-9).

usage: compare_features.py RAW_DIR GDBT_TRAINING_DATA.csv [--ext csv]
Exits 1 and names the columns that differ.
"""
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402


def main():
    raw, exported = sys.argv[1], sys.argv[2]
    ext = sys.argv[sys.argv.index("--ext") + 1] if "--ext" in sys.argv else "csv"
    c = reference.features(raw, ext)
    c = c[c["eval_set"] == "train"]
    g = pd.read_csv(exported)
    m = c.merge(g, on=["user_id", "product_id"], suffixes=("_p", "_g"))
    problems = []
    if not (len(c) == len(g) == len(m)):
        problems.append(f"rows: pandas {len(c)}, gdbt {len(g)}, matched {len(m)}")
    for f in reference.FEATURES + ["label"]:
        a, b = m[f + "_p"].astype(float).fillna(-999), m[f + "_g"].astype(float).fillna(-999)
        bad = int((~np.isclose(a, b, rtol=1e-9, atol=1e-9)).sum())
        if bad:
            problems.append(f"{f}: {bad} rows differ")
    if (m["split_p"] != m["split_g"]).any():
        problems.append("split differs")
    if problems:
        print("features differ: " + "; ".join(problems))
        sys.exit(1)
    print(f"features equal: {len(m)} rows x {len(reference.FEATURES)} features, label and split")


if __name__ == "__main__":
    main()
