# Shared machinery of the HTTP benchmarks in benches/ (sourced, not run).
#
# A bench script sets BENCH_NAME (log prefix, temp dir name), sources this file,
# then: bench_tools, bench_build, bench_generate, bench_serve, COOKIE=$(sign_in ...),
# discovers its URLs with `get`/`follow_next`, declares rows with `add`, calls
# bench_measure, prints report_header + its own lines, report_table, its own ratio
# lines, report_spread, and ends with bench_finish. The database is SQLite in the
# temp dir unless the script sets DATABASE_URL (postgres://...) before
# bench_generate; `sql` talks to whichever it is. Knobs and exit codes are the
# ones the scripts' headers document:
#   0 all good; 1 a target missed (BENCH_ENFORCE=1); 2 a non-200 response or
#   socket error during a run; 3 setup failed.

: "${BENCH_NAME:?set BENCH_NAME before sourcing benches/lib.sh}"

ENTERPRISES=${BENCH_ENTERPRISES:-150000}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
GZIP=${BENCH_GZIP:-1}
ENFORCE=${BENCH_ENFORCE:-1}
KEEP=${BENCH_KEEP:-0}
REPEAT=${BENCH_REPEAT:-3}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[%s-bench] %s\n' "$BENCH_NAME" "$*" >&2; }
die() { log "error: $*"; exit 3; }

# ---------------------------------------------------------------------------------
# Tools: wrk (load), curl (sign-in, URL discovery), sqlite3 (picking rows),
# /usr/bin/time (peak memory of CLI runs).
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
bench_tools() {
  local need=() tool
  for tool in wrk curl sqlite3 python3; do
    command -v "$tool" >/dev/null || need+=("$tool")
  done
  [ -x /usr/bin/time ] || need+=(time)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
}

# ---------------------------------------------------------------------------------
# Release binary in its own target dir (sets BIN).
# ---------------------------------------------------------------------------------
bench_build() {
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
}

# ---------------------------------------------------------------------------------
# Temp dir (removed on exit unless BENCH_KEEP=1) and a fresh database
# (sets WORK, DB, DATABASE_URL, GEN_SECS).
# ---------------------------------------------------------------------------------
WORK=$(mktemp -d "/tmp/srdi-$BENCH_NAME-bench.XXXXXX")
SERVER_PIDS=() # every server started, stopped on exit
cleanup() {
  local rc=$? pid
  for pid in "${SERVER_PIDS[@]}"; do stop_server "$pid"; done
  # A PostgreSQL server started with .ci/pg.sh, if the script sourced it.
  if declare -F pg_stop >/dev/null; then pg_stop || true; fi
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
# Never an inherited DATABASE_URL: a script may point it at a PostgreSQL it started.
export DATABASE_URL=sqlite://$DB
# sql QUERY: runs one statement on DATABASE_URL; rows as lines, columns joined by '|'.
sql() {
  case $DATABASE_URL in
    postgres://*) psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$1" ;;
    *) sqlite3 -batch -noheader "${DATABASE_URL#sqlite://}" "$1" ;;
  esac
}
# Seconds since START (a `date +%s.%N`), one decimal.
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

bench_generate() {
  log "generating $ENTERPRISES enterprises into $DATABASE_URL"
  local start
  start=$(date +%s.%N)
  "$BIN" demo --enterprises "$ENTERPRISES" --no-serve >"$WORK/demo.log" 2>&1 \
    || { cat "$WORK/demo.log" >&2; die "demo data generation failed"; }
  GEN_SECS=$(secs_since "$start")
  [ "$(sql 'SELECT count(*) FROM enterprises')" -eq "$ENTERPRISES" ] || die "wrong enterprise count"
}

# ---------------------------------------------------------------------------------
# Servers on free ports.
# ---------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# start_server LOG PATH SUBCOMMAND...: runs `$BIN SUBCOMMAND... --bind 127.0.0.1:PORT`
# on a free port, output to $WORK/LOG, and waits until PATH answers 200. Sets
# STARTED_PID and STARTED_BASE.
start_server() {
  local logfile=$WORK/$1 path=$2 port= p i
  shift 2
  # Below the kernel's ephemeral range (32768-60999 by default): a port there may be
  # the local end of someone's outgoing connection, which bind refuses.
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    if port_free "$p"; then port=$p; break; fi
  done
  [ -n "$port" ] || die "no free port found"
  STARTED_BASE=http://127.0.0.1:$port
  "$BIN" "$@" --bind "127.0.0.1:$port" >"$logfile" 2>&1 &
  STARTED_PID=$!
  SERVER_PIDS+=("$STARTED_PID")
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "$STARTED_BASE$path" 2>/dev/null; then break; fi
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$logfile" >&2; die "$1: server exited"; }
    [ "$i" -eq 100 ] && die "$1: server not answering after 10 s"
    sleep 0.1
  done
  log "$* pid $STARTED_PID on $STARTED_BASE"
}
# stop_server PID: SIGTERM and wait (no-op when it already ended).
stop_server() {
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
# The peak resident memory (VmHWM) of a running process, in MiB.
peak_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# The app server on DATABASE_URL (sets PORT, BASE, SERVER_PID).
SRDI_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SRDI_SECRET_KEY
bench_serve() {
  # Default log level (as in production): per-request logging costs what it costs.
  start_server server.log /healthz serve
  SERVER_PID=$STARTED_PID BASE=$STARTED_BASE PORT=${STARTED_BASE##*:}
}

# ---------------------------------------------------------------------------------
# The development index: a complete period and its full recompute through the CLI.
# ---------------------------------------------------------------------------------
# fill_expert_values PERIOD: the demo generator stores entered values only for the
# newest period of a generated set (expert scores come with the default demo); this
# adds one summarised expert value per enterprise and expert-scored indicator, so
# that a recompute reads a full period. Sets STORED (the period's stored values).
fill_expert_values() {
  local period=$1 keys
  keys=$(sql "SELECT model FROM index_models WHERE active" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(",".join("(\x27%s\x27)" % i["key"] for d in m["dimensions"] for s in d["subs"]
               for i in s["indicators"] if i["source"] == "expert"))')
  [ -n "$keys" ] || die "the active index model has no expert indicators"
  # Values 40-99 spread over enterprises and indicators (no random(): the same
  # statement runs on SQLite and PostgreSQL).
  sql "INSERT INTO index_values (enterprise_id, period, indicator, value, source, updated_at)
       SELECT e.id, '$period', k.column1, 40 + (e.id * 7 + length(k.column1) * 13) % 60,
              'expert', '2026-01-01 00:00:00'
       FROM enterprises e CROSS JOIN (VALUES $keys) k
       WHERE true
       ON CONFLICT DO NOTHING" >/dev/null
  STORED=$(sql "SELECT count(*) FROM index_values WHERE period = '$period'")
  log "period $period: $STORED stored values (entered and expert)"
}
# time_recompute PERIOD: one `index recompute --period PERIOD` with its wall time
# and peak memory. Sets RECOMPUTE_SECS, RECOMPUTE_MIB, RECOMPUTE_SUMMARY (the CLI's
# line) and RECOMPUTE_FIGURES (figures read).
time_recompute() {
  local out kib
  out=$(/usr/bin/time -f 'TIME %e %M' "$BIN" index recompute --period "$1" --quiet 2>&1) \
    || { echo "$out" >&2; die "recompute failed"; }
  RECOMPUTE_SUMMARY=$(grep "^$1: scored" <<<"$out") || { echo "$out" >&2; die "no summary"; }
  read -r _ RECOMPUTE_SECS kib < <(grep '^TIME ' <<<"$out")
  RECOMPUTE_MIB=$((kib / 1024))
  RECOMPUTE_FIGURES=$(sed -E 's/.* from ([0-9]+) figures.*/\1/' <<<"$RECOMPUTE_SUMMARY")
}

# ---------------------------------------------------------------------------------
# Sign-in and signed-in requests.
# ---------------------------------------------------------------------------------
# sign_in USER PASSWORD: signs in through the login form; prints the request header
# carrying the session ("Cookie: srdi_session=..."). Use as COOKIE=$(sign_in u p).
sign_in() {
  local user=$1 password=$2 jar=$WORK/cookies-$1.txt page csrf status session
  grep -q "^  $user " "$WORK/demo.log" || die "demo did not print the $user account"
  rm -f "$jar" # a fresh jar: cookies ignore the port, so an earlier server's would come along
  page=$(curl -fsS -c "$jar" -b "$jar" "$BASE/login")
  csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -n1 | sed 's/.*value="//; s/"$//')
  [ -n "$csrf" ] || die "no csrf_token on /login"
  status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf_token=$csrf" --data-urlencode "username=$user" \
    --data-urlencode "password=$password" --data-urlencode "next=/" "$BASE/login")
  [ "$status" = 303 ] || die "sign-in as $user answered $status, expected 303"
  session=$(awk '$6 == "srdi_session" { print $7 }' "$jar")
  [ -n "$session" ] || die "no srdi_session cookie after sign-in as $user"
  echo "Cookie: srdi_session=$session"
}

# GET a path with $COOKIE; fail unless 200. Prints the body.
get() {
  local out=$WORK/page.html code
  code=$(curl -sS -o "$out" -w '%{http_code}' -H "$COOKIE" "$BASE$1")
  [ "$code" = 200 ] || die "GET $1 answered $code (expected 200; 303 means the session was refused)"
  cat "$out"
}

# page_has PATH PATTERN: GET PATH (200) and grep its body for PATTERN (not in a
# pipe: grep -q would stop reading early and fail the pipe).
page_has() {
  local body
  body=$(get "$1")
  grep -q -- "$2" <<<"$body"
}

# next_href PATH < page: the page's "next page" link to PATH (the only href there
# carrying after_id), unescaped; empty on the last page.
next_href() {
  { grep -o "href=\"$1?[^\"]*after_id=[0-9]*\"" || true; } | head -n1 \
    | sed 's/^href="//; s/"$//; s/&#38;/\&/g; s/&amp;/\&/g'
}

# follow_next URL [MAX]: follows the "next" links from URL, at most MAX times (to the
# last page without MAX). Sets FOLLOWED_URL (the page reached) and FOLLOWED_PAGES
# (its page number).
follow_next() {
  local url=$1 max=${2:-} nxt
  FOLLOWED_PAGES=1
  while [ -z "$max" ] || [ "$FOLLOWED_PAGES" -le "$max" ]; do
    nxt=$(get "$url" | next_href "${1%%\?*}")
    [ -n "$nxt" ] || break
    url=$nxt
    FOLLOWED_PAGES=$((FOLLOWED_PAGES + 1))
  done
  FOLLOWED_URL=$url
}

# list_last_page DISTRICT: follows the "next" links of the enterprise list filtered
# by DISTRICT to its last page, and checks the way there against the database: the
# number of pages, and the cursor (the row before the last page in the list's
# (name, id) order). Sets LIST_FIRST, LIST_LAST and LIST_PAGES.
LIST_PAGE_ROWS=50 # PAGE in src/models/enterprise.rs
list_last_page() {
  local in_district="district_code = '$1' AND archived_at IS NULL" rows expected cursor_id
  LIST_FIRST="/enterprises?district=$1"
  log "following the 'next' links of $LIST_FIRST to its last page"
  follow_next "$LIST_FIRST"
  LIST_LAST=$FOLLOWED_URL LIST_PAGES=$FOLLOWED_PAGES
  rows=$(sql "SELECT count(*) FROM enterprises WHERE $in_district")
  expected=$(((rows + LIST_PAGE_ROWS - 1) / LIST_PAGE_ROWS))
  [ "$LIST_PAGES" -eq "$expected" ] \
    || die "followed $LIST_PAGES pages, expected $expected for $rows rows"
  [ "$LIST_PAGES" -gt 1 ] || return 0
  cursor_id=$(sql "SELECT id FROM enterprises WHERE $in_district
                   ORDER BY name, id LIMIT 1 OFFSET $(((LIST_PAGES - 1) * LIST_PAGE_ROWS - 1))")
  [[ $LIST_LAST == *"after_id=$cursor_id" ]] \
    || die "last-page cursor $LIST_LAST does not end at id $cursor_id"
}

# full_enterprise: prints the id of an enterprise with three years of annual data,
# two or more titles and board history, from the middle of the id range.
full_enterprise() {
  local id
  id=$(sql "SELECT e.id FROM enterprises e
            WHERE e.id >= $((ENTERPRISES / 2))
              AND (SELECT count(*) FROM annual_data a WHERE a.enterprise_id = e.id) >= 3
              AND (SELECT count(*) FROM qualifications q WHERE q.enterprise_id = e.id) >= 2
              AND (SELECT count(*) FROM board_entries b WHERE b.enterprise_id = e.id) >= 1
            ORDER BY e.id LIMIT 1")
  [ -n "$id" ] || die "no enterprise with annual data, titles and board history"
  echo "$id"
}

# Is a response to PATH gzip-compressed when asked for (as browsers ask)? Sets
# GZIP_NOTE when not.
app_compresses() {
  local encoding
  encoding=$(curl -sS -o /dev/null -D - -H "$COOKIE" -H "Accept-Encoding: gzip" "$BASE$1" \
    | tr -d '\r' | awk -F': *' 'tolower($1) == "content-encoding" { print $2 }')
  [ "$encoding" = gzip ] && return 0
  GZIP_NOTE="the app does not compress (Accept-Encoding: gzip answered '${encoding:-identity}'): no gzip rows"
  return 1
}
GZIP_NOTE=

# ---------------------------------------------------------------------------------
# Measuring: rows declared with `add`, each run by wrk with a Lua hook.
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

LABELS=() # in measuring order
declare -A KIND PATH_OF HDR_OF RPS P50 P99 BAD
HARD_FAIL=0
MISSED=0
# add LABEL KIND PATH [extra header | "anonymous"]. KIND: target (checked against
# MIN_RPS/MAX_P99_MS), base (baseline), ratio (compared by a p50 ratio line), info
# and gzip (verdict shown, not enforced).
add() {
  LABELS+=("$1")
  KIND[$1]=$2 PATH_OF[$1]=$3 HDR_OF[$1]=${4:-}
  RPS[$1]= P50[$1]= P99[$1]= BAD[$1]=0
}
# /healthz does no query of its own: anonymous it is the bare HTTP stack, signed in it
# adds what the session middleware costs every page (a session + account lookup).
add_baselines() {
  add "baseline /healthz, anonymous" base "/healthz" anonymous
  add "baseline /healthz, signed in" base "/healthz"
}
run() { # label: one warm-up and one measured wrk run; appends to its samples
  local label=$1 path=${PATH_OF[$1]} hdr=${HDR_OF[$1]} args out line url
  url=$path # a path on $BASE, or a full URL (another server)
  [[ $path == http://* ]] || url=$BASE$path
  args=(-t "$THREADS" -c "$CONNECTIONS" --timeout 5s -s "$LUA")
  case $hdr in
    anonymous) ;;
    "") args+=(-H "$COOKIE") ;;
    *) args+=(-H "$COOKIE" -H "$hdr") ;;
  esac
  wrk "${args[@]}" -d "${WARMUP}s" "$url" >/dev/null
  out=$(wrk "${args[@]}" -d "${DURATION}s" "$url")
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

# All rows, REPEAT interleaved rounds (a burst of outside load spreads over all of
# them), then the medians of each metric on its own (M_RPS, M_P50, M_P99). A script
# measuring several sets of rows (one per database) empties LABELS in between; the
# load average before is the first call's.
declare -A M_RPS M_P50 M_P99
LOAD_BEFORE=
bench_measure() {
  local round label
  LOAD_BEFORE=${LOAD_BEFORE:-$(cut -d' ' -f1-3 /proc/loadavg)}
  log "measuring: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s per URL, $REPEAT round(s)"
  for round in $(seq 1 "$REPEAT"); do
    [ "$REPEAT" -gt 1 ] && log "round $round of $REPEAT"
    for label in "${LABELS[@]}"; do run "$label"; done
  done
  LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
  for label in "${LABELS[@]}"; do
    M_RPS[$label]=$(median "${RPS[$label]}")
    M_P50[$label]=$(median "${P50[$label]}")
    M_P99[$label]=$(median "${P99[$label]}")
  done
}

# ---------------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------------
p50_ratio() { awk -v a="${M_P50[$1]}" -v b="${M_P50[$2]}" 'BEGIN { printf "%.2f", a / b }'; }

# report_header TITLE ACCOUNT [DATABASES]: what was measured, how, on which commit
# and binary (DATABASES defaults to SQLite).
report_header() {
  echo
  echo "$1 — $ENTERPRISES enterprises, ${3:-SQLite}, $(nproc) CPUs"
  echo "  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)'), binary $BIN"
  echo "  wrk -t$THREADS -c$CONNECTIONS (keep-alive), ${WARMUP}s warm-up + ${DURATION}s measured per URL and round;"
  echo "  $REPEAT interleaved round(s), medians shown; signed in as $2; non-200 = responses not 200 + socket errors"
  echo "  data generated in ${GEN_NOTE:-${GEN_SECS}s}; load average before $LOAD_BEFORE, after $LOAD_AFTER"
}

# The table of medians against MIN_RPS / MAX_P99_MS; a missed target row sets MISSED.
report_table() {
  local label rps p99 verdict
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
      ratio) verdict="(ratio below)" ;;
      info | gzip) verdict="$verdict (info)" ;;
    esac
    printf '%-34s %10.0f %9s %9s %8s  %s\n' "$label" "$rps" "$(ms "${M_P50[$label]}")" \
      "$(ms "$p99")" "${BAD[$label]}" "$verdict"
  done
  echo
}

# Per-round requests/s, when there was more than one round.
report_spread() {
  local label
  [ "$REPEAT" -gt 1 ] || return 0
  echo
  echo "per-round requests/s (spread shows outside load):"
  for label in "${LABELS[@]}"; do
    printf '  %-34s %s\n' "$label" "$(tr ' ' '\n' <<<"${RPS[$label]}" | grep . \
      | awk '{ printf "%s%.0f", (NR > 1 ? " / " : ""), $1 }')"
  done
}

# Exit status from HARD_FAIL, MISSED and BENCH_ENFORCE.
bench_finish() {
  if [ "$HARD_FAIL" = 1 ]; then
    log "FAIL: some responses were not 200 (or sockets failed)"
    exit 2
  fi
  if [ "$MISSED" = 1 ]; then
    log "targets missed"
    [ "$ENFORCE" = 1 ] && exit 1
  fi
  log "done"
}
