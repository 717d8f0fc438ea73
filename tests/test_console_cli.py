"""The command line: wall options given before or after the subcommand both count."""

from __future__ import annotations

import pytest

import console


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "--center", "330106", "screenshot", "--out", "w.png"],
        ["screenshot", "--out", "w.png", "--lang", "en", "--center", "330106"],
    ],
)
def test_wall_options_count_on_either_side_of_screenshot(argv: list[str]) -> None:
    args = console._parser().parse_args(argv)
    assert (args.lang, args.center, args.theme) == ("en", "330106", "dark")


def test_wall_option_defaults() -> None:
    for argv in ([], ["screenshot", "--out", "w.png"]):
        args = console._parser().parse_args(argv)
        assert (args.lang, args.center, args.theme, args.scale) == ("zh_CN", None, "dark", None)
