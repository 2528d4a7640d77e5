#!/usr/bin/env bash
# Imports the demo year and then a large postings.csv through the CLI, on SQLite and on a throwaway PostgreSQL
# cluster, and times a report afterwards. usage: bench/cli-import.sh [ROWS]   (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
work=$(mktemp -d)
pg=$(mktemp -d /tmp/budget-bench-pg.XXXXXX)
trap '.ci/postgres stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

python3 bench/generate-postings.py "$rows" "$work/postings.csv"
mkdir -p "$work/ledger" && mv "$work/postings.csv" "$work/ledger/postings.csv"
dotnet build src/Budget.Cli -c Release -v q -nologo >/dev/null
cli="dotnet src/Budget.Cli/bin/Release/net10.0/budget.dll"

run() {  # provider connection
  $cli import data/demo --year 2014 --provider "$1" --connection "$2" >/dev/null
  local start end
  start=$(date +%s.%N)
  $cli import "$work/ledger" --year 2014 --provider "$1" --connection "$2"
  end=$(date +%s.%N)
  echo "$1: $rows postings imported in $(echo "$end - $start" | bc) s (process start included)"
  start=$(date +%s.%N)
  $cli report --year 2014 --round 1 --by account --format csv --output "$work/report.csv" --provider "$1" --connection "$2"
  end=$(date +%s.%N)
  echo "$1: report by account (a new process) in $(echo "$end - $start" | bc) s"
}

run sqlite "Data Source=$work/budget.db"
server=$(.ci/postgres start "$pg")
psql -h 127.0.0.1 -p "$(cat "$pg/port")" -U postgres -qc "CREATE DATABASE bench"
run postgres "${server/Database=postgres/Database=bench}"
