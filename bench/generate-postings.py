#!/usr/bin/env python3
"""Writes a postings.csv of N rows over the demo year's accounts (interchange format), for import measurements.

usage: generate-postings.py ROWS OUT.csv
"""
import random
import sys

accounts = ["5.57.73", "5.48.68", "5.57.78", "5.57.76", "5.57.79", "5.58.80", "5.58.81", "5.58.82", "5.68.90",
            "5.68.91", "5.68.97", "5.68.98", "5.46.60", "3.30.46", "4.62.90", "5.57.74", "5.48.67", "5.57.71",
            "5.57.72", "5.57.75", "5.68.95", "5.68.96", "6.48.67"]
rows, out = int(sys.argv[1]), sys.argv[2]
random.seed(2014)
days = [(m, d) for m in range(1, 13) for d in range(1, 29)]
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write("account,posted_on,amount\n")
    for i in range(rows):
        m, d = days[i % len(days)]
        f.write(f"{accounts[i % len(accounts)]},2014-{m:02d}-{d:02d},{random.randint(-50000, 500000)}.{random.randint(0, 99):02d}\n")
