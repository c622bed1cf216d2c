"""prepare-html on tiny pages written here: extraction, gold alignment, line rules, skipping."""

from __future__ import annotations

import json

import pytest

from boilerplate_ml.datagen.gold_align import align, normalise
from boilerplate_ml.datagen.html_extract import (
    EXTRACTORS,
    choose_extractor,
    extract_lines,
    html_title,
)
from boilerplate_ml.datagen.html_pages import Skipped, label_lines, prepare_html_dir, prepare_html_page
from boilerplate_ml.datagen.line_rules import RULES, label_line, match_rule
from boilerplate_ml.pages import Page, read_pages

pytest.importorskip("resiliparse")
pytest.importorskip("html_text")
pytest.importorskip("opencc")

BODY = [
    "小城的图书馆今年春天换了新的屋顶，馆长说雨季再也不用搬书了。",
    "工人们用了三个星期拆掉旧瓦，又在梁上铺了一层防水布。",
    "附近学校的孩子放学后常来这里写作业，阅览室的灯一直亮到晚上九点。",
]
MENU = ["首页", "新闻中心 | 体育 | 财经 | 娱乐", "登录 注册", "Copyright © 2024 某某网 版权所有"]
TITLE = "小城图书馆换新屋顶"

HTML = f"""<html><head><title>{TITLE}_某某网</title></head><body>
<ul><li>首页</li><li>新闻中心 | 体育 | 财经 | 娱乐</li></ul><div>登录 注册</div>
<h1>{TITLE}</h1>{''.join(f'<p>{p}</p>' for p in BODY)}
<div>Copyright © 2024 某某网 版权所有</div></body></html>"""
GOLD = "\n".join(BODY)


def test_alignment_marks_body_lines_content_and_menus_not() -> None:
    lines = MENU[:3] + [""] + BODY + MENU[3:]
    result = align(lines, GOLD)
    assert result.is_content == [False, False, False, None, True, True, True, False]
    assert result.gold_coverage > 0.99


def test_title_above_the_body_is_content_but_the_browser_title_line_is_not() -> None:
    lines = [f"{TITLE}_某某网", "首页", TITLE, *BODY]
    result = align(lines, GOLD, title=f"{TITLE}_某某网")
    assert result.is_content == [False, False, True, True, True, True]


def test_traditional_gold_aligns_with_simplified_lines() -> None:
    traditional = "小城的圖書館今年春天換了新的屋頂，館長說雨季再也不用搬書了。"
    assert normalise(traditional) == normalise(BODY[0])
    assert align(["首页", BODY[0]], traditional).is_content == [False, True]


def test_width_and_spacing_do_not_matter() -> None:
    assert normalise("ＡＢＣ　１２３，好 的") == normalise("abc123,好的")


def test_short_table_cells_inside_the_body_follow_the_gold() -> None:
    gold = BODY[0] + "\n姓名\n年龄\n" + BODY[1]
    lines = [BODY[0], "姓名", "年龄", BODY[1], "首页"]
    assert align(lines, gold).is_content == [True, True, True, True, False]


def test_dated_headline_lists_are_not_content_even_when_gold_has_them() -> None:
    items = ["图书馆换新屋顶后迎来首批读者 2024/05/02", "小城学校开放夜间自习室 2024/05/01"]
    assert align(items, "\n".join(items)).is_content == [False, False]


def test_page_whose_gold_does_not_align_is_skipped_with_a_reason() -> None:
    other_gold = "这是一篇完全不同的文章，讲的是山里的茶农如何在清明前采摘新茶并连夜炒制。"
    result = prepare_html_page("P1", HTML, other_gold, extractor="html_text")
    assert isinstance(result, Skipped)
    assert "coverage" in result.reason
    assert isinstance(prepare_html_page("P1", HTML, "  ", extractor="html_text"), Skipped)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_both_extractors_produce_lines_and_a_labelled_page(extractor: str) -> None:
    lines = [line.strip(" •") for line in extract_lines(HTML, extractor)]
    assert BODY[0] in lines and "登录 注册" in lines
    page = prepare_html_page("P2", HTML, GOLD, source="example.org", extractor=extractor)
    assert isinstance(page, Page) and page.source == "example.org"
    by_text = {text.strip(" •"): label for text, label in zip(page.texts, page.labels)}
    assert by_text[BODY[2]] == "content" and by_text[TITLE] == "content"
    assert by_text["登录 注册"] == "interaction"
    assert by_text["Copyright © 2024 某某网 版权所有"] == "footer"
    assert page.extra["extractor"] == extractor


def test_extractor_choice_is_deterministic_and_uses_both() -> None:
    assert choose_extractor("T1", seed=3) == choose_extractor("T1", seed=3)
    assert {choose_extractor(f"T{i}") for i in range(40)} == set(EXTRACTORS)
    assert html_title(HTML) == f"{TITLE}_某某网"


def test_replies_after_the_body_are_comments() -> None:
    reply = "我家附近的图书馆也该修修了，每次下雨都漏水。"
    lines = [*BODY, "路人甲 发表于 2024-5-3 10:00:00", reply]
    labels, _ = label_lines(lines, GOLD + "\n" + reply)
    assert labels == ["content", "content", "content", "comment", "comment"]


RULE_EXAMPLES = {
    "no_letters": "┌──┴──┐",
    "lone_number": "1,024",
    "stray_letters": "x",
    "watermark_garbage": ": K3 Q\" M( Z9 ^: T5 e- W, [",
    "icp_licence": "浙ICP备12345678号",
    "copyright": "Copyright©2010-2024 示例网",
    "powered_by": "Powered by Discuz! X3.4",
    "contact_line": "新闻热线:0571-1234567",
    "site_about": "关于我们 | 联系方式",
    "spider_pool": "主站蜘蛛池模板: 某某县| 某某市| 某某区",
    "adult_gambling": "百家乐在线开户",
    "medical_ad": "某地看白癜风哪家医院专业",
    "ad_marker": "广告",
    "sms_offer": "短信订阅每日新闻",
    "reply_header": "小明 发表于 2024-5-16 05:29:36",
    "account": "马上注册，结交更多好友",
    "share": "扫一扫，分享到微信朋友圈",
    "report_reply": "使用道具 举报",
    "comment_prompt": "还没有评论，快来抢沙发吧！",
    "click_download": "点击查看原图",
    "source_byline": "编辑:王小明",
    "counts": "浏览次数：128",
    "date_line": "2024-05-28 09:13:14",
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_rule_fires_on_its_example(rule) -> None:
    matched = match_rule(RULE_EXAMPLES[rule.name])
    assert matched is not None and matched.name == rule.name
    assert label_line(RULE_EXAMPLES[rule.name]) == rule.label


def test_unmatched_lines_and_invisible_lines_get_their_defaults() -> None:
    assert label_line("体育新闻") == "navigation"
    assert label_line("\u200b\ufeff") == "noise"


def test_prepare_html_dir_writes_pages_and_a_report(tmp_path) -> None:
    html_dir = tmp_path / "html"
    html_dir.mkdir()
    (html_dir / "A1.html").write_text(HTML, encoding="utf-8")
    (html_dir / "A1.gold.txt").write_text(GOLD, encoding="utf-8")
    (html_dir / "A2.html").write_text(HTML, encoding="utf-8")
    (html_dir / "A3.html").write_bytes(HTML.encode("gb18030"))  # another encoding: skipped, not guessed
    (html_dir / "A3.gold.txt").write_text(GOLD, encoding="utf-8")
    index = tmp_path / "index.jsonl"
    index.write_text(
        json.dumps({"id": "A1", "site": "a.example", "has_gold": True}) + "\n"
        + json.dumps({"id": "A2", "site": "a.example", "has_gold": False}) + "\n"
        + json.dumps({"id": "A3", "site": "a.example", "has_gold": True}) + "\n",
        encoding="utf-8",
    )
    reports = prepare_html_dir(html_dir, index, tmp_path / "out.jsonl", tmp_path / "report.jsonl")
    assert [(r.id, r.prepared, r.skipped_reason) for r in reports][:2] == [
        ("A1", True, None), ("A2", False, "no gold text")]
    assert not reports[2].prepared and reports[2].skipped_reason.startswith("not UTF-8 (invalid")
    [page] = read_pages(tmp_path / "out.jsonl")
    assert page.source == "a.example" and "content" in page.labels
    assert len((tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()) == 3
