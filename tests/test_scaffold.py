"""`tthc params new` and `tthc schema`: a new unit needs no source reading."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tthc_lib.model.registry import REGISTRY
from tthc_lib.report.scaffold import json_schema, new_params
from tthc_lib.report.spec import load_spec

from .conftest import dossier, write_csv

ROOT = Path(__file__).parent.parent


def test_a_new_params_file_loads_and_lists_every_figure(tmp_path):
    data = write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    text = new_params("yen-bai", "Quý III/2023", str(data), "UBND tỉnh Yên Bái", "tỉnh Yên Bái")
    for fid, ind in REGISTRY.items():
        if ind.source == "figure":
            assert f"# {fid}:" in text and ind.label_vi in text, fid
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    spec = load_spec(p)
    assert spec.period.code == "2023-Q3" and spec.figures == {} and spec.unit.name == \
        "UBND tỉnh Yên Bái"
    # uncommenting a line and filling it in is all it takes
    p.write_text(text.replace("  # tthc_total:", '  tthc_total: "1.842"', 1)
                 .replace("  # pub_decisions:", "  pub_decisions: 3", 1), encoding="utf-8")
    assert load_spec(p).figures["tthc_total"] == 1842
    from tthc_lib.report.build import build_report

    rep = build_report(p)  # with the data path, it makes a report
    assert "1.842" in rep.section_html("publication") and "Chưa báo cáo" not in rep.title_html()


def test_params_new_command_refuses_to_overwrite(tmp_path):
    data = write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    run = [sys.executable, "-m", "tthc_lib.cli", "params", "new", "x", "2023-Q3", "--data",
           str(data), "--out", str(tmp_path / "p.yaml")]
    assert subprocess.run(run, capture_output=True, text=True).returncode == 0
    again = subprocess.run(run, capture_output=True, text=True)
    assert again.returncode == 2 and "không ghi đè" in again.stderr


def test_schema_covers_the_bundled_params():
    schema = json_schema()
    props = schema["properties"]
    for path in (ROOT / "params").glob("*/*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(raw) <= set(props), path
        assert set(raw.get("figures") or {}) <= set(props["figures"]["properties"]), path
        assert set(raw.get("text") or {}) <= set(props["text"]["properties"]), path
        assert set(raw["unit"]) <= set(props["unit"]["properties"]), path
    out = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "schema"], capture_output=True,
                         text=True)
    printed = json.loads(out.stdout)
    assert printed["required"] == ["unit", "period"]  # and data: or members: (a roll-up)
    assert printed["anyOf"] == [{"required": ["data"]}, {"required": ["members"]}]


def test_schema_and_scaffold_know_every_key_the_validator_knows():
    from tthc_lib.report.scaffold import UNIT_HELP
    from tthc_lib.report.spec import TOP_KEYS, UNIT_KEYS

    props = json_schema()["properties"]
    assert set(props) == TOP_KEYS and set(UNIT_HELP) == UNIT_KEYS
