#!/usr/bin/env bash
# Imports a large postings.csv through the running API's dataset endpoint and reports time and the server's peak memory.
# usage: bench/import-large.sh [ROWS]   (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

python3 bench/generate-postings.py "$rows" "$work/postings.csv"
ls -l "$work/postings.csv" | awk '{printf "postings.csv: %.1f MB\n", $5/1048576}'

dotnet build src/Budget.Api -c Release -v q -nologo >/dev/null
ConnectionStrings__Budget="Data Source=$work/budget.db" Budget__SeedDemo=true Auth__BootstrapKey=bench-bootstrap-key-of-32-characters-or-more \
  dotnet src/Budget.Api/bin/Release/net10.0/Budget.Api.dll --urls http://127.0.0.1:5099 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:5099/health >/dev/null && break; sleep 0.2; done

start=$(date +%s.%N)
curl -sf -H "X-Api-Key: bench-bootstrap-key-of-32-characters-or-more" -F "postings=@$work/postings.csv;type=text/csv" http://127.0.0.1:5099/api/budget-years/2014/dataset
end=$(date +%s.%N)
echo
peak=$(grep VmHWM /proc/$server/status | awk '{print $2}')
echo "rows: $rows  seconds: $(echo "$end - $start" | bc)  server peak RSS: $((peak / 1024)) MB"
start=$(date +%s.%N)
curl -sf -H "X-Api-Key: bench-bootstrap-key-of-32-characters-or-more" "http://127.0.0.1:5099/api/budget-years/2014/follow-up?round=1&by=account" >/dev/null
end=$(date +%s.%N)
echo "first follow-up by account after the import: $(echo "$end - $start" | bc) s"
