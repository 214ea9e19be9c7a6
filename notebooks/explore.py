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
# Khám phá số liệu của một đơn vị trong một kỳ: mỗi câu hỏi là một lệnh, trả về một bảng.
# Tạo bản sao của riêng bạn bằng `tthc explore params/<đơn vị>/<kỳ>.yaml` (notebook báo cáo
# `report.py` không cần sửa). Bảng chỉ có mã hồ sơ, thủ tục và ngày — không có dữ liệu cá nhân.

# %% tags=["parameters"]
params_path: str = ""  # tệp tham số, ví dụ params/bac-giang/2023-Q3.yaml; rỗng: kỳ gần nhất
workspace: str = ""  # thư mục làm việc; rỗng: thư mục có tệp .tthc-workspace, tìm ngược lên

# %%
from tthc_lib import charts, show
from tthc_lib.explore import Explore

e = Explore(params_path, workspace=workspace)
e.late_by("co_quan").head(10)  # cơ quan có nhiều hồ sơ quá hạn nhất

# %%
e.late_by("linh_vuc").head(10)  # lĩnh vực có nhiều hồ sơ quá hạn nhất

# %%
e.late_by("co_quan, linh_vuc").head(10)  # theo cơ quan và lĩnh vực

# %%
e.late_dossiers().head(20)  # hồ sơ giải quyết quá hạn (agency=…, field=… để lọc)

# %%
e.pending_overdue().head(20)  # hồ sơ đang giải quyết đã quá hạn, và quá bao nhiêu ngày

# %%
e.on_time_by_week()  # tỷ lệ đúng hạn theo tuần; field="…" hoặc agency="…" để lọc

# %%
show.chart(charts.on_time_rate_by_field(e.results))  # lĩnh vực, như trong báo cáo

# %%
show.chart(charts.intake_by_week(e.results))  # hồ sơ tiếp nhận theo tuần

# %%
names = e.agencies()
e.compare_agencies(names[0], names[-1])  # hai cơ quan, mọi chỉ tiêu
