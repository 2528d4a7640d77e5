#!/usr/bin/env bash
# The measurements of docs/performance.md, reproducible: import rate against the sqlite3 .import floor, the report
# against a hand-written GROUP BY and against hledger, report latency as postings grow, warm latency per grouping
# (BenchmarkDotNet), on SQLite and PostgreSQL. Prints one line per figure; takes a few minutes on 2 cores.
# usage: bench/run.sh [SIZES...]   (default: 100000 1000000 2000000; add 10000000 for the growth curve's end)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000 2000000}")
[ $# -eq 0 ] && sizes=(100000 1000000 2000000)
work=$(mktemp -d /tmp/budget-bench.XXXXXX)
pg=$(mktemp -d /tmp/budget-bench-pg.XXXXXX)
trap '.ci/postgres stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

dotnet build src/Budget.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/Budget.Benchmarks -c Release -v q -nologo >/dev/null
cli="dotnet src/Budget.Cli/bin/Release/net10.0/budget.dll"
server=$(.ci/postgres start "$pg")
port=$(cat "$pg/port")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; $(date -I)"
for n in "${sizes[@]}"; do
  dir="$work/y$n"; python3 bench/generate-year.py "$dir" --postings "$n" >/dev/null
  mkdir -p "$dir/base" "$dir/ledger"
  cp "$dir"/{accounts,movements,estimates,rounds}.csv "$dir/base/"; mv "$dir/postings.csv" "$dir/ledger/"

  # Ours, SQLite: the year without postings, then the postings alone (the nightly feed).
  db="$dir/budget.db"
  $cli import "$dir/base" --year 2014 --connection "Data Source=$db" >/dev/null
  t0=$(now); $cli import "$dir/ledger" --year 2014 --connection "Data Source=$db" >/dev/null; t1=$(now)
  import_ours=$(secs "$t0" "$t1")
  t0=$(now); $cli report --year 2014 --round 1 --by account --format csv --output "$dir/r.csv" --connection "Data Source=$db"; t1=$(now)
  report_process=$(secs "$t0" "$t1")

  # The floor: sqlite3 importing the same CSV into a bare table, and a hand-written GROUP BY over it.
  floor="$dir/floor.db"
  t0=$(now); sqlite3 "$floor" "CREATE TABLE p(account TEXT, posted_on TEXT, amount REAL);" ".mode csv" ".import --skip 1 $dir/ledger/postings.csv p"; t1=$(now)
  import_floor=$(secs "$t0" "$t1")
  # Timed from outside (sqlite3's .timer prints nothing when not interactive); includes sqlite3's start, a few ms.
  t0=$(now); sqlite3 "$floor" "SELECT account, SUM(amount) FROM p WHERE posted_on <= '2014-03-31' GROUP BY account;" >/dev/null; t1=$(now)
  groupby=$(secs "$t0" "$t1")

  # PostgreSQL.
  psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE b$n" >/dev/null
  pgconn="Host=127.0.0.1;Port=$port;Username=postgres;Database=b$n"
  $cli import "$dir/base" --year 2014 --provider postgres --connection "$pgconn" >/dev/null
  t0=$(now); $cli import "$dir/ledger" --year 2014 --provider postgres --connection "$pgconn" >/dev/null; t1=$(now)
  import_pg=$(secs "$t0" "$t1")

  echo "postings=$n sqlite_import_s=$import_ours floor_import_s=$import_floor ratio=$(echo "scale=2; $import_ours / $import_floor" | bc) postgres_import_s=$import_pg report_new_process_s=$report_process groupby_floor_s=$groupby"

  # Warm, in-process report latency (BenchmarkDotNet) by account as of 31 March, on both providers.
  for prov in sqlite postgres; do
    conn="Data Source=$db"; [ "$prov" = postgres ] && conn="$pgconn"
    BUDGET_BENCH_PROVIDER=$prov BUDGET_BENCH_CONNECTION=$conn dotnet bench/Budget.Benchmarks/bin/Release/net10.0/Budget.Benchmarks.dll \
      --filter '*ReportLatency*' --job short --anyCategories '*' --exporters csv --artifacts "$dir/bdn-$prov" >/dev/null 2>&1 \
      --runtimes net10.0 || true
    [ -f "$dir/bdn-$prov/results/Budget.Benchmarks.ReportLatency-report.csv" ] && \
      awk -F, -v p="$prov" -v n="$n" 'NR>1 {gsub(/"/,""); print "postings=" n " provider=" p " by=" $(NF-12) " asOf=" $(NF-11) " mean=" $(NF-6) " error=" $(NF-5) " stddev=" $(NF-4)}' \
        "$dir/bdn-$prov/results/Budget.Benchmarks.ReportLatency-report.csv" | grep -E "by=(Account|Committee)" || true
  done
done

# The peer: hledger's budget-vs-actual over the same shape at 200.000 postings (hledger needs ~8 KB per posting).
if command -v hledger >/dev/null; then
  dir="$work/hl"; python3 bench/generate-year.py "$dir" --postings 200000 --journal >/dev/null
  mkdir -p "$dir/base" "$dir/ledger"; cp "$dir"/{accounts,movements,estimates,rounds}.csv "$dir/base/"; mv "$dir/postings.csv" "$dir/ledger/"
  t0=$(now); hledger -f "$dir/ledger.journal" balance --budget -b 2014-01-01 -e 2014-04-01 expenses >/dev/null; t1=$(now)
  hl=$(secs "$t0" "$t1")
  db="$dir/budget.db"
  t0=$(now)
  $cli import "$dir/base" --year 2014 --connection "Data Source=$db" >/dev/null
  $cli import "$dir/ledger" --year 2014 --connection "Data Source=$db" >/dev/null
  $cli report --year 2014 --round 1 --by account --format csv --output "$dir/r.csv" --connection "Data Source=$db"
  t1=$(now)
  ours=$(secs "$t0" "$t1")
  echo "hledger_200k_s=$hl ours_load_and_report_200k_s=$ours end_to_end_speedup=$(echo "scale=1; $hl / $ours" | bc)"
else
  echo "hledger not installed (apt-get install hledger): peer comparison skipped"
fi
