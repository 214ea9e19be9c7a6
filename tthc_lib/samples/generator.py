"""Deterministic, realistic sample exports whose computed figures equal a target.

A `Profile` gives, per level, how many dossiers fall in each intake class (new online, new
direct/postal, carried over) and each outcome class (early, on time, late, pending in
time, pending overdue). The generator draws dates that *produce* those classes under the
period's cut-offs, so `classify` recovers the targets from dates alone. Lateness is
concentrated where the seed report says it was (land and environment; the interconnected
groups).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.paths import atomic_output
from ..core.periods import Period, parse_period
from . import names as cat

INTAKE_KEYS = ("online", "offline", "carried")
OUTCOME_KEYS = ("early", "on_time", "late", "pending_in_time", "pending_overdue")
LATE_LIKE = ("late", "pending_overdue")


@dataclass(frozen=True)
class LevelTarget:
    online: int
    offline: int
    carried: int
    early: int
    on_time: int
    late: int
    pending_in_time: int
    pending_overdue: int

    def __post_init__(self):
        intake = self.online + self.offline + self.carried
        outcome = sum(getattr(self, k) for k in OUTCOME_KEYS)
        if intake != outcome:
            raise ValueError(f"intake {intake} != outcome {outcome}")


@dataclass(frozen=True)
class Profile:
    """What one sample export must contain."""

    slug: str
    province: str
    period: str
    levels: dict[str, LevelTarget]
    interconnected: int = 0  # commune-level interconnected-group dossiers (new, online)
    interconnected_window: tuple[date, date] | None = None
    interconnected_in_window: int = 0
    interconnected_late: int = 0
    interconnected_overdue: int = 0
    out_of_scope: tuple[int, int] = (1500, 1200)  # finished before start, received after end
    seed: int = 2023
    districts: dict = field(default_factory=lambda: cat.BAC_GIANG_DISTRICTS)
    department: bool = False  # a department: its own catalogue of procedures at level tinh
    online_service_offline: int = 0  # department: direct/postal dossiers of online services
    postal_returns: int | None = None  # exact number of own dossiers returned by post
    carried_online_share: float = 0.8


# Seed 000, §I.6a. The published online + direct/postal (149.640 + 20.311) do not add up
# to the published new total (169.959); the sample keeps the totals and online count and
# puts 20.319 in direct/postal.
BAC_GIANG_2023_Q3 = Profile(
    slug="bac-giang", province="Bắc Giang", period="2023-Q3",
    levels={
        "tinh": LevelTarget(58_900, 6_543, 3_900, 54_726, 8_500, 369, 5_228, 520),
        "huyen": LevelTarget(21_500, 3_797, 2_322, 20_139, 4_032, 177, 2_961, 310),
        "xa": LevelTarget(69_240, 9_979, 1_500, 68_807, 9_000, 866, 1_860, 186),
    },
    interconnected=1_613,
    interconnected_window=(date(2023, 7, 10), date(2023, 8, 31)),
    interconnected_in_window=1_353,
    interconnected_late=520,
    interconnected_overdue=120,
)



def _split(rng, total: int, shares: list[float]) -> list[int]:
    """Split `total` into integer parts proportional to `shares` (the last takes the rest)."""
    parts = [int(total * s) for s in shares[:-1]]
    return parts + [total - sum(parts)]


def synthetic_profile(slug: str, province: str, period: str, dossiers: int,
                      seed: int) -> Profile:
    """Return a plausible profile for any province: about `dossiers` in the period, shares
    of levels, channels and outcomes drawn around what the seed reports show."""
    rng = np.random.default_rng(seed)
    p = parse_period(period)
    level_shares = {"tinh": rng.uniform(.3, .42), "huyen": rng.uniform(.12, .2)}
    if "huyen" not in p.levels:
        level_shares.pop("huyen")
    level_shares["xa"] = 1 - sum(level_shares.values())
    levels = {}
    for lv, share in level_shares.items():
        n = int(dossiers * share)
        carried = int(n * rng.uniform(.02, .06))
        online, offline = _split(rng, n - carried, [rng.uniform(.6, .92), 1])
        late, on_time, p_in, p_over = (int(n * rng.uniform(.002, .015)),
                                       int(n * rng.uniform(.08, .15)),
                                       int(n * rng.uniform(.03, .07)),
                                       int(n * rng.uniform(.002, .01)))
        early = n - late - on_time - p_in - p_over
        levels[lv] = LevelTarget(online, offline, carried, early, on_time, late, p_in, p_over)
    xa = levels["xa"]
    inter = min(int(xa.online * .02), xa.late + xa.pending_overdue + xa.early // 2)
    start = p.start + timedelta(days=20)
    return Profile(
        slug=slug, province=province, period=period, levels=levels, interconnected=inter,
        interconnected_window=(start, p.end - timedelta(days=14)),
        interconnected_in_window=int(inter * .8), interconnected_late=int(xa.late * .4),
        interconnected_overdue=int(xa.pending_overdue * .4),
        out_of_scope=(dossiers // 100, dossiers // 120), seed=seed,
        districts=cat.districts_for(province))


EXTRA_PROVINCES = (("lang-son", "Lạng Sơn", 60_000), ("thai-nguyen", "Thái Nguyên", 120_000),
                   ("cao-bang", "Cao Bằng", 40_000))
# Seed 003, §I.6: (a) own fields, (b) with the two interconnected groups, (c) postal returns;
# §I.8: 4.470 of the 4.494 new dossiers of the 7 online services were filed online.
BAC_KAN_STP_2023 = Profile(
    slug="bac-kan-stp", province="Bắc Kạn", period="2023",
    levels={"tinh": LevelTarget(4_470, 5_533, 6, 9_381, 503, 0, 125, 0),
            "xa": LevelTarget(2_042, 0, 0, 0, 1_675, 0, 367, 0)},
    interconnected=2_042, out_of_scope=(300, 250), seed=2003,
    districts=cat.districts_for("Bắc Kạn"), department=True, online_service_offline=24,
    postal_returns=2_689, carried_online_share=1.0,
)

# Earlier periods of both seed units (generated, not from the seeds), so that their reports
# show trends: the previous quarter and the same quarter a year before; the previous year.
BAC_KAN_STP_2022 = replace(
    BAC_KAN_STP_2023, period="2022", seed=2002, interconnected=1_800, postal_returns=2_410,
    online_service_offline=60,
    levels={"tinh": LevelTarget(4_010, 5_100, 9, 8_600, 480, 14, 25, 0),
            "xa": LevelTarget(1_800, 0, 0, 0, 1_512, 0, 288, 0)})

PROFILES = {f"{p.slug}-{p.period}": p for p in (
    BAC_GIANG_2023_Q3, BAC_KAN_STP_2023, BAC_KAN_STP_2022,
    synthetic_profile("bac-giang", "Bắc Giang", "2023-Q2", 165_000, seed=2302),
    synthetic_profile("bac-giang", "Bắc Giang", "2022-Q3", 150_000, seed=2203),
    *(synthetic_profile(slug, name, "2023-Q3", n, seed=100 + i)
      for i, (slug, name, n) in enumerate(EXTRA_PROVINCES)),
    # the two provinces merged into Thái Nguyên on 1/7/2025, in the quarter before the
    # merger: the merged province's report compares with their sum (samples/merged.py)
    synthetic_profile("thai-nguyen", "Thái Nguyên", "2025-Q2", 30_000, seed=2502),
    synthetic_profile("bac-kan", "Bắc Kạn", "2025-Q2", 12_000, seed=2512),
)}

HEADERS = {
    "stt": "STT", "ma_ho_so": "Mã hồ sơ", "ma_tthc": "Mã TTHC", "ten_tthc": "Tên thủ tục",
    "linh_vuc": "Lĩnh vực", "co_quan": "Cơ quan giải quyết", "cap": "Cấp thực hiện",
    "kenh_nop": "Hình thức nộp", "ho_ten": "Họ tên người nộp", "so_cccd": "Số CCCD",
    "so_dien_thoai": "Số điện thoại", "ngay_tiep_nhan": "Ngày tiếp nhận",
    "ngay_hen_tra": "Ngày hẹn trả", "ngay_co_ket_qua": "Ngày có kết quả",
    "trang_thai": "Trạng thái", "muc_do_dvc": "Mức độ DVC",
    "tra_kq_buu_chinh": "Trả KQ qua BCCI", "da_so_hoa": "Đã số hóa",
    "nhom_lien_thong": "Nhóm liên thông",
}
LEVEL_TEXT = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}


def _holidays(lo: date, hi: date) -> np.ndarray:
    """Return Vietnam's public holidays between lo and hi (the `holidays` package)."""
    import holidays

    vn = holidays.country_holidays("VN", years=range(lo.year, hi.year + 1))
    return np.array(sorted(d for d in vn if lo <= d <= hi), dtype="datetime64[D]")


def _workdays(lo: date, hi: date) -> np.ndarray:
    """Return the working days in [lo, hi]: no weekends, no public holidays."""
    days = np.arange(np.datetime64(lo), np.datetime64(hi) + 1)
    wd = (days.view("int64") - 4) % 7  # 0 = Monday
    return days[(wd < 5) & ~np.isin(days, _holidays(lo, hi))]


def _to_workday(days: np.ndarray, forward: bool, floor: np.ndarray | None = None) -> np.ndarray:
    """Move each day to the next (or previous) working day, never below `floor`."""
    if not len(days):
        return days
    lo, hi = days.min().astype(object), days.max().astype(object)
    pool = _workdays(lo - timedelta(15), hi + timedelta(15))
    idx = np.searchsorted(pool, days, side="left" if forward else "right")
    out = pool[np.clip(idx if forward else idx - 1, 0, len(pool) - 1)]
    return out if floor is None else np.maximum(out, floor)


class _Gen:
    def __init__(self, profile: Profile, period: Period):
        self.p, self.per = profile, period
        self.rng = np.random.default_rng(profile.seed)
        self.start = np.datetime64(period.start)
        self.end = np.datetime64(period.end)

    def pick_days(self, lo, hi, n):
        pool = _workdays(lo, hi)
        return pool[self.rng.integers(0, len(pool), n)]

    def offset(self, base, hi, max_days):
        """base + a random 0..min(max_days, hi-base) days, elementwise."""
        room = np.minimum((hi - base).astype(int), max_days)
        return base + (self.rng.random(len(base)) * (room + 1)).astype(int)

    # ---------------------------------------------------------------- per-level rows
    def level_rows(self, level: str, t: LevelTarget) -> pd.DataFrame:
        rng = self.rng
        intake = np.repeat(INTAKE_KEYS, [t.online, t.offline, t.carried])
        outcome = np.repeat(OUTCOME_KEYS, [getattr(t, k) for k in OUTCOME_KEYS])
        rng.shuffle(intake)
        rng.shuffle(outcome)
        df = pd.DataFrame({"intake": intake, "outcome": outcome, "cap": level})
        df["group"] = ""
        if level == "xa" and self.p.interconnected:
            self._mark_interconnected(df)
        self._assign_fields(df, level)
        self._assign_dates(df)
        return df

    def _mark_interconnected(self, df):
        p, rng = self.p, self.rng
        online_new = df.intake == "online"
        chosen = []
        for out, n in (("late", p.interconnected_late), ("pending_overdue",
                                                           p.interconnected_overdue)):
            idx = df.index[online_new & (df.outcome == out)]
            chosen.append(rng.choice(idx, min(n, len(idx)), replace=False))
        rest = p.interconnected - sum(len(c) for c in chosen)
        idx = df.index[online_new & df.outcome.isin(["early", "on_time", "pending_in_time"])]
        chosen.append(rng.choice(idx, rest, replace=False))
        sel = np.concatenate(chosen)
        rng.shuffle(sel)
        df.loc[sel, "group"] = np.where(rng.random(len(sel)) < 0.8, "khai_sinh", "khai_tu")
        if p.interconnected_window:
            window = np.zeros(len(df), dtype=bool)
            window[sel[: p.interconnected_in_window]] = True
            df["in_window"] = window

    def _assign_department(self, df):
        """Own procedures of a department: online dossiers (and carried-over ones, and a set
        number of direct ones) go to the online services; the rest to the others."""
        rng = self.rng
        online = (df.intake != "offline").to_numpy().copy()
        offline_idx = df.index[~online]
        online[rng.choice(offline_idx, min(self.p.online_service_offline, len(offline_idx)),
                          replace=False)] = True
        fields, codes, names, service = [], [], [], []
        for is_online in online:
            procs = cat.STP_ONLINE_PROCS if is_online else cat.STP_OTHER_PROCS
            weights = np.array([p[3] for p in procs])
            f, code, name, _ = procs[rng.choice(len(procs), p=weights / weights.sum())]
            fields.append(f)
            codes.append(code)
            names.append(name)
            service.append("Toàn trình" if is_online else "Cung cấp thông tin")
        df["linh_vuc"], df["ma_tthc"], df["ten_tthc"] = fields, codes, names
        df["co_quan"] = [cat.STP_AGENCY.get(f, "Sở Tư pháp tỉnh Bắc Kạn") for f in fields]
        df["service"] = service

    def _assign_fields(self, df, level):
        rng = self.rng
        if self.p.department and level == "tinh":
            return self._assign_department(df)
        late = df.outcome.isin(LATE_LIKE).to_numpy()
        if level == "tinh":
            names = list(cat.PROVINCIAL_FIELDS)
            normal = [.25, .03, .12, .30, .12, .03, .03, .07, .05]
            lateish = [.62, .18, .04, .06, .04, .02, .02, .01, .01]
        elif level == "huyen":
            names = list(cat.DISTRICT_FIELDS)
            normal = [.35, .05, .15, .30, .10, .05]
            lateish = [.84, .05, .03, .02, .03, .03]
        else:
            names = list(cat.COMMUNE_FIELDS)
            normal = [.35, .50, .08, .02, .05]
            lateish = [.30, .10, .10, .45, .05]
        fields = np.where(late, rng.choice(names, len(df), p=lateish),
                          rng.choice(names, len(df), p=normal))
        df["linh_vuc"] = fields
        districts = list(self.p.districts)
        dist = rng.choice(districts, len(df))
        codes, names_out, agencies = [], [], []
        for f, d, grp in zip(fields, dist, df.group, strict=True):
            if grp:
                field_name, code, proc = cat.INTERCONNECTED[grp]
                communes = self.p.districts[d]
                agencies.append(f"UBND {communes[rng.integers(len(communes))]} ({d})")
                codes.append(code)
                names_out.append(proc)
                continue
            if level == "tinh":
                agency, procs = cat.PROVINCIAL_FIELDS[f]
            elif level == "huyen":
                procs = cat.DISTRICT_FIELDS[f]
                agency = f"UBND {d[0].lower()}{d[1:]}"
            else:
                procs = cat.COMMUNE_FIELDS[f]
                communes = self.p.districts[d]
                agency = f"UBND {communes[rng.integers(len(communes))]} ({d})"
            code, proc = procs[rng.integers(len(procs))]
            codes.append(code)
            names_out.append(proc)
            agencies.append(agency)
        df["linh_vuc"] = np.where(df.group != "", cat.INTERCONNECTED["khai_sinh"][0], fields)
        df["ma_tthc"], df["ten_tthc"], df["co_quan"] = codes, names_out, agencies

    def _assign_dates(self, df):
        rng, start, end = self.rng, self.start, self.end
        n = len(df)
        r = np.empty(n, dtype="datetime64[D]")
        new = (df.intake != "carried").to_numpy()
        needs_room = df.outcome.isin(LATE_LIKE).to_numpy()  # late / overdue need r < end
        d = self.per
        r[new & ~needs_room] = self.pick_days(d.start, d.end, (new & ~needs_room).sum())
        room = new & needs_room
        r[room] = self.pick_days(d.start, d.end - timedelta(1), room.sum())
        r[~new] = self.pick_days(d.start - timedelta(75), d.start - timedelta(1), (~new).sum())
        if "in_window" in df:
            grp = (df.group != "").to_numpy()
            win = df["in_window"].to_numpy()
            lo, hi = self.p.interconnected_window
            r[grp & win] = self.pick_days(lo, hi, (grp & win).sum())
            after = grp & ~win
            r[after] = self.pick_days(hi + timedelta(1), d.end - timedelta(1), after.sum())
        out = df.outcome.to_numpy()
        due = np.empty(n, dtype="datetime64[D]")
        fin = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

        m = (out == "early") | (out == "on_time")
        lo = np.maximum(r[m], start)
        f = self.offset(lo, end, 12)
        fin[m] = f
        gap = np.where(out[m] == "early", rng.integers(1, 11, m.sum()), 0)
        due[m] = f + gap.astype("timedelta64[D]")

        m = out == "late"
        lo = np.maximum(r[m] + 1, start)
        f = self.offset(lo, end, 15)
        fin[m] = f
        due[m] = r[m] + (rng.random(m.sum()) * (f - r[m]).astype(int)).astype(int)

        m = out == "pending_in_time"
        due[m] = end + rng.integers(0, 21, m.sum()).astype("timedelta64[D]")
        later = m & (rng.random(n) < 0.15)
        fin[later] = end + rng.integers(1, 11, later.sum()).astype("timedelta64[D]")

        m = out == "pending_overdue"
        due[m] = r[m] + (rng.random(m.sum()) * (end - r[m]).astype(int)).astype(int)
        later = m & (rng.random(n) < 0.3)
        fin[later] = end + rng.integers(1, 16, later.sum()).astype("timedelta64[D]")
        # due dates fall on working days, as the one-stop systems compute them (on-time
        # dossiers keep due = result day)
        fwd = np.isin(out, ["early", "pending_in_time"])
        due[fwd] = _to_workday(due[fwd], True)
        back = np.isin(out, ["late", "pending_overdue"])
        due[back] = _to_workday(due[back], False, r[back])
        df["r"], df["due"], df["fin"] = r, due, fin

    def out_of_scope(self) -> pd.DataFrame:
        rng, (n_before, n_after) = self.rng, self.p.out_of_scope
        d = self.per
        levels = ["tinh"] if self.p.department else list(self.p.levels)
        before = pd.DataFrame({"intake": "carried", "outcome": "early",
                               "cap": rng.choice(levels, n_before)})
        after = pd.DataFrame({"intake": "online", "outcome": "pending_in_time",
                              "cap": rng.choice(levels, n_after)})
        parts = []
        for df, lo, hi in ((before, d.start - timedelta(95), d.start - timedelta(20)),
                           (after, d.end + timedelta(1), d.end + timedelta(16))):
            df["group"] = ""
            for lv in df.cap.unique():
                sub = df[df.cap == lv].copy()
                self._assign_fields(sub, lv)
                parts.append((sub, lo, hi))
        frames = []
        for sub, lo, hi in parts:
            r = self.pick_days(lo, hi, len(sub))
            if hi < d.start:
                fin = self.offset(r, np.datetime64(d.start - timedelta(1)), 10)
                due = fin + rng.integers(0, 6, len(sub)).astype("timedelta64[D]")
            else:
                fin = np.full(len(sub), np.datetime64("NaT"), dtype="datetime64[D]")
                due = r + rng.integers(3, 15, len(sub)).astype("timedelta64[D]")
            sub["r"], sub["due"], sub["fin"] = r, due, fin
            sub["oos"] = True
            frames.append(sub)
        return pd.concat(frames, ignore_index=True)


def _stamp(days: np.ndarray, minutes: np.ndarray) -> pd.Series:
    ts = pd.to_datetime(days) + pd.to_timedelta(minutes, unit="m")
    return ts.strftime("%d/%m/%Y %H:%M").where(~pd.isna(days), "")


def _status_labels() -> dict[int, str]:
    """The national status code list (1–10 → label), as the rules declare it."""
    from ..rules.profiles import vocabulary

    return {int(code): label for code, label in vocabulary().status_labels.items()}


STATUS = _status_labels()


def _statuses(df: pd.DataFrame, rng) -> np.ndarray:
    """Return each dossier's status in realistic shares, consistent with its class under the
    tt01 policy: resolved → 10 (some 9; a few on-time ones withdrawn, 7); pending without a
    result → 4 (some 2; some of those in time waiting for a supplement 5, paying 6 or
    paused 8); a result after the period's end → 10 (the export is taken later)."""
    n = len(df)
    u = rng.random(n)
    out = np.where(df.fin.isna(), np.where(u < 0.04, 2, 4), np.where(u < 0.1, 9, 10))
    in_time = (df.outcome == "pending_in_time").to_numpy() & df.fin.isna().to_numpy()
    in_time &= ~df.get("oos", pd.Series(False, index=df.index)).fillna(False).to_numpy(bool)
    v = rng.random(n)
    out[in_time & (v < 0.08)] = 5
    out[in_time & (v >= 0.08) & (v < 0.10)] = 8
    out[in_time & (v >= 0.10) & (v < 0.12)] = 6
    on_time = (df.outcome == "on_time").to_numpy() & ~df.fin.isna().to_numpy()
    out[on_time & (rng.random(n) < 0.015)] = 7
    return np.array([STATUS[int(c)] for c in out], dtype=object)


def _refused(profile: Profile, period: Period, rng, like: pd.DataFrame) -> pd.DataFrame:
    """Return a few dossiers refused at reception (status 3): a receipt day, no due date
    and no result — tt01 does not count them."""
    n = max(3, len(like) // 400)
    rows = like.sample(n, random_state=int(rng.integers(1 << 30))).copy()
    rows["Ngày tiếp nhận"] = _stamp(_workdays(period.start, period.end)[
        rng.integers(0, 40, n)], rng.integers(8 * 60, 16 * 60, n)).to_numpy()
    rows["Ngày hẹn trả"] = ""
    rows["Ngày có kết quả"] = ""
    rows["Trạng thái"] = STATUS[3]
    rows["Mã hồ sơ"] = [f"{c}-TC" for c in rows["Mã hồ sơ"]]
    return rows


def generate(profile: Profile) -> pd.DataFrame:
    """Return the sample export for `profile`, with Vietnamese headers, as a one-stop system
    would write it (including personal columns the loader must drop)."""
    period = parse_period(profile.period)
    g = _Gen(profile, period)
    parts = [g.level_rows(lv, t) for lv, t in profile.levels.items()]
    parts.append(g.out_of_scope())
    df = pd.concat(parts, ignore_index=True)
    df = df.iloc[g.rng.permutation(len(df))].reset_index(drop=True)
    df = df.sort_values("r", kind="stable").reset_index(drop=True)
    rng, n = g.rng, len(df)

    channel = np.where(df.intake == "online", "Trực tuyến",
                       np.where(rng.random(n) < 0.88, "Trực tiếp", "Dịch vụ bưu chính"))
    carried = (df.intake == "carried").to_numpy()
    channel[carried] = np.where(rng.random(carried.sum()) < profile.carried_online_share,
                                "Trực tuyến", "Trực tiếp")
    on_time = (df.outcome == "on_time").to_numpy()
    fin_min = rng.integers(8 * 60, 17 * 60, n)
    fin_min[on_time & (rng.random(n) < 0.1)] = 23 * 60 + 59  # result late in the due day
    ymd = pd.to_datetime(df.r).dt.strftime("%y%m%d")
    service = np.where(channel == "Trực tuyến",
                       np.where(rng.random(n) < 0.6, "Toàn trình", "Một phần"),
                       rng.choice(["Toàn trình", "Một phần", "Cung cấp thông tin"], n,
                                  p=[.3, .45, .25]))
    if "service" in df:
        service = np.where(df["service"].fillna("").to_numpy() != "", df["service"].fillna(""),
                           service)
    postal = np.where(rng.random(n) < 0.08, "x", "")
    if profile.postal_returns is not None:
        own = df.index[(df.group == "") & df.get("oos", pd.Series(False, index=df.index))
                       .fillna(False).eq(False) & (df.cap == "tinh")]
        postal = np.full(n, "", dtype=object)
        postal[rng.choice(own, profile.postal_returns, replace=False)] = "x"
    out = pd.DataFrame({
        "stt": np.arange(1, n + 1),
        "ma_ho_so": [f"000.{c}.{profile.slug[:3].upper()}-{d}-{i:06d}" for c, d, i in
                     zip(df.cap.map({"tinh": "20", "huyen": "30", "xa": "40"}), ymd, range(n),
                         strict=True)],
        "ma_tthc": df.ma_tthc, "ten_tthc": df.ten_tthc, "linh_vuc": df.linh_vuc,
        "co_quan": df.co_quan, "cap": df.cap.map(LEVEL_TEXT), "kenh_nop": channel,
        "ho_ten": [f"{a} {b} {c}" for a, b, c in zip(
            rng.choice(cat.FAMILY_NAMES, n), rng.choice(cat.MIDDLE_NAMES, n),
            rng.choice(cat.GIVEN_NAMES, n), strict=True)],
        "so_cccd": [f"0{x:011d}" for x in rng.integers(10**9, 10**11, n)],
        "so_dien_thoai": [f"09{x:08d}" for x in rng.integers(0, 10**8, n)],
        "ngay_tiep_nhan": _stamp(df.r.to_numpy(), rng.integers(7 * 60 + 30, 17 * 60, n)),
        "ngay_hen_tra": _stamp(df.due.to_numpy(), np.full(n, 17 * 60)),
        "ngay_co_ket_qua": _stamp(df.fin.to_numpy(), fin_min),
        "trang_thai": _statuses(df, rng),
        "muc_do_dvc": service,
        "tra_kq_buu_chinh": postal,
        "da_so_hoa": np.where(rng.random(n) < 0.86, "x", ""),
        "nhom_lien_thong": df.group.map({"": "", "khai_sinh": "Khai sinh - Thường trú - BHYT",
                                         "khai_tu": "Khai tử - Xóa thường trú - Mai táng phí"}),
    })
    out = out.rename(columns=HEADERS)
    refused = _refused(profile, period, rng, out)
    out = pd.concat([out, refused]).sort_values("Ngày tiếp nhận", kind="stable",
                                                 key=_day_key).reset_index(drop=True)
    out["STT"] = np.arange(1, len(out) + 1)
    return out


def _day_key(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, format="%d/%m/%Y %H:%M", errors="coerce")


def write(profile: Profile, path: Path) -> Path:
    """Write the sample export of `profile` to `path` (CSV, UTF-8 with BOM, as Excel saves)."""
    with atomic_output(path) as tmp:
        generate(profile).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


MESSY_KEY = "mau-loi-2023-Q3"
MESSY = synthetic_profile("mau-loi", "Bắc Kạn", "2023-Q3", 8_000, seed=7)


def write_messy(profile: Profile, path: Path) -> Path:
    """Write an export as untidy as real ones: XLSX with banner rows above the header and a
    notes sheet, personal columns, NFD text and non-breaking spaces in categories, exact
    duplicate rows, and a few rows whose dates are impossible (result or due date before
    receipt)."""
    from openpyxl import Workbook

    df = generate(profile)
    rng = np.random.default_rng(profile.seed + 1)
    n = len(df)
    nfd = rng.random(n) < 0.2
    df.loc[nfd, "Lĩnh vực"] = df.loc[nfd, "Lĩnh vực"].map(
        lambda s: unicodedata.normalize("NFD", s))
    nbsp = rng.random(n) < 0.1
    df.loc[nbsp, "Cấp thực hiện"] = "\u00a0" + df.loc[nbsp, "Cấp thực hiện"].str.upper() + " "
    finished = df.index[df["Ngày có kết quả"] != ""]
    broken = rng.choice(finished, 5, replace=False)
    df.loc[broken[:3], "Ngày có kết quả"] = "01/01/2023 08:00"  # before receipt
    df.loc[broken[3:], "Ngày hẹn trả"] = "02/01/2023 17:00"
    df = pd.concat([df, df.iloc[[10, 20]]]).sort_values("STT", kind="stable")
    wb = Workbook(write_only=True)
    notes = wb.create_sheet("Ghi chú")
    notes.append(["Dữ liệu xuất từ Hệ thống thông tin giải quyết TTHC tỉnh"])
    ws = wb.create_sheet("Danh sách hồ sơ")
    ws.append([f"UBND TỈNH {profile.province.upper()}"])
    ws.append([f"BÁO CÁO DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH {profile.period}"])
    ws.append([])
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append(list(row))
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return path


PORTAL_SUFFIX = "-cong-dvcqg"


def write_portal(profile: Profile, path: Path) -> Path:
    """Write what the national portal would list for the sample export of `profile`, with
    the differences real portals show planted in known numbers: dossiers never synced (1%),
    dossiers only on the portal (0,2%), paused dossiers pushed as status 9 "finished", and
    end-of-processing dates a day later (0,5% of finished ones). Codes and dates only."""
    df = generate(profile)
    rng = np.random.default_rng(profile.seed + 766)
    fin = pd.to_datetime(df["Ngày có kết quả"], format="%d/%m/%Y %H:%M", errors="coerce")
    recv = pd.to_datetime(df["Ngày tiếp nhận"], format="%d/%m/%Y %H:%M", errors="coerce")
    from ..rules.policy import load_policy
    from ..rules.profiles import vocabulary

    labels = vocabulary().status_labels  # the national code list, from the rules
    code_of = {label: code for code, label in labels.items()}
    held = [labels[c] for c, t in load_policy("tt01").statuses.items() if t == "on_hold"]
    status = df["Trạng thái"].map(code_of).fillna(pd.Series(np.where(fin.notna(), "10", "4"),
                                                            index=df.index)).to_numpy()
    paused = df["Trạng thái"].isin(held).to_numpy()
    status[paused] = "9"
    fin = fin.where(~paused, recv + pd.Timedelta(days=7))
    later = (fin.notna() & (rng.random(len(df)) < 0.005)).to_numpy()
    fin[later] = fin[later] + pd.Timedelta(days=1)
    channel = df["Hình thức nộp"].map({"Trực tuyến": "2", "Trực tiếp": "1"}).fillna("3")
    portal = pd.DataFrame({
        "Mã hồ sơ": df["Mã hồ sơ"], "Trạng thái": status, "Ngày tiếp nhận": df["Ngày tiếp nhận"],
        "Ngày hẹn trả": df["Ngày hẹn trả"],
        "Ngày kết thúc xử lý": fin.dt.strftime("%d/%m/%Y %H:%M").fillna(""),
        "Kênh thực hiện": channel})
    portal = portal[rng.random(len(portal)) >= 0.01]  # never synced
    extra = portal.sample(frac=0.002, random_state=int(profile.seed)).copy()
    extra["Mã hồ sơ"] = extra["Mã hồ sơ"] + "-DVCQG"  # on the portal only
    portal = pd.concat([portal, extra], ignore_index=True)
    with atomic_output(path) as tmp:
        portal.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path
