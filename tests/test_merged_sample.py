"""The bundled 2026 sample (#21): the merged Thái Nguyên for 2026-Q3 from two one-stop
systems, with migrated dossiers in both; its figures are the generator's target."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tthc_lib.samples import merged
from tthc_lib.samples.generator import OUTCOME_KEYS


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from tthc_lib.run.workspace import SENT_KEY, write_samples

    out = tmp_path_factory.mktemp("merged")
    write_samples(out, [merged.KEY, *merged.PREDECESSORS, SENT_KEY], say=lambda _: None)
    return out


def tthc(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def test_the_two_exports_give_the_merged_truth_each_dossier_once(folder):
    out = tthc("compute", str(folder / merged.LEGACY), str(folder / merged.PLATFORM), "-p",
               "2026-Q3", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    target = merged.merged_profile().levels
    assert set(got["by_level"]) == {"tinh", "xa"}  # two levels, no district row
    for level, t in target.items():
        n = got["by_level"][level]
        assert n["received_new_online"] == t.online
        assert n["received_new_offline"] == t.offline
        assert n["carried_over"] == t.carried
        assert n["resolved_early"] == t.early and n["resolved_late"] == t.late
        assert n["pending_in_time"] == t.pending_in_time
        assert n["pending_overdue"] == t.pending_overdue
    assert got["indicators"]["received_total"] == sum(
        sum(getattr(t, k) for k in OUTCOME_KEYS) for t in target.values())
    # the migrated dossiers are in both files; most ended on the platform, so they differ
    assert 0 < got["overlap"]["differed"] < got["overlap"]["shared"]
    assert got["received_for_others"]["units"][0]["unit"] == merged.CENTRE


def test_the_legacy_file_alone_counts_the_migrated_dossiers_as_it_last_saw_them(folder):
    from tthc_lib.samples.generator import generate

    p = merged.merged_profile()
    old, new, migrated = merged.split(generate(p), p.seed + 17)
    assert len(migrated) and set(migrated) <= set(old["Mã hồ sơ"]) & set(new["MaHoSo"])
    stale = old[old["Mã hồ sơ"].isin(migrated)]
    assert (stale["Ngày có kết quả"] == "").all()


def test_the_sample_units_render_with_the_comparison_across_the_merger(folder, tmp_path,
                                                                      monkeypatch):
    from tthc_lib.report.build import build_report

    (tmp_path / "data" / "samples").mkdir(parents=True)
    for f in folder.iterdir():
        (shutil.copytree if f.is_dir() else shutil.copy)(f, tmp_path / "data" / "samples" /
                                                          f.name)
    params = tmp_path / "params"
    units = ("thai-nguyen", "bac-kan", "thai-nguyen-moi", "xa-hung-dao", "xa-tan-lap",
             "thai-nguyen-stp")
    for unit in units:
        (params / unit).mkdir(parents=True)
    from tthc_lib.core.paths import resource

    src = resource("sample_params")
    for name in ("thai-nguyen/2025-Q2.yaml", "bac-kan/2025-Q2.yaml",
                 *(f"{u}/2026-Q3.yaml" for u in units[2:])):
        shutil.copy(src / name, params / name)
    out = tthc("batch", "params/", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    res = json.loads((tmp_path / "outputs/thai-nguyen-moi/2026-Q3/results.json").read_text())
    assert "huyen" not in res["results"]["by_level"]
    html = (tmp_path / "outputs/thai-nguyen-moi/2026-Q3/report.html").read_text()
    pred = [json.loads((tmp_path / f"outputs/{u}/2025-Q2/results.json").read_text())
            ["results"]["indicators"]["received_total"] for u in ("thai-nguyen", "bac-kan")]
    summed = f"{sum(pred):,}".replace(",", ".")
    assert "Quý II/2025 (tổng của UBND tỉnh Thái Nguyên, UBND tỉnh Bắc Kạn)" in html
    assert summed in html
    # the province consolidates its five members (#22): three by tthc-report, run first in
    # the batch; a commune's II.06a from the inbox with its total edited (+8); one silent
    members = {m["slug"]: m for m in res["members"]["members"]}
    assert [m["status"] for m in members.values()] == [
        "received", "received", "received", "inconsistent", "missing"]
    assert "(3) ≠ (4)+(5)+(6)" in members["xa-dong-tam"]["problems"][0]
    stp = json.loads((tmp_path / "outputs/thai-nguyen-stp/2026-Q3/results.json").read_text())
    assert members["thai-nguyen-stp"]["ii06"]["received_total"] == \
        stp["results"]["indicators"]["received_total"]
    assert res["figures"]["fb_new"] == 5 + 3 + 2  # the members' sum
    assert "chưa có báo cáo dùng được của UBND xã Quang Trung (chưa gửi)" in html
    out = tthc("rollup", "params/thai-nguyen-moi/2026-Q3.yaml", cwd=tmp_path)
    assert out.returncode == 1 and "UBND xã Quang Trung" in out.stdout
    monkeypatch.chdir(tmp_path)
    commune = build_report(params / "xa-hung-dao/2026-Q3.yaml")
    assert set(commune.results.by_agency) == {"UBND Xã Hưng Đạo (Huyện Võ Nhai)"}
    assert "/84</b>" in commune.index766_html()
