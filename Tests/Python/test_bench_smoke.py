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


def test_intake_benchmark_writes_its_figures(tmp_path):
    """`wangge bench --out` (what scripts/bench.sh runs): every key of every figure present, intake's rate
    against the same server's /healthz with its ratio and target, and no failed request."""
    out = tmp_path / "intake.json"
    with OwnServer(BIN, grids=1, extra_env={"WANGGE_OPEN311_POSTS_PER_MINUTE": "1000000000"}, prefix="wangge-bench-") as s:
        key = s.run("apikey", "create", "--name", "bench-smoke").strip().splitlines()[-1]
        env = dict(s.env, WANGGE_DATA=str(tmp_path / "client"), DATABASE_URL="")
        run = subprocess.run([BIN, "bench", "--url", s.url, "--key", key, "--seconds", "1", "--concurrency", "2", "--out", str(out)],
                             env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    figures = {f["name"]: f for f in json.loads(out.read_text())}
    for f in figures.values():
        assert list(f) == ["baseline", "name", "pass", "ratio", "target", "unit", "value"], f
    vs = figures["intake rate vs /healthz"]
    assert vs["baseline"] == figures["healthz rate"]["value"] and vs["value"] == figures["intake rate"]["value"]
    assert abs(vs["ratio"] - vs["value"] / vs["baseline"]) < 0.002 and vs["target"] == ">= 0.3"
    assert figures["intake rate"]["value"] > 0
    for phase in ("static", "healthz", "intake"):
        assert figures[f"{phase} failures"]["value"] == 0 and figures[f"{phase} failures"]["pass"] is True
