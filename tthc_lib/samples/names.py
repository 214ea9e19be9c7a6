"""Names used by the sample generator: districts, communes, departments, fields, procedures.

Procedure codes follow the national database's `d.dddddd` shape; they are illustrative,
not looked up.
"""

from __future__ import annotations

BAC_GIANG_DISTRICTS = {
    "Thành phố Bắc Giang": ["Phường Đa Mai", "Xã Dĩnh Trì", "Xã Song Mai", "Phường Dĩnh Kế"],
    "Huyện Hiệp Hòa": ["Xã Châu Minh", "Xã Bắc Lý", "Xã Đức Thắng", "Thị trấn Thắng"],
    "Huyện Lạng Giang": ["Xã Tân Dĩnh", "Xã Phi Mô", "Xã Yên Mỹ", "Thị trấn Vôi"],
    "Huyện Lục Nam": ["Xã Bảo Đài", "Xã Cẩm Lý", "Xã Đông Phú", "Thị trấn Đồi Ngô"],
    "Huyện Lục Ngạn": ["Xã Biển Động", "Xã Kiên Lao", "Xã Phượng Sơn", "Thị trấn Chũ"],
    "Huyện Sơn Động": ["Xã Dương Hưu", "Xã Long Sơn", "Xã Vân Sơn", "Thị trấn An Châu"],
    "Huyện Tân Yên": ["Xã Cao Xá", "Xã Ngọc Thiện", "Xã Liên Chung", "Thị trấn Cao Thượng"],
    "Huyện Việt Yên": ["Xã Hồng Thái", "Xã Nghĩa Trung", "Xã Tăng Tiến", "Thị trấn Bích Động"],
    "Huyện Yên Dũng": ["Xã Lãng Sơn", "Xã Tiến Dũng", "Xã Tư Mại", "Thị trấn Neo"],
    "Huyện Yên Thế": ["Xã Đồng Kỳ", "Xã Phồn Xương", "Xã Đồng Tâm", "Thị trấn Bố Hạ"],
}

# field -> (agency at provincial level, [(code, procedure name), ...])
PROVINCIAL_FIELDS = {
    "Đất đai": ("Sở Tài nguyên và Môi trường", [
        ("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"),
        ("1.003003", "Cấp đổi Giấy chứng nhận quyền sử dụng đất"),
        ("2.000889", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu")]),
    "Môi trường": ("Sở Tài nguyên và Môi trường", [
        ("1.010727", "Cấp giấy phép môi trường"),
        ("1.010728", "Thẩm định báo cáo đánh giá tác động môi trường")]),
    "Lý lịch tư pháp": ("Sở Tư pháp", [
        ("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang "
                     "cư trú tại Việt Nam"),
        ("2.000505", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng")]),
    "Đường bộ": ("Sở Giao thông vận tải", [
        ("1.002804", "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp"),
        ("1.001777", "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô"),
        ("1.002835", "Cấp phù hiệu xe ô tô kinh doanh vận tải")]),
    "Thành lập và hoạt động doanh nghiệp": ("Sở Kế hoạch và Đầu tư", [
        ("2.001610", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên"),
        ("2.002036", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp")]),
    "Việc làm": ("Sở Lao động - Thương binh và Xã hội", [
        ("1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại "
                     "Việt Nam")]),
    "Hoạt động xây dựng": ("Sở Xây dựng", [
        ("1.009972", "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II")]),
    "Khám bệnh, chữa bệnh": ("Sở Y tế", [
        ("1.001907", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh")]),
    "Lưu thông hàng hóa trong nước": ("Sở Công Thương", [
        ("2.000620", "Cấp Giấy phép bán lẻ sản phẩm rượu")]),
}

DISTRICT_FIELDS = {
    "Đất đai": [("1.004227", "Đăng ký biến động quyền sử dụng đất (cấp huyện)"),
                ("1.003010", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước")],
    "Hộ tịch": [("1.001695", "Đăng ký kết hôn có yếu tố nước ngoài"),
                ("2.000528", "Đăng ký khai sinh có yếu tố nước ngoài")],
    "Thành lập và hoạt động hộ kinh doanh": [("2.000720", "Đăng ký thành lập hộ kinh doanh")],
    "Chứng thực": [("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan "
                                "có thẩm quyền của Việt Nam cấp")],
    "Bảo trợ xã hội": [("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng")],
    "Hoạt động xây dựng": [("1.010021", "Cấp giấy phép xây dựng nhà ở riêng lẻ")],
}

COMMUNE_FIELDS = {
    "Hộ tịch": [("1.001193", "Đăng ký khai sinh"), ("1.000656", "Đăng ký khai tử"),
                ("1.000894", "Đăng ký kết hôn"), ("2.000635", "Cấp bản sao trích lục hộ tịch")],
    "Chứng thực": [("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
                   ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản")],
    "Bảo trợ xã hội": [("1.001776", "Thực hiện trợ cấp xã hội hàng tháng")],
    "Đất đai": [("1.003554", "Hòa giải tranh chấp đất đai")],
    "Người có công": [("1.010831", "Giải quyết chế độ mai táng phí đối với người có công")],
}

INTERCONNECTED = {
    "khai_sinh": ("Nhóm TTHC liên thông", "1.004884",
                  "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho "
                  "trẻ em dưới 6 tuổi"),
    "khai_tu": ("Nhóm TTHC liên thông", "1.004885",
                "Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng phí"),
}

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu")
GIVEN_NAMES = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Mai", "Nam",
               "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến")

OTHER_DISTRICTS = {
    "Lạng Sơn": ["Thành phố Lạng Sơn", "Huyện Bắc Sơn", "Huyện Bình Gia", "Huyện Cao Lộc",
                 "Huyện Chi Lăng", "Huyện Đình Lập", "Huyện Hữu Lũng", "Huyện Lộc Bình",
                 "Huyện Tràng Định", "Huyện Văn Lãng", "Huyện Văn Quan"],
    "Thái Nguyên": ["Thành phố Thái Nguyên", "Thành phố Sông Công", "Thành phố Phổ Yên",
                    "Huyện Đại Từ", "Huyện Định Hóa", "Huyện Đồng Hỷ", "Huyện Phú Bình",
                    "Huyện Phú Lương", "Huyện Võ Nhai"],
    "Bắc Kạn": ["Thành phố Bắc Kạn", "Huyện Ba Bể", "Huyện Bạch Thông", "Huyện Chợ Đồn",
                "Huyện Chợ Mới", "Huyện Na Rì", "Huyện Ngân Sơn", "Huyện Pác Nặm"],
    "Cao Bằng": ["Thành phố Cao Bằng", "Huyện Bảo Lạc", "Huyện Bảo Lâm", "Huyện Hạ Lang",
                 "Huyện Hà Quảng", "Huyện Hòa An", "Huyện Nguyên Bình", "Huyện Quảng Hòa",
                 "Huyện Thạch An", "Huyện Trùng Khánh"],
}
COMMON_COMMUNES = ("Xã Quang Trung", "Xã Hòa Bình", "Xã Tân Tiến", "Xã Đồng Tâm",
                   "Xã Hưng Đạo", "Xã Tân Lập", "Xã Thống Nhất", "Phường Hoàng Văn Thụ",
                   "Thị trấn", "Xã Minh Khai", "Xã Quyết Thắng", "Xã Tân Thành")


def districts_for(province: str, n_districts: int = 9) -> dict[str, list[str]]:
    """Return {district: [communes]} for a province: real districts where known, otherwise
    numbered ones; communes from names common all over the country."""
    names = OTHER_DISTRICTS.get(province) or [f"Huyện số {i}" for i in range(1, n_districts + 1)]
    out = {}
    for i, d in enumerate(names):
        picks = [COMMON_COMMUNES[(i * 5 + k) % len(COMMON_COMMUNES)] for k in range(4)]
        town = d.split(" ", 1)[1]
        out[d] = [f"Thị trấn {town}" if c == "Thị trấn" else c for c in picks]
    return out

# Bắc Kạn Department of Justice (seed 003): the 7 procedures offered as full-process online
# services (seed footnote 9), and the other procedures of its fields (information online only).
STP_ONLINE_PROCS = (  # (field, code, name, weight)
    ("Lý lịch tư pháp", "2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người "
     "nước ngoài đang cư trú tại Việt Nam", .80),
    ("Lý lịch tư pháp", "2.000505", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
     .10),
    ("Đấu giá tài sản", "1.001815", "Cấp Thẻ đấu giá viên", .01),
    ("Đấu giá tài sản", "1.001873", "Đăng ký hoạt động của Chi nhánh doanh nghiệp đấu giá tài "
     "sản", .01),
    ("Hộ tịch", "2.000635", "Cấp bản sao trích lục hộ tịch", .06),
    ("Giám định tư pháp", "1.008728", "Bổ nhiệm và cấp thẻ giám định viên tư pháp cấp tỉnh", .01),
    ("Giám định tư pháp", "1.008729", "Miễn nhiệm giám định viên tư pháp", .01),
)
STP_OTHER_PROCS = (
    ("Công chứng", "2.001035", "Công chứng hợp đồng, giao dịch đã được soạn thảo sẵn", .40),
    ("Công chứng", "2.001050", "Chứng thực bản sao từ bản chính tại Phòng Công chứng", .15),
    ("Hộ tịch", "1.001695", "Ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được "
     "giải quyết tại cơ quan có thẩm quyền của nước ngoài", .12),
    ("Trợ giúp pháp lý", "2.000587", "Thủ tục giải quyết yêu cầu trợ giúp pháp lý", .10),
    ("Quốc tịch", "1.000786", "Xác nhận có quốc tịch Việt Nam", .05),
    ("Luật sư", "1.002010", "Đăng ký hoạt động của tổ chức hành nghề luật sư", .04),
    ("Nuôi con nuôi", "1.003005", "Đăng ký nuôi con nuôi có yếu tố nước ngoài", .04),
    ("Đấu giá tài sản", "1.001856", "Đăng ký hoạt động của doanh nghiệp đấu giá tài sản", .04),
    ("Thừa phát lại", "1.008924", "Đăng ký hoạt động Văn phòng Thừa phát lại", .02),
    ("Giám định tư pháp", "1.008730", "Cấp phép thành lập Văn phòng giám định tư pháp", .02),
    ("Hòa giải thương mại", "2.001601", "Đăng ký làm hòa giải viên thương mại vụ việc", .01),
    ("Trọng tài thương mại", "2.001484", "Đăng ký hoạt động của Trung tâm trọng tài", .01),
)
STP_AGENCY = {"Công chứng": "Phòng Công chứng số 1 tỉnh Bắc Kạn",
              "Trợ giúp pháp lý": "Trung tâm Trợ giúp pháp lý Nhà nước tỉnh Bắc Kạn"}
