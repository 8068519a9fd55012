#!/usr/bin/env bash
# Enterprise registry pages at national scale: a rerunnable HTTP benchmark.
#
# Requirement being checked: with 150,000 enterprises on SQLite on this machine, the
# filtered list page and the enterprise page each serve >= 3,000 requests/s with
# p99 < 25 ms, signed in, load generator on the same machine, every response a 200;
# and the list's last page is no slower (p50) than twice its first page.
#
#   benches/registry.sh                 # build, generate, serve, measure, report
#
# Knobs (environment):
#   CARGO_TARGET_DIR     release build dir      (default /tmp/srdi-bench-target,
#                                               or /tmp/srdi-release-target if that
#                                               already holds a release build)
#   SRDI_BIN             use this binary instead of building one
#   BENCH_ENTERPRISES    enterprises to generate            (150000)
#   BENCH_DURATION       seconds per measured run           (10)
#   BENCH_WARMUP         seconds of warm-up per URL         (2)
#   BENCH_REPEAT         rounds over all URLs; medians reported (3)
#   BENCH_THREADS        wrk threads                        (2)
#   BENCH_CONNECTIONS    wrk connections (keep-alive)       (32)
#   BENCH_GZIP           1: also measure with `Accept-Encoding: gzip`, as browsers
#                        send it (informational rows; skipped when the app does
#                        not compress)                      (1)
#   BENCH_UNFILTERED     1: also measure the unfiltered list's first/last page (1)
#   BENCH_ENFORCE        1: exit 1 when a target is missed  (1)
#   BENCH_KEEP           1: keep the temp dir (DB, server log) for inspection (0)
#
# Load generator: wrk (Debian package `wrk`, installed with apt-get if missing). It
# installs in seconds as a prebuilt package, whereas `oha` is not packaged in Debian
# bookworm and would need `cargo install oha` (minutes of compiling on this machine)
# or a binary downloaded from outside the package mirrors. A small Lua hook counts
# every response whose status is not exactly 200 (wrk itself only counts >= 400 as
# errors), so a redirect to /login (lost session) fails the run.
#
# Noise: the load generator shares the 2 CPUs with the server, and other work on the
# host shows up as spread between rounds (printed). Compare runs by their medians and
# look at the per-round figures before trusting a small difference.
#
# Exit status: 0 all good; 1 a performance target missed (BENCH_ENFORCE=1);
# 2 a non-200 response or socket error during a run; other: setup failed.
#
# The machinery (tools, build, data, server, sign-in, wrk runs, report) is shared
# with the other benches in benches/lib.sh.
set -euo pipefail

BENCH_NAME=registry
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

UNFILTERED=${BENCH_UNFILTERED:-1}
DISTRICT=370212 # 崂山区 (Laoshan): ~1/6 of the generated enterprises
MIN_RPS=3000
MAX_P99_MS=25
MAX_RATIO=2

STAFF_USER=staff
STAFF_PASSWORD=Jiaozhou-Bay-2026

bench_tools
bench_build
bench_generate
bench_serve
COOKIE=$(sign_in "$STAFF_USER" "$STAFF_PASSWORD")

# ---------------------------------------------------------------------------------
# URLs.
# ---------------------------------------------------------------------------------
list_last_page "$DISTRICT"
pages=$LIST_PAGES

# Builds /enterprises?<params> with the keyset cursor after the 51st-from-last row
# of `where` in (name, id) order: a full last page of 50 rows.
last_page_url() {
  local where=$1 row name id
  row=$(sql "SELECT id || '|' || name FROM enterprises WHERE $where ORDER BY name DESC, id DESC LIMIT 1 OFFSET 50")
  id=${row%%|*}
  name=${row#*|}
  # curl does the URL-encoding; the effective URL is what we want.
  curl -sS -o /dev/null -G -H "$COOKIE" -w '%{url_effective}' \
    --data-urlencode "after=$name" --data-urlencode "after_id=$id" \
    "$BASE/enterprises" | sed "s|^$BASE||"
}
if [ "$UNFILTERED" = 1 ]; then
  ALL_FIRST="/enterprises"
  ALL_LAST=$(last_page_url "archived_at IS NULL")
  last_id=$(sql "SELECT id FROM enterprises WHERE archived_at IS NULL ORDER BY name DESC, id DESC LIMIT 1")
  body=$(get "$ALL_LAST")
  [ -z "$(next_href /enterprises <<<"$body")" ] || die "$ALL_LAST is not the last page"
  grep -q "href=\"/enterprises/$last_id\"" <<<"$body" || die "$ALL_LAST lacks the last row ($last_id)"
  [ "$(grep -c '<td><a href="/enterprises/[0-9]*"' <<<"$body")" -eq 50 ] || die "$ALL_LAST has not 50 rows"
fi

EID=$(full_enterprise)
ENTERPRISE="/enterprises/$EID"
get "$ENTERPRISE" >/dev/null

# ---------------------------------------------------------------------------------
# Measure.
# ---------------------------------------------------------------------------------
add_baselines
add "list, filtered, first page" target "$LIST_FIRST"
add "list, filtered, last page" ratio "$LIST_LAST"
add "enterprise page" target "$ENTERPRISE"
if [ "$UNFILTERED" = 1 ]; then
  add "list, unfiltered, first page" info "$ALL_FIRST"
  add "list, unfiltered, last page" info "$ALL_LAST"
fi
if [ "$GZIP" = 1 ] && app_compresses "$LIST_FIRST"; then
  # What a browser asks for. Only worth measuring if the app compresses at all.
  add "list, filtered, first page, gzip" gzip "$LIST_FIRST" "Accept-Encoding: gzip"
  add "enterprise page, gzip" gzip "$ENTERPRISE" "Accept-Encoding: gzip"
fi
bench_measure

# ---------------------------------------------------------------------------------
# Report (medians over the rounds, each metric on its own).
# ---------------------------------------------------------------------------------
ratio=$(p50_ratio "list, filtered, last page" "list, filtered, first page")
ratio_ok=$(awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { print (r <= m) ? "ok" : "MISS" }')
[ "$ratio_ok" = ok ] || MISSED=1

report_header "Enterprise registry benchmark" "$STAFF_USER"
echo "  list first: $LIST_FIRST"
echo "  list last:  $LIST_LAST ($pages pages)"
[ "$UNFILTERED" = 1 ] && echo "  unfiltered last: $ALL_LAST"
echo "  enterprise: $ENTERPRISE"
report_table
echo "last page p50 / first page p50 (filtered list): $ratio  (target <= $MAX_RATIO: $ratio_ok)"
if [ "$UNFILTERED" = 1 ]; then
  echo "last page p50 / first page p50 (unfiltered list): $(p50_ratio \
    "list, unfiltered, last page" "list, unfiltered, first page")"
fi
report_spread
bench_finish
