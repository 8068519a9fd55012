#!/usr/bin/env bash
# National scale on SQLite and PostgreSQL: the main pages, the full index recompute
# and a 10,000-row import, next to a bare actix-web handler, in one table.
#
#   benches/national.sh                     # both databases, 150,000 enterprises
#   BENCH_DB=postgres benches/national.sh   # one database
#
# For each database it generates the data set with the real CLI (`srdi-board demo
# --enterprises N --no-serve`: titles, board history, cultivation stages, four
# index periods), then:
# 1. fills the newest index period's expert-scored values (plain SQL, as
#    benches/index.sh) and times `srdi-board index recompute --period P` (wall time
#    and peak RSS with /usr/bin/time);
# 2. serves the app and measures with wrk, signed in as `official` (all districts),
#    every response a 200 (a Lua hook counts anything else): /healthz, the list
#    filtered by district (first page, and its last page reached by following the
#    keyset "next" links), an enterprise page, /pipeline, /index and the dashboard
#    (`/`). The same rounds measure the bare handler: `srdi-board bench-baseline`
#    (hidden), actix-web with the app's worker count and socket settings returning
#    a fixed 2 KB page, no database, no middleware; each page's requests/s is shown
#    as a ratio of it;
# 3. imports a CSV of BENCH_IMPORT_ROWS new enterprises (valid credit codes, all 22
#    columns) through the real upload (`POST /import` as `staff`, multipart, with the
#    form token), checks the page says they were created and that the enterprise
#    count grew by exactly that many, and times the request.
# Peak memory: the app server's VmHWM (/proc/PID/status) after the page runs and
# after the import; the recompute's max RSS. PostgreSQL's own processes are not
# counted.
#
# PostgreSQL: a throwaway server started by this script (.ci/pg.sh, as .ci/run does)
# with its default durability (fsync on) and shared_buffers=512MB, unlike CI's
# fsync-off server; stopped and removed at exit.
#
# Knobs (environment):
#   BENCH_DB             sqlite, postgres or both       (both)
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
#   BENCH_IMPORT_ROWS    rows of the imported CSV           (10000)
#   BENCH_KEEP           1: keep the temp dir (databases, logs, CSV) for inspection (0)
#
# Needs wrk, curl, sqlite3, python3, /usr/bin/time and PostgreSQL (installed with
# apt-get when missing). Noise: wrk shares the CPUs with the server; see
# benches/registry.sh.
#
# Exit status: 0 all good; 2 a non-200 response or socket error during a run;
# 3 setup or a check failed (wrong count, import refused, ...).
set -euo pipefail

BENCH_NAME=national
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$REPO/.ci/pg.sh"

case ${BENCH_DB:-both} in
  both) BACKENDS=(sqlite postgres) ;;
  sqlite | postgres) BACKENDS=("$BENCH_DB") ;;
  *) die "BENCH_DB must be sqlite, postgres or both" ;;
esac
IMPORT_ROWS=${BENCH_IMPORT_ROWS:-10000}
DISTRICT=370212 # 崂山区 (Laoshan): ~1/6 of the generated enterprises

OFFICIAL_USER=official
OFFICIAL_PASSWORD=Zhanqiao-Pier-2026
STAFF_USER=staff
STAFF_PASSWORD=Jiaozhou-Bay-2026

bench_tools
[[ " ${BACKENDS[*]} " != *" postgres "* ]] || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
  || apt_install postgresql
[[ " ${BACKENDS[*]} " != *" postgres "* ]] || command -v psql >/dev/null || apt_install postgresql-client
bench_build

start_server baseline.log / bench-baseline
BASELINE_PID=$STARTED_PID
BASELINE_URL=$STARTED_BASE/

# ---------------------------------------------------------------------------------
# The import file: new enterprises with valid codes (both check characters), none
# already registered.
# ---------------------------------------------------------------------------------
# import_csv FILE: writes IMPORT_ROWS rows, avoiding the codes in the database.
import_csv() {
  local districts
  districts=$(sql "SELECT code FROM districts ORDER BY code" | tr '\n' ' ')
  sql "SELECT credit_code FROM enterprises" >"$WORK/registered.txt"
  python3 - "$1" "$IMPORT_ROWS" "$districts" "$WORK/registered.txt" <<'EOF'
import csv, random, sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]       # GB 11714

def complete(first16):
    """Both check characters, or None when the GB 11714 one falls outside ALPHABET."""
    body = first16[8:16]
    org = 11 - sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS)) % 11
    org = {10: "X", 11: "0"}.get(org, str(org))
    if org not in ALPHABET:
        return None
    s = first16 + org
    total = sum(ALPHABET.index(c) * w for c, w in zip(s, WEIGHTS))
    return s + ALPHABET[(31 - total % 31) % 31]

path, rows, districts, registered = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4]
with open(registered, encoding="utf-8") as f:
    taken = {line.strip() for line in f}
rng = random.Random(20261127)
industries = [("C", "34"), ("C", "35"), ("C", "38"), ("C", "39"), ("C", "40"), ("I", "65")]
words = ["海纳", "蓝湾", "崂峰", "胶州", "汇川", "瑞思", "德邦", "启明", "恒信", "卓越"]
columns = ["credit_code", "name", "legal_representative", "founded_on", "company_type",
           "registered_capital", "district_code", "industry_section", "industry_division",
           "niche_market", "main_product", "niche_since", "product_field",
           "strategic_emerging", "high_tech_title", "meets_common_gate",
           "has_shareholder_register", "sci_award_year", "recommending_institution",
           "contact_name", "contact_phone", "contact_email"]
with open(path, "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f)
    out.writerow(columns)
    n = 0
    while n < rows:
        district = rng.choice(districts)
        code = complete("91" + district + "".join(rng.choice("0123456789") for _ in range(8)))
        if code is None or code in taken:
            continue
        taken.add(code)
        n += 1
        section, division = rng.choice(industries)
        founded = rng.randint(1995, 2023)
        out.writerow([
            code, f"青岛{rng.choice(words)}{rng.choice(words)}导入{n:05d}科技有限公司",
            "张" + rng.choice(words), f"{founded}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(["llc", "joint_stock", "other"]), rng.randint(100, 50000), district,
            section, division, "精密传动部件", "伺服减速机", rng.randint(founded, 2024),
            rng.randint(0, 2), rng.randint(0, 1), rng.randint(0, 1), 1, rng.randint(0, 1),
            "", "青岛市工业和信息化局", "李经理", f"0532-{rng.randint(80000000, 89999999)}",
            f"contact{n}@import.example.cn",
        ])
EOF
}

# ---------------------------------------------------------------------------------
# One database: generate, recompute, serve, measure, import.
# ---------------------------------------------------------------------------------
ALL_LABELS=()
declare -A DB_NAME GEN REC_SECS REC_MIB REC_SCORED REC_FIGURES REC_PERIOD
declare -A SERVER_MIB IMPORT_SECS IMPORT_MIB ROW_LABELS
measure_database() {
  local db=$1 start code body
  case $db in
    sqlite)
      DATABASE_URL=sqlite://$WORK/national.db
      DB_NAME[$db]=SQLite
      ;;
    postgres)
      log "starting a throwaway PostgreSQL"
      pg_start "-c shared_buffers=512MB" >"$WORK/pg-start.log" 2>&1 \
        || { cat "$WORK/pg-start.log" >&2; die "PostgreSQL did not start"; }
      DATABASE_URL=$(pg_createdb srdi_bench) || die "createdb failed"
      DB_NAME[$db]="PostgreSQL $PG_VERSION"
      ;;
  esac
  export DATABASE_URL
  log "== ${DB_NAME[$db]}"
  bench_generate
  GEN[$db]=$GEN_SECS

  # 1. The newest index period, complete, recomputed through the CLI.
  REC_PERIOD[$db]=$(sql "SELECT period FROM index_periods ORDER BY period DESC LIMIT 1")
  [ -n "${REC_PERIOD[$db]}" ] || die "the generated data has no index period"
  fill_expert_values "${REC_PERIOD[$db]}"
  time_recompute "${REC_PERIOD[$db]}"
  log "recompute: ${RECOMPUTE_SECS}s wall, peak RSS $RECOMPUTE_MIB MiB — $RECOMPUTE_SUMMARY"
  REC_SECS[$db]=$RECOMPUTE_SECS REC_MIB[$db]=$RECOMPUTE_MIB REC_FIGURES[$db]=$RECOMPUTE_FIGURES
  REC_SCORED[$db]=$(sql "SELECT count(*) FROM index_scores WHERE period = '${REC_PERIOD[$db]}'")
  # After a bulk load, as a DBA would (autovacuum would get there within minutes, in
  # the middle of the measurements): fresh planner statistics and visibility maps,
  # and the load's dirty pages written out. SQLite: the WAL folded into the file.
  log "settling the database after the load"
  case $db in
    postgres) sql "VACUUM (ANALYZE)" >/dev/null && sql "CHECKPOINT" >/dev/null ;;
    sqlite) sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null ;;
  esac

  # 2. Pages, each checked once before measuring.
  start_server "server-$db.log" /healthz serve
  SERVER_PID=$STARTED_PID BASE=$STARTED_BASE
  COOKIE=$(sign_in "$OFFICIAL_USER" "$OFFICIAL_PASSWORD")
  local enterprise
  list_last_page "$DISTRICT"
  enterprise=/enterprises/$(full_enterprise)
  page_has "$enterprise" 'id="index-radar"' || die "$enterprise has no index panel"
  page_has /pipeline 'href="/pipeline/queue?stage=' || die "/pipeline has no stage queues"
  page_has /index 'id="leaders"' || die "/index has no leaders"
  page_has / 'id="dash-tiers"' || die "the official's home has no dashboard"

  LABELS=()
  add "$db|bare actix handler, fixed page" base "$BASELINE_URL" anonymous
  add "$db|/healthz, signed in" info /healthz
  add "$db|list by district, first page" info "$LIST_FIRST"
  add "$db|list by district, page $LIST_PAGES (keyset)" info "$LIST_LAST"
  add "$db|enterprise page" info "$enterprise"
  add "$db|pipeline" info /pipeline
  add "$db|index overview" info /index
  add "$db|dashboard (official)" info /
  ROW_LABELS[$db]=$(printf '%s\n' "${LABELS[@]}")
  ALL_LABELS+=("${LABELS[@]}")
  bench_measure
  SERVER_MIB[$db]=$(peak_mib "$SERVER_PID")

  # 3. The import, as a staff member uploads it.
  import_csv "$WORK/import-$db.csv"
  COOKIE=$(sign_in "$STAFF_USER" "$STAFF_PASSWORD")
  local token before after out
  body=$(get /import)
  # sed reads to the end (head would close the pipe early: SIGPIPE under pipefail).
  token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$body" | sed -n '1s/.*value="//; 1s/"$//p')
  [ -n "$token" ] || die "no csrf_token on /import"
  before=$(sql "SELECT count(*) FROM enterprises")
  log "importing $IMPORT_ROWS enterprises ($(du -k "$WORK/import-$db.csv" | cut -f1) KiB) through POST /import"
  out=$(curl -sS -o "$WORK/import-$db.html" -w '%{http_code} %{time_total}' -H "$COOKIE" \
    -H "Origin: $BASE" -F "csrf_token=$token" -F kind=enterprises \
    -F "file=@$WORK/import-$db.csv;type=text/csv;filename=import.csv" "$BASE/import")
  read -r code IMPORT_SECS[$db] <<<"$out"
  body=$(sed 's/<[^>]*>//g' "$WORK/import-$db.html")
  [ "$code" = 200 ] || { grep . <<<"$body" | sed -n 1,40p >&2; die "import answered $code"; }
  grep -q "新增 $IMPORT_ROWS " <<<"$body" || die "the import page does not say $IMPORT_ROWS created"
  after=$(sql "SELECT count(*) FROM enterprises")
  [ $((after - before)) -eq "$IMPORT_ROWS" ] || die "the import added $((after - before)) enterprises, not $IMPORT_ROWS"
  IMPORT_MIB[$db]=$(peak_mib "$SERVER_PID")
  log "import: ${IMPORT_SECS[$db]}s, $before -> $after enterprises, server peak ${IMPORT_MIB[$db]} MiB"

  stop_server "$SERVER_PID"
  [ "$db" = postgres ] && pg_stop
  return 0
}

for db in "${BACKENDS[@]}"; do measure_database "$db"; done
BASELINE_MIB=$(peak_mib "$BASELINE_PID")

# ---------------------------------------------------------------------------------
# Report: one table, medians over the rounds.
# ---------------------------------------------------------------------------------
names=() gens=()
for db in "${BACKENDS[@]}"; do names+=("${DB_NAME[$db]}") gens+=("${DB_NAME[$db]} ${GEN[$db]}s"); done
GEN_NOTE=$(printf '%s, ' "${gens[@]}" | sed 's/, $//')
report_header "National-scale benchmark" "$OFFICIAL_USER (pages), $STAFF_USER (import)" \
  "$(printf '%s and ' "${names[@]}" | sed 's/ and $//')"
echo "  date $(date -u '+%Y-%m-%d %H:%M UTC'); CPU $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "  bare handler: srdi-board bench-baseline (actix-web, fixed 2 KB page, the app's worker count)"
echo "  x bare = requests/s / the bare handler's requests/s in the same rounds"
echo "  peak MiB: pages row = the app server's VmHWM after the page runs; recompute = the"
echo "  CLI's max RSS; import = the server's VmHWM after it (growth in brackets);"
echo "  PostgreSQL's own processes are not counted"
echo
row() { printf '%-11s %-36s %10s %8s %8s %7s %7s %10s %7s\n' "$@"; }
row database row "req|rows/s" "p50 ms" "p99 ms" "x bare" "wall s" "peak MiB" non-200
row -------- --- --------- ------ ------ ------ ------ -------- -------
for db in "${BACKENDS[@]}"; do
  base_label=$(head -n1 <<<"${ROW_LABELS[$db]}")
  while IFS= read -r label; do
    ratio=$(awk -v a="${M_RPS[$label]}" -v b="${M_RPS[$base_label]}" 'BEGIN { printf "%.3f", a / b }')
    peak=-
    [ "$label" = "$base_label" ] && peak=$BASELINE_MIB
    row "${DB_NAME[$db]%% *}" "${label#*|}" "$(printf '%.0f' "${M_RPS[$label]}")" \
      "$(ms "${M_P50[$label]}")" "$(ms "${M_P99[$label]}")" "$ratio" - "$peak" "${BAD[$label]}"
  done <<<"${ROW_LABELS[$db]}"
  row "${DB_NAME[$db]%% *}" "app server after the pages" - - - - - "${SERVER_MIB[$db]}" -
  row "${DB_NAME[$db]%% *}" "index recompute ${REC_PERIOD[$db]} (CLI)" \
    "$(awk -v n="${REC_SCORED[$db]}" -v s="${REC_SECS[$db]}" 'BEGIN { printf "%.0f", n / s }')" \
    - - - "${REC_SECS[$db]}" "${REC_MIB[$db]}" -
  row "${DB_NAME[$db]%% *}" "import $IMPORT_ROWS rows (POST /import)" \
    "$(awk -v n="$IMPORT_ROWS" -v s="${IMPORT_SECS[$db]}" 'BEGIN { printf "%.0f", n / s }')" \
    - - - "$(printf '%.1f' "${IMPORT_SECS[$db]}")" \
    "${IMPORT_MIB[$db]} (+$((IMPORT_MIB[$db] - SERVER_MIB[$db])))" -
done
echo
for db in "${BACKENDS[@]}"; do
  echo "recompute ${DB_NAME[$db]}: ${REC_SCORED[$db]} enterprises scored from ${REC_FIGURES[$db]} figures"
done
LABELS=("${ALL_LABELS[@]}")
report_spread
bench_finish
