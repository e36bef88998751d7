"""Issue 16, point 5: a small-scale smoke of the district benchmark, so scripts/bench-district.py cannot
rot. A server of its own (one grid, no case history) is measured for one second a page at two
connections, with a storm of 20 first syncs. Nothing about speed is asserted — only that every page
the script measures answered 2xx at least once, that every first sync was answered, and that the
results file has the shape BENCHMARKS.md documents."""
import json
import os
import subprocess
import sys

from own_server import OwnServer

BIN = os.environ.get("WANGGE_BIN", "")
SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "bench-district.py")


def test_district_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "district.json"
    with OwnServer(BIN, grids=1, prefix="wangge-bench-") as s:
        run = subprocess.run(
            [sys.executable, SCRIPT, "--url", s.url, "--pid", str(s.proc.pid), "--seconds", "1", "--connections", "2",
             "--devices", "20", "--storm-connections", "4", "--out", str(out)],
            capture_output=True, text=True, timeout=600)
    assert out.exists(), run.stdout + run.stderr
    results = json.loads(out.read_text())
    names = {r["name"] for r in results}
    for r in results:
        assert set(r) == {"name", "value", "unit", "baseline", "ratio", "target", "pass"}, r
    for must in ("healthz rate", "district dashboard p95", "measures API (district) p95", "rankings p95",
                 "sync storm: first syncs answered", "server peak RSS over the run"):
        assert must in names, (must, sorted(names))
    assert any(n.startswith("drill-down ") for n in names), sorted(names)
    failures = [r for r in results if r["name"].endswith("non-2xx") or " answered within " in r["name"]]
    assert not failures, failures
    storm = {r["name"]: r for r in results}
    assert storm["sync storm: first syncs answered"]["value"] == 20
    assert storm["sync storm: failures"]["value"] == 0
    assert "| figure | value |" in run.stdout
