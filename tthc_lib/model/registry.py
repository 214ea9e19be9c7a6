"""The indicator registry: every indicator is declared here, once.

A count indicator says which classified dossiers it counts (`where`, a filter on the
derived columns of `classify`); a ratio names its numerator and denominator indicators.
Narrative, charts, forms, checks and `tthc compute` all read from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .dims import (
    CHANNEL_GROUP,
    DIGITISED,
    GROUP,
    INTAKE,
    OUTCOME,
    PAID_ONLINE,
    POSTAL,
    SERVICE,
    VALUES,
)

Kind = Literal["count", "ratio"]
Source = Literal["data", "figure"]
# How a count rolls up (a ratio is always recomputed from its rolled-up parts, never averaged):
#   sum      activity in the period: summed over units and over sub-periods
#   stock    what is open at the period's end: summed over units, the last sub-period's
#   opening  what was open at the period's start: summed over units, the first sub-period's
#   period   every dossier the period touched: summed over units; not derivable from
#            sub-periods (a dossier open across two quarters is in both)
#   own      a catalogue figure (number of TTHC, of online services): never summed; the
#            consolidating unit's own figure
Rollup = Literal["sum", "stock", "opening", "period", "own"]
RESOLVED = ("early", "on_time", "late")
PENDING = ("pending_in_time", "pending_overdue", "pending_waiting")


@dataclass(frozen=True)
class Indicator:
    """One indicator: id, Vietnamese label, form and column, unit, and its formula."""

    id: str
    label_vi: str
    form: str
    column: str | None
    unit: str
    kind: Kind
    where: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    numerator: str | None = None
    denominator: str | None = None
    source: Source = "data"  # data: counted from the dossier table; figure: typed in YAML
    rollup: Rollup | None = None  # how a count rolls up over units and time; None: a ratio

    @property
    def in_sentence(self) -> str:
        """The label as it reads inside a sentence (first letter lower case: "số TTHC …")."""
        return self.label_vi[0].lower() + self.label_vi[1:]


def count(id, label_vi, column, form="II.06", rollup: Rollup = "sum", **where) -> Indicator:
    """Return a count indicator over the dossiers matching `where` (column: allowed values)."""
    frozen = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in where.items()}
    for dim, allowed in frozen.items():  # a typo ("ontime") must fail here, never count 0
        if dim not in VALUES or not set(allowed) <= set(VALUES[dim]):
            raise ValueError(f"indicator {id!r}: {dim}={allowed!r} is not a declared value "
                             f"(dims.VALUES: {dim} ∈ {VALUES.get(dim)})")
    return Indicator(id, label_vi, form, column, "hồ sơ", "count", MappingProxyType(frozen),
                     rollup=rollup)


def ratio(id, label_vi, numerator, denominator, form="II.06", source="data") -> Indicator:
    """Return a ratio indicator (percent) of two other indicators."""
    return Indicator(id, label_vi, form, None, "%", "ratio", numerator=numerator,
                     denominator=denominator, source=source)


def figure(id, label_vi, form, unit="TTHC", rollup: Rollup = "sum") -> Indicator:
    """Return a figure the dossier table cannot give, typed by the analyst in the YAML."""
    return Indicator(id, label_vi, form, None, unit, "count", source="figure", rollup=rollup)


_W = {"intake": INTAKE, "channel": CHANNEL_GROUP, "outcome": OUTCOME, "service": SERVICE,
      "postal": POSTAL, "digitised": DIGITISED, "paid": PAID_ONLINE, "group": GROUP}


def _c(id, label_vi, column, form="II.06", rollup: Rollup = "sum", **where):
    return count(id, label_vi, column, form, rollup, **{_W[k]: v for k, v in where.items()})


INDICATORS: tuple[Indicator, ...] = (
    _c("received_total", "Tổng số hồ sơ tiếp nhận", "(3)", rollup="period"),
    _c("received_new", "Số mới tiếp nhận trong kỳ", "(4)+(5)", intake="new"),
    _c("received_new_online", "Số mới tiếp nhận trực tuyến", "(4)", intake="new",
       channel="online"),
    _c("received_new_offline", "Số mới tiếp nhận trực tiếp và qua dịch vụ bưu chính", "(5)",
       intake="new", channel="offline"),
    _c("carried_over", "Số từ kỳ trước chuyển qua", "(6)", rollup="opening", intake="carried"),
    _c("carried_over_online", "Số từ kỳ trước chuyển qua (trực tuyến)", None, rollup="opening",
       intake="carried", channel="online"),
    _c("carried_over_offline", "Số từ kỳ trước chuyển qua (trực tiếp, bưu chính)", None,
       rollup="opening", intake="carried", channel="offline"),
    _c("resolved_total", "Số hồ sơ đã giải quyết", "(7)", outcome=RESOLVED),
    _c("resolved_early", "Giải quyết trước hạn", "(8)", outcome="early"),
    _c("resolved_on_time", "Giải quyết đúng hạn", "(9)", outcome="on_time"),
    _c("resolved_late", "Giải quyết quá hạn", "(10)", outcome="late"),
    _c("resolved_not_late", "Giải quyết đúng hạn (gồm trước hạn)", "(8)+(9)",
       outcome=("early", "on_time")),
    _c("pending_total", "Số hồ sơ đang giải quyết", "(11)", rollup="stock", outcome=PENDING),
    _c("pending_in_time", "Đang giải quyết trong hạn", "(12)", rollup="stock",
       outcome="pending_in_time"),
    _c("pending_overdue", "Đang giải quyết quá hạn", "(13)", rollup="stock",
       outcome="pending_overdue"),
    _c("pending_waiting", "Đang chờ bổ sung (không tính trong hạn hay quá hạn)", None,
       rollup="stock", outcome="pending_waiting"),
    _c("withdrawn_total", "Đã rút, hủy (không tính đã giải quyết hay đang giải quyết)", None,
       outcome="withdrawn"),
    ratio("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "resolved_not_late", "resolved_total"),
    ratio("early_rate", "Tỷ lệ giải quyết trước hạn", "resolved_early", "resolved_total"),
    ratio("online_rate", "Tỷ lệ hồ sơ trực tuyến", "received_new_online", "received_new"),
    # §I.6–I.8 from the dossier table: interconnected groups, postal returns, e-government
    _c("interconnected_total", "Hồ sơ nhóm TTHC liên thông", None, rollup="period", group="yes"),
    _c("postal_returns", "Hồ sơ yêu cầu trả kết quả qua dịch vụ bưu chính công ích", None,
       rollup="period", postal="yes"),
    _c("received_new_dvc", "Hồ sơ mới tiếp nhận của các TTHC có DVC trực tuyến", None, "II.08",
       intake="new", service=("full", "partial")),
    _c("received_new_dvc_online", "Hồ sơ trực tuyến của các TTHC có DVC trực tuyến", None,
       "II.08", intake="new", service=("full", "partial"), channel="online"),
    _c("received_new_online_full", "Hồ sơ trực tuyến qua DVC toàn trình", None, "II.08",
       intake="new", service="full", channel="online"),
    _c("received_new_online_partial", "Hồ sơ trực tuyến qua DVC một phần", None, "II.08",
       intake="new", service="partial", channel="online"),
    _c("received_new_info_only", "Hồ sơ mới của TTHC chỉ cung cấp thông tin trực tuyến", None,
       "II.08", intake="new", service="info"),
    _c("digitised_total", "Hồ sơ đã số hóa", None, "II.08", rollup="period", digitised="yes"),
    _c("paid_online_total", "Hồ sơ thanh toán trực tuyến", None, "II.08", rollup="period",
       paid="yes"),
    ratio("online_rate_dvc", "Tỷ lệ hồ sơ trực tuyến trên hồ sơ của các DVC trực tuyến",
          "received_new_dvc_online", "received_new_dvc", "II.08"),
    ratio("digitised_rate", "Tỷ lệ hồ sơ được số hóa", "digitised_total", "received_total",
          "II.08"),
    ratio("paid_online_rate", "Tỷ lệ hồ sơ thanh toán trực tuyến (trên tổng số hồ sơ)",
          "paid_online_total", "received_total", "II.08"),
    # Figures typed in the params YAML (not in the dossier table)
    figure("ia_assessed", "Số TTHC đã được đánh giá tác động trong kỳ", "II.01b"),
    figure("ia_issued_assessed", "Số TTHC được ban hành trong kỳ đã được đánh giá tác động",
           "II.01b"),
    figure("appraisal_tthc", "Số TTHC đã được thẩm định, thẩm tra", "II.02c"),
    figure("appraisal_proposals", "Số đề nghị xây dựng văn bản QPPL đã thẩm định", "II.02c",
           "đề nghị"),
    figure("appraisal_drafts", "Số dự thảo văn bản QPPL đã thẩm định", "II.02c", "dự thảo"),
    figure("appraisal_drafts_with_tthc", "Số dự thảo có khả năng phát sinh TTHC", "II.02c",
           "dự thảo"),
    figure("pub_decisions", "Số Quyết định công bố danh mục TTHC đã ban hành", "III.03b",
           "quyết định"),
    figure("pub_legal_docs", "Số văn bản QPPL có quy định TTHC được công bố", "III.03b",
           "văn bản"),
    figure("pub_tthc_published", "Số TTHC được công bố", "III.03b", rollup="own"),
    figure("pub_tthc_disclosed", "Số TTHC được công khai", "III.03b", rollup="own"),
    figure("tthc_total", "Tổng số TTHC thuộc thẩm quyền giải quyết, quản lý", "III.03b",
           rollup="own"),
    figure("tthc_central", "Số TTHC do Trung ương quy định", "III.03b", rollup="own"),
    figure("tthc_local", "Số TTHC do địa phương quy định", "III.03b", rollup="own"),
    figure("tthc_level_tinh", "Số TTHC cấp tỉnh", "III.03b", rollup="own"),
    figure("tthc_other_agency", "Số TTHC cấp tỉnh thuộc thẩm quyền giải quyết của cơ quan khác",
           "III.03b", rollup="own"),
    figure("tthc_level_huyen", "Số TTHC cấp huyện", "III.03b", rollup="own"),
    figure("tthc_level_xa", "Số TTHC cấp xã", "III.03b", rollup="own"),
    figure("tthc_one_stop_same_level", "Số TTHC thực hiện liên thông cùng cấp", "II.07b",
           rollup="own"),
    figure("tthc_one_stop_between_levels", "Số TTHC thực hiện liên thông giữa các cấp",
           "II.07b", rollup="own"),
    figure("tthc_own", "Số TTHC thuộc thẩm quyền giải quyết của đơn vị", "II.07b", rollup="own"),
    figure("tthc_at_center", "Số TTHC thực hiện tại Trung tâm Phục vụ hành chính công",
           "II.07b", rollup="own"),
    figure("tthc_at_units", "Số TTHC thực hiện tại Bộ phận Một cửa của đơn vị trực thuộc",
           "II.07b", rollup="own"),
    figure("review_planned", "Số TTHC giao rà soát theo Kế hoạch", "II.04b"),
    figure("review_reviewed", "Số TTHC đã rà soát", "II.04b"),
    figure("review_proposed", "Số TTHC kiến nghị phương án đơn giản hóa", "II.04b"),
    figure("review_approved", "Số TTHC có phương án đơn giản hóa được phê duyệt", "II.04b"),
    figure("review_rejected", "Số TTHC có phương án không đáp ứng yêu cầu", "II.04b"),
    figure("review_no_proposal", "Số TTHC rà soát nhưng không đề xuất đơn giản hóa", "II.04b"),
    figure("review_rate_base", "Mẫu số của tỷ lệ kiến nghị đơn giản hóa (như đã công bố)",
           "II.04b"),
    ratio("review_rate", "Tỷ lệ TTHC kiến nghị đơn giản hóa trên số TTHC rà soát",
          "review_proposed", "review_reviewed", "II.04b", source="figure"),
    figure("fb_new", "Số phản ánh, kiến nghị tiếp nhận mới trong kỳ", "II.05b", "PAKN"),
    figure("fb_carried", "Số phản ánh, kiến nghị từ kỳ trước chuyển qua", "II.05b", "PAKN",
           rollup="opening"),
    figure("fb_on_regulations", "Số phản ánh, kiến nghị về quy định hành chính", "II.05b",
           "PAKN"),
    figure("fb_on_behaviour", "Số phản ánh, kiến nghị về hành vi hành chính", "II.05b", "PAKN"),
    figure("fb_processed", "Số phản ánh, kiến nghị đã xử lý", "II.05b", "PAKN"),
    figure("fb_published", "Số phản ánh, kiến nghị đã xử lý được đăng tải công khai", "II.05b",
           "PAKN"),
    figure("fb_pending", "Số phản ánh, kiến nghị đang xử lý", "II.05b", "PAKN", rollup="stock"),
    figure("interconnected_window_total", "Số hồ sơ nhóm liên thông tiếp nhận, xử lý trong "
           "khoảng thời gian nêu trong báo cáo", "II.06", "hồ sơ"),
    figure("dvc_online_total", "Số DVC trực tuyến (toàn trình và một phần)", "II.08", "DVC",
           rollup="own"),
    figure("dvc_full", "Số DVC trực tuyến toàn trình", "II.08", "DVC", rollup="own"),
    figure("dvc_partial", "Số DVC trực tuyến một phần", "II.08", "DVC", rollup="own"),
    figure("dvc_info", "Số dịch vụ cung cấp thông tin trực tuyến", "II.08", "dịch vụ",
           rollup="own"),
    figure("tthc_in_scope", "Số TTHC làm căn cứ tính tỷ lệ DVC trực tuyến", "II.08", rollup="own"),
    figure("dvc_with_dossiers", "Số DVC trực tuyến có phát sinh hồ sơ trực tuyến", "II.08",
           "DVC", rollup="own"),
    figure("dvc_services_with_dossiers", "Số DVC trực tuyến có phát sinh hồ sơ", "II.08", "DVC",
           rollup="own"),
    figure("dvc_online_dossiers", "Số hồ sơ trực tuyến (như đã công bố)", "II.08", "hồ sơ"),
    figure("dvc_dossiers_total", "Tổng số hồ sơ làm mẫu số tỷ lệ trực tuyến (như đã công bố)",
           "II.08", "hồ sơ"),
    ratio("dvc_online_share", "Tỷ lệ TTHC cung cấp DVC trực tuyến", "dvc_online_total",
          "tthc_in_scope", "II.08", source="figure"),
    ratio("dvc_full_share", "Tỷ lệ DVC trực tuyến toàn trình", "dvc_full", "dvc_online_total",
          "II.08", source="figure"),
    ratio("dvc_info_share", "Tỷ lệ dịch vụ cung cấp thông tin trực tuyến", "dvc_info",
          "tthc_in_scope", "II.08", source="figure"),
    ratio("dvc_with_dossiers_rate", "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ trực tuyến",
          "dvc_with_dossiers", "dvc_services_with_dossiers", "II.08", source="figure"),
    ratio("dvc_online_dossier_rate", "Tỷ lệ hồ sơ trực tuyến (như đã công bố)",
          "dvc_online_dossiers", "dvc_dossiers_total", "II.08", source="figure"),
    figure("digitised_results", "Số kết quả giải quyết TTHC còn hiệu lực đã số hóa", "II.08",
           "kết quả", rollup="stock"),
    figure("tthc_on_national_portal", "Số TTHC tích hợp trên Cổng Dịch vụ công quốc gia",
           "II.08", rollup="own"),
    figure("quality_ratings", "Số lượt đánh giá chất lượng giải quyết TTHC", "II.08", "lượt"),
    figure("zalo_users", "Số người sử dụng quan tâm trên Zalo", "TT", "người", rollup="own"),
    figure("zalo_views", "Số lượt xem bài viết trên Zalo", "TT", "lượt"),
    figure("facebook_reach", "Số lượt tiếp cận bài viết trên Facebook tăng trong kỳ", "TT",
           "lượt"),
    figure("facebook_answers", "Số câu hỏi về TTHC được trả lời trên Facebook", "TT", "câu"),
    figure("news_posts", "Số tin bài về cải cách TTHC đã đăng", "TT", "tin bài"),
    figure("inspected_units", "Số cơ quan, địa phương được kiểm tra CCHC, ISO, chuyển đổi số",
           "KT", "cơ quan"),
    figure("civil_service_inspections", "Số cơ quan, địa phương được kiểm tra công vụ", "KT",
           "cơ quan"),
)

REGISTRY: dict[str, Indicator] = {i.id: i for i in INDICATORS}
COUNTS = tuple(i for i in INDICATORS if i.kind == "count" and i.source == "data")
RATIOS = tuple(i for i in INDICATORS if i.kind == "ratio" and i.source == "data")
FIGURES = tuple(i for i in INDICATORS if i.source == "figure")

# Outcomes only some status policies produce (0 under tt01): a typed identity may omit them.
POLICY_ONLY = frozenset({"pending_waiting", "withdrawn_total"})


def identity_parts(values: dict, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of an identity to add up over `values` (a run's, a form's, typed ones): a
    count only some policies produce may be left out, as form II.06 does."""
    return tuple(p for p in parts if values.get(p) is not None or p not in POLICY_ONLY)

# Form II.06's identities: left side = sum of the right side's parts.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("carried_over", ("carried_over_online", "carried_over_offline")),
    ("received_total", ("received_new_online", "received_new_offline", "carried_over")),
    ("received_new", ("received_new_online", "received_new_offline")),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("resolved_not_late", ("resolved_early", "resolved_on_time")),
    ("pending_total", ("pending_in_time", "pending_overdue", "pending_waiting")),
    ("received_total", ("resolved_total", "pending_total", "withdrawn_total")),
)

# Identities among typed figures, checked when every term is typed: sum(left) == sum(right).
FIGURE_IDENTITIES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("tthc_total",), ("tthc_central", "tthc_local")),
    (("tthc_total",), ("tthc_level_tinh", "tthc_other_agency", "tthc_level_huyen",
                       "tthc_level_xa")),
    (("tthc_own",), ("tthc_at_center", "tthc_at_units")),
    (("review_planned",), ("review_proposed", "review_no_proposal")),
    (("review_proposed",), ("review_approved", "review_rejected")),
    (("review_rate_base",), ("review_reviewed",)),
    (("fb_new", "fb_carried"), ("fb_on_regulations", "fb_on_behaviour")),
    (("fb_new", "fb_carried"), ("fb_processed", "fb_pending")),
    (("dvc_online_total",), ("dvc_full", "dvc_partial")),
)

# Typed figures that the dossier table also gives: figure id -> data indicator id.
FIGURE_MIRRORS = {
    "dvc_online_dossiers": "received_new_dvc_online",
    "dvc_dossiers_total": "received_new_dvc",
}

# The 13 columns of form II.06, in order, after STT and the row name.
FORM_II06_COLUMNS = (
    "received_total", "received_new_online", "received_new_offline", "carried_over",
    "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
    "pending_total", "pending_in_time", "pending_overdue",
)


def get(indicator_id: str) -> Indicator:
    """Return the registered indicator with this id (KeyError names the known ids)."""
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}; known: {sorted(REGISTRY)}") from None

# Form II.06's column number of each of its indicators: received_total → 3, …
II06_NUMBER = {ind: n for n, ind in enumerate(FORM_II06_COLUMNS, start=3)}
