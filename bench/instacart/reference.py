#!/usr/bin/env python3
"""The Instacart pipeline in pandas + scikit-learn: the reference gdbt's build is compared
with. It computes the same features as models/core, models/features and models/ml (same
definitions, column for column), trains the same logistic regression (features standardized
with the population std, missing values 0 after standardizing, L2 = 1.0 on the non-intercept
weights of the summed log loss, i.e. scikit-learn's C = 1.0, lbfgs) on the 'train' split, and
scores every candidate and the validation split.

usage:
  reference.py RAW_DIR [--ext csv] [--out DIR]      the whole pipeline from the six CSV files
  reference.py --fit TRAIN.csv VALID.csv [--l2 1.0] fit on tables exported from gdbt's build
                                                    (standardized like the macro) and print the
                                                    optimum's objective and validation AUC
Prints one JSON line of timings and metrics.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

FEATURES = [
    "user_orders", "user_mean_basket", "user_mean_days_between", "user_reorder_ratio",
    "product_orders_log", "product_reorder_rate", "product_reorder_probability",
    "product_mean_cart_position",
    "up_times_bought", "up_reorder_rate", "up_orders_since_last", "up_days_since_last",
    "up_streak", "up_mean_cart_position", "up_in_last_1", "up_in_last_3", "up_in_last_5",
    "up_order_share", "up_rate_since_first",
    "target_order_hour", "target_order_dow", "target_days_since_prior",
]
VALIDATION_PCT = 20


def features(raw, ext):
    """Returns the candidates table (fct_reorder_training_data plus test users' rows)."""
    orders = pd.read_csv(f"{raw}/orders.{ext}", dtype={
        "order_id": "int32", "user_id": "int32", "eval_set": "category", "order_number": "int16",
        "order_dow": "int8", "order_hour_of_day": "int8", "days_since_prior_order": "float64"})
    prior = pd.read_csv(f"{raw}/order_products__prior.{ext}", dtype={
        "order_id": "int32", "product_id": "int32", "add_to_cart_order": "int16", "reordered": "int8"})
    train = pd.read_csv(f"{raw}/order_products__train.{ext}", dtype={
        "order_id": "int32", "product_id": "int32", "add_to_cart_order": "int16", "reordered": "int8"})

    # dim_orders: cumulative days since the user's first order.
    orders = orders.sort_values(["user_id", "order_number"], kind="stable")
    orders["days_since_first_order"] = (
        orders["days_since_prior_order"].fillna(0).groupby(orders["user_id"]).cumsum())

    # fct_order_products: prior lines with their order's attributes.
    po = orders[orders["eval_set"] == "prior"]
    lines = prior.merge(
        po[["order_id", "user_id", "order_number", "days_since_first_order"]], on="order_id")

    # fct_user_features.
    basket = prior.groupby("order_id").size().rename("basket_size")
    po = po.join(basket, on="order_id")
    uo = po.groupby("user_id").agg(
        user_orders=("order_id", "size"),
        user_last_prior_day=("days_since_first_order", "max"),
        user_mean_days_between=("days_since_prior_order", "mean"),
        user_mean_basket=("basket_size", "mean"))
    after_first = lines["order_number"] > 1
    ul = pd.DataFrame({
        "user_distinct_products": lines.groupby("user_id")["product_id"].nunique(),
        "reordered_after": (lines["reordered"] * after_first).groupby(lines["user_id"]).sum(),
        "lines_after": after_first.groupby(lines["user_id"]).sum()})
    users = uo.join(ul, how="inner")
    users["user_reorder_ratio"] = users["reordered_after"] / users["lines_after"].replace(0, np.nan)

    # fct_product_features.
    per_user = lines.groupby(["product_id", "user_id"]).size()
    pu = pd.DataFrame({"product_users": per_user.groupby(level=0).size(),
                       "product_repeat_users": (per_user > 1).groupby(level=0).sum()})
    products = lines.groupby("product_id").agg(
        product_orders=("order_id", "size"),
        product_reorder_rate=("reordered", "mean"),
        product_mean_cart_position=("add_to_cart_order", "mean")).join(pu)
    products["product_reorder_probability"] = products["product_repeat_users"] / products["product_users"]

    # fct_user_product_features.
    l = lines.join(users[["user_orders", "user_last_prior_day"]], on="user_id")
    l = l.sort_values(["user_id", "product_id", "order_number"], ascending=[True, True, False], kind="stable")
    l["recent_rank"] = l.groupby(["user_id", "product_id"]).cumcount() + 1
    uo_ = l["user_orders"]
    on = l["order_number"]
    l["streak"] = (on == uo_ - l["recent_rank"] + 1).astype("int32")
    l["last1"] = (on == uo_).astype("int32")
    l["last3"] = (on > uo_ - 3).astype("int32")
    l["last5"] = (on > uo_ - 5).astype("int32")
    g = l.groupby(["user_id", "product_id"], sort=False)
    up = g.agg(
        up_times_bought=("order_id", "size"),
        up_reorder_rate=("reordered", "mean"),
        up_first=("order_number", "min"),
        up_last=("order_number", "max"),
        up_last_day=("days_since_first_order", "max"),
        user_orders=("user_orders", "max"),
        user_last_prior_day=("user_last_prior_day", "max"),
        up_streak=("streak", "sum"),
        up_mean_cart_position=("add_to_cart_order", "mean"),
        up_in_last_1=("last1", "max"),
        up_in_last_3=("last3", "sum"),
        up_in_last_5=("last5", "sum")).reset_index()
    del l, g
    up["up_orders_since_last"] = up["user_orders"] - up["up_last"]
    up["up_days_since_last"] = up["user_last_prior_day"] - up["up_last_day"]
    up["up_order_share"] = up["up_times_bought"] / up["user_orders"]
    up["up_rate_since_first"] = up["up_times_bought"] / (up["user_orders"] - up["up_first"] + 1)
    up = up.drop(columns=["user_orders", "user_last_prior_day", "up_first", "up_last", "up_last_day"])

    # fct_target_orders and fct_reorder_candidates.
    t = orders[orders["eval_set"].isin(["train", "test"])][
        ["user_id", "order_id", "eval_set", "order_hour_of_day", "order_dow", "days_since_prior_order"]]
    t = t.rename(columns={"order_id": "target_order_id", "order_hour_of_day": "target_order_hour",
                          "order_dow": "target_order_dow", "days_since_prior_order": "target_days_since_prior"})
    c = up.merge(users[["user_orders", "user_mean_basket", "user_mean_days_between", "user_reorder_ratio"]],
                 left_on="user_id", right_index=True)
    c = c.merge(products, left_on="product_id", right_index=True)
    c = c.merge(t, on="user_id")
    c["user_mean_days_between"] = c["user_mean_days_between"].fillna(0)
    c["user_reorder_ratio"] = c["user_reorder_ratio"].fillna(0)
    c["product_orders_log"] = np.log1p(c["product_orders"])
    c["target_days_since_prior"] = c["target_days_since_prior"].fillna(0)
    c["up_days_since_last"] = c["up_days_since_last"] + c["target_days_since_prior"]

    # fct_reorder_training_data: labels and the hash split.
    labels = train[["order_id", "product_id"]].assign(label=1).rename(columns={"order_id": "target_order_id"})
    c = c.merge(labels, on=["target_order_id", "product_id"], how="left")
    c["label"] = c["label"].fillna(0).astype("int8")
    c["split"] = np.where((c["user_id"].astype("int64") * 2654435761) % 100 < VALIDATION_PCT, "validation", "train")
    return c


def standardize(train_x):
    """Means and population stds as the macro computes them (std 0 becomes 1)."""
    mean = np.nanmean(train_x, axis=0)
    std = np.nanstd(train_x, axis=0)
    std[~(std > 0)] = 1.0
    return mean, std


def zscore(x, mean, std):
    z = (x - mean) / std
    return np.nan_to_num(z, nan=0.0)


def fit(train_x, train_y, l2):
    mean, std = standardize(train_x)
    z = zscore(train_x, mean, std)
    m = LogisticRegression(C=1.0 / l2, solver="lbfgs", max_iter=10000, tol=1e-10)
    m.fit(z, train_y)
    p = m.predict_proba(z)[:, 1]
    n = len(train_y)
    objective = log_loss(train_y, p, labels=[0, 1]) + l2 / (2 * n) * float(np.sum(m.coef_ ** 2))
    return m, mean, std, objective


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw", nargs="?")
    ap.add_argument("--ext", default="csv")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--fit", nargs=2, metavar=("TRAIN", "VALID"))
    ap.add_argument("--out", help="write the predictions (user_id, product_id, p) here as CSV")
    a = ap.parse_args()
    t0 = time.perf_counter()
    res = {}
    if a.fit:
        tr = pd.read_csv(a.fit[0])
        va = pd.read_csv(a.fit[1])
        t1 = time.perf_counter()
    else:
        if not a.raw:
            ap.error("RAW_DIR or --fit is required")
        c = features(a.raw, a.ext)
        t1 = time.perf_counter()
        res["candidates"] = len(c)
        tr = c[(c["eval_set"] == "train") & (c["split"] == "train")]
        va = c[(c["eval_set"] == "train") & (c["split"] == "validation")]
    m, mean, std, objective = fit(tr[FEATURES].to_numpy(np.float64), tr["label"].to_numpy(), a.l2)
    t2 = time.perf_counter()
    pv = m.predict_proba(zscore(va[FEATURES].to_numpy(np.float64), mean, std))[:, 1]
    if not a.fit:
        pall = m.predict_proba(zscore(c[FEATURES].to_numpy(np.float64), mean, std))[:, 1]
        res["mean_p_all"] = float(pall.mean())
        if a.out:
            c[["user_id", "product_id"]].assign(p=pall).to_csv(a.out, index=False)
    t3 = time.perf_counter()
    res.update(
        train_rows=len(tr), valid_rows=len(va), train_objective=objective,
        valid_auc=float(roc_auc_score(va["label"], pv)),
        valid_log_loss=float(log_loss(va["label"], pv, labels=[0, 1])),
        n_iter=int(m.n_iter_[0]),
        features_s=round(t1 - t0, 3), fit_s=round(t2 - t1, 3), score_s=round(t3 - t2, 3),
        total_s=round(t3 - t0, 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
