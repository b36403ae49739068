"""Checks: the seeds' verdicts, the verdict arithmetic, and property tests on generated
articles (figures that agree are never flagged; change one and it is; rounding noise is not)."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.api import extract_text
from extractor.checks import check_conflicts, decimals_of, verdict

from conftest import SEEDS, run_cchc


def checks_of(text):
    return [r for r in extract_text(text, prefilter=False) if r["kind"] == "check"]


@pytest.fixture(scope="module")
def seed_checks():
    r = run_cchc("extract", str(SEEDS), "-q")
    recs = [json.loads(x) for x in r.stdout.decode().splitlines()]
    out = {}
    for x in recs:
        if x["kind"] == "check":
            out.setdefault(x["source"].rsplit("/", 1)[-1][:3], []).append(x)
    return out


def test_only_seed_002_has_a_mismatch(seed_checks):
    mismatches = {k: [c for c in v if c["status"] == "mismatch"] for k, v in seed_checks.items()}
    assert [k for k, v in mismatches.items() if v] == ["002"]
    (m,) = mismatches["002"]
    assert (m["check"], m["reported"], m["expected"]) == ("rate", 0.72, 0.24)
    assert len(m["figures"]) == 3  # the rate, its part (3 late) and its whole (1.245 received)


def test_seed_000_truncations_are_rounding(seed_checks):
    rounding = {c["reported"] for c in seed_checks["000"] if c["status"] == "rounding"}
    assert rounding == {0.63, 4.68}


def test_every_seed_sum_is_checked_and_ok(seed_checks):
    sums = sorted((c["reported"], c["status"]) for cs in seed_checks.values() for c in cs if c["check"] == "sum")
    assert sums == [(64, "ok"), (80, "ok"), (118, "ok"), (201, "ok"), (1245, "ok"), (5032, "ok"), (36075, "ok")]


def test_target_claim():
    (c,) = checks_of("tỷ lệ thanh toán trực tuyến đạt 42,4% (vượt chỉ tiêu Chính phủ giao là 30%).")
    assert (c["check"], c["status"]) == ("target", "ok")
    (c,) = checks_of("tỷ lệ thanh toán trực tuyến đạt 22,4% (vượt chỉ tiêu Chính phủ giao là 30%).")
    assert (c["check"], c["status"]) == ("target", "mismatch")


@pytest.mark.parametrize("computed,stated,d,want", [
    (0.2409, 0.72, 2, "mismatch"), (0.6376, 0.63, 2, "rounding"), (4.6875, 4.68, 2, "rounding"),
    (98.928, 98.93, 2, "ok"), (95.3125, 95.31, 2, "ok"), (97.6, 98, 0, "ok"), (97.4, 98, 0, "rounding"),
    (96.2, 98, 0, "mismatch"), (0.125, 0.13, 2, "ok"),
])
def test_verdict(computed, stated, d, want):
    assert verdict(computed, stated, d) == want


def test_decimals_as_written():
    assert [decimals_of(s) for s in ("0,72%", "98%", "99.36%", "17,6 %")] == [2, 0, 2, 1]


def test_ambiguous_wholes_are_left_unchecked():
    # two different received figures before the rate, no subject to tell them apart: say nothing
    text = "Sở Tư pháp tiếp nhận 1.200 hồ sơ, Sở Nội vụ tiếp nhận 800 hồ sơ, trễ hạn 3 hồ sơ, tỷ lệ 0,72%."
    assert not [c for c in checks_of(text) if c["check"] == "rate"]
    # the subject tells them apart: the late dossiers are the district's
    text = "Cấp tỉnh tiếp nhận 1.200 hồ sơ, cấp huyện tiếp nhận 800 hồ sơ, trễ hạn 3 hồ sơ, tỷ lệ 0,38%."
    (c,) = [c for c in checks_of(text) if c["check"] == "rate"]
    assert c["status"] == "ok" and c["expected"] == 0.38 and c["reported"] == 0.38


def test_conflicts_across_articles():
    a = extract_text("Năm 2023, huyện Kiến Thụy tiếp nhận 1.245 hồ sơ.", source="a.txt", prefilter=False)
    b = extract_text("Năm 2023, huyện Kiến Thụy tiếp nhận 1.254 hồ sơ.", source="b.txt", prefilter=False)
    c = extract_text("Năm 2022, huyện Kiến Thụy tiếp nhận 900 hồ sơ.", source="c.txt", prefilter=False)
    (conflict,) = check_conflicts(a + b + c)
    assert conflict["check"] == "conflict" and conflict["status"] == "mismatch"
    assert conflict["reported"] == [1245, 1254] and "a.txt" in conflict["message"] and "b.txt" in conflict["message"]


# ---------------------------------------------------------------- property tests

def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def pct(x: float) -> str:
    """Rounded half up, the way a person rounds (Python's format rounds half to even)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def trunc(x: float) -> float:
    return int(x * 100) / 100


def received_text(received, on_time, late, rate):
    return (f"Kết quả, trong quý I.2024, bộ phận Một cửa huyện tiếp nhận {vn(received)} hồ sơ, trong đó: "
            f"hồ sơ giải quyết đúng hạn, trước hạn {vn(on_time)} hồ sơ, trễ hạn {vn(late)} hồ sơ, tỷ lệ {rate}%.")


def resolved_text(resolved, received, on_time, late, r1, r2, r3):
    return (f"Đã giải quyết: {vn(resolved)}/{vn(received)} hồ sơ đạt tỷ lệ {r1}%, trong đó, đúng hạn là {vn(on_time)} "
            f"hồ sơ, chiếm tỷ lệ {r2}%; trễ hạn {vn(late)} hồ sơ, tỷ lệ {r3}%.")


def procedures_text(full, partial, info, total):
    return (f"Hiện tại, cấp huyện có {vn(total)} thủ tục hành chính đang được áp dụng, trong đó có {vn(full)} thủ tục "
            f"hành chính toàn trình, {vn(partial)} thủ tục hành chính một phần và {vn(info)} thủ tục hành chính cung cấp thông tin.")


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
counts = st.integers(min_value=1, max_value=60000)


@SETTINGS
@given(on_time=counts, late=st.integers(min_value=1, max_value=5000))
def test_agreeing_figures_are_not_flagged(on_time, late):
    received = on_time + late
    cs = checks_of(received_text(received, on_time, late, pct(late / received * 100)))
    assert {c["check"] for c in cs} == {"rate", "sum"}
    assert all(c["status"] == "ok" for c in cs), cs


@SETTINGS
@given(on_time=counts, late=st.integers(min_value=1, max_value=5000))
def test_rounding_noise_is_not_a_mismatch(on_time, late):
    received = on_time + late
    exact = late / received * 100
    for stated in (trunc(exact), trunc(exact) + 0.01):  # truncated, or one unit up: within one unit
        cs = checks_of(received_text(received, on_time, late, pct(max(stated, 0))))
        assert not [c for c in cs if c["status"] == "mismatch"], cs


@SETTINGS
@given(on_time=counts, late=st.integers(min_value=1, max_value=5000), which=st.sampled_from(["received", "late", "rate"]),
       delta=st.integers(min_value=2, max_value=500))
def test_changing_one_figure_is_flagged(on_time, late, which, delta):
    received = on_time + late
    rate = late / received * 100
    if which == "received":
        received += delta
    elif which == "late":
        late += delta
    else:
        rate += delta / 10 + 0.05
    cs = checks_of(received_text(received, on_time, late, pct(rate)))
    assert [c for c in cs if c["status"] == "mismatch"], cs


@SETTINGS
@given(on_time=counts, late=st.integers(min_value=1, max_value=5000), pending=st.integers(min_value=0, max_value=5000))
def test_resolved_breakdown_agrees(on_time, late, pending):
    resolved = on_time + late
    received = resolved + pending
    text = resolved_text(resolved, received, on_time, late, pct(trunc(resolved / received * 100)),
                         pct(trunc(on_time / resolved * 100)), pct(trunc(late / resolved * 100)))
    cs = checks_of(text)
    assert len([c for c in cs if c["check"] == "rate"]) == 3
    assert not [c for c in cs if c["status"] == "mismatch"], cs


@SETTINGS
@given(full=st.integers(0, 900), partial=st.integers(0, 900), info=st.integers(0, 300), off=st.integers(-50, 50))
def test_procedure_sums(full, partial, info, off):
    total = full + partial + info + off
    if total <= 0:
        return
    (c,) = [c for c in checks_of(procedures_text(full, partial, info, total)) if c["check"] == "sum"]
    assert c["status"] == ("ok" if off == 0 else "mismatch")


def test_check_command(tmp_path):
    r = run_cchc("check", str(SEEDS))
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "DOES NOT ADD UP" in out and "3 of 1.245 is 0,2410%" in out and "« Kết quả, trong quý I.2024" in out
    assert run_cchc("check", str(SEEDS), "--fail-on", "mismatch").returncode == 1
    j = run_cchc("check", str(SEEDS), "--format", "jsonl")
    recs = [json.loads(x) for x in j.stdout.decode().splitlines()]
    assert {r["status"] for r in recs} == {"ok", "rounding", "mismatch"}
