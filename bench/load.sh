#!/usr/bin/env bash
# Load on loopback: 16 report readers and 32 estimate writers for 20 s against the API over a fresh SQLite database
# holding the demo year plus one test account per writer; first each writer on its own account, then all 32 writers
# contending for 4 accounts (stale ETags answered 412 and retried).
# usage: bench/load.sh [READERS] [WRITERS] [SECONDS] [sqlite|postgres]   (postgres: a throwaway cluster, fsync off)
set -euo pipefail
cd "$(dirname "$0")/.."
readers=${1:-16}; writers=${2:-32}; seconds=${3:-20}; provider=${4:-sqlite}
work=$(mktemp -d /tmp/budget-load.XXXXXX)
pg=$(mktemp -d /tmp/budget-load-pg.XXXXXX)
server=
trap 'kill $server 2>/dev/null || true; .ci/postgres stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
conn="Data Source=$work/budget.db"
[ "$provider" = postgres ] && conn=$(.ci/postgres start "$pg")
dotnet build src/Budget.Api -c Release -v q -nologo >/dev/null
dotnet build bench/Budget.Load -c Release -v q -nologo >/dev/null
ConnectionStrings__Budget="$conn" Budget__Provider=$provider Budget__SeedDemo=true Auth__BootstrapKey=load-bootstrap-key-of-32-characters-or-more Logging__LogLevel__Default=Warning \
  dotnet src/Budget.Api/bin/Release/net10.0/Budget.Api.dll --urls http://127.0.0.1:5098 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5098/health >/dev/null && break; sleep 0.2; done
{ echo "committee,activity_area,account,name"; for i in $(seq 1 "$writers"); do echo "Belastningsudvalget,Test,9.99.$i,Konto $i"; done; } >"$work/accounts.csv"
curl -sf -H "X-Api-Key: load-bootstrap-key-of-32-characters-or-more" -F "accounts=@$work/accounts.csv" http://127.0.0.1:5098/api/budget-years/2014/dataset >/dev/null
accounts=$(seq -f "9.99.%g" 1 "$writers" | tr '\n' ' ')
load="dotnet bench/Budget.Load/bin/Release/net10.0/Budget.Load.dll http://127.0.0.1:5098 load-bootstrap-key-of-32-characters-or-more 2014 $readers $writers $seconds"
echo "$provider: $readers readers, $writers writers on their own accounts, $seconds s:"
# shellcheck disable=SC2086
$load $accounts
echo "$provider: $readers readers, $writers writers contending for 4 accounts, $seconds s:"
$load 9.99.1 9.99.2 9.99.3 9.99.4
