"""The major/trade map: the catalogue's structure, everyday words, the notice buttons' format."""

from __future__ import annotations

import pytest

from yulu.bot.callbacks import JobAction
from yulu.bot.keyboards import render
from yulu.core.i18n import get_translator
from yulu.services.actions import notice_choices
from yulu.services.majors import ANY, major_map

MAJORS = major_map()


@pytest.mark.parametrize(
    ("said", "major"),
    [
        ("汽修", "汽车运用与维修"),
        ("汽车维修", "汽车运用与维修"),
        ("汽车检测与维修技术", "汽车运用与维修"),
        ("学汽修的", "汽车运用与维修"),
        ("电工", "电气设备运行与控制"),
        ("数控", "数控技术应用"),
        ("护理", "护理"),
        ("护士", "护理"),
        ("会计", "会计事务"),
        ("大数据与会计", "会计事务"),
        ("电商", "电子商务"),
        ("幼师", "幼儿保育"),
        ("学前教育", "幼儿保育"),
        ("计算机", "计算机应用"),
        ("计算机应用技术（高职）", "计算机应用"),
        ("电焊", "焊接技术应用"),
        ("厨师", "中餐烹饪"),
    ],
)
def test_everyday_words_reach_the_catalogue_major(said: str, major: str) -> None:
    assert MAJORS.resolve(said).major == major


def test_a_class_or_group_can_be_asked_for_and_unknown_majors_match_only_any() -> None:
    codes, unknown = MAJORS.requirement_codes("机械类；装备制造大类;护理;量子炼金术")
    assert codes == {"c:机械设计制造类": 2, "g:装备制造大类": 1, "m:护理": 3}
    assert unknown == ["量子炼金术"]
    assert MAJORS.requirement_codes("不限") == ({ANY: 0}, [])
    assert MAJORS.graduate_codes("量子炼金术") == {ANY: 0}
    assert MAJORS.graduate_codes("汽修") == {
        ANY: 0,
        "g:交通运输大类": 1,
        "c:道路运输类": 2,
        "m:汽车运用与维修": 3,
    }


def test_every_name_is_unique_and_the_map_is_big_enough_to_matter() -> None:
    names = MAJORS.names()
    assert len(names) == len(set(names)) > 600
    assert all(len(name) >= 2 for name in names)


def test_notice_buttons_unpack_as_job_actions() -> None:
    markup = render(get_translator(), notice_choices(123456789))
    row = markup.inline_keyboard[0]
    taps = [JobAction.unpack(b.callback_data) for b in row]
    assert [(tap.action, tap.posting_id) for tap in taps] == [("in", 123456789), ("no", 123456789)]
    assert [b.text for b in row] == ["✋ 感兴趣/报名", "🙅 不合适"]
    assert all(len(b.callback_data.encode()) <= 64 for b in row)


def test_an_action_too_long_for_telegram_is_refused_when_packed() -> None:
    from yulu.bot.keyboards import pack

    with pytest.raises(ValueError, match="64"):
        pack(("campaign", "answer", "x" * 40, 2026, "y" * 30))
