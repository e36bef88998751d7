#!/usr/bin/env python3
"""Gathers the benchmark's results (issue 16, point 2).

    scripts/bench-report.py                 every bench/results/*.json → bench/results/latest.json,
                                            latest.md (Markdown table) and latest.svg (chart), and the
                                            table between the markers in BENCHMARKS.md
    scripts/bench-report.py --rows FILE N   adds to FILE (a `wangge bench` result) what the database
                                            held afterwards: N new case rows against the cases acknowledged

Every figure keeps the shape {"name", "value", "unit", "baseline", "ratio", "target", "pass"}; in
latest.json its name starts with the file it came from. Standard library only."""
import html
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RESULTS = os.path.join(ROOT, "bench", "results")
BEGIN, END = "<!-- latest:begin -->", "<!-- latest:end -->"


def figure(name, value, unit, baseline=None, ratio=None, target=None, passed=None):
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio, "target": target, "pass": passed}


def add_rows(path, rows):
    figures = json.load(open(path))
    acknowledged = next((f["value"] for f in figures if f["name"] == "intake cases acknowledged"), None)
    if acknowledged is None:
        sys.exit(f"{path} has no 'intake cases acknowledged'")
    figures = [f for f in figures if not f["name"].startswith("intake acknowledged cases without a row")]
    missing = max(0, int(acknowledged) - rows)
    figures.append(figure("intake acknowledged cases without a row", missing, "cases", baseline=acknowledged, target="0", passed=missing == 0))
    json.dump(figures, open(path, "w"), indent=2, ensure_ascii=False)
    print(f"{int(acknowledged)} cases acknowledged, {rows} rows written: {missing} missing")
    if missing:
        sys.exit(1)


def gather():
    out, sources = [], []
    for name in sorted(os.listdir(RESULTS)):
        if not name.endswith(".json") or name.startswith("latest"):
            continue
        path = os.path.join(RESULTS, name)
        stem = name[:-5]
        sources.append(stem)
        for f in json.load(open(path)):
            out.append(dict(f, name=f"{stem} / {f['name']}"))
    return out, sources


def number(x):
    if x is None:
        return ""
    if isinstance(x, float) and x != int(x):
        return f"{x:,.3f}".rstrip("0").rstrip(".") if abs(x) < 100 else f"{x:,.1f}"
    return f"{int(x):,}"


def markdown(figures, sources):
    lines = ["From " + ", ".join(f"`bench/results/{s}.json`" for s in sources) + ".", "",
             "| figure | value | baseline | ratio | target | pass |", "|---|---:|---:|---:|---|---|"]
    for f in figures:
        passed = "" if f["pass"] is None else ("yes" if f["pass"] else "**NO**")
        lines.append(f"| {f['name']} | {number(f['value'])} {f['unit']} | {number(f['baseline'])} | {number(f['ratio'])} | {f['target'] or ''} | {passed} |")
    return "\n".join(lines) + "\n"


def score(f):
    """How far a figure is toward its target: 1 is the target itself, above is better."""
    m = re.match(r"(>=|<=)\s*([\d.]+)", f["target"] or "")
    if not m:
        return None
    limit = float(m.group(2))
    measured = f["ratio"] if f["ratio"] is not None else f["value"]
    if m.group(1) == ">=":
        return measured / limit if limit else None
    if measured == 0:
        return 2.0 if limit > 0 else 1.0
    return limit / measured if limit else None


def svg(figures):
    rows = [(f, score(f)) for f in figures if score(f) is not None]
    width, left, bar, gap = 960, 430, 16, 8
    scale = (width - left - 90) / 2.0  # the bar's length for a score of 2 (twice the target); longer ones are cut
    height = 40 + len(rows) * (bar + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="16" fill="#333">measured ÷ target (1 = target met; bars cut at 2)</text>']
    x1 = left + scale
    parts.append(f'<line x1="{x1}" y1="24" x2="{x1}" y2="{height - 8}" stroke="#333" stroke-dasharray="4 3"/>')
    for i, (f, s) in enumerate(rows):
        y = 30 + i * (bar + gap)
        colour = "#2e7d32" if f["pass"] else "#c62828"
        length = max(1.0, min(2.0, s) * scale)
        label = html.escape(f["name"] if len(f["name"]) <= 62 else f["name"][:60] + "…")
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" fill="#333">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + 12}" fill="#333">{html.escape(number(f["ratio"] if f["ratio"] is not None else f["value"]))} ({html.escape(f["target"])})</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--rows":
        return add_rows(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    figures, sources = gather()
    if not figures:
        sys.exit("no results in bench/results: run scripts/bench.sh first")
    json.dump(figures, open(os.path.join(RESULTS, "latest.json"), "w"), indent=2, ensure_ascii=False)
    table = markdown(figures, sources)
    open(os.path.join(RESULTS, "latest.md"), "w").write(table)
    open(os.path.join(RESULTS, "latest.svg"), "w").write(svg(figures))
    doc = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(doc).read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + BEGIN + "\n" + table + END + rest.split(END, 1)[1]
        open(doc, "w").write(text)
    print(table)
    failed = [f["name"] for f in figures if f["pass"] is False]
    print(f"{len(figures)} figures, {len(failed)} short of their target")


if __name__ == "__main__":
    main()
