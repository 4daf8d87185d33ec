#!/usr/bin/env python3
"""BUILD_DIR/kcidb.json: every run of this build directory as KCIDB I/O data, schema v5.3.

    kcidb.py [OUTPUT]            (default BUILD_DIR/kcidb.json; "-" for standard output)

Reads what the stages leave behind: every boot's results.json (scripts/verdict.sh: the tests,
the patches applied with their KCIDB patchset hash, the build's record from obj/build.json),
the flavours' obj/build.json (scripts/build.sh: a build with no boot, a failed one, is reported
too) and make bench's results.tsv. Writes:

    checkouts  Linux v7.2.8 plus one patch set (patchset_hash as the schema defines it: the
               sha256 of the newline-terminated sha256 of every patch file, in order)
    builds     one per flavour and build (architecture, compiler, command, configuration name,
               start, duration, status)
    tests      one per test of every boot, by dot path (devdax/gup-2m -> devdax.gup-2m); a
               boot's problems outside its tests (a splat, a runner that did not finish) as
               "harness"; make bench's figures as bench.<benchmark>.<metric>, status DONE, the
               median as a number with its unit

Statuses: pass PASS, fail FAIL, skip SKIP, timeout ERROR; an expected failure ("ok ... # XFAIL",
a test that shows a v7.2.8 bug on the pristine kernel) is FAIL, for the code has the bug, with
misc.expected "fail". verdict.sh runs this after every boot (through summary.py --json), and
test/host/t-kcidb.sh checks the output against conf/kcidb.schema.json.
"""
import csv
import glob
import json
import os
import re
import statistics
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
build_dir = os.environ.get("BUILD_DIR") or os.path.join(TOP, "build")
ORIGIN = "devmap"
STATUS = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP", "timeout": "ERROR", "xfail": "FAIL"}


def pin(key):
    """A value of conf/pin.env."""
    with open(os.path.join(TOP, "conf", "pin.env")) as f:
        for line in f:
            if line.startswith(key + "="):
                return line.split("=", 1)[1].strip().strip("\"'")
    return "unknown"


def path(name):
    """A test name as a KCIDB dot path: '/' separates, other characters become '_'."""
    return ".".join(re.sub(r"[^a-zA-Z0-9_-]", "_", p) for p in name.split("/") if p)


def load(file):
    try:
        with open(file) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class Report:
    def __init__(self):
        self.version = pin("LINUX_VERSION")
        self.checkouts, self.builds, self.tests = {}, {}, []

    def checkout(self, patchset, patches):
        """The checkout id of v7.2.8 plus PATCHES (KCIDB hash PATCHSET)."""
        cid = f"{ORIGIN}:v{self.version}" + (f"+{patchset[:16]}" if patchset else "")
        if cid not in self.checkouts:
            self.checkouts[cid] = {
                "id": cid, "origin": ORIGIN, "tree_name": "stable",
                "git_commit_name": f"v{self.version}", "patchset_hash": patchset, "valid": True,
                "comment": f"Linux v{self.version}" +
                           (f" with {len(patches)} patches of this series" if patches else ""),
                "misc": {"patches": patches}}
        return cid

    def build(self, flavour, record, patchset, patches):
        """The build id of FLAVOUR, from its build.json RECORD (None: unknown build)."""
        if record:
            patchset, patches = record.get("patchset_hash", ""), record.get("patches", [])
        cid = self.checkout(patchset, patches)
        bid = f"{ORIGIN}:{flavour}.{cid.split(':', 1)[1]}"
        if record:
            bid += "." + re.sub(r"[^0-9]", "", record["start_time"])[:14]
        if bid in self.builds:
            return bid
        b = {"id": bid, "origin": ORIGIN, "checkout_id": cid, "comment": f"the {flavour} kernel",
             "misc": {"flavour": flavour}}
        if record:
            b.update(architecture=record["architecture"], compiler=record["compiler"],
                     command=record["command"], config_name=record["config_name"],
                     start_time=record["start_time"], duration=record["duration"],
                     status=record["status"])
            b["misc"]["log"] = record.get("log", "")
        self.builds[bid] = b
        return bid

    def boot(self, run, r):
        """The tests of one boot's results.json R, logs at RUN (relative to BUILD_DIR)."""
        flavour = r.get("flavour", "unknown")
        bid = self.build(flavour, r.get("build"), r.get("patchset_hash", ""), r.get("patches", []))
        env = {"comment": f"QEMU, {r.get('accel') or 'unknown accelerator'}",
               "misc": {"accel": r.get("accel", "")}}
        for t in r.get("tests", []):
            test = {"id": f"{bid}.{run}.{t['name']}", "origin": ORIGIN, "build_id": bid,
                    "path": path(t["name"]), "status": STATUS.get(t["status"], "ERROR"),
                    "environment": env,
                    "misc": {"run": run, "list": r.get("list", ""), "ktap": t["status"]}}
            if t.get("seconds") is not None:
                test["duration"] = t["seconds"]
            if t.get("directive"):
                test["comment"] = t["directive"]
            if t["status"] == "xfail":
                test["misc"]["expected"] = "fail"
            self.tests.append(test)
        if "verdict" in r:
            test = {"id": f"{bid}.{run}.harness", "origin": ORIGIN, "build_id": bid,
                    "path": "harness", "status": "PASS" if r["verdict"] == "pass" else "FAIL",
                    "environment": env, "comment": "the boot's verdict (scripts/verdict.sh)",
                    "misc": {"run": run, "list": r.get("list", ""), "counts": r.get("counts", {})}}
            if r.get("problems"):
                test["log_excerpt"] = "\n".join(r["problems"])[:16384]
            self.tests.append(test)

    def bench(self, tsv):
        """make bench's figures: the median of every run's repetitions, with its unit."""
        with open(tsv) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        groups = {}
        for row in rows:
            key = (row["run"], row["flavour"], row["benchmark"], row["metric"], row["unit"])
            groups.setdefault(key, []).append(float(row["value"]))
        for (run, flavour, benchmark, metric, unit), values in sorted(groups.items()):
            record = load(os.path.join(build_dir, flavour, "obj", "build.json"))
            bid = self.build(flavour, record, "", [])
            self.tests.append({
                "id": f"{bid}.bench.{run}.{benchmark}.{metric}", "origin": ORIGIN,
                "build_id": bid, "path": path(f"{benchmark}/{metric}"), "status": "DONE",
                "number": {"value": statistics.median(values), "unit": unit},
                "misc": {"run": run, "repetitions": values}})

    def data(self):
        return {"version": {"major": 5, "minor": 3},
                "checkouts": [self.checkouts[k] for k in sorted(self.checkouts)],
                "builds": [self.builds[k] for k in sorted(self.builds)],
                "tests": sorted(self.tests, key=lambda t: t["id"])}


def result_files(build):
    """Every boot's results.json under build, but not those of another architecture's build
    directory inside it (build/arm64 for make ARCH=arm64: conf/arch/arm64.env), which has its own
    results.json and kcidb.json."""
    others = {n[:-len(".env")] for n in os.listdir(os.path.join(TOP, "conf", "arch"))
              if n.endswith(".env") and n != "x86_64.env"}
    # At most three levels down (fix-only/logs-NNNN/LIST/results.json): a recursive glob walks
    # every kernel tree under build/ too, which took minutes on each verdict.
    files = set()
    for depth in range(4):
        files.update(glob.glob(os.path.join(build, *(["*"] * depth), "results.json")))
    for file in sorted(files):
        rel = os.path.relpath(file, build)
        if rel.split(os.sep)[0] not in others:
            yield file


def report():
    rep = Report()
    for file in result_files(build_dir):
        run = os.path.dirname(os.path.relpath(file, build_dir))
        r = load(file)
        if run and r and "tests" in r:
            rep.boot(run, r)
    for file in sorted(glob.glob(os.path.join(build_dir, "*", "obj", "build.json"))):
        record = load(file)
        if record:
            rep.build(record.get("flavour", "unknown"), record, "", [])
    tsv = os.path.join(build_dir, "bench", "results.tsv")
    if os.path.exists(tsv):
        rep.bench(tsv)
    return rep.data()


def write(out=None):
    data = report()
    if out == "-":
        json.dump(data, sys.stdout, indent=1)
        print()
        return
    out = out or os.path.join(build_dir, "kcidb.json")
    with open(out + ".tmp", "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else None)
