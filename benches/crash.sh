#!/usr/bin/env bash
# Crash safety on SQLite: SIGKILL the server at random moments under a write load,
# restart it, and check that nothing acknowledged was lost; a backup taken under the
# same load, and a restore drill at the end.
#
#   benches/crash.sh                    # build, demo data, 20 kill rounds, report
#
# Each round starts `serve` on the demo database (the default 1,335 enterprises),
# runs benches/crash_load.py (32 clients: 20 staff editing the same 8 records from
# the versions they read and proposing exits, 4 of them also approving annual
# submissions; 4 officials deciding the proposals that wait; 8 enterprise accounts
# submitting annual data), takes `srdi-board backup` part-way, and SIGKILLs the
# server after a random delay. The load driver journals every write with what it
# wrote and whether the server acknowledged it. After each kill the server is
# restarted (time to its first healthy answer is measured) and the database is
# checked: `PRAGMA integrity_check` is ok, `PRAGMA foreign_key_check` is empty, every
# acknowledged write is stored and has its audit entry (a write whose answer never
# arrived may be there or not; the summary counts both), and no request got an
# answer other than success or a refusal with its reason. Each backup is checked the
# same way against the writes acknowledged before it started.
# At the end: SIGTERM must stop the server with exit status 0, then the restore
# drill (README): replace the database with the last backup, remove its -wal/-shm
# files, start, sign in as admin and see a record as the backup had it; the restored
# database passes the same checks.
#
# Knobs (environment):
#   CARGO_TARGET_DIR     release build dir  (as in benches/lib.sh)
#   SRDI_BIN             use this binary instead of building one
#   CRASH_ROUNDS         kill rounds                                   (20)
#   CRASH_MIN_DELAY      shortest time from load start to SIGKILL, s   (0.5)
#   CRASH_MAX_DELAY      longest, s                                    (3)
#   CRASH_SEED           seed of the delays (default: random, printed)
#   BENCH_KEEP           1: keep the temp dir (database, journal, logs) (0)
#
# Exit status: 0 every check passed; 1 a check failed (lost or unaudited write,
# corrupt database, unexpected answer, failed restore); 3 setup failed.
set -euo pipefail

BENCH_NAME=crash
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STARTED=$(date +%s.%N)
ROUNDS=${CRASH_ROUNDS:-20}
MIN_DELAY=${CRASH_MIN_DELAY:-0.5}
MAX_DELAY=${CRASH_MAX_DELAY:-3}
SEED=${CRASH_SEED:-$RANDOM}
RANDOM=$SEED
DRIVER=$REPO/benches/crash_load.py
PASSWORD=Crash-Load-Kiaochow-2026 # the crash.* accounts made below
ADMIN_PASSWORD=Haier-Bridge-2026   # the demo's admin
JOURNAL=$WORK/journal.jsonl
YEAR=$(($(date +%Y) - 1))

DRIVER_PID=
SERVER_PID=
crash_cleanup() {
  local rc=$? pid
  for pid in "$DRIVER_PID" "$SERVER_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  (exit "$rc")
  cleanup
}
trap crash_cleanup EXIT

for tool in python3 sqlite3 curl; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
bench_build
log "loading the demo data into $DB"
demo_started=$(date +%s.%N)
"$BIN" demo --no-serve >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; die "demo failed"; }
DEMO_SECS=$(secs_since "$demo_started")

log "creating 20 staff, 4 official and 8 enterprise accounts"
add_user() { SRDI_PASSWORD=$PASSWORD "$BIN" user add "$@" >>"$WORK/users.log" 2>&1 || die "user add $*"; }
for i in $(seq 0 19); do add_user --username "$(printf 'crash.staff%02d' "$i")" --role staff; done
for i in $(seq 0 3); do add_user --username "$(printf 'crash.gov%02d' "$i")" --role official; done
i=0
for code in $(sql "SELECT credit_code FROM enterprises WHERE archived_at IS NULL ORDER BY id LIMIT 8 OFFSET 200"); do
  add_user --username "crash.ent0$i" --role enterprise --enterprise "$code"
  i=$((i + 1))
done

# Every round's server signs cookies with lib.sh's one SRDI_SECRET_KEY, so the
# clients' sessions (stored in the database) outlive the kills.

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rand_delay() { awk -v r="$RANDOM" -v lo="$MIN_DELAY" -v hi="$MAX_DELAY" 'BEGIN { printf "%.2f", lo + (hi - lo) * r / 32767 }'; }

# crash_serve LOG: serve on a port the system picks (read back from the log); sets
# SERVER_PID, BASE, UP_SECS (start to the first healthy answer: migrations check,
# WAL recovery, pool).
crash_serve() {
  local started addr=
  started=$(now)
  RUST_LOG=warn "$BIN" serve --bind 127.0.0.1:0 >"$1" 2>&1 &
  SERVER_PID=$!
  until [ -n "$addr" ] && curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$1" >&2; die "server exited on start"; }
    addr=$(grep -o 'listening on http://[0-9.:]*' "$1" | head -n1 | sed 's/.*http:\/\///' || true)
    BASE=http://$addr
    sleep 0.02
  done
  UP_SECS=$(secs "$started" "$(now)")
}

FAILED=0
CHECKS=0
VERIFY_OUT=$WORK/verify.jsonl
# check LABEL DBFILE [LINES]: the database against the journal (its first LINES).
check() {
  local args=(verify --db "$2" --journal "$JOURNAL" --label "$1")
  [ -n "${3:-}" ] && args+=(--lines "$3")
  CHECKS=$((CHECKS + 1))
  if ! python3 "$DRIVER" "${args[@]}" >>"$VERIFY_OUT" 2>"$WORK/verify.err"; then
    FAILED=1
    log "CHECK FAILED: $1"
    cat "$WORK/verify.err" >&2
  fi
}

touch "$JOURNAL"
log "$ROUNDS rounds, SIGKILL after ${MIN_DELAY}-${MAX_DELAY}s of load (seed $SEED)"
printf '%5s %7s %8s %9s %8s %9s\n' round "up s" "kill s" "backup s" acked "in flight" >"$WORK/rounds.txt"
BACKUP=
BACKUP_LINES=0
UP_TOTAL=0
for round in $(seq 1 "$ROUNDS"); do
  crash_serve "$WORK/server-$round.log"
  if [ "$round" -gt 1 ]; then check "after kill $((round - 1)) and restart" "$DB"; fi
  UP_TOTAL=$(awk -v a="$UP_TOTAL" -v b="$UP_SECS" 'BEGIN { print a + b }')
  lines_before=$(wc -l <"$JOURNAL")

  python3 "$DRIVER" load --base "$BASE" --db "$DB" --journal "$JOURNAL" --state "$WORK" \
    --round "$round" --password "$PASSWORD" --year "$YEAR" >"$WORK/driver-$round.out" 2>"$WORK/driver-$round.err" &
  DRIVER_PID=$!
  until grep -qs '^ready' "$WORK/driver-$round.out"; do
    kill -0 "$DRIVER_PID" 2>/dev/null || { cat "$WORK/driver-$round.err" >&2; die "load driver failed to start"; }
    sleep 0.02
  done
  load_started=$(now)
  delay=$(rand_delay)

  # A backup part-way through the load; only the writes acknowledged before it
  # started must be in it.
  sleep "$(awk -v d="$delay" 'BEGIN { printf "%.2f", d / 3 }')"
  acked_lines=$(wc -l <"$JOURNAL")
  copy=$WORK/backup-$round.db
  b0=$(now)
  "$BIN" backup --to "$copy" >"$WORK/backup-$round.log" 2>&1 || { cat "$WORK/backup-$round.log" >&2; die "backup failed"; }
  backup_secs=$(secs "$b0" "$(now)")

  remaining=$(awk -v d="$delay" -v s="$load_started" -v n="$(now)" 'BEGIN { r = d - (n - s); printf "%.2f", (r > 0 ? r : 0) }')
  sleep "$remaining"
  kill -KILL "$SERVER_PID"
  kill_at=$(secs "$load_started" "$(now)")
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  if ! wait "$DRIVER_PID"; then
    FAILED=1
    log "load driver reported failures in round $round:"
    cat "$WORK/driver-$round.err" >&2
  fi
  DRIVER_PID=

  check "backup in round $round" "$copy" "$acked_lines"
  [ -n "$BACKUP" ] && rm -f "$BACKUP"
  BACKUP=$copy BACKUP_LINES=$acked_lines
  round_acked=$(tail -n +"$((lines_before + 1))" "$JOURNAL" | grep -c '"result": "acked"' || true)
  round_inflight=$(tail -n +"$((lines_before + 1))" "$JOURNAL" | grep -c '"result": "inflight"' || true)
  printf '%5s %7s %8s %9s %8s %9s\n' "$round" "$UP_SECS" "$kill_at" "$backup_secs" "$round_acked" "$round_inflight" >>"$WORK/rounds.txt"
  log "round $round: killed after ${kill_at}s, $round_acked writes acknowledged, $round_inflight in flight; backup ${backup_secs}s"
done

crash_serve "$WORK/server-final.log"
check "after kill $ROUNDS and restart" "$DB"
FINAL=$(tail -n1 "$VERIFY_OUT")

# Graceful stop: SIGTERM, exit status 0.
kill -TERM "$SERVER_PID"
if wait "$SERVER_PID"; then term_status=0; else term_status=$?; fi
SERVER_PID=
CHECKS=$((CHECKS + 1))
[ "$term_status" = 0 ] || { FAILED=1; log "CHECK FAILED: SIGTERM exit status $term_status"; }

# The restore drill, as README describes it.
log "restore drill from $BACKUP"
cp "$DB" "$WORK/before-restore.db"
cp "$BACKUP" "$DB"
rm -f "$DB-wal" "$DB-shm"
crash_serve "$WORK/server-restored.log"
COOKIE=$(sign_in admin "$ADMIN_PASSWORD")
edited=$(sqlite3 "$DB" "SELECT id || ' ' || main_product FROM enterprises WHERE main_product LIKE 'crash r%' ORDER BY updated_at DESC LIMIT 1")
CHECKS=$((CHECKS + 1))
page=$(curl -fsS -H "$COOKIE" "$BASE/enterprises/${edited%% *}" || true)
if [ -z "$edited" ] || ! grep -qF "${edited#* }" <<<"$page"; then
  FAILED=1
  log "CHECK FAILED: the restored server does not show enterprise ${edited%% *} as the backup has it"
fi
check "restored from the last backup" "$DB" "$BACKUP_LINES"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || { FAILED=1; log "CHECK FAILED: SIGTERM after the restore drill"; }
SERVER_PID=

# Report.
echo
echo "Crash safety — SQLite, demo data ($(sql 'SELECT count(*) FROM enterprises') enterprises), $(nproc) CPUs, seed $SEED"
echo "  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), binary $BIN"
echo "  32 clients (20 staff, 4 officials, 8 enterprise accounts); SIGKILL ${MIN_DELAY}-${MAX_DELAY}s after the load starts"
echo
cat "$WORK/rounds.txt"
echo
python3 - "$FINAL" <<'EOF'
import json, sys
s = json.loads(sys.argv[1])
print(f"  journal: {s['journal_lines']} writes, {s['acked']} acknowledged, {s['inflight']} in flight at a kill "
      f"({s['inflight_stored']} of them stored, {s['inflight'] - s['inflight_stored']} not)")
print("  by kind and result: " + ", ".join(f"{k} {v}" for k, v in s["counts"].items()))
EOF
echo "  wall time $(secs_since "$STARTED") s (demo data ${DEMO_SECS} s); restart to first healthy answer: $(awk -v t="$UP_TOTAL" -v n="$ROUNDS" 'BEGIN { printf "%.2f", t / n }') s on average"
echo "  checks: $CHECKS run (integrity, foreign keys, acknowledged writes and their audit entries after every"
echo "  restart and in every backup; SIGTERM exit 0; restore drill), $([ "$FAILED" = 0 ] && echo 'all passed' || echo 'SOME FAILED')"
[ "$FAILED" = 0 ] || exit 1
log "done"
