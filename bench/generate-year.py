#!/usr/bin/env python3
"""A municipality-scale synthetic budget year in the interchange format (docs/data-formats.md), for benchmarks.

usage: generate-year.py OUT_DIR [--postings N] [--accounts N] [--year Y] [--seed S]
Defaults: 2.000.000 postings over 5.000 accounts in 6 committees and 40 activity areas; movements of every kind;
postings spread over the year with monthly seasonality; estimates for rounds 1-3 on every account; rounds.csv.
Deterministic for a given seed. Also writes ledger.journal (hledger) with the same postings and budget, for the
peer comparison (only when --journal is given: hledger needs ~8 KB per posting).
"""
import argparse, os, random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--postings", type=int, default=2_000_000)
p.add_argument("--accounts", type=int, default=5_000)
p.add_argument("--year", type=int, default=2014)
p.add_argument("--seed", type=int, default=2014)
p.add_argument("--journal", action="store_true")
a = p.parse_args()
random.seed(a.seed)
os.makedirs(a.out, exist_ok=True)
Y = a.year

committees = ["Økonomiudvalget", "Børne- og Ungdomsudvalget", "Social- og Sundhedsudvalget",
              "Teknik- og Miljøudvalget", "Kultur- og Fritidsudvalget", "Erhvervs- og Beskæftigelsesudvalget"]
areas = [(committees[i % 6], f"Område {i + 1:02d}") for i in range(40)]
blocks = ["drift"] * 8 + ["anlaeg"]
accounts = []
for i in range(a.accounts):
    committee, area = areas[i % 40]
    accounts.append((committee, area, f"{i % 7}.{(i // 7) % 100:02d}.{i:05d}", f"Konto {i}", f"Gruppe {i % 25}", random.choice(blocks)))

with open(os.path.join(a.out, "accounts.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("committee,activity_area,account,name,group,block\n")
    for c, ar, acc, name, g, b in accounts:
        f.write(f"{c},{ar},{acc},{name},{g},{b}\n")

budget = {acc[2]: random.randint(50_000, 20_000_000) for acc in accounts}
kinds = [("prior_estimate_shift", f"{Y}-01-20"), ("carry_over", f"{Y}-02-25"), ("council_decision", f"{Y}-04-22"),
         ("technical_reallocation", f"{Y}-05-13"), ("estimate_appropriation", f"{Y}-08-26"), ("council_decision", f"{Y}-10-28")]
with open(os.path.join(a.out, "movements.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("account,kind,amount,decided_on,reference,decided_by\n")
    for acc, amount in budget.items():
        f.write(f"{acc},original_budget,{amount}.00,{Y - 1}-10-09,Budget {Y},Kommunalbestyrelsen\n")
        for kind, date in random.sample(kinds, 2):
            f.write(f"{acc},{kind},{random.randint(-200_000, 200_000)}.{random.randint(0, 99):02d},{date},{kind} {date},Kommunalbestyrelsen\n")

# Monthly seasonality: more in January (annual payments), less in July, more in December (year-end).
weights = [1.4, 0.9, 1.0, 1.0, 1.0, 1.0, 0.6, 0.9, 1.0, 1.0, 1.1, 1.5]
days = [(m, d) for m in range(1, 13) for d in range(1, 29) for _ in range(int(weights[m - 1] * 10))]
ids = [acc[2] for acc in accounts]
with open(os.path.join(a.out, "postings.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("account,posted_on,amount\n")
    for i in range(a.postings):
        m, d = days[random.randrange(len(days))]
        f.write(f"{ids[random.randrange(len(ids))]},{Y}-{m:02d}-{d:02d},{random.randint(-20_000, 300_000)}.{random.randint(0, 99):02d}\n")

with open(os.path.join(a.out, "estimates.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("round,account,estimate,explanation,out_year_1,out_year_2,out_year_3,out_year_4\n")
    for r in (1, 2, 3):
        for acc, amount in budget.items():
            f.write(f"{r},{acc},{amount + random.randint(-500_000, 500_000)}.00,Skøn runde {r},{random.randint(-1000, 1000)}00,0,0,0\n")

with open(os.path.join(a.out, "rounds.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write(f"round,cutoff\n1,{Y}-03-31\n2,{Y}-06-30\n3,{Y}-09-30\n")

if a.journal:
    # hledger: a periodic budget per account and one transaction per posting against a cash account.
    with open(os.path.join(a.out, "ledger.journal"), "w", encoding="utf-8", newline="\n") as j:
        j.write(f"~ yearly from {Y}\n")
        for acc, amount in budget.items():
            j.write(f"    expenses:{acc}  {amount}.00 DKK\n")
        j.write("    assets:cash\n\n")
        with open(os.path.join(a.out, "postings.csv"), encoding="utf-8") as f:
            next(f)
            for line in f:
                acc, date, amount = line.rstrip("\n").split(",")
                j.write(f"{date}\n    expenses:{acc}  {amount} DKK\n    assets:cash\n\n")
