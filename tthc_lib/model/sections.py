"""The report's sections, declared once: template, form, figures, required figures, text keys.

A section appears when the data or the params YAML give it something to say (typed
figures or analyst text); otherwise it is left out with no empty heading. When some of its
core (`required`) figures are not typed, it shows the figures it was given and names the
ones not reported, instead of its full template.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One numbered part of the report."""

    key: str
    title: str
    template: str
    part: str  # I, II, III, IV
    form: str | None = None
    figures: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    text_keys: tuple[str, ...] = ()
    always: bool = False  # shown even without figures or text (computed from the data)


SECTIONS: tuple[Section, ...] = (
    Section("impact", "Đánh giá tác động TTHC quy định tại dự thảo văn bản quy phạm pháp luật "
            "(QPPL)", "s_impact.html.j2", "I", "II.01b/VPCP/KSTT",
            ("ia_assessed", "ia_issued_assessed"), text_keys=("impact",)),
    Section("appraisal", "Thẩm định, thẩm tra TTHC quy định tại dự thảo văn bản QPPL",
            "s_appraisal.html.j2", "I", "II.02c/VPCP/KSTT",
            ("appraisal_tthc", "appraisal_proposals", "appraisal_drafts",
             "appraisal_drafts_with_tthc"), text_keys=("appraisal",)),
    Section("publication", "Công bố, công khai TTHC, danh mục TTHC", "s_publication.html.j2",
            "I", "III.03b/VPCP/KSTT",
            ("pub_decisions", "pub_legal_docs", "pub_tthc_published", "pub_tthc_disclosed",
             "tthc_total", "tthc_central", "tthc_local", "tthc_level_tinh", "tthc_other_agency",
             "tthc_level_huyen", "tthc_level_xa", "tthc_one_stop_same_level",
             "tthc_one_stop_between_levels", "tthc_own", "tthc_at_center", "tthc_at_units"),
            required=("pub_decisions", "tthc_total"), text_keys=("publication",)),
    Section("review", "Rà soát, đơn giản hóa TTHC", "s_review.html.j2", "I", "II.04b/VPCP/KSTT",
            ("review_planned", "review_reviewed", "review_proposed", "review_approved",
             "review_rejected", "review_no_proposal", "review_rate_base"),
            required=("review_reviewed", "review_proposed"), text_keys=("review", "review_more")),
    Section("feedback", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định, TTHC",
            "s_feedback.html.j2", "I", "II.05b/VPCP/KSTT",
            ("fb_new", "fb_carried", "fb_on_regulations", "fb_on_behaviour", "fb_processed",
             "fb_published", "fb_pending"),
            required=("fb_new", "fb_carried", "fb_processed", "fb_pending"),
            text_keys=("feedback",)),
    Section("results", "Tình hình, kết quả giải quyết TTHC", "s_results.html.j2", "I",
            "II.06c/VPCP/KSTT", ("interconnected_window_total",),
            text_keys=("results", "interconnected"), always=True),
    Section("one_stop", "Triển khai cơ chế một cửa, một cửa liên thông trong giải quyết TTHC",
            "s_one_stop.html.j2", "I", "II.07b/VPCP/KSTT", ("quality_ratings",),
            text_keys=("one_stop",)),
    Section("online", "Thực hiện TTHC trên môi trường điện tử", "s_online.html.j2", "I",
            "II.08/VPCP/KSTT",
            ("dvc_online_total", "dvc_full", "dvc_partial", "dvc_info", "tthc_in_scope",
             "dvc_with_dossiers", "dvc_services_with_dossiers", "dvc_online_dossiers",
             "dvc_dossiers_total", "digitised_results", "tthc_on_national_portal"),
            text_keys=("online", "online_more"), always=True),
    Section("communication", "Công tác truyền thông", "s_communication.html.j2", "I", None,
            ("zalo_users", "zalo_views", "facebook_reach", "facebook_answers", "news_posts"),
            text_keys=("communication",)),
    Section("inspection", "Công tác kiểm tra", "s_text.html.j2", "I", None,
            ("inspected_units", "civil_service_inspections"), text_keys=("inspection",)),
    Section("other", "Các nội dung khác", "s_text.html.j2", "I", None, text_keys=("other",)),
    Section("assessment", "ĐÁNH GIÁ CHUNG", "s_assessment.html.j2", "II",
            text_keys=("assessment_results", "assessment_shortcomings"), always=True),
    Section("directions", "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "s_text.html.j2", "III",
            text_keys=("directions",)),
    Section("recommendations", "KIẾN NGHỊ VÀ ĐỀ XUẤT", "s_text.html.j2", "IV",
            text_keys=("recommendations",)),
)

# Text keys outside any section: the opening paragraph, the closing sentence, recipients.
FREE_TEXT_KEYS = ("intro", "closing", "recipients", "directions_title")
TEXT_KEYS = frozenset(FREE_TEXT_KEYS + tuple(k for s in SECTIONS for k in s.text_keys))
BY_KEY = {s.key: s for s in SECTIONS}


def present(section: Section, figures: dict, text: dict) -> bool:
    """Return True when the section has something to show."""
    return (section.always or any(f in figures for f in section.figures)
            or any(text.get(k, "").strip() for k in section.text_keys))
