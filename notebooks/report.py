# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# Báo cáo kiểm soát TTHC, một cửa, một cửa liên thông của một đơn vị trong một kỳ.
# Chạy bằng `tthc report params/<đơn vị>/<kỳ>.yaml`, bằng papermill
# (`papermill notebooks/report.ipynb ket-qua.ipynb -p params_path params/<đơn vị>/<kỳ>.yaml`),
# hoặc trong JupyterLab: đặt `params_path` dưới đây (tính từ thư mục làm việc), rồi Run All.
# Mọi công thức, mẫu câu và biểu đồ nằm trong `tthc_lib`; lưu notebook này chỉ ghi tệp .py.

# %%
_names = set(globals())  # what exists before the parameters (to refuse unknown ones)

# %% tags=["parameters"]
params_path: str = ""  # tệp tham số của đơn vị và kỳ báo cáo (bắt buộc)
strict: bool = False  # True: kiểm tra số liệu không đạt là lỗi, không tạo báo cáo
stage_dir: str = ""  # nếu có: ghi forms.xlsx và results.json vào thư mục này
outputs_dir: str = ""  # báo cáo các kỳ trước (xu hướng); rỗng: outputs/ của thư mục làm việc

# %%
from tthc_lib import charts, show
from tthc_lib.nbparams import check_parameters
from tthc_lib.report import build_report

check_parameters(globals(), _names)
rep = build_report(params_path, strict=strict, outputs=outputs_dir or None)
show.html(rep.title_html())

# %%
show.html(rep.intro_html() + rep.sections_html("impact", "appraisal", "publication"))

# %%
show.charts(charts.catalogue_charts(rep.figures))

# %%
show.html(rep.section_html("review"))

# %%
show.charts(charts.review_charts(rep.figures))

# %%
show.html(rep.sections_html("feedback", "results"))

# %%
show.html(rep.ii06_html())

# %%
show.chart(charts.timeliness_by_level(rep.results))

# %%
show.chart(charts.on_time_rate_by_field(rep.results))

# %%
show.chart(charts.intake_by_week(rep.results))

# %%
show.html(rep.sections_html("one_stop", "online"))

# %%
show.chart(charts.online_rates(rep.results))

# %%
show.section(rep.index766_html(), charts.index766_charts(rep.scorecard))

# %%
show.section(rep.trend_html(outputs_dir), charts.trend_charts(rep.trend(outputs_dir)))

# %%
show.section(rep.reconcile_html())

# %%
show.html(rep.sections_html("communication", "inspection", "other", "assessment",
                            "directions", "recommendations") + rep.closing_html())

# %%
show.html(rep.annex_html())

# %%
if stage_dir:
    rep.save(stage_dir)
