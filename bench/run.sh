#!/usr/bin/env bash
# The measurements of docs/performance.md, reproducible: import rate through the CLI (SQLite, PostgreSQL) and the API
# against the sqlite3 .import floor; the follow-up report against a hand-written GROUP BY over the raw postings and
# against hledger; warm report latency per grouping and as-of date (BenchmarkDotNet) as postings grow.
# Prints one line per figure (medians of REPS runs with min–max), and the BenchmarkDotNet tables.
# usage: bench/run.sh [SIZES...]   (default: 100000 1000000 2000000 10000000; REPS=3 runs per import below 10M)
# Needs sqlite3, PostgreSQL 15 binaries (.ci/postgres), python3, bc; hledger for the peer comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -eq 0 ] && sizes=(100000 1000000 2000000 10000000)
reps=${REPS:-3}
work=$(mktemp -d /tmp/budget-bench.XXXXXX)
pg=$(mktemp -d /tmp/budget-bench-pg.XXXXXX)
server=
trap 'kill $server 2>/dev/null || true; .ci/postgres stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
# "median (min–max)" of the numbers given
summary() { python3 -c 'import sys,statistics as s; v=sorted(map(float,sys.argv[1:])); print(f"{s.median(v):.3f} ({v[0]:.3f}–{v[-1]:.3f})")' "$@"; }
median() { python3 -c 'import sys,statistics as s; print(f"{s.median(map(float,sys.argv[1:])):.3f}")' "$@"; }

dotnet build src/Budget.Cli -c Release -v q -nologo >/dev/null
dotnet build src/Budget.Api -c Release -v q -nologo >/dev/null
dotnet build bench/Budget.Benchmarks -c Release -v q -nologo >/dev/null
cli="dotnet src/Budget.Cli/bin/Release/net10.0/budget.dll"
pgserver=$(.ci/postgres start "$pg")
port=$(cat "$pg/port")
pgdb() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$port" -U postgres -qc "$1" >/dev/null; }

# Warm in-process latency of FollowUpQuery.Report (BenchmarkDotNet, short job) on a loaded database.
# BUDGET_FACTS_CACHE=off measures the full read (every report reads everything, as after an import); "kept" is the
# same report read again while the database is unchanged (decisions 0007, 0020; PostgreSQL keeps facts too since
# issue 20). bench/targets.sh measures the report right after a write and every other figure of issue 20.
bdn() { # provider connection label [BUDGET_BENCH_BY] [BUDGET_BENCH_ASOF] [cache on|off]
  local out="$work/bdn-$3"
  BUDGET_BENCH_PROVIDER=$1 BUDGET_BENCH_CONNECTION=$2 BUDGET_BENCH_BY=${4:-} BUDGET_BENCH_ASOF=${5:-} BUDGET_FACTS_CACHE=${6:-on} \
    dotnet bench/Budget.Benchmarks/bin/Release/net10.0/Budget.Benchmarks.dll --filter '*ReportLatency*' --job short --artifacts "$out" >"$out.log" 2>&1 || true
  python3 - "$out/results/Budget.Benchmarks.ReportLatency-report.csv" "$3" <<'PY'
import csv, sys
try:
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
except FileNotFoundError:
    print(f"{sys.argv[2]}: BenchmarkDotNet produced no results (see its log)"); sys.exit()
for r in rows:
    print(f"{sys.argv[2]} by={r['By']} asOf={r['AsOf']} mean={r['Mean']} error={r['Error']} stddev={r['StdDev']} allocated={r['Allocated']}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1); $(date -I)"
for n in "${sizes[@]}"; do
  dir="$work/y$n"; python3 bench/generate-year.py "$dir" --postings "$n" >/dev/null
  mkdir -p "$dir/base" "$dir/ledger"
  cp "$dir"/{accounts,movements,estimates,rounds}.csv "$dir/base/"; mv "$dir/postings.csv" "$dir/ledger/"
  r=$reps; [ "$n" -ge 10000000 ] && r=1

  # Import of the postings alone (the nightly feed) into a year that already has its accounts, budget and estimates,
  # a fresh database each run. SQLite, PostgreSQL, and the floor: sqlite3 .import of the same CSV into a bare table.
  ours=(); floor=(); pgt=()
  for i in $(seq 1 "$r"); do
    db="$dir/budget.db"; rm -f "$db"*
    $cli import "$dir/base" --year 2014 --connection "Data Source=$db" >/dev/null
    t0=$(now); $cli import "$dir/ledger" --year 2014 --connection "Data Source=$db" >/dev/null; t1=$(now); ours+=("$(secs "$t0" "$t1")")
    rm -f "$dir/floor.db"
    t0=$(now); sqlite3 "$dir/floor.db" "CREATE TABLE p(account TEXT, posted_on TEXT, amount REAL);" ".mode csv" ".import --skip 1 $dir/ledger/postings.csv p"; t1=$(now); floor+=("$(secs "$t0" "$t1")")
    pgdb "DROP DATABASE IF EXISTS b$n"; pgdb "CREATE DATABASE b$n"
    pgconn="${pgserver/Database=postgres/Database=b$n}"
    $cli import "$dir/base" --year 2014 --provider postgres --connection "$pgconn" >/dev/null
    t0=$(now); $cli import "$dir/ledger" --year 2014 --provider postgres --connection "$pgconn" >/dev/null; t1=$(now); pgt+=("$(secs "$t0" "$t1")")
  done
  echo "postings=$n import_s sqlite=$(summary "${ours[@]}") floor_sqlite3_import=$(summary "${floor[@]}") ratio=$(echo "scale=2; $(median "${ours[@]}") / $(median "${floor[@]}")" | bc) postgres=$(summary "${pgt[@]}") sqlite_rows_per_s=$(echo "$n / $(median "${ours[@]}")" | bc)"

  # The same postings through the API (POST /dataset, multipart), a server over a copy of the base-only database.
  if [ "$n" -le 2000000 ]; then
    rm -f "$dir/api.db"*; $cli import "$dir/base" --year 2014 --connection "Data Source=$dir/api.db" >/dev/null
    ConnectionStrings__Budget="Data Source=$dir/api.db" Budget__SeedDemo=false Auth__BootstrapKey=bench-bootstrap-key-of-32-characters-or-more Logging__LogLevel__Default=Warning \
      dotnet src/Budget.Api/bin/Release/net10.0/Budget.Api.dll --urls http://127.0.0.1:5097 >"$dir/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5097/health >/dev/null && break; sleep 0.2; done
    t0=$(now); curl -sf -o /dev/null -H "X-Api-Key: bench-bootstrap-key-of-32-characters-or-more" -F "postings=@$dir/ledger/postings.csv;type=text/csv" http://127.0.0.1:5097/api/budget-years/2014/dataset; t1=$(now)
    echo "postings=$n api_import_s=$(secs "$t0" "$t1") server_peak_rss_mb=$(( $(grep VmHWM /proc/$server/status | awk '{print $2}') / 1024 ))"
    kill $server; wait $server 2>/dev/null || true; server=
  fi

  # The report by account as of 31 March: ours as a new process (start-up and JIT included), and the hand-written
  # GROUP BY over the raw postings in sqlite3 (timed from outside, so its few ms of start-up are included too).
  proc=(); gb=()
  for i in 1 2 3; do
    t0=$(now); $cli report --year 2014 --round 1 --by account --format csv --output "$dir/r.csv" --connection "Data Source=$dir/budget.db"; t1=$(now); proc+=("$(secs "$t0" "$t1")")
    t0=$(now); sqlite3 "$dir/floor.db" "SELECT account, SUM(amount) FROM p WHERE posted_on <= '2014-03-31' GROUP BY account;" >/dev/null; t1=$(now); gb+=("$(secs "$t0" "$t1")")
  done
  echo "postings=$n report_by_account_s new_process=$(summary "${proc[@]}") floor_group_by=$(summary "${gb[@]}")"

  # Warm latency: every grouping and date at 2M, by account at month end and mid-month elsewhere.
  if [ "$n" -eq 2000000 ]; then
    bdn sqlite "Data Source=$dir/budget.db" "sqlite-computed-$n" "" "" off
    bdn sqlite "Data Source=$dir/budget.db" "sqlite-kept-$n" Account,Committee 03-15,03-31
    bdn postgres "$pgconn" "postgres-$n"
  else
    bdn sqlite "Data Source=$dir/budget.db" "sqlite-computed-$n" Account 03-15,03-31 off
    bdn sqlite "Data Source=$dir/budget.db" "sqlite-kept-$n" Account 03-15,03-31
    bdn postgres "$pgconn" "postgres-$n" Account 03-15,03-31
  fi
  pgdb "DROP DATABASE b$n"; rm -rf "$dir"
done

# The peer: hledger's budget-vs-actual (balance --budget) over the same year at 200.000 postings (hledger holds the
# whole journal in memory, ~8 KB per posting, so 2M does not fit comfortably).
if command -v hledger >/dev/null; then
  dir="$work/hl"; python3 bench/generate-year.py "$dir" --postings 200000 --journal >/dev/null
  mkdir -p "$dir/year"; cp "$dir"/{accounts,movements,estimates,rounds,postings}.csv "$dir/year/"
  hl=(); e2e=()
  for i in 1 2 3; do
    t0=$(now); hledger -f "$dir/ledger.journal" balance --budget -b 2014-01-01 -e 2014-04-01 expenses >/dev/null; t1=$(now); hl+=("$(secs "$t0" "$t1")")
    rm -f "$dir/budget.db"*
    # The whole year (accounts, budget movements, estimates, postings) in one import, then the report: two processes.
    t0=$(now)
    $cli import "$dir/year" --year 2014 --connection "Data Source=$dir/budget.db" >/dev/null
    $cli report --year 2014 --round 1 --by account --format csv --output "$dir/r.csv" --connection "Data Source=$dir/budget.db"
    t1=$(now); e2e+=("$(secs "$t0" "$t1")")
  done
  echo "postings=200000 hledger_budget_report_s=$(summary "${hl[@]}") ours_load_and_report_s=$(summary "${e2e[@]}") end_to_end_speedup=$(echo "scale=1; $(median "${hl[@]}") / $(median "${e2e[@]}")" | bc)"
  bdn sqlite "Data Source=$dir/budget.db" "sqlite-computed-200000-vs-hledger" Account 03-31 off
  bdn sqlite "Data Source=$dir/budget.db" "sqlite-kept-200000-vs-hledger" Account 03-31
else
  echo "hledger not installed (apt-get install hledger): peer comparison skipped"
fi
