#!/usr/bin/env bash
# The backtest of docs/forecast.md, reproducible: consecutive generated years with account-level seasonality
# (bench/generate-year.py --years), imported through the CLI into a fresh SQLite database, then the API's
# GET /api/forecast/backtest from the second year to the last as of several days of the year. Prints one line per
# day and method; the raw JSON answers are kept beside them when OUT is given.
# usage: bench/backtest.sh [YEARS] [ACCOUNTS] [POSTINGS_PER_YEAR]   (default 6 2000 200000; SEED=19)
set -euo pipefail
cd "$(dirname "$0")/.."
years=${1:-6}
accounts=${2:-2000}
postings=${3:-200000}
seed=${SEED:-19}
first=2014
work=$(mktemp -d /tmp/budget-backtest.XXXXXX)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build src/Budget.Cli -c Release -v q -nologo >/dev/null
dotnet build src/Budget.Api -c Release -v q -nologo >/dev/null
echo "machine: $(nproc) cores, .NET $(dotnet --version); $(date -I); generate-year.py --years $years --accounts $accounts --postings $postings --seed $seed"
python3 bench/generate-year.py "$work/years" --years "$years" --accounts "$accounts" --postings "$postings" --year "$first" --seed "$seed"
for dir in "$work"/years/*; do
  dotnet src/Budget.Cli/bin/Release/net10.0/budget.dll import "$dir" --year "$(basename "$dir")" --connection "Data Source=$work/budget.db" | sed 's/^/  /'
done

key=backtest-bootstrap-key-of-32-characters-or-more
ConnectionStrings__Budget="Data Source=$work/budget.db" Budget__SeedDemo=false Auth__BootstrapKey=$key Logging__LogLevel__Default=Warning \
  dotnet src/Budget.Api/bin/Release/net10.0/Budget.Api.dll --urls http://127.0.0.1:5098 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5098/health >/dev/null && break; sleep 0.2; done

last=$((first + years - 1))
# One forecast of the last year as of 31 March, by account, for its answer time.
t0=$(date +%s.%N); curl -sf -o /dev/null -H "X-Api-Key: $key" "http://127.0.0.1:5098/api/budget-years/$last/forecast?asOf=$last-03-31&by=account"; t1=$(date +%s.%N)
echo "forecast $last by=account as of $last-03-31 ($accounts accounts, $((years - 1)) earlier years): $(echo "$t1 - $t0" | bc) s"
for day in 01-31 03-31 04-30 06-30 09-30 11-30; do
  t0=$(date +%s.%N)
  json=$(curl -sf -H "X-Api-Key: $key" "http://127.0.0.1:5098/api/forecast/backtest?from=$((first + 1))&to=$last&asOf=$day")
  t1=$(date +%s.%N)
  if [ -n "${OUT:-}" ]; then echo "$json" >"$OUT-$day.json"; fi
  python3 - "$json" "$t0" "$t1" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"asOf={r['asOf']} answered in {float(sys.argv[3]) - float(sys.argv[2]):.2f} s ({len(r['years'])} years tested)")
for m in r["methods"]:
    print(f"asOf={r['asOf']} years={r['from']}-{r['to']} method={m['method']:8} forecasts={m['forecasts']:5} mape={m['mape']} within5={m['within5Percent']} "
          f"| common({r['commonForecasts']}) mape={m['commonMape']} within5={m['commonWithin5Percent']}")
PY
done
