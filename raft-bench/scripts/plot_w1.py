#!/usr/bin/env python3
"""Plots W1 results: ops/s and p99 latency against C (clients in flight), one JVM and three.

Reads the lines `raft-bench.jar w1` prints (optionally followed by ` processes=N`, as run-w1.sh
writes them) and draws an SVG with two panels, each point the median of its runs and a bar
spanning the runs' range. Standard library only.

Usage: plot_w1.py RESULTS OUT.svg
"""
import math
import re
import statistics
import sys

LINE = re.compile(r"^system=keel C=(\d+) ops_s=(\d+) p50_us=(\d+) p99_us=(\d+) p999_us=(\d+)(?: elections=\d+)?(?: snapshots=\w+)?(?: processes=(\d+))?")


def read(path):
    series = {}
    with open(path) as results:
        for line in results:
            match = LINE.match(line.strip())
            if not match:
                continue
            c, ops, p50, p99, p999, processes = match.groups()
            key = "one JVM" if processes in (None, "1") else "three JVMs"
            series.setdefault(key, {}).setdefault(int(c), []).append((int(ops), int(p99)))
    return series


def panel(x0, y0, width, height, title, unit, series, pick, log_y):
    colours = {"one JVM": "#1f6fb4", "three JVMs": "#d9531e"}
    cs = sorted({c for points in series.values() for c in points})
    values = [pick(v) for points in series.values() for runs in points.values() for v in runs]
    lo, hi = min(values), max(values)
    if log_y:
        lo, hi = 10 ** math.floor(math.log10(max(1, lo))), 10 ** math.ceil(math.log10(hi))
    else:
        magnitude = 10 ** math.floor(math.log10(hi / 4))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if 4 * m * magnitude >= hi * 1.05)
        lo, hi = 0, 4 * step
    def sx(c):
        span = math.log(cs[-1] / cs[0]) if len(cs) > 1 else 1
        return x0 + 80 + (width - 100) * (math.log(c / cs[0]) / span if len(cs) > 1 else 0.5)
    def sy(v):
        if log_y:
            return y0 + height - 30 - (height - 50) * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return y0 + height - 30 - (height - 50) * (v - lo) / (hi - lo)
    out = [f'<text x="{x0 + width / 2}" y="{y0 + 14}" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<line x1="{x0 + 80}" y1="{y0 + height - 30}" x2="{x0 + width - 20}" y2="{y0 + height - 30}" stroke="black"/>',
           f'<line x1="{x0 + 80}" y1="{y0 + 20}" x2="{x0 + 80}" y2="{y0 + height - 30}" stroke="black"/>']
    for c in cs:
        out.append(f'<text x="{sx(c)}" y="{y0 + height - 14}" text-anchor="middle">C={c}</text>')
    ticks = [lo * 10 ** i for i in range(int(round(math.log10(hi / lo))) + 1)] if log_y else [lo + (hi - lo) * i / 4 for i in range(5)]
    for t in ticks:
        out.append(f'<text x="{x0 + 74}" y="{sy(t) + 4}" text-anchor="end">{t:,.0f}</text>')
        out.append(f'<line x1="{x0 + 80}" y1="{sy(t)}" x2="{x0 + width - 20}" y2="{sy(t)}" stroke="#ddd"/>')
    out.append(f'<text x="{x0 + 12}" y="{y0 + height / 2}" transform="rotate(-90 {x0 + 12} {y0 + height / 2})" text-anchor="middle">{unit}</text>')
    for name, points in sorted(series.items()):
        colour = colours.get(name, "black")
        path = []
        for c in sorted(points):
            runs = [pick(v) for v in points[c]]
            median = statistics.median(runs)
            path.append(f"{sx(c):.1f},{sy(median):.1f}")
            out.append(f'<line x1="{sx(c)}" y1="{sy(min(runs))}" x2="{sx(c)}" y2="{sy(max(runs))}" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<circle cx="{sx(c)}" cy="{sy(median)}" r="4" fill="{colour}"/>')
        out.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_w1.py RESULTS OUT.svg")
    series = read(sys.argv[1])
    if not series:
        sys.exit(f"no W1 result lines in {sys.argv[1]}")
    width, height = 900, 380
    body = ['<rect width="100%" height="100%" fill="white"/>']
    body += panel(0, 0, width / 2, height - 30, "W1 throughput", "committed commands/s", series, lambda v: v[0], False)
    body += panel(width / 2, 0, width / 2, height - 30, "W1 p99 latency", "microseconds (log)", series, lambda v: v[1], True)
    x = 70
    for name, colour in (("one JVM", "#1f6fb4"), ("three JVMs", "#d9531e")):
        if name in series:
            body.append(f'<rect x="{x}" y="{height - 18}" width="12" height="12" fill="{colour}"/>')
            body.append(f'<text x="{x + 18}" y="{height - 8}">{name}</text>')
            x += 130
    body.append(f'<text x="{width - 10}" y="{height - 8}" text-anchor="end" fill="#555">dots: median of runs; bars: range</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">'
           + "".join(body) + "</svg>\n")
    with open(sys.argv[2], "w") as out:
        out.write(svg)


if __name__ == "__main__":
    main()
