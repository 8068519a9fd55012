#!/usr/bin/env bash
# IPO cultivation pipeline pages at national scale: a rerunnable HTTP benchmark.
#
# Requirement being checked: with 150,000 enterprises on SQLite on this machine (the
# demo generator places part of them in the pipeline), the pipeline page, unfiltered
# and filtered by district, serves >= 1,000 requests/s with p99 < 50 ms, signed in
# as an official who sees all districts, load generator on the same machine, every
# response a 200. Measured for information: a stage queue's first page and a deep
# page (reached by following its "next" links; p50 ratio deep/first reported), the
# proposals inbox, the cultivation page of an enterprise in the listing process, the
# official's dashboard (home) and the quarterly report (this quarter and the last).
#
#   benches/pipeline.sh                 # build, generate, serve, measure, report
#
# Before measuring it prints the stage counts of the generated data (and the
# cultivation events, pending proposals and open tasks): with an empty pipeline the
# pages still render, but the figures say little.
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
#   BENCH_GZIP           1: also measure /pipeline with `Accept-Encoding: gzip`, as
#                        browsers send it (informational row; skipped when the app
#                        does not compress)                 (1)
#   BENCH_QUEUE_STAGE    the stage whose queue is measured  (potential)
#   BENCH_QUEUE_PAGES    "next" links followed to the deep queue page (fewer when
#                        the queue is shorter)              (100)
#   BENCH_ENFORCE        1: exit 1 when a target is missed  (1)
#   BENCH_KEEP           1: keep the temp dir (DB, server log) for inspection (0)
#
# Load generator, Lua hook and noise: as in benches/registry.sh, whose machinery
# (tools, build, data, server, sign-in, wrk runs, report) is shared in benches/lib.sh.
#
# Exit status: 0 all good; 1 a performance target missed (BENCH_ENFORCE=1);
# 2 a non-200 response or socket error during a run; other: setup failed.
set -euo pipefail

BENCH_NAME=pipeline
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUEUE_STAGE=${BENCH_QUEUE_STAGE:-potential}
QUEUE_PAGES=${BENCH_QUEUE_PAGES:-100}
DISTRICT=370212 # 崂山区 (Laoshan): ~1/6 of the generated enterprises
MIN_RPS=1000
MAX_P99_MS=50
QUEUE_PAGE_ROWS=50 # QUEUE_PAGE in src/routes/cultivation/pipeline.rs

OFFICIAL_USER=official
OFFICIAL_PASSWORD=Zhanqiao-Pier-2026

bench_tools
bench_build
bench_generate

# ---------------------------------------------------------------------------------
# What the generator put in the pipeline.
# ---------------------------------------------------------------------------------
STAGE_COUNTS=$(sql "SELECT coalesce(cultivation_stage, '(not in pipeline)') || ' ' || count(*)
                    FROM enterprises GROUP BY cultivation_stage ORDER BY cultivation_stage")
EVENTS=$(sql "SELECT count(*) FROM cultivation_events")
PENDING=$(sql "SELECT count(*) FROM cultivation_proposals WHERE status = 'pending'")
OPEN_TASKS=$(sql "SELECT count(*) FROM cultivation_tasks WHERE status = 'open'")
IN_PIPELINE=$(sql "SELECT count(*) FROM enterprises WHERE cultivation_stage IS NOT NULL")
log "stage counts: $(tr '\n' ',' <<<"$STAGE_COUNTS" | sed 's/,$//; s/,/, /g')"
log "cultivation events $EVENTS, pending proposals $PENDING, open tasks $OPEN_TASKS"
DATA_NOTE=
if [ "$IN_PIPELINE" -eq 0 ]; then
  DATA_NOTE="the generated data has no enterprise in the pipeline: the pages render empty"
  log "note: $DATA_NOTE"
fi

bench_serve
COOKIE=$(sign_in "$OFFICIAL_USER" "$OFFICIAL_PASSWORD")

# ---------------------------------------------------------------------------------
# URLs.
# ---------------------------------------------------------------------------------
PIPELINE="/pipeline"
PIPELINE_DISTRICT="/pipeline?district=$DISTRICT"
get "$PIPELINE" >/dev/null
get "$PIPELINE_DISTRICT" >/dev/null

QUEUE_FIRST="/pipeline/queue?stage=$QUEUE_STAGE"
queue_where="cultivation_stage = '$QUEUE_STAGE' AND archived_at IS NULL"
queue_rows=$(sql "SELECT count(*) FROM enterprises WHERE $queue_where")
body=$(get "$QUEUE_FIRST")
shown=$(grep -c 'href="/enterprises/[0-9]*/cultivation"' <<<"$body" || true)
expected=$((queue_rows < QUEUE_PAGE_ROWS ? queue_rows : QUEUE_PAGE_ROWS))
[ "$shown" -eq "$expected" ] || die "$QUEUE_FIRST shows $shown rows, expected $expected of $queue_rows"
log "following the 'next' links of $QUEUE_FIRST up to $QUEUE_PAGES times"
follow_next "$QUEUE_FIRST" "$QUEUE_PAGES"
QUEUE_DEEP=$FOLLOWED_URL
queue_page=$FOLLOWED_PAGES
queue_pages=$(((queue_rows + QUEUE_PAGE_ROWS - 1) / QUEUE_PAGE_ROWS))
[ "$queue_pages" -ge 1 ] || queue_pages=1 # an empty queue still renders a page
expected=$((queue_pages < QUEUE_PAGES + 1 ? queue_pages : QUEUE_PAGES + 1))
[ "$queue_page" -eq "$expected" ] \
  || die "reached page $queue_page, expected $expected for $queue_rows rows"
if [ "$queue_page" -gt 1 ]; then
  # Cross-check the cursor against the database: the row before the deep page.
  cursor_id=$(sql "SELECT id FROM enterprises WHERE $queue_where
                   ORDER BY queue_order, id LIMIT 1 OFFSET $(((queue_page - 1) * QUEUE_PAGE_ROWS - 1))")
  [[ "$QUEUE_DEEP" == *"after_id=$cursor_id" ]] \
    || die "deep-page cursor $QUEUE_DEEP does not end at id $cursor_id"
fi

PROPOSALS="/proposals"
get "$PROPOSALS" >/dev/null

CULTIVATION=
CULTIVATION_NOTE=
EID=$(sql "SELECT id FROM enterprises WHERE cultivation_stage = 'listing_process' ORDER BY id LIMIT 1")
if [ -z "$EID" ]; then
  EID=$(sql "SELECT id FROM enterprises WHERE cultivation_stage IS NOT NULL ORDER BY id LIMIT 1")
  CULTIVATION_NOTE="no enterprise in the listing process"
  [ -n "$EID" ] && CULTIVATION_NOTE+=", took the first one in the pipeline ($EID)"
fi
if [ -n "$EID" ]; then
  CULTIVATION="/enterprises/$EID/cultivation"
  get "$CULTIVATION" >/dev/null
else
  CULTIVATION_NOTE+=" nor in the pipeline: no cultivation page row"
fi
[ -z "$CULTIVATION_NOTE" ] || log "note: $CULTIVATION_NOTE"

DASHBOARD="/"
get "$DASHBOARD" | grep -q 'id="dash-tiers"' || die "the official's home has no dashboard"
REPORT="/reports/quarterly"
get "$REPORT" | grep -q 'id="report-summary"' || die "no quarterly report"
# The quarter before this one (its counts are rebuilt at both ends from history).
year=$(date +%Y); quarter=$((($(date +%-m) - 1) / 3 + 1))
if [ "$quarter" -eq 1 ]; then LAST_Q="$((year - 1))Q4"; else LAST_Q="${year}Q$((quarter - 1))"; fi
REPORT_PAST="/reports/quarterly?q=$LAST_Q"
get "$REPORT_PAST" >/dev/null

# ---------------------------------------------------------------------------------
# Measure.
# ---------------------------------------------------------------------------------
add_baselines
add "pipeline, unfiltered" target "$PIPELINE"
add "pipeline, district" target "$PIPELINE_DISTRICT"
add "queue, first page" info "$QUEUE_FIRST"
[ "$queue_page" -gt 1 ] && add "queue, page $queue_page" ratio "$QUEUE_DEEP"
add "proposals" info "$PROPOSALS"
[ -n "$CULTIVATION" ] && add "cultivation page" info "$CULTIVATION"
add "official dashboard" info "$DASHBOARD"
add "quarterly report, this quarter" info "$REPORT"
add "quarterly report, $LAST_Q" info "$REPORT_PAST"
if [ "$GZIP" = 1 ] && app_compresses "$PIPELINE"; then
  add "pipeline, unfiltered, gzip" gzip "$PIPELINE" "Accept-Encoding: gzip"
fi
bench_measure

# ---------------------------------------------------------------------------------
# Report (medians over the rounds, each metric on its own).
# ---------------------------------------------------------------------------------
report_header "IPO cultivation pipeline benchmark" "$OFFICIAL_USER"
echo "  stages: $(tr '\n' ',' <<<"$STAGE_COUNTS" | sed 's/,$//; s/,/, /g')"
echo "  cultivation events $EVENTS, pending proposals $PENDING, open tasks $OPEN_TASKS"
[ -z "$DATA_NOTE" ] || echo "  $DATA_NOTE"
echo "  queue first: $QUEUE_FIRST ($queue_rows rows)"
echo "  queue deep:  $QUEUE_DEEP (page $queue_page of $queue_pages)"
echo "  cultivation: ${CULTIVATION:-none}${CULTIVATION_NOTE:+ ($CULTIVATION_NOTE)}"
report_table
if [ "$queue_page" -gt 1 ]; then
  echo "deep queue page p50 / first page p50: $(p50_ratio \
    "queue, page $queue_page" "queue, first page")  (info)"
else
  echo "deep queue page p50 / first page p50: n/a (the queue has a single page)"
fi
report_spread
bench_finish
