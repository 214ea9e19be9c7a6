"""Benchmark: prints ratios to the floor measured in the same run (never asserted in tests).

1. `tthc compute` on 10^5, 10^6, 5·10^6 rows (Parquet and CSV): wall time, peak RSS, ratio
   to one hand-written DuckDB query computing the same by-level II.06 counts from the same
   file (and, for CSV, to pyarrow reading it).
2a. A report's data step (cached export: load, classify, compute) on the Bắc Giang sample.
2. One report (`tthc report`, Bắc Giang sample) against papermill running an empty notebook
   that imports pandas and matplotlib, plus in-process HTML export.
3. A batch of 63 generated province reports (HTML; then HTML + PDF + XLSX) against
   63 × floor / cores.

    python bench/run.py [--sizes 1e5,1e6,1e7] [--provinces 63] [--skip-batch]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
TTHC = [PY, "-m", "tthc_lib.cli"]


RSS = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
       "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
       "w = time.perf_counter() - t; sys.stderr.write(r.stderr.decode()[-2000:]); "
       "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
       "sys.exit(r.returncode)")


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run a command in a fresh wrapper process; return (wall seconds, peak RSS in MiB of
    its largest process — for a batch, the largest worker)."""
    out = subprocess.run([PY, "-c", RSS, *cmd], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    wall, rss = out.stdout.split()
    return float(wall), int(rss) / 1024


# One hand-written query: the II.06 counts by level (calendar days, 2023-Q3), as an analyst
# would write it for this one file, with no profile, validation or breakdowns.
FLOOR_SQL = """import duckdb, sys
src = sys.argv[1]
rel = (f"read_parquet('{src}')" if src.endswith('.parquet') else
       f"read_csv('{src}', timestampformat='%Y-%m-%d %H:%M:%S')")
s, e = "DATE '2023-06-15'", "DATE '2023-09-14'"
duckdb.sql(f\"\"\"
WITH d AS (SELECT cap, kenh_nop AS kenh, CAST(ngay_tiep_nhan AS DATE) AS r,
                  CAST(ngay_hen_tra AS DATE) AS h, CAST(ngay_co_ket_qua AS DATE) AS k FROM {rel})
SELECT cap, count(*),
  count(*) FILTER (WHERE r >= {s} AND kenh = 'Trực tuyến'),
  count(*) FILTER (WHERE r >= {s} AND kenh <> 'Trực tuyến'), count(*) FILTER (WHERE r < {s}),
  count(*) FILTER (WHERE k <= {e} AND k < h), count(*) FILTER (WHERE k <= {e} AND k = h),
  count(*) FILTER (WHERE k <= {e} AND k > h),
  count(*) FILTER (WHERE (k IS NULL OR k > {e}) AND h >= {e}),
  count(*) FILTER (WHERE (k IS NULL OR k > {e}) AND h < {e})
FROM d WHERE r <= {e} AND (k IS NULL OR k >= {s}) AND (k IS NULL OR k >= r) AND h >= r
GROUP BY cap\"\"\").fetchall()
"""
# The same query, then the exact duplicate-code count every first run of a file must make
# (count(DISTINCT hash(code)), as tthc compute does): what the floor leaves out that a
# correct count cannot.
FLOOR_WITH_CODES = FLOOR_SQL + """
duckdb.sql(f"SELECT count(*), count(DISTINCT hash(ma_ho_so)) FROM {rel}").fetchall()
"""
PYARROW_READ = "import pyarrow.csv as c, sys; c.read_csv(sys.argv[1])"


def median(values) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def bench_compute(sizes: list[int], data: Path, rows: list[str]) -> None:
    """Each size, Parquet and CSV: the first run, a run for another period (what a first
    run kept: a Parquet export's checks, a CSV's parsed table) and a re-run (the answer
    kept), each against the floor of the same run."""
    from make_data import write

    def compute(path: Path, period: str, env: dict) -> tuple[float, float]:
        return run(TTHC + ["compute", str(path), "--period", period, "--json"], env)

    for n in sizes:
        parquet, csv = write(n, data)
        with tempfile.TemporaryDirectory() as cache:
            env = {"TTHC_CACHE": cache}
            floor_pq = median(run([PY, "-c", FLOOR_SQL, str(parquet)])[0] for _ in range(3))
            codes_pq = median(run([PY, "-c", FLOOR_WITH_CODES, str(parquet)])[0]
                              for _ in range(3))
            pq = [compute(parquet, p, env) for p in ("2023-Q3", "2023-Q2", "2023-Q2")]
            floor_csv, _ = run([PY, "-c", FLOOR_SQL, str(csv)])
            arrow_csv, _ = run([PY, "-c", PYARROW_READ, str(csv)])
            cs = [compute(csv, p, env) for p in ("2023-Q3", "2023-Q2", "2023-Q2")]
        what = ("first run", "another period (checks kept)", "re-run (answer kept)")
        for label, (t, rss) in zip(what, pq, strict=True):
            rows.append(f"| compute {n:,} rows, Parquet, {label} | {t:.2f} s | {rss:,.0f} MiB"
                        f" | II.06-by-level DuckDB query {floor_pq:.2f} s (with the duplicate-"
                        f"code count {codes_pq:.2f} s) | **{t / floor_pq:.2f}×** "
                        f"({t / codes_pq:.2f}×) |")
        what = ("first run (parse + cache)", "another period (parsed table kept)",
                "re-run (answer kept)")
        for label, (t, rss) in zip(what, cs, strict=True):
            rows.append(f"| compute {n:,} rows, CSV, {label} | {t:.2f} s | {rss:,.0f} MiB | "
                        f"pyarrow read {arrow_csv:.2f} s (DuckDB query {floor_csv:.2f} s) | "
                        f"**{t / arrow_csv:.2f}×** |")
        print(*rows[-6:], sep="\n", flush=True)


FLOOR_NB = """import sys, time, nbformat, papermill as pm
from nbconvert import HTMLExporter
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "import pandas, matplotlib\\nmatplotlib.use('Agg')\\nimport matplotlib.pyplot as plt\\n"
    "from IPython.display import SVG, display\\nimport io\\nfig, ax = plt.subplots()\\n"
    "ax.plot([1, 3, 2])\\nbuf = io.StringIO()\\nfig.savefig(buf, format='svg')\\n"
    "display(SVG(buf.getvalue()))")])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
n = int(sys.argv[1])
t = time.perf_counter()
for _ in range(n):
    out = pm.execute_notebook(nb, sys.argv[2], progress_bar=False, kernel_name="python3")
    HTMLExporter(template_name="basic").from_notebook_node(out)
print((time.perf_counter() - t) / n)
"""


DATA_STEP = """import sys, time
from tthc_lib.engine import open_dataset, run
from tthc_lib.core.periods import parse_period
from tthc_lib.rules.policy import load_policy
period, policy = parse_period("2023-Q3"), load_policy("tt01")
open_dataset(sys.argv[1]).close()  # warm the cache, as a re-run finds it
best = []
for _ in range(5):
    t = time.perf_counter()
    ds = open_dataset(sys.argv[1])
    run(ds, policy, period)
    best.append(time.perf_counter() - t)
    ds.close()
print(min(best), sorted(best)[2])
"""


def bench_data_step(tmp: Path, rows: list[str]) -> None:
    from tthc_lib.samples import generator as sample

    csv = sample.write(sample.BAC_GIANG_2023_Q3, tmp / "bac-giang-2023-Q3.csv")
    out = subprocess.run([PY, "-c", DATA_STEP, str(csv)], capture_output=True, text=True,
                         check=True, env={**os.environ, "TTHC_CACHE": str(tmp / "cache")})
    best, median = map(float, out.stdout.split())
    rows.append(f"| report data step (Bắc Giang, 180.381 rows, cached: load, classify, "
                f"compute) | {best:.2f} s (median {median:.2f} s) | — | target 0.30 s | "
                f"**{best / 0.30:.2f}× target** |")
    print(rows[-1], flush=True)


def floor_notebook(tmp: Path, n: int = 3) -> float:
    """papermill + HTML export of the one-cell notebook, averaged over `n` runs in one warm
    process (what a batch worker's report costs at least)."""
    out = subprocess.run([PY, "-c", FLOOR_NB, str(n), str(tmp / "floor.ipynb")],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def floor_fresh(tmp: Path, n: int = 3) -> float:
    """The speed issue's floor for one report: a fresh process in which papermill executes
    the one-cell notebook (pandas and matplotlib imported, one figure drawn) and nbconvert
    exports it to HTML — the median of `n` runs."""
    return median(run([PY, "-c", FLOOR_NB, "1", str(tmp / "floor.ipynb")])[0]
                  for _ in range(n))


def bench_report(tmp: Path, rows: list[str]) -> float:
    from tthc_lib.samples import generator as sample

    csv = sample.write(sample.BAC_GIANG_2023_Q3, tmp / "bac-giang-2023-Q3.csv")
    portal = "bac-giang-2023-Q3-cong-dvcqg"  # the params' national-portal list, beside it
    subprocess.run(TTHC + ["sample", portal, "-o", str(tmp)], check=True,
                   stdout=subprocess.DEVNULL)
    params = tmp / "bg.yaml"
    params.write_text((ROOT / "params/bac-giang/2023-Q3.yaml").read_text(encoding="utf-8")
                      .replace("data/samples/bac-giang-2023-Q3.csv", str(csv))
                      .replace(f"data/samples/{portal}.csv", str(tmp / f"{portal}.csv")),
                      encoding="utf-8")
    floor = floor_notebook(tmp)
    fresh = floor_fresh(tmp)
    run(TTHC + ["report", str(params), "--out", str(tmp / "out")])  # warm caches
    t, rss = run(TTHC + ["report", str(params), "--out", str(tmp / "out")])
    rows.append(f"| one report (Bắc Giang, 180.381 rows, HTML + XLSX) | {t:.2f} s | {rss:,.0f} "
                f"MiB | fresh process: papermill one-cell notebook (pandas, matplotlib, one "
                f"figure) + HTML {fresh:.2f} s; in a warm process {floor:.2f} s | "
                f"**{t / fresh:.2f}×** (warm: {t / floor:.2f}×) |")
    print(rows[-1], flush=True)
    return floor


def batch_params(tmp: Path, provinces: int) -> Path:
    """Write `provinces` generated provinces' exports (20.000 dossiers each) and params."""
    from tthc_lib.samples import generator as sample

    params_dir = tmp / "params"
    for i in range(provinces):
        slug = f"tinh-{i + 1:02d}"
        prof = sample.synthetic_profile(slug, f"Tỉnh mẫu {i + 1:02d}", "2023-Q3", 20_000,
                                        seed=1000 + i)
        csv = sample.write(prof, tmp / "data" / f"{slug}.csv")
        p = params_dir / slug / "2023-Q3.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"unit: {{slug: {slug}, name: UBND {prof.province}, short_name: "
                     f"{prof.province}}}\nperiod: 2023-Q3\ndata: {csv}\n", encoding="utf-8")
    return params_dir


def bench_batch(tmp: Path, provinces: int, floor: float, rows: list[str]) -> None:
    params_dir = batch_params(tmp, provinces)
    cores = os.cpu_count() or 1
    target = provinces * floor / cores
    for label, extra in (("HTML + XLSX", []), ("HTML + XLSX + PDF", ["--pdf"])):
        out = tmp / f"out-{len(extra)}"
        t, rss = run(TTHC + ["batch", str(params_dir), "--period", "2023-Q3", "--out",
                             str(out), *extra])
        rows.append(f"| batch of {provinces} provinces (20.000 rows each), {label} | {t:.1f} s "
                    f"({provinces / t:.2f} reports/s) | {rss:,.0f} MiB | {provinces} × floor / "
                    f"{cores} cores = {target:.1f} s | **{t / target:.2f}×** |")
        print(rows[-1], flush=True)


def bench_dask(tmp: Path, provinces: int, workers: list[int], rows: list[str]) -> None:
    """`tthc batch --scheduler` on a local Dask cluster of 1, 2, … single-threaded worker
    processes (what a cluster of machines does, on this one): how the batch scales."""
    from distributed import LocalCluster

    params_dir = batch_params(tmp, provinces)
    base = None
    for n in workers:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            t, _ = run(TTHC + ["batch", str(params_dir), "--period", "2023-Q3", "--out",
                               str(tmp / f"out-dask-{n}"), "--scheduler",
                               cluster.scheduler_address])
        base = base or t * n
        rows.append(f"| batch of {provinces} provinces on a local Dask cluster, {n} worker(s), "
                    f"HTML + XLSX | {t:.1f} s ({provinces / t:.2f} reports/s) | — | "
                    f"1 worker's time / {n} = {base / n:.1f} s | **{t / (base / n):.2f}×** |")
        print(rows[-1], flush=True)


NATIONAL = """import sys, subprocess
from concurrent.futures import ThreadPoolExecutor
workers, cmd, files = int(sys.argv[1]), sys.argv[2:-1], sys.argv[-1].split(",")
def one(f):
    subprocess.run([*cmd, f], check=True, stdout=subprocess.DEVNULL)
with ThreadPoolExecutor(workers) as pool:
    list(pool.map(one, files))
"""


def bench_national(data: Path, provinces: int, total: int, rows: list[str]) -> None:
    """A national quarter: `provinces` provinces' exports (`total` dossiers in all, one
    Parquet file each), every province's cube computed (`tthc compute --json`, one process
    per province, as many at once as cores) against the one-query floor on each file."""
    from make_data import write_parquet

    per = total // provinces
    files = [write_parquet(per, data / "national", seed=100 + i) for i in range(provinces)]
    cores = str(os.cpu_count() or 1)
    joined = ",".join(map(str, files))
    with tempfile.TemporaryDirectory() as cache:
        env = {"TTHC_CACHE": cache}
        floor, _ = run([PY, "-c", NATIONAL, cores, PY, "-c", FLOOR_SQL, joined])
        t, rss = run([PY, "-c", NATIONAL, cores, *TTHC, "compute", "--period", "2023-Q3",
                      "--json", joined], env)
    rows.append(f"| national quarter: {provinces} provinces, {provinces * per:,} dossiers "
                f"(Parquet, {per:,} each), every cube ({cores} at a time) | {t:.1f} s "
                f"({provinces * per / t / 1e6:.1f}·10^6 dossiers/s) | {rss:,.0f} MiB per "
                f"process | the floor query on each file {floor:.1f} s | **{t / floor:.2f}×** |")
    print(rows[-1], flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e5,1e6,5e6")
    ap.add_argument("--provinces", type=int, default=63)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--dask", default="", help="worker counts of a local Dask cluster, e.g. "
                    "1,2 (needs the [dask] extra; '' to skip)")
    ap.add_argument("--national", default="34,30e6",
                    help="provinces,dossiers of the national quarter ('' to skip)")
    ap.add_argument("--data", default=str(ROOT / "bench" / ".data"))
    args = ap.parse_args()
    rows = ["| what | wall | peak RSS | floor (same run) | ratio |", "|---|---|---|---|---|"]
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    bench_compute(sizes, Path(args.data), rows)
    if args.national:
        provinces, total = args.national.split(",")
        bench_national(Path(args.data), int(provinces), int(float(total)), rows)
    with tempfile.TemporaryDirectory() as tmp:
        bench_data_step(Path(tmp), rows)
        floor = bench_report(Path(tmp), rows)
        if not args.skip_batch:
            bench_batch(Path(tmp), args.provinces, floor, rows)
        if args.dask:
            bench_dask(Path(tmp), args.provinces, [int(n) for n in args.dask.split(",")],
                       rows)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {date.today():%Y-%m-%d}; bench took "
          f"{time.perf_counter() - started:.0f} s\n")
    print("\n".join(rows))
    if not shutil.which("chromium"):
        print("(chromium missing: the PDF batch needs `make system-deps`)")


if __name__ == "__main__":
    main()
