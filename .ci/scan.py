#!/usr/bin/env python3
"""Helpers for .ci/scan (standard library only).

  pins BASE COOKIE... -- SEED...   wapiti exclusions: one record per kind
  wapiti REPORT.json...      findings in wapiti's JSON reports (exit 1 if any)
  requests LOG FIRST LAST    the server's access-log lines FIRST..LAST, counted
"""

import collections
import json
import re
import sys
import urllib.parse
import urllib.request

# A record's URL: /kind/ID or /kind/ID/..., e.g. /enterprises/1333/cultivation,
# /financing/needs/251, /tasks/398/done. The kind is everything before the id.
RECORD = re.compile(r'(?:href|action)="(/(?:[a-z][a-z-]*/)+)(\d+)(?=[/?"])')


def complement(base, kind, keep):
    """Wildcard patterns (wapiti's -x: `*` is any text) matching every URL of
    `kind` whose record id is not `keep`, and none of `keep`'s own URLs."""
    prefix = base + kind
    out = []
    for i, digit in enumerate(keep):
        head = keep[:i]
        out += [f"{prefix}{head}{d}*" for d in "0123456789" if d != digit]
        if head:  # a shorter id that is a prefix of `keep`, e.g. 13 for 1333
            out += [f"{prefix}{head}", f"{prefix}{head}/*", f"{prefix}{head}?*"]
    out += [f"{prefix}{keep}{d}*" for d in "0123456789"]  # longer ids
    return out


def pins(base, cookies, seeds):
    """The first record of each kind linked from the seed pages (fetched with
    each cookie in turn, in order) is the one wapiti may crawl; the others of
    its kind only repeat the same handlers with other ids and would multiply
    the attack time."""
    keep = {}
    for cookie in cookies:
        for seed in seeds:
            url = base.rstrip("/") + urllib.parse.quote(seed, safe="/?=&%")
            req = urllib.request.Request(url, headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    html = resp.read().decode("utf-8", "replace")
            except OSError:  # 403/404 for this role: nothing to pin from it
                continue
            for kind, rid in RECORD.findall(html):
                keep.setdefault(kind, rid)
    for kind, rid in sorted(keep.items()):
        print(f"# {kind}{rid}", file=sys.stderr)
        for pattern in complement(base.rstrip("/"), kind, rid):
            print(pattern)


# wapiti files its results in three groups. What counts as a finding:
# - "vulnerabilities": every category (injections, XSS, CSRF, cookie flags,
#   security headers, CSP ...). The server runs with SRDI_HTTPS=1 as in
#   production, so a cookie without Secure or a missing header is real.
# - "anomalies": "Internal Server Error" counts (a 500 under hostile input is
#   an unhandled case); "Resource consumption" does not: it only says a
#   response took longer than wapiti expected, which on a shared 2-core
#   machine measures the machine, not the app.
# - "additionals" are informational (fingerprints, allowed methods, TLS on a
#   plain-http test server): listed, never counted.
NOT_FINDINGS = {"Resource consumption"}


def wapiti(reports):
    found = 0
    for path in reports:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        info = report["infos"]
        print(f"  {path.rsplit('/', 1)[-1]}: {info.get('crawled_pages_nbr', '?')} URLs and forms crawled")
        for group in ("vulnerabilities", "anomalies", "additionals"):
            for category, items in sorted(report.get(group, {}).items()):
                if not items:
                    continue
                counts = group != "additionals" and category not in NOT_FINDINGS
                found += len(items) if counts else 0
                tag = "FINDING" if counts else "info"
                print(f"    {tag:7} {category}: {len(items)}")
                for item in items[: 5 if counts else 1]:
                    where = f"{item.get('method', '')} {item.get('path', '')}"
                    param = item.get("parameter") or ""
                    print(f"            {where} {param} -- {item.get('info', '')[:160]}")
    print(f"  wapiti findings: {found}")
    return 1 if found else 0


def requests(log, first, last):
    """Counts the access-log lines (SRDI_LOG_FORMAT=json) in lines first..last:
    the requests the scanners made, by status class, and the 5xx routes."""
    by_class = collections.Counter()
    errors = collections.Counter()
    with open(log, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if n < first or n > last or '"http.status_code"' not in line:
                continue
            try:
                event = json.loads(line)
                span = event["span"]
            except (ValueError, KeyError):
                continue
            if event.get("message") != "close":  # the access line; not an error event
                continue
            status = int(span.get("http.status_code", 0))
            by_class[f"{status // 100}xx"] += 1
            if status >= 500:
                errors[f"{span.get('http.method')} {span.get('http.route')} {status}"] += 1
    total = sum(by_class.values())
    classes = ", ".join(f"{k} {v}" for k, v in sorted(by_class.items()))
    print(f"{total} requests ({classes})")
    for what, n in errors.most_common():
        print(f"    5xx: {what} x{n}")
    return 1 if errors else 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "pins":
        split = args.index("--")
        pins(args[0], args[1:split], args[split + 1 :])
        return 0
    if cmd == "wapiti":
        return wapiti(args)
    if cmd == "requests":
        return requests(args[0], int(args[1]), int(args[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
