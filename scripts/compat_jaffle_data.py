"""Writes small stand-ins for jaffle-shop's raw_orders.csv and raw_items.csv (stored with Git
LFS, outside the repository), consistent with the committed raw_customers, raw_stores and
raw_products seeds: every item is a real product, subtotal is the sum of its items' prices,
tax_paid the store's rate of it, order_total their sum. Used by scripts/compat.sh.

usage: python3 compat_jaffle_data.py SEED_DIR
"""
import csv
import os
import sys

d = sys.argv[1]
read = lambda name: list(csv.DictReader(open(os.path.join(d, name))))
customers, stores, products = read("raw_customers.csv"), read("raw_stores.csv"), read("raw_products.csv")
orders, items = [], []
n = 0
for i, c in enumerate(customers[:120]):
    for k in range(1 + i % 3):
        n += 1
        oid = f"o-{n:05d}"
        store = stores[(i + k) % len(stores)]
        picks = [products[(i * 7 + k * 3 + j) % len(products)] for j in range(1 + (i + k) % 3)]
        for j, p in enumerate(picks):
            items.append({"id": f"i-{n:05d}-{j}", "order_id": oid, "sku": p["sku"]})
        subtotal = sum(int(p["price"]) for p in picks)
        tax = round(subtotal * float(store["tax_rate"]))
        orders.append({"id": oid, "customer": c["id"], "ordered_at": f"2017-{1 + (n % 12):02d}-{1 + (n % 27):02d}T1{n % 10}:00:00",
                       "store_id": store["id"], "subtotal": subtotal, "tax_paid": tax, "order_total": subtotal + tax})
for name, rows in (("raw_orders.csv", orders), ("raw_items.csv", items)):
    with open(os.path.join(d, name), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
