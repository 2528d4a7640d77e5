#!/usr/bin/env bash
# Cases at volume (docs/cases.md, "Measured"): the demo year, N cases of two lines and two financing rows each
# (half of them in one savings catalogue), imported by the CLI and printed as the catalogue and as the list of all.
# Usage: bench/cases.sh [N]   (default 2000). Prints wall and CPU time of each step (GNU time).
set -euo pipefail
n=${1:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/budget-cases-bench.XXXX)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/Budget.Cli" -c Release -v q >/dev/null
cli="dotnet $root/src/Budget.Cli/bin/Release/net10.0/budget.dll"
db="Data Source=$work/bench.db"
python3 - "$n" "$work/cases.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
rows = ["reference,title,kind,account,budget_year,out_year_1,out_year_2,out_year_3,annual,from,to,share,permanent,cash_neutral,catalogue,classification"]
for i in range(n):
    catalogue = "Sparekatalog" if i % 2 == 0 else ""
    rows.append(f"C-{i},Sag {i},line,5.68.90,{1000 + i}.01,2000,2000,2000,,,,,true,true,{catalogue},")
    rows.append(f"C-{i},,line,5.57.73,,,,,-{1200 + i},2014-07-15,,,,,,")
    rows.append(f"C-{i},,financing,6.48.67,,,,,,,,0.3333333333,,,,")
    rows.append(f"C-{i},,financing,5.46.60,,,,,,,,0.6666666667,,,,")
open(path, "w").write("\n".join(rows) + "\n")
PY
$cli import "$root/data/demo" --year 2014 --connection "$db" >/dev/null
/usr/bin/time -f "migrate only (start-up): wall %e s, cpu %U+%S s" $cli migrate --connection "$db" >/dev/null
/usr/bin/time -f "import $n cases: wall %e s, cpu %U+%S s, %M KB" $cli cases import "$work/cases.csv" --year 2014 --connection "$db" >/dev/null
/usr/bin/time -f "catalogue report (thousands, kept totals): wall %e s, cpu %U+%S s, %M KB" $cli cases report --year 2014 --catalogue Sparekatalog --format csv --unit thousands --keep-totals --connection "$db" >/dev/null
/usr/bin/time -f "all $n cases: wall %e s, cpu %U+%S s, %M KB" $cli cases report --year 2014 --format csv --connection "$db" >/dev/null
