#!/usr/bin/env python3
"""Write load and checks for benches/crash.sh (Python 3 standard library only).

    crash_load.py load   --base URL --db FILE --journal FILE --state DIR --round N ...
    crash_load.py verify --db FILE --journal FILE [--lines N] [--label TEXT]

`load` runs ~32 clients against a running server until it stops answering (the
script SIGKILLs it): 20 staff edit the same few records from the versions they read
and propose exits (4 of them also approve pending annual submissions), 4 officials
decide the proposals that wait (approving every tenth, returning the rest), 8
enterprise accounts submit annual data. Every write gets one JSON line in the
journal with what it wrote and its result: `acked` (the server answered success),
`refused` (a conflict or a refusal with its reason), `inflight` (the connection died
before an answer: it may or may not have been stored) or `error` (any other answer,
a bug). It prints `ready` on stdout once every client is signed in and starts.

`verify` checks a database file against the journal (its first N lines): SQLite's
integrity_check and foreign_key_check, every acknowledged write stored, an audit
entry for each, and that nothing answered `error`. It prints one JSON summary line
and exits 1 on any violation.
"""

import argparse
import html.parser
import http.client
import http.cookiejar
import json
import os
import random
import re
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 30
# The answers that mean "refused with its reason", per write kind.
CONFLICT_PAGE = "保存冲突"
ALREADY_PENDING = "已有待审批的提议"
APPROVED_FLASH = "已审核通过并写入档案"
ALREADY_DECIDED_FLASH = "该报送已处理过"


class ServerGone(Exception):
    """The connection failed: the server was killed (or is not up)."""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send from the form whose action is `action`."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self.select, self.first_option, self.textarea = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append([a["name"], a.get("value", "")])
        elif tag == "select":
            self.select, self.first_option = a.get("name"), None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.fields.append([self.select, value])
                self.select = None
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            self.fields.append([self.select, self.first_option or ""])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(self.textarea)
            self.textarea = None


def form_fields(page, action):
    p = FormFields(action)
    p.feed(page)
    return p.fields


class Client:
    """One signed-in browser: a cookie jar kept in the state dir across rounds."""

    def __init__(self, base, username, password, state_dir):
        self.base, self.username, self.password = base, username, password
        self.jar_file = os.path.join(state_dir, f"cookies-{username}.txt")
        self.jar = http.cookiejar.MozillaCookieJar(self.jar_file)
        if os.path.exists(self.jar_file):
            self.jar.load(ignore_discard=True)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        self.csrf = None

    def request(self, path, data=None):
        """(status, body, location); raises ServerGone when no answer arrives."""
        body = urllib.parse.urlencode([tuple(f) for f in data]).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(req, timeout=TIMEOUT) as r:
                return r.status, r.read().decode("utf-8", "replace"), None
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace") if e.fp else ""
            return e.code, text, e.headers.get("Location")
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            raise ServerGone(str(e)) from e

    def get(self, path):
        status, text, location = self.request(path)
        if status == 303 and location and location.startswith("/login"):
            self.sign_in()
            status, text, location = self.request(path)
        if status != 200:
            raise RuntimeError(f"{self.username}: GET {path} answered {status}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return text

    def post(self, path, fields):
        return self.request(path, list(fields) + [("csrf_token", self.csrf)])

    def sign_in(self):
        self.jar.clear()
        status, text, _ = self.request("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
        status, _, location = self.request(
            "/login",
            [("csrf_token", token), ("username", self.username),
             ("password", self.password), ("next", "/")],
        )
        if status != 303 or (location or "").startswith("/login"):
            raise RuntimeError(f"sign-in as {self.username} answered {status} -> {location}")

    def start(self):
        """Signs in unless the saved session still works; keeps the session for the next round."""
        self.get("/")
        self.jar.save(ignore_discard=True)


class Journal:
    def __init__(self, path, round_no):
        self.file = open(path, "a", encoding="utf-8")
        self.round, self.lock = round_no, threading.Lock()

    def write(self, kind, result, **what):
        line = json.dumps({"round": self.round, "kind": kind, "result": result, **what},
                          ensure_ascii=False)
        with self.lock:
            self.file.write(line + "\n")
            self.file.flush()


def classify(status, ok, refused):
    if status in ok:
        return "acked"
    if refused:
        return "refused"
    return "error"


def staff_loop(c, i, a, journal, targets, approves):
    k = 0
    while True:
        e = targets[(i + k) % len(targets)]
        page = c.get(f"/enterprises/{e}/edit")
        fields = form_fields(page, f"/enterprises/{e}")
        fields = [f for f in fields if f[0] != "csrf_token"]
        version = next(v for n, v in fields if n == "version")
        value = f"crash r{a.round} s{i} #{k}"
        fields = [[n, value if n == "main_product" else v] for n, v in fields]
        what = {"ent": e, "version": int(version), "value": value}
        try:
            status, body, _ = c.post(f"/enterprises/{e}", fields)
        except ServerGone:
            journal.write("edit", "inflight", **what)
            raise
        result = classify(status, (303,), status == 409 and CONFLICT_PAGE in body)
        journal.write("edit", result, status=status, **what)

        reason = f"crash-propose r{a.round} s{i} #{k}"
        what = {"ent": e, "reason": reason}
        form = [("action", "exit"), ("exit_kind", "withdrawn"), ("reason", reason), ("comment", "")]
        try:
            status, body, _ = c.post(f"/enterprises/{e}/cultivation/proposals", form)
        except ServerGone:
            journal.write("propose", "inflight", **what)
            raise
        # 422 with another reason: the enterprise left the pipeline (an approved exit).
        result = classify(status, (303,), status == 422)
        journal.write("propose", result, status=status, already_pending=ALREADY_PENDING in body, **what)

        if i < approves:
            queue = c.get("/submissions")
            ids = [int(s) for s in re.findall(r'action="/submissions/(\d+)/approval"', queue)]
            mine = [s for s in ids if s % approves == i]
            if mine:
                sid = mine[0]
                try:
                    status, _, location = c.post(f"/submissions/{sid}/approval", [])
                    flash = c.get(location) if status == 303 else ""
                except ServerGone:
                    journal.write("approve", "inflight", sub=sid)
                    raise
                result = classify(status, (), False)
                if APPROVED_FLASH in flash:
                    result = "acked"
                elif ALREADY_DECIDED_FLASH in flash:
                    result = "refused"
                journal.write("approve", result, status=status, sub=sid)
        k += 1


def official_loop(c, i, a, journal):
    k = 0
    while True:
        inbox = c.get("/proposals")
        pending = sorted({int(p) for p in re.findall(r'href="/proposals/(\d+)"', inbox)})
        random.shuffle(pending)
        for pid in pending[:4]:
            decision = "approve" if pid % 10 == 0 else "return"
            comment = f"crash-decide r{a.round} g{i} #{k} p{pid}"
            what = {"proposal": pid, "decision": decision, "comment": comment}
            try:
                status, body, _ = c.post(f"/proposals/{pid}/decision",
                                         [("decision", decision), ("comment", comment)])
            except ServerGone:
                journal.write("decide", "inflight", **what)
                raise
            # 409: decided by another official first; 422: an approval the gates refuse.
            result = classify(status, (303,), status in (409, 422))
            journal.write("decide", result, status=status, **what)
            k += 1
        if not pending:
            time.sleep(0.05)


def enterprise_loop(c, i, a, journal, ent):
    k = 0
    c.get(f"/enterprises/{ent}/annual")
    while True:
        revenue = str(a.round * 1_000_000 + i * 100_000 + k)
        what = {"ent": ent, "revenue": revenue}
        form = [("year", str(a.year)), ("revenue", revenue), ("main_business_revenue", "900")]
        try:
            status, _, _ = c.post(f"/enterprises/{ent}/annual", form)
        except ServerGone:
            journal.write("submit", "inflight", **what)
            raise
        journal.write("submit", classify(status, (303,), False), status=status, **what)
        k += 1


def load(a):
    random.seed(a.round)
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    pipeline = [r[0] for r in db.execute(
        "SELECT id FROM enterprises WHERE cultivation_stage IN ('potential', 'reserve') "
        "AND archived_at IS NULL ORDER BY id")]
    enterprise_accounts = db.execute(
        "SELECT username, enterprise_id FROM users WHERE username LIKE 'crash.ent%' ORDER BY username"
    ).fetchall()
    db.close()
    targets = random.sample(pipeline, min(len(pipeline), a.targets))
    journal = Journal(a.journal, a.round)
    jobs = []
    for i in range(a.staff):
        jobs.append((f"crash.staff{i:02d}", lambda c, i=i: staff_loop(c, i, a, journal, targets, a.approvers)))
    for i in range(a.officials):
        jobs.append((f"crash.gov{i:02d}", lambda c, i=i: official_loop(c, i, a, journal)))
    for i, (user, ent) in enumerate(enterprise_accounts):
        jobs.append((user, lambda c, i=i, ent=ent: enterprise_loop(c, i, a, journal, ent)))
    clients = [Client(a.base, user, a.password, a.state) for user, _ in jobs]

    signed_in = threading.Barrier(len(jobs) + 1)
    failures = []

    def run(client, body):
        try:
            client.start()
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(f"{client.username}: {e}")
            signed_in.abort()
            return
        try:
            signed_in.wait()
        except threading.BrokenBarrierError:
            return
        try:
            body(client)
        except ServerGone:
            pass
        except Exception as e:  # noqa: BLE001 - a client that broke is a finding
            failures.append(f"{client.username}: {type(e).__name__}: {e}")
            print(f"client {client.username} failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=run, args=(c, body), daemon=True)
               for c, (_, body) in zip(clients, jobs)]
    for t in threads:
        t.start()
    try:
        signed_in.wait()
    except threading.BrokenBarrierError:
        print("sign-in failed: " + "; ".join(failures), file=sys.stderr)
        return 3
    print("ready", flush=True)
    for t in threads:
        t.join(a.max_seconds)
    if failures:
        print("client failures: " + "; ".join(failures), file=sys.stderr)
        return 2
    return 0


def verify(a):
    with open(a.journal, encoding="utf-8") as f:
        lines = f.readlines()
    entries = [json.loads(line) for line in lines[: a.lines if a.lines is not None else len(lines)]]
    db = sqlite3.connect(a.db)
    q = lambda sql, *args: db.execute(sql, args).fetchall()  # noqa: E731
    violations = []
    integrity = q("PRAGMA integrity_check")
    if integrity != [("ok",)]:
        violations.append(f"integrity_check: {integrity[:5]}")
    fk = q("PRAGMA foreign_key_check")
    if fk:
        violations.append(f"foreign_key_check: {len(fk)} rows, e.g. {fk[:5]}")

    audit = {}
    for action, entity_id, after in q(
        "SELECT action, entity_id, after_json FROM audit_log WHERE action IN "
        "('enterprise.update', 'cultivation.propose', 'cultivation.decide', 'annual.submit', 'annual.approve')"
    ):
        audit.setdefault((action, entity_id), []).append(after or "")

    def audited(action, entity_id, text=None):
        return any(text is None or text in after for after in audit.get((action, str(entity_id)), []))

    enterprises = {i: (v, p) for i, v, p in q("SELECT id, version, main_product FROM enterprises")}
    proposals = {}
    for pid, ent, reason, status, comment in q(
        "SELECT id, enterprise_id, reason, status, decision_comment FROM cultivation_proposals"
    ):
        proposals[pid] = (ent, reason, status, comment)
    by_reason = {(p[0], p[1]): pid for pid, p in proposals.items()}
    submissions = {}
    for sid, ent, payload, status in q("SELECT id, enterprise_id, payload, status FROM annual_submissions"):
        # Stored in yuan; the form takes 10k yuan (万元).
        revenue = json.loads(payload).get("revenue")
        submissions[sid] = (ent, status)
        if isinstance(revenue, (int, float)) and revenue % 10_000 == 0:
            submissions[(ent, revenue // 10_000)] = sid

    def stored(e):
        k = e["kind"]
        if k == "edit":
            version, product = enterprises.get(e["ent"], (None, None))
            if version is None or version < e["version"] + 1:
                return False, False
            # A later save may have replaced the value; the audit keeps every one.
            return (version > e["version"] + 1 or product == e["value"],
                    audited("enterprise.update", e["ent"], json.dumps(e["value"], ensure_ascii=False)))
        if k == "propose":
            pid = by_reason.get((e["ent"], e["reason"]))
            return pid is not None, pid is not None and audited("cultivation.propose", pid, e["reason"])
        if k == "decide":
            p = proposals.get(e["proposal"])
            want = "returned" if e["decision"] == "return" else "approved"
            ok = p is not None and p[3] == e["comment"] and p[2] == want
            return ok, audited("cultivation.decide", e["proposal"], e["comment"])
        if k == "submit":
            sid = submissions.get((e["ent"], int(e["revenue"])))
            return sid is not None, sid is not None and audited("annual.submit", sid)
        if k == "approve":
            s = submissions.get(e["sub"])
            return s is not None and s[1] == "approved", audited("annual.approve", e["sub"])
        raise ValueError(k)

    counts = {}
    inflight_stored = 0
    for e in entries:
        key = f"{e['kind']}.{e['result']}"
        counts[key] = counts.get(key, 0) + 1
        if e["result"] == "error":
            violations.append(f"unexpected answer: {e}")
        elif e["result"] == "acked":
            present, in_audit = stored(e)
            if not present:
                violations.append(f"acknowledged write missing: {e}")
            elif not in_audit:
                violations.append(f"acknowledged write without its audit entry: {e}")
        elif e["result"] == "inflight" and stored(e)[0]:
            inflight_stored += 1
    acked = sum(v for k, v in counts.items() if k.endswith(".acked"))
    inflight = sum(v for k, v in counts.items() if k.endswith(".inflight"))
    print(json.dumps({
        "label": a.label, "journal_lines": len(entries), "acked": acked,
        "inflight": inflight, "inflight_stored": inflight_stored,
        "violations": len(violations), "counts": dict(sorted(counts.items())),
    }, ensure_ascii=False))
    for v in violations[:20]:
        print(f"violation: {v}", file=sys.stderr)
    return 1 if violations else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("load")
    lp.add_argument("--base", required=True)
    lp.add_argument("--db", required=True, help="the SQLite file (read once, for the pipeline's ids)")
    lp.add_argument("--journal", required=True)
    lp.add_argument("--state", required=True, help="dir for the clients' cookie jars")
    lp.add_argument("--round", type=int, required=True)
    lp.add_argument("--password", required=True, help="password of the crash.* accounts")
    lp.add_argument("--year", type=int, required=True, help="year of the annual submissions")
    lp.add_argument("--staff", type=int, default=20)
    lp.add_argument("--officials", type=int, default=4)
    lp.add_argument("--approvers", type=int, default=4, help="staff that also approve submissions")
    lp.add_argument("--targets", type=int, default=8, help="records the staff edit (fewer: more conflicts)")
    lp.add_argument("--max-seconds", type=float, default=120)
    vp = sub.add_parser("verify")
    vp.add_argument("--db", required=True)
    vp.add_argument("--journal", required=True)
    vp.add_argument("--lines", type=int, help="check only the journal's first N lines")
    vp.add_argument("--label", default="")
    a = p.parse_args()
    sys.exit(load(a) if a.cmd == "load" else verify(a))


if __name__ == "__main__":
    main()
