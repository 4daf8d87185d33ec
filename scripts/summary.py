#!/usr/bin/env python3
"""make check's closing table: every gate, then every guest test side by side.

Reads BUILD_DIR/check-gates ("NAME STATUS SECONDS" lines, written by make check) and the
results.json that verdict.sh writes beside each boot's logs: the series (patched/logs*),
pristine v7.2.8 (pristine/logs*) and each fix alone (fix-only/logs-NNNN/LIST). Prints one
table; a test a kernel did not run is "-". Then, for each failed test, the lines of its output
that say why (its own "not ok" lines, failures, bail-outs), and the same of a test that passed
only when retried (a selftest known to be timing-dependent, test/selftests/run.sh -r): CI
shows the end of a long log, where this table is, and cuts the middle, where the test's output
is. With --json, writes BUILD_DIR/results.json instead (every boot's results.json, by path,
and the gates) and BUILD_DIR/kcidb.json (scripts/kcidb.py), quietly: verdict.sh calls it after
every boot, bench.sh after make bench. Exits 0: it reports, make check decides.
"""
import glob
import json
import os
import sys

build = os.environ.get("BUILD_DIR") or os.path.join(os.path.dirname(__file__), "..", "build")


def results(pattern):
    """{test name: (status, seconds)} of every results.json matching pattern."""
    out = {}
    for path in sorted(glob.glob(os.path.join(build, pattern))):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        for t in data.get("tests", []):
            out[t["name"]] = (t["status"], t.get("seconds"))
    return out


def fix_only():
    """{test name: "NNNN status"} over every fix's boots."""
    out = {}
    for path in sorted(glob.glob(os.path.join(build, "fix-only", "logs-*", "*", "results.json"))):
        fix = path.split(os.sep)[-3][len("logs-"):]
        with open(path) as f:
            for t in json.load(f).get("tests", []):
                prev = out.get(t["name"])
                out[t["name"]] = (prev + ", " if prev else "") + f"{fix} {t['status']}"
    return out


WHY = ("not ok", "fail", "error", "bail out", "bug:", "warning:", "timed out", "expected")


def why_failed(limit=8):
    """[(heading, [lines])]: the output lines of every failed or timed-out test of the
    series, pristine and fix-only boots that say why, at most limit per test, from the ktap.log
    beside each results.json; also of a test that passed only when run a second time
    (test/selftests/run.sh -r prints "# retried:"), from its first run. KTAP puts a test's output
    before its result line."""
    out = []
    for pattern in ("patched/logs*/results.json", "pristine/logs*/results.json",
                    "fix-only/logs-*/*/results.json"):
        for path in sorted(glob.glob(os.path.join(build, pattern))):
            try:
                with open(path) as f:
                    failed = {t["name"] for t in json.load(f).get("tests", [])
                              if t["status"] in ("fail", "timeout")}
                with open(os.path.join(os.path.dirname(path), "ktap.log"),
                          errors="replace") as f:
                    lines = [line.rstrip("\r\n") for line in f]
            except (OSError, ValueError):
                continue
            block = []
            for line in lines:
                words = line.split()
                if line[:1] not in (" ", "\t") and len(words) >= 3 and \
                        (words[0] == "ok" or words[:2] == ["not", "ok"]):
                    name = words[3] if words[0] == "not" else words[2]
                    retried = [i for i, b in enumerate(block) if b.strip().startswith("# retried:")]
                    if (words[0] == "not" and name in failed) or retried:
                        first = block[:retried[0]] if retried and words[0] == "ok" else block
                        why = [b.strip() for b in first if not b.strip().startswith("ok ")
                               and any(w in b.lower() for w in WHY)]
                        logs = os.path.join(os.path.relpath(os.path.dirname(path), build),
                                            "ktap.log")
                        head = f"why {name} failed ({logs}):" if words[0] == "not" else \
                            f"{name} passed only when run again; its first run ({logs}):"
                        out.append((head, why[-limit:] or [b.strip() for b in first[-limit:]]))
                    block = []
                elif line.startswith((" ", "\t")):
                    block.append(line)
    return out


def check_gates():
    """(name, status, seconds) of every line make check wrote to BUILD_DIR/check-gates."""
    path = os.path.join(build, "check-gates")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [tuple((line.split() + ["", "", ""])[:3]) for line in f if line.strip()]


def write_json():
    """BUILD_DIR/results.json: the gates and every boot's results, by their logs' path."""
    runs = {}
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import kcidb
    for path in kcidb.result_files(build):
        rel = os.path.relpath(path, build)
        if rel == "results.json":
            continue
        try:
            with open(path) as f:
                runs[os.path.dirname(rel)] = json.load(f)
        except (OSError, ValueError):
            continue
    gates = [{"name": name, "status": status, "seconds": int(secs) if secs.isdigit() else None}
             for name, status, secs in check_gates()]
    tmp = os.path.join(build, "results.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"gates": gates, "runs": runs}, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(build, "results.json"))
    kcidb.build_dir = build
    kcidb.write()
    return 0


def main():
    if sys.argv[1:] == ["--json"]:
        return write_json()
    rows = [(name, status, "", "", secs + " s" if secs else "")
            for name, status, secs in check_gates()]
    series = results("patched/logs*/results.json")
    pristine = results("pristine/logs*/results.json")
    fixes = fix_only()
    names = list(series) + [n for n in pristine if n not in series] + \
        [n for n in fixes if n not in series and n not in pristine]
    for n in names:
        s, secs = series.get(n, ("-", None))
        p = pristine.get(n, ("-", None))[0]
        rows.append((n, s, p, fixes.get(n, "-"), f"{secs:.1f} s" if secs is not None else ""))
    if not rows:
        print("summary: no gate or test results under " + build)
        return 0
    head = ("gate or test", "series", "pristine", "fix-only", "time")
    w = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
    fmt = "  ".join("{:<%d}" % x for x in w[:4]) + "  {:>%d}" % w[4]
    print(fmt.format(*head))
    for r in rows:
        print(fmt.format(*r))
    for head, why in why_failed():
        print(head)
        for line in why:
            print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
