#!/usr/bin/env bash
# Fault test: kill -9 the CLI importer at random points of a large postings import, RUNS times per provider, on
# SQLite and PostgreSQL. After each kill the database must pass its integrity check (SQLite: PRAGMA integrity_check
# and foreign_key_check; PostgreSQL: amcheck's bt_index_check with heap verification on every index, plus a sequential
# read of every table) and hold either all of an import or none of it: the growth of the posting count and of the
# summed amount since the last good state must be a whole number of imports of the file.
# usage: bench/kill-import.sh [ROWS] [RUNS]   (default 2000000 20; fixed seed, so the kill points repeat)
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
# The file's total in øre, the unit every complete import adds.
file_ore=$(python3 -c "import sys,csv; r=csv.reader(open(sys.argv[1])); next(r); print(sum(int(a.replace('.','')) for _,_,a in r))" "$work/ledger/postings.csv")
server=$(.ci/postgres start "$pg"); port=$(cat "$pg/port")
psql() { command psql -h 127.0.0.1 -p "$port" -U postgres -d killed -tAq "$@"; }
command psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE killed" >/dev/null
psql -c "CREATE EXTENSION amcheck"
RANDOM=2014
for provider in sqlite postgres; do
  if [ "$provider" = sqlite ]; then conn="Data Source=$work/budget.db"; else conn="${server/Database=postgres/Database=killed}"; fi
  $cli import data/demo --year 2014 --provider "$provider" --connection "$conn" >/dev/null
  totals() {
    local q="SELECT SUM(posting_count) || ' ' || SUM(amount_ore) FROM posting_day"
    if [ "$provider" = sqlite ]; then sqlite3 "$work/budget.db" "$q"; else psql -c "$q"; fi
  }
  check() {
    if [ "$provider" = sqlite ]; then
      echo "$(sqlite3 "$work/budget.db" "PRAGMA integrity_check")$(sqlite3 "$work/budget.db" "PRAGMA foreign_key_check")"
    else
      psql -c "SELECT count(*) FROM (SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = 'public') x" >/dev/null &&
      for t in $(psql -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"); do psql -c "SELECT count(*) FROM \"$t\"" >/dev/null; done &&
      echo ok
    fi
  }
  read -r base_count base_ore < <(totals); complete=0; partial=0; killed=0
  for run in $(seq 1 "$runs"); do
    ms=$(( RANDOM % 8000 + 300 ))  # 0,3 s to 8,3 s: from start-up through parsing, merging and commit
    delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    $cli import "$work/ledger" --year 2014 --provider "$provider" --connection "$conn" >/dev/null 2>&1 &
    pid=$!; sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    rc=0; wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" -eq 137 ] && killed=$((killed + 1))  # 128 + SIGKILL; 0 means it had finished
    integrity=$(check 2>&1 || true); read -r count ore < <(totals)
    imports=$(( (count - base_count) / rows ))
    if [ "$integrity" != ok ] || [ $(( (count - base_count) % rows )) -ne 0 ] || [ $(( ore - base_ore )) -ne $(( imports * file_ore )) ]; then
      partial=$((partial + 1)); echo "run $run (kill after ${delay}s): integrity=$integrity postings=$count (last good $base_count) PARTIAL OR DAMAGED"
    fi
    complete=$((complete + imports)); base_count=$count; base_ore=$ore
  done
  echo "$provider: $runs runs, $killed killed mid-import, $complete imports finished before their kill, $partial partial or damaged"
done
