"""Offline matching of hotline address texts against the NBS register, inside a scope."""

from __future__ import annotations

import random
import time

import pytest

from services.territory.address import AddressMatch, AddressMatcher, MatchKind, MatchStatus
from services.territory.register import Level, Register


@pytest.fixture(scope="module")
def zj() -> Register:
    return Register.load("330000")


@pytest.fixture(scope="module")
def xihu(zj: Register) -> AddressMatcher:
    return AddressMatcher(zj, "330106")


def _kinds(m: AddressMatch) -> dict[Level, MatchKind]:
    return {p.level: p.kind for p in m.path}


def test_full_address_down_to_the_village(xihu: AddressMatcher) -> None:
    m = xihu.match("西湖区三墩镇绕城村5组有人乱倒垃圾")
    assert m.status is MatchStatus.MATCHED
    assert m.level is Level.COMMUNITY
    assert m.code == m.community_code == "330106109233"
    assert m.township_code == "330106109"
    assert [(p.code, p.name) for p in m.path] == [
        ("33", "浙江省"),
        ("3301", "杭州市"),
        ("330106", "西湖区"),
        ("330106109", "三墩镇"),
        ("330106109233", "绕城村委会"),
    ]
    assert _kinds(m) == {
        Level.PROVINCE: MatchKind.IMPLIED,
        Level.CITY: MatchKind.IMPLIED,
        Level.COUNTY: MatchKind.FULL,
        Level.TOWNSHIP: MatchKind.FULL,
        Level.COMMUNITY: MatchKind.USUAL,
    }
    assert m.path[-1].text == "绕城村"
    assert m.confidence == 1.0


def test_unknown_community_stops_at_the_township(xihu: AddressMatcher) -> None:
    m = xihu.match("杭州市西湖区文新街道xx社区xx号")
    assert (m.status, m.level, m.code) == (MatchStatus.MATCHED, Level.TOWNSHIP, "330106013")
    assert m.name_at(Level.TOWNSHIP) == "文新街道"
    assert m.confidence == 1.0
    assert "xx社区 is not in the register under 文新街道" in m.reason

    m = xihu.match("三墩镇某村")
    assert (m.level, m.code) == (Level.TOWNSHIP, "330106109")
    assert "某村 is not in the register under 三墩镇" in m.reason


def test_suffixless_township(xihu: AddressMatcher) -> None:
    m = xihu.match("浙江省杭州市西湖区留下")
    assert (m.status, m.level, m.code) == (MatchStatus.MATCHED, Level.TOWNSHIP, "330106009")
    assert m.path[-1].kind is MatchKind.BARE and m.path[-1].text == "留下"
    assert 0.7 <= m.confidence < 1.0
    assert "留下→留下街道 (without suffix)" in m.reason


def test_suffixless_community(xihu: AddressMatcher) -> None:
    m = xihu.match("文新街道湖畔")
    assert (m.level, m.code) == (Level.COMMUNITY, "330106013001")
    assert m.path[-1].kind is MatchKind.BARE
    # A bare community name of 3+ characters stands alone at the start: 古荡湾社区 is in 翠苑街道,
    # not in 古荡街道 (whose bare name 古荡 it starts with).
    m = xihu.match("古荡湾那边吵架")
    assert (m.level, m.code) == (Level.COMMUNITY, "330106005059")
    # A two-character bare community name needs its township before it.
    assert xihu.match("湖畔").status is MatchStatus.NONE


def test_other_suffix_and_usual_forms(xihu: AddressMatcher) -> None:
    m = xihu.match("西湖区三墩街道")  # a town called a subdistrict
    assert (m.code, m.path[-1].kind) == ("330106109", MatchKind.OTHER_SUFFIX)
    assert m.confidence < 1.0
    m = xihu.match("西湖街道办事处")
    assert (m.code, m.path[-1].kind) == ("330106008", MatchKind.USUAL)


def test_typo(xihu: AddressMatcher) -> None:
    m = xihu.match("三敦镇绕城村")
    assert (m.level, m.code) == (Level.COMMUNITY, "330106109233")
    assert _kinds(m)[Level.TOWNSHIP] is MatchKind.TYPO
    assert m.confidence <= 0.7
    assert "三敦镇→三墩镇 (one character differs)" in m.reason
    m = xihu.match("地址：西湖区文新街导湖畔社区")
    assert (m.level, m.code) == (Level.COMMUNITY, "330106013001")


def test_ambiguous_community_in_a_city(zj: Register) -> None:
    hangzhou = AddressMatcher(zj, "3301")
    m = hangzhou.match("凤凰社区门口")
    assert m.status is MatchStatus.AMBIGUOUS
    assert sorted(c.code for c in m.candidates) == ["330102009061", "330106010039"]
    assert (m.level, m.code) == (Level.CITY, "3301")
    assert m.confidence == 0.5
    assert m.reason.startswith("ambiguous among 2 community candidates")
    m = hangzhou.match("转塘街道凤凰社区")
    assert (m.status, m.code) == (MatchStatus.MATCHED, "330106010039")
    # A county console sees only its own 凤凰社区.
    assert AddressMatcher(zj, "330106").match("凤凰社区").code == "330106010039"


def test_ambiguous_village_in_a_county(zj: Register) -> None:
    xiaoshan = AddressMatcher(zj, "330109")
    m = xiaoshan.match("萧山区东风村")
    assert m.status is MatchStatus.AMBIGUOUS
    assert (m.level, m.code) == (Level.COUNTY, "330109")
    assert _kinds(m)[Level.COUNTY] is MatchKind.FULL
    assert sorted(c.code for c in m.candidates) == ["330109006202", "330109102264"]
    assert "南阳街道东风村委会 (330109006202)" in m.reason
    assert xiaoshan.match("戴村镇东风村").code == "330109102264"


def test_outside_the_scope(xihu: AddressMatcher) -> None:
    m = xihu.match("杭州市上城区小营街道")
    assert m.status is MatchStatus.OUTSIDE
    assert m.code is None and m.level is Level.NONE and m.path == ()
    assert [c.code for c in m.candidates] == ["330102004"]
    assert m.reason.startswith("outside the scope 西湖区 (330106): 上城区小营街道 (330102004)")

    m = xihu.match("城东街道123号")  # five of them in Zhejiang, none in 西湖区
    assert m.status is MatchStatus.OUTSIDE
    assert len(m.candidates) == 5 and m.confidence == 0.2

    m = xihu.match("甘肃省兰州市城关区")
    assert m.status is MatchStatus.OUTSIDE
    assert [c.code for c in m.candidates] == ["620102"]


def test_inside_beats_a_stray_name_outside(xihu: AddressMatcher) -> None:
    m = xihu.match("西湖区城东街道")
    assert (m.status, m.level, m.code) == (MatchStatus.MATCHED, Level.COUNTY, "330106")
    assert "ignored 城东街道 outside the scope" in m.reason
    assert m.confidence < 1.0


def test_bare_names_elsewhere_are_not_outside(xihu: AddressMatcher) -> None:
    m = xihu.match("莫干山路12号")
    assert m.status is MatchStatus.NONE
    assert "only bare names elsewhere" in m.reason


def test_names_above_the_scope(xihu: AddressMatcher) -> None:
    m = xihu.match("浙江省杭州市")
    assert (m.status, m.level, m.code) == (MatchStatus.MATCHED, Level.CITY, "3301")


@pytest.mark.parametrize(
    "text", ["", "今天天气很好", "12345", "！！！？？", "asdf qwer", "的的的的的的"]
)
def test_garbage(xihu: AddressMatcher, text: str) -> None:
    m = xihu.match(text)
    assert m.status is MatchStatus.NONE
    assert m.code is None and m.confidence == 0.0 and m.candidates == ()


def test_bad_scope(zj: Register) -> None:
    with pytest.raises(ValueError, match="not a loaded region"):
        AddressMatcher(zj, "620102")
    with pytest.raises(ValueError, match="not a loaded region"):
        AddressMatcher(zj, "330199")
    with pytest.raises(ValueError):
        AddressMatcher(zj, "3301x")


def test_township_scope(zj: Register) -> None:
    sandun = AddressMatcher(zj, "330106109")
    assert sandun.match("绕城村").code == "330106109233"
    assert sandun.match("文新街道湖畔社区").status is MatchStatus.OUTSIDE


def test_gansu_county() -> None:
    gs = Register.load("620000")
    chengguan = AddressMatcher(gs, "620102")
    m = chengguan.match("甘肃省兰州市城关区酒泉路街道")
    assert (m.level, m.code) == (Level.TOWNSHIP, "620102001")
    m = chengguan.match("城关区张掖路")  # 张掖 is also a city: the chain keeps the township
    assert (m.level, m.code) == (Level.TOWNSHIP, "620102002")
    assert chengguan.match("西湖区三墩镇").status is MatchStatus.OUTSIDE


def _texts(reg: Register, scope: str, n: int) -> list[str]:
    rng = random.Random(5)
    coms = [c for c in reg.communities() if c.code.startswith(scope)]
    towns = reg.townships()
    junk = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多"
    out = []
    for i in range(n):
        c = rng.choice(coms)
        town = reg.township(c.township_code)
        county = reg.area(c.code[:6])
        assert town is not None and county is not None
        name = c.name.replace("村委会", "村").replace("社区居委会", "社区")
        out.append(
            [
                f"{county.name}{town.name}{name}{rng.randint(1, 99)}号",
                f"{town.name}某村附近有人乱倒垃圾",
                f"浙江省杭州市{county.name}{town.name[:2]}",
                f"{name}门口噪音扰民",
                f"{rng.choice(towns).name}{rng.randint(1, 200)}号",
                "".join(rng.choice(junk) for _ in range(rng.randint(5, 40))),
            ][i % 6]
        )
    return out


def test_match_speed(zj: Register, xihu: AddressMatcher) -> None:
    """CPU time per match (wall time on two shared cores is noisy): p50 and p99."""
    texts = _texts(zj, "330106", 2_000)
    cpu = []
    for t in texts:
        t0 = time.thread_time()
        m = xihu.match(t)
        cpu.append(time.thread_time() - t0)
        assert 0.0 <= m.confidence <= 1.0
    cpu.sort()
    p50, p99 = cpu[len(cpu) // 2] * 1e3, cpu[int(len(cpu) * 0.99)] * 1e3
    print(f"match CPU time over {len(cpu)} texts: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    assert p50 < 2.0 and p99 < 10.0
