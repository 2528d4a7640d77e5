#!/usr/bin/env bash
# The full-size fuzzer: 20.000 malformed requests (fixed seed 20141) to every endpoint through the in-process host;
# no 5xx, every 4xx ProblemDetails. Prints the status histogram. usage: bench/fuzz.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_FUZZ_REQUESTS=${1:-20000} dotnet test tests/Budget.Api.Tests --filter "FullyQualifiedName~FuzzTests" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "^\s*(fuzz:|Passed |Failed |Total tests|Test Run)|for (GET|POST|PUT|DELETE|PATCH) "
