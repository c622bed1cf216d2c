"""Text written for the tests (the project ships no third-party text) and pages built from it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from boilerplate_ml.datagen.synth import Article, SynthConfig, synthesize_pages
from boilerplate_ml.pages import Page

LONG_PARAGRAPH = "这是一段专门为测试写的很长的正文段落，用来检验硬换行以后每一行仍然标为正文。" * 4

ARTICLES = [
    Article("a1", "城市公园今年新增三处步道", ["今年春天，城市公园新修了三处步道，方便市民散步。", "管理处表示，步道两旁还会种上本地树种。", LONG_PARAGRAPH]),
    Article("a2", "社区图书馆延长开放时间", ["从下个月起，社区图书馆每天开放到晚上九点。", "馆长说，这是根据读者留言作出的调整。"]),
    Article("a3", "学校食堂公开每周菜单", ["学校食堂开始在网上公布每周菜单。", "家长可以提前看到孩子每天吃什么。", "食堂还请家长代表每月来检查一次。"]),
    Article("a4", "今天的天气真好，出去走走", ["今天的天气真好，出去走走。"]),
]

#: A hand-written page: menus, a dated source line, a three-paragraph article, a footer.
PAGE_LINES = [
    ("首页 新闻 体育 财经 科技 房产 汽车", "navigation"),
    ("", None),
    ("当前位置：首页 > 新闻 > 本地", "navigation"),
    ("河边新建的自行车道本周开放", "content"),
    ("2024-03-02 10:15  来源：本报", "metadata"),
    ("\u3000\u3000", None),
    ("\u3000\u3000本周一，河边新建的自行车道正式开放，全长十二公里，沿途设有六个休息点。", "content"),
    ("", None),
    ("", None),
    ("  骑行爱好者说，这条路线风景很好，周末会带家人一起来。", "content"),
    ("管理部门提醒市民注意安全，夜间骑行请打开车灯。\r", "content"),
    ("分享到：微信 微博", "interaction"),
    ("Copyright © 2024 示例网 版权所有 京ICP备00000000号", "footer"),
]


def handwritten_page() -> Page:
    return Page("hand-1", "example.test", [t for t, _ in PAGE_LINES], [lab for _, lab in PAGE_LINES])


def generated_pages(num_pages: int = 40, seed: int = 7) -> list[Page]:
    return list(synthesize_pages(ARTICLES, SynthConfig(num_pages=num_pages, seed=seed)))


def write_articles(path: Path, copies: int = 3) -> None:
    """The tests' articles as a gzipped corpus file in the format of ../shared/data/articles."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for copy in range(copies):
            for article in ARTICLES:
                record = {"id": f"{article.id}-{copy}", "title": article.title, "text": "\n".join(article.paragraphs)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def warc_record(record_type: str, body: bytes, number: int, uri: str | None = None, content_type: str = "text/plain") -> bytes:
    """One WARC/1.0 record written by hand, as Common Crawl's WET files hold them."""
    headers = [f"WARC-Type: {record_type}", f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>",
               "WARC-Date: 2024-01-01T00:00:00Z", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    if uri:
        headers.insert(1, f"WARC-Target-URI: {uri}")
    return ("WARC/1.0\r\n" + "\r\n".join(headers) + "\r\n\r\n").encode() + body + b"\r\n\r\n"


def wet_file(pages: list[tuple[str, str]], encoding: str = "utf-8") -> bytes:
    """A WET file: a warcinfo record, then one conversion record per (URL, text) page."""
    records = [warc_record("warcinfo", b"software: tests\r\n", 0, content_type="application/warc-fields")]
    records += [warc_record("conversion", text.encode(encoding), n, uri) for n, (uri, text) in enumerate(pages, start=1)]
    return b"".join(records)
