#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of `make profile` (scripts/profile.sh): kernel instructions per function in each of
dax_bench's measured windows, one column per flavour, largest differences first.

usage: profile-report.py FLAVOUR LOGS VMLINUX [FLAVOUR LOGS VMLINUX ...]

LOGS/blocks.txt is insnprof's output ("window vaddr instructions executions" lines), LOGS/ktap.log
the guest's KTAP log, whose "# PROFILE <metric>" lines name the windows in order. A window with a
"# BENCH <metric>-faults N" figure is also shown per fault.
"""
import bisect
import re
import subprocess
import sys
from collections import defaultdict

TOP = 12  # functions shown per window


def symbols(vmlinux):
    """Sorted (address, name) of the kernel's text symbols."""
    out = subprocess.run(["nm", "-n", vmlinux], check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16), f[2]))
    return [a for a, _ in syms], [n for _, n in syms]


def windows(ktap):
    """The metrics of the windows in order, and the fault counts of the metrics that have one."""
    names, faults = [], {}
    with open(ktap, errors="replace") as f:
        for line in f:
            m = re.match(r"\s*# PROFILE (\S+)", line)
            if m:
                names.append(m.group(1))
                continue
            m = re.match(r"\s*# BENCH (\S+)-faults (\d+)", line)
            if m:
                faults[m.group(1)] = int(m.group(2))
    return names, faults


def profile(logs, vmlinux):
    """{metric: {function: instructions}}, the window count per metric, the faults per metric."""
    addrs, names = symbols(vmlinux)
    metrics, faults = windows(f"{logs}/ktap.log")
    per = defaultdict(lambda: defaultdict(int))
    trailer = None
    with open(f"{logs}/blocks.txt") as f:
        for line in f:
            if line.startswith("#"):
                trailer = line.split()
                continue
            w, vaddr, insns, n = line.split()
            w, vaddr = int(w), int(vaddr, 16)
            if w < 1 or w > len(metrics):
                sys.exit(f"{logs}: window {w}, but the KTAP log names {len(metrics)}")
            i = bisect.bisect_right(addrs, vaddr) - 1
            fn = names[i] if i >= 0 else hex(vaddr)
            per[metrics[w - 1]][fn] += int(insns) * int(n)
    if not trailer or int(trailer[2]) != len(metrics) or int(trailer[4]) != 0:
        sys.exit(f"{logs}: insnprof saw {trailer and ' '.join(trailer[1:])}, "
                 f"the KTAP log names {len(metrics)} windows")
    count = defaultdict(int)
    for m in metrics:
        count[m] += 1
    return per, count, faults


def main():
    args = sys.argv[1:]
    if not args or len(args) % 3:
        sys.exit(__doc__)
    runs = [(args[i], *profile(args[i + 1], args[i + 2])) for i in range(0, len(args), 3)]
    flavours = [r[0] for r in runs]
    order = []
    for _, per, count, _ in runs:
        order += [m for m in count if m not in order]
    print("Kernel instructions per measured window (make profile; insnprof under TCG), "
          "averaged over the window's repetitions;")
    print(f"differences are {flavours[-1]} - {flavours[0]}.")
    for metric in order:
        cols = []
        for _, per, count, faults in runs:
            reps = count.get(metric, 0)
            fn = {k: v / reps for k, v in per.get(metric, {}).items()} if reps else {}
            cols.append((fn, faults.get(metric)))
        first, last = cols[0][0], cols[-1][0]
        totals = [sum(c[0].values()) for c in cols]
        ops = [c[1] for c in cols]
        unit = "per fault" if all(ops) else "per window"
        div = [o if all(ops) else 1 for o in ops]
        print()
        print(f"## {metric} ({unit})")
        print(f"{'function':40} " + " ".join(f"{f:>12}" for f in flavours) + f" {'diff':>10}")
        print(f"{'TOTAL':40} " + " ".join(f"{t / d:12.1f}" for t, d in zip(totals, div)) +
              f" {totals[-1] / div[-1] - totals[0] / div[0]:+10.1f}")
        fns = set().union(*(c[0] for c in cols))
        diff = {fn: last.get(fn, 0) / div[-1] - first.get(fn, 0) / div[0] for fn in fns}
        for fn in sorted(fns, key=lambda k: -abs(diff[k]))[:TOP]:
            if abs(diff[fn]) < 0.05:
                break
            print(f"{fn[:40]:40} " +
                  " ".join(f"{c[0].get(fn, 0) / d:12.1f}" for c, d in zip(cols, div)) +
                  f" {diff[fn]:+10.1f}")


if __name__ == "__main__":
    main()
