#!/usr/bin/env python3
"""Report of `make bench` (scripts/bench.sh): tables and a plot from the collected figures.

    bench-report.py DIR

DIR holds results.tsv (run, flavour, benchmark, metric, value, unit; one row per repetition)
and machine.tsv (key, value). Writes into DIR:

    results.md        the machine, then per benchmark: median (min-max) of every run, the
                      ratio of every other run to the first pristine run (and of the series
                      to the fixes posting alone, with a fixes run), and a reading of the
                      series' ratio
    cover-table.txt   the same figures as a plain-text table for the cover letter (without the
                      scale runs' and the per-GiB ones)
    plot.dat, results.svg   the ratios with their ranges (gnuplot)
    scale.dat, scale.svg    with scale benchmarks (metrics "enable-at-<MiB>M" and alike):
                      enable and disable time and GUP-fast per GiB against the instance
                      size, per alignment and kernel

A ratio is only read as faster or slower when the two runs' ranges do not overlap, the
difference is larger than the null run's (a second boot of the baseline kernel, if there is one)
and outside the null run's range, and it is at least MIN_EFFECT.
"""
import collections
import re
import statistics
import subprocess
import sys
from pathlib import Path

HIGHER_IS_BETTER = {"MiB/s"}
# Units of cost: lower is faster. Other units (counts, sizes) are read as higher or lower.
TIME_UNITS = {"ns", "us", "ns/fault", "ns/page", "us/GiB", "ms/GiB"}
# Differences smaller than this are not claimed, however repeatable: under an instruction clock
# they are real but say nothing a reader needs.
MIN_EFFECT = 0.01
# Fault counts are shown (they prove the fault size) but not plotted.
NOT_PLOTTED = {"faults"}


def load(path):
    rows = [line.rstrip("\n").split("\t") for line in path.open()]
    return [dict(zip(rows[0], r)) for r in rows[1:] if r and r[0]]


def fmt(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


class Series:
    def __init__(self, values):
        self.values = sorted(values)
        self.median = statistics.median(values)
        self.min = self.values[0]
        self.max = self.values[-1]

    def __str__(self):
        if self.min == self.max:
            return fmt(self.median)
        return f"{fmt(self.median)} ({fmt(self.min)}-{fmt(self.max)})"


def compare(run, base):
    """Ratio run/base with its range and how far it can be read."""
    ratio = run.median / base.median if base.median else float("nan")
    lo = run.min / base.max if base.max else float("nan")
    hi = run.max / base.min if base.min else float("nan")
    return ratio, lo, hi


def reading(ratio, lo, hi, unit, null):
    """How far a ratio can be read; null is the null run's (ratio, lo, hi) or None."""
    if lo == hi == 1:
        return "same"
    if not (lo > 1 or hi < 1):
        return "same (ranges overlap)"
    if null is not None and (abs(ratio - 1) <= abs(null[0] - 1) or null[1] <= ratio <= null[2]):
        return "same (within the null run)"
    if abs(ratio - 1) < MIN_EFFECT:
        return f"same (under {MIN_EFFECT:.0%})"
    pct = f"({abs(ratio - 1) * 100:.0f}%)"
    if unit not in TIME_UNITS and unit not in HIGHER_IS_BETTER:
        return f"{'higher' if ratio > 1 else 'lower'} {pct}"
    worse = ratio > 1
    if unit in HIGHER_IS_BETTER:
        worse = not worse
    return f"{'slower' if worse else 'faster'} {pct}"


def main():
    out = Path(sys.argv[1])
    machine = [line.rstrip("\n").split("\t", 1) for line in (out / "machine.tsv").open()]
    rows = load(out / "results.tsv")
    if not rows:
        sys.exit("bench-report: no figures in results.tsv (did the benchmarks print BENCH lines?)")

    runs = list(dict.fromkeys(r["run"] for r in rows))
    base = next((r for r in runs if r.startswith("pristine.")), runs[0])
    null = next((r for r in runs if r != base and r.split(".")[0] == base.split(".")[0]), None)
    others = [r for r in runs if r != base]
    # The run read, plotted and put in the cover letter: the series; and the fixes posting
    # alone (pristine + fixes), when it ran, as the devmap posting's own baseline.
    series_run = next((r for r in runs if r.startswith("patched.")), None)
    fixes_run = next((r for r in runs if r.startswith("fixes.")), None)

    data = collections.defaultdict(lambda: collections.defaultdict(list))
    units = {}
    for r in rows:
        key = (r["benchmark"], r["metric"])
        data[key][r["run"]].append(float(r["value"]))
        units[key] = r["unit"]

    md = ["# make bench: pristine v7.2.8 and the series, side by side", ""]
    md += [f"- {k}: {v.replace(chr(9), ' ')}" for k, v in machine]
    md += ["", f"Medians of the repetitions, (min-max) when they differ. Ratios are to `{base}`;"
           " a ratio is read as faster or slower only when the ranges do not overlap"
           + (f", the difference exceeds the null run's (`{null}` / `{base}`) and lies outside"
              " its range" if null else "")
           + f", and it is at least {MIN_EFFECT:.0%}.",
           ""]
    head = ["benchmark", "metric", "unit"] + runs + [f"{r}/{base}" for r in others]
    if series_run and fixes_run:
        head.append(f"{series_run}/{fixes_run}")
    head.append("reading")
    md += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    text = []
    plot = []
    for key in data:
        bench, metric = key
        unit = units[key]
        series = {r: Series(v) for r, v in data[key].items()}
        if base not in series:
            continue
        cells = [bench, metric, unit] + [str(series[r]) if r in series else "-" for r in runs]
        null_cmp = compare(series[null], series[base]) if null in series else None
        read = ""
        for r in others:
            if r not in series:
                cells.append("-")
                continue
            ratio, lo, hi = compare(series[r], series[base])
            cells.append(f"{ratio:.3f} ({lo:.2f}-{hi:.2f})")
            if r != null and r == (series_run or r):
                read = reading(ratio, lo, hi, unit, null_cmp)
                # Per-GiB rows repeat the per-fault/per-page ratio: plotted once.
                if unit not in NOT_PLOTTED and not metric.endswith("-per-GiB"):
                    nlo = nhi = nr = 1.0
                    if null in series:
                        nr, nlo, nhi = compare(series[null], series[base])
                    plot.append((f"{bench.split('-')[-1]} {metric}", ratio, lo, hi, nr, nlo, nhi))
                    fx = series.get(fixes_run)
                    text.append((bench.split("-")[-1], metric, unit, series[base], series[r],
                                 ratio, read, fx, compare(series[r], fx)[0] if fx else None))
        if series_run and fixes_run:
            if series_run in series and fixes_run in series:
                ratio, lo, hi = compare(series[series_run], series[fixes_run])
                cells.append(f"{ratio:.3f} ({lo:.2f}-{hi:.2f})")
            else:
                cells.append("-")
        md.append("| " + " | ".join(cells + [read]) + " |")
    md.append("")
    if plot:
        md.append("Plot: `results.svg` (patched/pristine and the null run, with their ranges).")
    (out / "results.md").write_text("\n".join(md) + "\n")

    # The cover letter's table: per fault, per page, per operation (per-GiB rows and fault
    # counts stay in results.md), and the null run's spread in one line.
    clock = dict(machine).get("clock", "")
    fixes_cols = bool(fixes_run)
    lines = [f"{'align':5} {'metric':16} {'unit':8} {'pristine':>9} "
             + (f"{'fixes':>9} " if fixes_cols else "") + f"{'series':>9} {'ratio':>6}  "
             + (f"{'/fixes':>6}  " if fixes_cols else "") + "reading"]
    for align, metric, unit, b, p, ratio, read, fx, fx_ratio in text:
        # The scale runs' figures (metric tags "at-<MiB>M") stay in results.md and scale.svg.
        if metric.endswith("-per-GiB") or "-at-" in metric:
            continue
        fx_cell = (f"{fmt(fx.median) if fx else '-':>9} ") if fixes_cols else ""
        fr_cell = (f"{fx_ratio:6.3f}  " if fx_ratio else f"{'-':>6}  ") if fixes_cols else ""
        lines.append(f"{align:5} {metric:16} {unit:8} {fmt(b.median):>9} {fx_cell}"
                     f"{fmt(p.median):>9} {ratio:6.3f}  {fr_cell}{read.split(' (')[0]}")
    lines.append("")
    if fixes_cols:
        lines.append("ratio: series / pristine v7.2.8; /fixes: series / (v7.2.8 + the fixes posting),")
        lines.append("the devmap posting's own share; reading: of the series / pristine ratio.")
    lines.append(f"Medians of {dict(machine).get('reps', '?')} repetitions in each boot;")
    lines.append(f"{clock}.")
    if null and plot:
        nulls = [row[4] for row in plot]
        widest = max(plot, key=lambda row: row[6] / row[5])
        lines.append(f"Null run (pristine booted twice): median ratios {min(nulls):.3f} to "
                     f"{max(nulls):.3f};")
        lines.append(f"widest range {widest[5]:.3f}-{widest[6]:.3f} ({widest[0]}).")
    (out / "cover-table.txt").write_text("\n".join(lines) + "\n")

    scale_plot(out, data, runs, null, clock)
    if not plot:
        print("bench-report: a single run: nothing to compare, no plot", file=sys.stderr)
        return
    with (out / "plot.dat").open("w") as f:
        for i, (label, r, lo, hi, nr, nlo, nhi) in enumerate(plot):
            f.write(f'{i} "{label}" {r} {lo} {hi} {nr} {nlo} {nhi}\n')
    gp = f"""
set terminal svg size 1000,{240 + 18 * len(plot)} dynamic font 'sans,10'
set output '{out / "results.svg"}'
set title "patched / pristine v7.2.8 (points: median ratio; whiskers: min-max range)\\n{clock}"
set yrange [{len(plot)}:-1]
set ytics nomirror
set grid x
set logscale x
set key outside top center horizontal
set arrow from 1, graph 0 to 1, graph 1 nohead dt 2
plot '{out / "plot.dat"}' using 3:($1-0.12):4:5:ytic(2) with xerrorbars pt 7 ps 0.6 title 'patched / pristine', \\
     '' using 6:($1+0.12):7:8 with xerrorbars pt 6 ps 0.6 title 'null run: pristine / pristine'
"""
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)


SCALE = re.compile(r"^(enable|disable|gup-fast-get)-at-(\d+)M(-per-GiB)?$")


def scale_plot(out, data, runs, null, clock):
    """scale.svg: the scale benchmarks' enable/disable times and GUP-fast per GiB by size."""
    curves = collections.defaultdict(list)   # (what, align, run) -> [(MiB, median)]
    for (bench, metric), per_run in data.items():
        m = SCALE.match(metric)
        if not m or not bench.startswith("bench/scale-"):
            continue
        what = m.group(1) + (" per GiB" if m.group(3) else "")
        if m.group(1) == "gup-fast-get" and not m.group(3):
            continue
        for run, values in per_run.items():
            if run != null:
                curves[(what, bench.split("-")[-1], run)].append((int(m.group(2)),
                                                                   statistics.median(values)))
    if not curves:
        return
    with (out / "scale.dat").open("w") as f:
        for key in sorted(curves):
            f.write(f'# {" ".join(key)}\n')
            for mib, v in sorted(curves[key]):
                f.write(f"{mib} {v}\n")
            f.write("\n\n")
    panels = sorted({k[0] for k in curves})
    plots = []
    for what in panels:
        keys = [k for k in sorted(curves) if k[0] == what]
        idx = {k: i for i, k in enumerate(sorted(curves))}
        unit = "ms/GiB" if "per GiB" in what else "us"
        lines = ", ".join(f"'{out / 'scale.dat'}' index {idx[k]} using 1:2 with linespoints "
                          f"title '{k[1]} {k[2]}'" for k in keys)
        plots.append(f"set title '{what} ({unit})'\nplot {lines}")
    gp = f"""
set terminal svg size 1000,{320 * len(panels)} dynamic font 'sans,10'
set output '{out / "scale.svg"}'
set multiplot layout {len(panels)},1 title "against the instance size (MiB, memmap in RAM)\\n{clock}"
set logscale xy
set grid
set key outside right
""" + "\n".join(plots) + "\nunset multiplot\n"
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)


if __name__ == "__main__":
    main()
