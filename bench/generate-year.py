#!/usr/bin/env python3
"""A municipality-scale synthetic budget year in the interchange format (docs/data-formats.md), for benchmarks.

usage: generate-year.py OUT_DIR [--postings N] [--accounts N] [--year Y] [--seed S] [--years N]
Defaults: 2.000.000 postings over 5.000 accounts in 6 committees and 40 activity areas; movements of every kind;
postings spread over the year with monthly seasonality; estimates for rounds 1-3 on every account; rounds.csv.
Deterministic for a given seed. Also writes ledger.journal (hledger) with the same postings and budget, for the
peer comparison (only when --journal is given: hledger needs ~8 KB per posting).

--years N (N > 1): N consecutive years from --year, one folder each (OUT_DIR/2014, OUT_DIR/2015, ...), the same
accounts every year, each account paid in a pattern of its own that the forecast methods must cope with
(docs/forecast.md): quarterly in arrears (each quarter paid in the month after it), once a year in a month of its
own, monthly with a settlement at year end, or monthly with a seasonal profile (holiday pay in May, a quiet July,
more in December). Each account drifts by a yearly growth of its own (-2 % to +8 %), each account-year has a level
shock (+-3 %) and each payment noise (+-10 %) and a payment day that wanders by up to 3 days. --postings is then
per year (each payment split into several postings on its day). The original budget is last year's level grown
by the account's drift; estimates are the budget +-5 %.
"""
import argparse, os, random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--postings", type=int, default=2_000_000)
p.add_argument("--accounts", type=int, default=5_000)
p.add_argument("--year", type=int, default=2014)
p.add_argument("--seed", type=int, default=2014)
p.add_argument("--journal", action="store_true")
p.add_argument("--years", type=int, default=1)
a = p.parse_args()
random.seed(a.seed)
os.makedirs(a.out, exist_ok=True)
Y = a.year

if a.years > 1:
    committees = ["Økonomiudvalget", "Børne- og Ungdomsudvalget", "Social- og Sundhedsudvalget",
                  "Teknik- og Miljøudvalget", "Kultur- og Fritidsudvalget", "Erhvervs- og Beskæftigelsesudvalget"]
    areas = [(committees[i % 6], f"Område {i + 1:02d}") for i in range(40)]
    # Pattern shares: quarterly in arrears, yearly, monthly with a year-end settlement, monthly seasonal.
    patterns = ["quarterly"] * 25 + ["yearly"] * 15 + ["year-end"] * 20 + ["seasonal"] * 40
    seasonal = [1.0, 0.95, 1.0, 1.0, 1.6, 1.0, 0.45, 0.9, 1.0, 1.0, 1.05, 1.45]
    accounts = []
    for i in range(a.accounts):
        committee, area = areas[i % 40]
        accounts.append({
            "committee": committee, "area": area, "id": f"{i % 7}.{(i // 7) % 100:02d}.{i:05d}", "name": f"Konto {i}",
            "pattern": random.choice(patterns), "level": random.randint(50_000, 20_000_000),
            "growth": random.uniform(-0.02, 0.08), "day": random.randint(1, 28), "month": random.randint(1, 12)})

    def payments(acc):
        """(month, share of the year) of an account's payments in a year."""
        if acc["pattern"] == "quarterly":
            return [(m, 0.25) for m in (1, 4, 7, 10)]
        if acc["pattern"] == "yearly":
            return [(acc["month"], 1.0)]
        if acc["pattern"] == "year-end":
            return [(m, 0.06) for m in range(1, 12)] + [(12, 0.34)]
        total = sum(seasonal)
        return [(m, seasonal[m - 1] / total) for m in range(1, 13)]

    count = sum(len(payments(acc)) for acc in accounts)
    split = max(1, round(a.postings / count))
    for k in range(a.years):
        year = Y + k
        folder = os.path.join(a.out, str(year))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "accounts.csv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("committee,activity_area,account,name\n")
            for acc in accounts:
                f.write(f"{acc['committee']},{acc['area']},{acc['id']},{acc['name']}\n")
        with open(os.path.join(folder, "movements.csv"), "w", encoding="utf-8", newline="\n") as m, \
             open(os.path.join(folder, "estimates.csv"), "w", encoding="utf-8", newline="\n") as e, \
             open(os.path.join(folder, "postings.csv"), "w", encoding="utf-8", newline="\n") as f:
            m.write("account,kind,amount,decided_on,reference,decided_by\n")
            e.write("round,account,estimate,explanation,out_year_1,out_year_2,out_year_3,out_year_4\n")
            f.write("account,posted_on,amount\n")
            for acc in accounts:
                level = acc["level"] * (1 + acc["growth"]) ** k
                budget = round(level)
                m.write(f"{acc['id']},original_budget,{budget}.00,{year - 1}-10-09,Budget {year},Kommunalbestyrelsen\n")
                for r in (1, 2, 3):
                    e.write(f"{r},{acc['id']},{round(budget * random.uniform(0.95, 1.05))}.00,Skøn runde {r},0,0,0,0\n")
                shock = random.uniform(0.97, 1.03)
                for month, share in payments(acc):
                    amount = level * shock * share * random.uniform(0.9, 1.1)
                    day = min(28, max(1, acc["day"] + random.randint(-3, 3)))
                    for _ in range(split):
                        f.write(f"{acc['id']},{year}-{month:02d}-{day:02d},{amount / split:.2f}\n")
        with open(os.path.join(folder, "rounds.csv"), "w", encoding="utf-8", newline="\n") as f:
            f.write(f"round,cutoff\n1,{year}-03-31\n2,{year}-06-30\n3,{year}-09-30\n")
    raise SystemExit(0)

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
