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
set -euo pipefail

ENTERPRISES=${BENCH_ENTERPRISES:-150000}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
GZIP=${BENCH_GZIP:-1}
UNFILTERED=${BENCH_UNFILTERED:-1}
ENFORCE=${BENCH_ENFORCE:-1}
KEEP=${BENCH_KEEP:-0}
REPEAT=${BENCH_REPEAT:-3}
DISTRICT=370212 # 崂山区 (Laoshan): ~1/6 of the generated enterprises
MIN_RPS=3000
MAX_P99_MS=25
MAX_RATIO=2

STAFF_USER=staff
STAFF_PASSWORD=Jiaozhou-Bay-2026

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[registry-bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 3; }

# ---------------------------------------------------------------------------------
# 1. Tools: wrk (load), curl (sign-in, URL discovery), sqlite3 (picking rows).
# ---------------------------------------------------------------------------------
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need ${missing[*]} (no apt-get here)"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  log "installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  }
}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
command -v sqlite3 >/dev/null || need+=(sqlite3)
[ ${#need[@]} -gt 0 ] && apt_install "${need[@]}"

# ---------------------------------------------------------------------------------
# 2. Release binary in its own target dir.
# ---------------------------------------------------------------------------------
if [ -n "${SRDI_BIN:-}" ]; then
  BIN=$SRDI_BIN
else
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    if [ -x /tmp/srdi-release-target/release/srdi-board ]; then
      CARGO_TARGET_DIR=/tmp/srdi-release-target # reuse: only changed crates rebuild
    else
      CARGO_TARGET_DIR=/tmp/srdi-bench-target
    fi
  fi
  export CARGO_TARGET_DIR
  log "building release binary (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$REPO" && cargo build --release --quiet --bin srdi-board)
  BIN=$CARGO_TARGET_DIR/release/srdi-board
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# ---------------------------------------------------------------------------------
# 3. Fresh database.
# ---------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/srdi-registry-bench.XXXXXX)
SERVER_PID=
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB=$WORK/bench.db
export DATABASE_URL=sqlite://$DB
log "generating $ENTERPRISES enterprises into $DB"
gen_start=$(date +%s.%N)
"$BIN" demo --enterprises "$ENTERPRISES" --no-serve >"$WORK/demo.log" 2>&1 \
  || { cat "$WORK/demo.log" >&2; die "demo data generation failed"; }
gen_secs=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
grep -q "^  $STAFF_USER " "$WORK/demo.log" || die "demo did not print the $STAFF_USER account"
sql() { sqlite3 -batch -noheader "$DB" "$1"; }
[ "$(sql 'SELECT count(*) FROM enterprises')" -eq "$ENTERPRISES" ] || die "wrong enterprise count"

# ---------------------------------------------------------------------------------
# 4. Server on a free port.
# ---------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if port_free "$p"; then PORT=$p; break; fi
done
[ -n "$PORT" ] || die "no free port found"
BASE=http://127.0.0.1:$PORT

SRDI_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SRDI_SECRET_KEY
# Default log level (as in production): per-request logging costs what it costs.
"$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "server exited"; }
  [ "$i" -eq 100 ] && die "server not healthy after 10 s"
  sleep 0.1
done
log "server pid $SERVER_PID on $BASE"

# ---------------------------------------------------------------------------------
# 5. Sign in as staff.
# ---------------------------------------------------------------------------------
JAR=$WORK/cookies.txt
login_page=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login")
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$login_page" | head -n1 | sed 's/.*value="//; s/"$//')
[ -n "$csrf" ] || die "no csrf_token on /login"
status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "username=$STAFF_USER" \
  --data-urlencode "password=$STAFF_PASSWORD" --data-urlencode "next=/" "$BASE/login")
[ "$status" = 303 ] || die "sign-in answered $status, expected 303"
SESSION=$(awk '$6 == "srdi_session" { print $7 }' "$JAR")
[ -n "$SESSION" ] || die "no srdi_session cookie after sign-in"
COOKIE="Cookie: srdi_session=$SESSION"

# GET a path signed in; fail unless 200. Prints the body.
get() {
  local out=$WORK/page.html code
  code=$(curl -sS -o "$out" -w '%{http_code}' -H "$COOKIE" "$BASE$1")
  [ "$code" = 200 ] || die "GET $1 answered $code (expected 200; 303 means the session was refused)"
  cat "$out"
}

# ---------------------------------------------------------------------------------
# 6. URLs.
# ---------------------------------------------------------------------------------
next_href() { # the list page's "next page" link (the only href carrying after_id)
  grep -o 'href="/enterprises?[^"]*after_id=[0-9]*"' | head -n1 \
    | sed 's/^href="//; s/"$//; s/&#38;/\&/g; s/&amp;/\&/g'
}

LIST_FIRST="/enterprises?district=$DISTRICT"
log "following the 'next' links of $LIST_FIRST to its last page"
url=$LIST_FIRST
pages=1
while nxt=$(get "$url" | next_href) && [ -n "$nxt" ]; do
  url=$nxt
  pages=$((pages + 1))
done
LIST_LAST=$url
district_rows=$(sql "SELECT count(*) FROM enterprises WHERE district_code = '$DISTRICT' AND archived_at IS NULL")
expected_pages=$(((district_rows + 49) / 50))
[ "$pages" -eq "$expected_pages" ] \
  || die "followed $pages pages, expected $expected_pages for $district_rows rows"
# Cross-check the cursor against the database: the row before the last page.
cursor_id=$(sql "SELECT id FROM enterprises WHERE district_code = '$DISTRICT' AND archived_at IS NULL
                 ORDER BY name, id LIMIT 1 OFFSET $(((expected_pages - 1) * 50 - 1))")
[[ "$LIST_LAST" == *"after_id=$cursor_id" ]] || die "last-page cursor $LIST_LAST does not end at id $cursor_id"

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
  [ -z "$(next_href <<<"$body")" ] || die "$ALL_LAST is not the last page"
  grep -q "href=\"/enterprises/$last_id\"" <<<"$body" || die "$ALL_LAST lacks the last row ($last_id)"
  [ "$(grep -c '<td><a href="/enterprises/[0-9]*"' <<<"$body")" -eq 50 ] || die "$ALL_LAST has not 50 rows"
fi

# An enterprise with three years of annual data, two or more titles and board history,
# from the middle of the id range.
EID=$(sql "SELECT e.id FROM enterprises e
           WHERE e.id >= $((ENTERPRISES / 2))
             AND (SELECT count(*) FROM annual_data a WHERE a.enterprise_id = e.id) >= 3
             AND (SELECT count(*) FROM qualifications q WHERE q.enterprise_id = e.id) >= 2
             AND (SELECT count(*) FROM board_entries b WHERE b.enterprise_id = e.id) >= 1
           ORDER BY e.id LIMIT 1")
[ -n "$EID" ] || die "no enterprise with annual data, titles and board history"
ENTERPRISE="/enterprises/$EID"
get "$ENTERPRISE" >/dev/null

# ---------------------------------------------------------------------------------
# 7-8. Measure.
# ---------------------------------------------------------------------------------
LUA=$WORK/count.lua
cat >"$LUA" <<'EOF'
-- Counts responses whose status is not exactly 200, over all threads, and prints
-- machine-readable results (latencies in microseconds).
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50=%d p99=%d non200=%d sockerr=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), bad,
    e.connect + e.read + e.write + e.timeout))
end
EOF

LABELS=()            # in measuring order
declare -A KIND PATH_OF HDR_OF RPS P50 P99 BAD
HARD_FAIL=0
add() { # label kind path [extra header | "anonymous"]
  LABELS+=("$1")
  KIND[$1]=$2 PATH_OF[$1]=$3 HDR_OF[$1]=${4:-}
  RPS[$1]= P50[$1]= P99[$1]= BAD[$1]=0
}
run() { # label: one warm-up and one measured wrk run; appends to its samples
  local label=$1 path=${PATH_OF[$1]} hdr=${HDR_OF[$1]} args out line
  args=(-t "$THREADS" -c "$CONNECTIONS" --timeout 5s -s "$LUA")
  case $hdr in
    anonymous) ;;
    "") args+=(-H "$COOKIE") ;;
    *) args+=(-H "$COOKIE" -H "$hdr") ;;
  esac
  wrk "${args[@]}" -d "${WARMUP}s" "$BASE$path" >/dev/null
  out=$(wrk "${args[@]}" -d "${DURATION}s" "$BASE$path")
  line=$(grep '^RESULT ' <<<"$out") || { echo "$out" >&2; die "wrk gave no result for $path"; }
  local requests rps p50 p99 non200 sockerr
  eval "$(sed 's/^RESULT //' <<<"$line")" # requests= rps= p50= p99= non200= sockerr=
  [ "$requests" -gt 0 ] || die "no requests completed for $path"
  if [ "$non200" -ne 0 ] || [ "$sockerr" -ne 0 ]; then HARD_FAIL=1; fi
  RPS[$label]+="$rps " P50[$label]+="$p50 " P99[$label]+="$p99 "
  BAD[$label]=$((BAD[$label] + non200 + sockerr))
  log "$(printf '%-34s %9s req/s  p50 %6.2f ms  p99 %6.2f ms  non-200 %s  socket errors %s' \
    "$label" "$rps" "$(ms "$p50")" "$(ms "$p99")" "$non200" "$sockerr")"
}
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END {
  print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# /healthz does no query of its own: anonymous it is the bare HTTP stack, signed in it
# adds what the session middleware costs every page (a session + account lookup).
add "baseline /healthz, anonymous" base "/healthz" anonymous
add "baseline /healthz, signed in" base "/healthz"
add "list, filtered, first page" target "$LIST_FIRST"
add "list, filtered, last page" last "$LIST_LAST"
add "enterprise page" target "$ENTERPRISE"
if [ "$UNFILTERED" = 1 ]; then
  add "list, unfiltered, first page" info "$ALL_FIRST"
  add "list, unfiltered, last page" info "$ALL_LAST"
fi
GZIP_NOTE=
if [ "$GZIP" = 1 ]; then
  # What a browser asks for. Only worth measuring if the app compresses at all.
  encoding=$(curl -sS -o /dev/null -D - -H "$COOKIE" -H "Accept-Encoding: gzip" "$BASE$LIST_FIRST" \
    | tr -d '\r' | awk -F': *' 'tolower($1) == "content-encoding" { print $2 }')
  if [ "$encoding" = gzip ]; then
    add "list, filtered, first page, gzip" gzip "$LIST_FIRST" "Accept-Encoding: gzip"
    add "enterprise page, gzip" gzip "$ENTERPRISE" "Accept-Encoding: gzip"
  else
    GZIP_NOTE="the app does not compress (Accept-Encoding: gzip answered '${encoding:-identity}'): no gzip rows"
  fi
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "measuring: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s per URL, $REPEAT round(s)"
for round in $(seq 1 "$REPEAT"); do
  # Rounds interleave the URLs, so a burst of outside load spreads over all of them.
  [ "$REPEAT" -gt 1 ] && log "round $round of $REPEAT"
  for label in "${LABELS[@]}"; do run "$label"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------
# 9. Report (medians over the rounds, each metric on its own).
# ---------------------------------------------------------------------------------
declare -A M_RPS M_P50 M_P99
for label in "${LABELS[@]}"; do
  M_RPS[$label]=$(median "${RPS[$label]}")
  M_P50[$label]=$(median "${P50[$label]}")
  M_P99[$label]=$(median "${P99[$label]}")
done
MISSED=0
p50_ratio() { awk -v a="${M_P50[$1]}" -v b="${M_P50[$2]}" 'BEGIN { printf "%.2f", a / b }'; }
ratio=$(p50_ratio "list, filtered, last page" "list, filtered, first page")
ratio_ok=$(awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { print (r <= m) ? "ok" : "MISS" }')
[ "$ratio_ok" = ok ] || MISSED=1

echo
echo "Enterprise registry benchmark — $ENTERPRISES enterprises, SQLite, $(nproc) CPUs"
echo "  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)'), binary $BIN"
echo "  wrk -t$THREADS -c$CONNECTIONS (keep-alive), ${WARMUP}s warm-up + ${DURATION}s measured per URL and round;"
echo "  $REPEAT interleaved round(s), medians shown; signed in as $STAFF_USER; non-200 = responses not 200 + socket errors"
echo "  data generated in ${gen_secs}s; load average before $load_before, after $load_after"
echo "  list first: $LIST_FIRST"
echo "  list last:  $LIST_LAST ($pages pages)"
[ "$UNFILTERED" = 1 ] && echo "  unfiltered last: $ALL_LAST"
echo "  enterprise: $ENTERPRISE"
[ -n "$GZIP_NOTE" ] && echo "  $GZIP_NOTE"
echo
printf '%-34s %10s %9s %9s %8s  %s\n' "page" "requests/s" "p50 ms" "p99 ms" "non-200" "target (>= $MIN_RPS/s, p99 < $MAX_P99_MS ms)"
printf '%-34s %10s %9s %9s %8s  %s\n' "----" "----------" "------" "------" "-------" "------"
for label in "${LABELS[@]}"; do
  rps=${M_RPS[$label]} p99=${M_P99[$label]}
  verdict=$(awk -v rps="$rps" -v p99="$p99" -v mr="$MIN_RPS" -v mp="$MAX_P99_MS" \
    'BEGIN { print (rps >= mr && p99 < mp * 1000) ? "ok" : "MISS" }')
  case ${KIND[$label]} in
    target) [ "$verdict" = ok ] || MISSED=1 ;;
    base) verdict="-" ;;
    last) verdict="(ratio below)" ;;
    info | gzip) verdict="$verdict (info)" ;;
  esac
  printf '%-34s %10.0f %9s %9s %8s  %s\n' "$label" "$rps" "$(ms "${M_P50[$label]}")" \
    "$(ms "$p99")" "${BAD[$label]}" "$verdict"
done
echo
echo "last page p50 / first page p50 (filtered list): $ratio  (target <= $MAX_RATIO: $ratio_ok)"
if [ "$UNFILTERED" = 1 ]; then
  echo "last page p50 / first page p50 (unfiltered list): $(p50_ratio \
    "list, unfiltered, last page" "list, unfiltered, first page")"
fi
if [ "$REPEAT" -gt 1 ]; then
  echo
  echo "per-round requests/s (spread shows outside load):"
  for label in "${LABELS[@]}"; do
    printf '  %-34s %s\n' "$label" "$(tr ' ' '\n' <<<"${RPS[$label]}" | grep . \
      | awk '{ printf "%s%.0f", (NR > 1 ? " / " : ""), $1 }')"
  done
fi

if [ "$HARD_FAIL" = 1 ]; then
  log "FAIL: some responses were not 200 (or sockets failed)"
  exit 2
fi
if [ "$MISSED" = 1 ]; then
  log "targets missed"
  [ "$ENFORCE" = 1 ] && exit 1
fi
log "done"
