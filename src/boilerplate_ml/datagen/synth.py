"""Seeded generator of synthetic labelled pages: real article text wrapped in generated boilerplate.

Real labelled pages are few (142 in train), so the model sees few site layouts. Here each page
is a page *kind* (news portal, e-paper, Discuz thread, blog, government notice, repost with
ads, SEO-hacked page, list/home page with no article, archive page of post excerpts) built from blocks whose labels follow
../shared/LABELS.md, then given a *surface* (indentation, bullets, blank-line pattern,
Traditional script, half-width punctuation, hard wrapping) so that the model cannot key on one
site's formatting. Same articles + same config = same pages.

Usage::

    articles = load_articles(sorted(Path("shared/data/articles").glob("*.jsonl.gz")), 5000, seed=0)
    pages = list(synthesize_pages(articles, SynthConfig(num_pages=2000, seed=0)))
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from boilerplate_ml.datagen import boilerplate_library as lib
from boilerplate_ml.datagen.chinese_script import script_converter
from boilerplate_ml.documents import jsonl_document
from boilerplate_ml.jsonl import InputError, numbered_lines, open_binary
from boilerplate_ml.labels import is_blank
from boilerplate_ml.pages import Page

Line = tuple[str, str]

#: Shares of page kinds; list pages (no article) are frequent on the real web and in dev.
DEFAULT_KIND_WEIGHTS: dict[str, float] = {
    "news": 0.27,
    "epaper": 0.07,
    "forum": 0.13,
    "blog": 0.10,
    "gov": 0.08,
    "repost": 0.10,
    "seo": 0.07,
    "list": 0.18,
    "archive": 0.07,
}


@dataclass
class Article:
    """Article text to put in a page: a title and its paragraphs."""

    id: str
    title: str
    paragraphs: list[str]
    traditional: bool = False


@dataclass
class SynthConfig:
    """What to generate; an unknown keyword is a TypeError, an unknown kind a ValueError."""

    num_pages: int = 1000
    seed: int = 0
    kind_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))
    #: share of pages converted to Traditional script (pages of Traditional articles always are)
    traditional_rate: float = 0.1
    #: share of article pages whose long paragraphs are hard-wrapped at a fixed width
    wrap_rate: float = 0.08
    #: share of article pages whose body uses half-width punctuation (``,`` for ``，``)
    half_width_rate: float = 0.12
    #: share of article bodies with a list or table of short lines (items and their details)
    body_list_rate: float = 0.12
    #: mean pages per fake site, so that splitting by ``Page.source`` keeps a site's layout together
    pages_per_site: float = 3.0
    #: long laws and essays are cut so one article does not dominate a batch
    max_body_paragraphs: int = 40
    max_body_chars: int = 6000
    id_prefix: str = "syn"

    def __post_init__(self) -> None:
        unknown = set(self.kind_weights) - set(DEFAULT_KIND_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown page kinds {sorted(unknown)}; known: {sorted(DEFAULT_KIND_WEIGHTS)}")
        if sum(self.kind_weights.values()) <= 0:
            raise ValueError("kind_weights must have a positive total")
        for name in ("traditional_rate", "wrap_rate", "half_width_rate", "body_list_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")


# --- loading articles ------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_TRAD_ONLY = set("這們來說對時會為國與於學發經過還點體關開問題個裡後麼樣種實現從動當應")
_SIMP_ONLY = set("这们来说对时会为国与于学发经过还点体关开问题个里后么样种实现从动当应")


def _looks_traditional(text: str) -> bool:
    trad = sum(ch in _TRAD_ONLY for ch in text)
    return trad > 2 * sum(ch in _SIMP_ONLY for ch in text) and trad >= 3


def _split_long_text(text: str, rng: random.Random) -> list[str]:
    """Cut a text that has no paragraph breaks into paragraphs of 2-5 sentences."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(2, 5)
        paragraphs.append("".join(sentences[:take]).strip())
        sentences = sentences[take:]
    return paragraphs


def _derive_title(paragraphs: list[str]) -> str:
    """A headline for an untitled article: its first sentence or clause, cut short."""
    first = re.split(r"[。！？!?]", paragraphs[0], maxsplit=1)[0]
    if len(first) > 30:
        first = re.split(r"[，,；;：:]", first, maxsplit=1)[0][:28]
    return first.strip()


def _article_from_record(record: dict, rng: random.Random) -> Article | None:
    text = str(record.get("text") or "")
    paragraphs = [p.strip().lstrip("#> ").strip() for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p and not p.startswith(("```", "![", "<"))]
    if sum(len(p) for p in paragraphs) < 80:
        return None
    if len(paragraphs) == 1 and len(paragraphs[0]) > 250:
        paragraphs = _split_long_text(paragraphs[0], rng)
    title = str(record.get("title") or "").strip() or _derive_title(paragraphs)
    if not title:
        return None
    return Article(str(record.get("id", "")), title, paragraphs, _looks_traditional(text[:2000]))


def load_articles(paths: Iterable[str | Path], max_articles: int, seed: int = 0) -> list[Article]:
    """Sample up to ``max_articles`` articles, an equal quota per file, by reservoir sampling.

    Only the sampled raw lines are parsed, so the 117 MB corpus costs one gunzip pass.
    """
    paths = list(paths)
    if not paths or max_articles <= 0:
        return []
    rng = random.Random(f"load-{seed}")
    quota = max(1, -(-max_articles // len(paths)))
    articles: list[Article] = []
    for path in paths:
        reservoir: list[tuple[int, bytes]] = []
        with open_binary(path) as handle:
            for i, item in enumerate(numbered_lines(handle, str(path))):
                if len(reservoir) < quota:
                    reservoir.append(item)
                elif (j := rng.randint(0, i)) < quota:
                    reservoir[j] = item
        for line_number, raw in reservoir:
            document = jsonl_document(raw, f"{path}:{line_number}", "text")
            if isinstance(document, InputError):
                raise document
            article = _article_from_record(document.record, rng)
            if article is not None:
                articles.append(article)
    rng.shuffle(articles)
    return articles[:max_articles]


# --- surface style ------------------------------------------------------------------------------


_HALF_WIDTH = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})


@dataclass
class _Site:
    """A fake site: its name, host and the layout choices its pages share."""

    name: str
    domain: str
    city: str
    menu: list[str]
    submenu: list[str]
    footer: list[Line]
    bullet: str
    inline_menu: bool
    indent: str
    body_spaced: bool
    block_gap: float
    list_spaced: bool


@dataclass
class _Style:
    """Per-page surface choices on top of the site's."""

    traditional: bool = False
    wrap_width: int = 0
    half_width: bool = False
    blank_texts: tuple[str, ...] = ("",)


class _PageBuilder:
    """Collects labelled blocks and lays them out with the site's blank-line pattern."""

    def __init__(self, rng: random.Random, site: _Site, style: _Style) -> None:
        self.rng, self.site, self.style = rng, site, style
        self.blocks: list[tuple[list[Line], bool]] = []

    def add(self, lines: list[Line], spaced: bool | None = None) -> None:
        if lines:
            self.blocks.append((lines, self.site.list_spaced if spaced is None else spaced))

    def one(self, text: str, label: str) -> None:
        self.add([(text, label)])

    def items(self, items: list[str], label: str, inline: bool | None = None) -> None:
        """A menu or list: one item per line with the site's bullet, or several joined on a line."""
        if not items:
            return
        inline = self.site.inline_menu if inline is None else inline
        if inline:
            sep = self.rng.choice((" ", "  ", " | ", " - ", "\u3000", " · ", "|"))
            per_line = self.rng.randint(6, 25)
            self.add([(sep.join(items[i : i + per_line]), label) for i in range(0, len(items), per_line)])
        else:
            self.add([(self.site.bullet + item, label) for item in items])

    def build(self) -> tuple[list[str], list[str | None]]:
        texts: list[str] = []
        labels: list[str | None] = []

        def blank() -> None:
            if texts and not is_blank(texts[-1]):
                texts.append(self.rng.choice(self.style.blank_texts))
                labels.append(None)

        convert = script_converter("s2t") if self.style.traditional else None
        for lines, spaced in self.blocks:
            if self.rng.random() < self.site.block_gap:
                blank()
            for k, (text, label) in enumerate(lines):
                if spaced and k:
                    blank()
                text = convert(text) if convert else text
                texts.append(text)
                labels.append(None if is_blank(text) else label)
        while texts and is_blank(texts[-1]):
            texts.pop()
            labels.pop()
        return texts, labels


# --- shared page parts -------------------------------------------------------------------------


@dataclass
class _Context:
    rng: random.Random
    site: _Site
    style: _Style
    config: SynthConfig
    articles: list[Article]
    short_posts: list[str]

    def other_titles(self, k: int) -> list[str]:
        return [a.title for a in self.rng.sample(self.articles, min(k, len(self.articles)))]

    def headline(self, title: str) -> str:
        """Another article's title as a list entry: bare, dated, tagged or cut with an ellipsis."""
        rng = self.rng
        roll = rng.random()
        if len(title) > 18 and roll < 0.2:
            return title[: rng.randint(12, 18)] + rng.choice(("...", "…", "..."))
        if roll < 0.45:
            gap = rng.choice(("  ", " ", "\t"))
            return f"{title}{gap}{lib.date_time(rng, rng.choice(('iso_date', 'iso')))[5:]}"
        if roll < 0.6:
            return f"[{rng.choice(lib.CHANNELS)}] {title}"
        if roll < 0.68:
            return f"· {title}"
        return title

    def comment(self) -> str:
        if self.short_posts and self.rng.random() < 0.35:
            return self.rng.choice(self.short_posts)
        return lib.comment_text(self.rng)


def _new_site(rng: random.Random, kind: str) -> _Site:
    city = rng.choice(lib.CITIES)
    if kind == "forum":
        name, host = city + rng.choice(lib.FORUM_SITE_SUFFIXES), "bbs"
    elif kind == "gov":
        name, host = f"{city}市人民政府" if rng.random() < 0.6 else f"{city}市{rng.choice(('教育局', '生态环境局', '卫生健康委员会', '发展和改革委员会', '住房和城乡建设局'))}", "www"
    elif kind == "blog":
        name, host = lib.person_name(rng) + rng.choice(lib.BLOG_SUFFIXES), "blog"
    elif kind == "epaper":
        name, host = city + rng.choice(("日报", "晚报", "商报", "都市报")), "epaper"
    else:
        name, host = (city if rng.random() < 0.7 else rng.choice(lib.PROVINCES)) + rng.choice(lib.NEWS_SITE_SUFFIXES), ""
    domain = lib.domain_name(rng, host)
    if kind == "gov":
        domain = f"www.{lib.pinyin_word(rng)}.gov.cn"
        menu = [m.format(city=city) for m in rng.sample(lib.GOV_MENU, rng.randint(6, 12))]
    else:
        menu = lib.menu_items(rng, rng.randint(8, 30), city)
    footer: list[Line] = []
    if rng.random() < 0.7:
        footer.append((rng.choice((" | ", " - ", "  ", "｜")).join(rng.sample(lib.SITE_SERVICE_LINKS, rng.randint(4, 9))), "footer"))
    footer.append((lib.copyright_line(rng, name, domain.removeprefix("www.")), "footer"))
    if kind == "gov":
        footer += [(t, "footer") for t in lib.gov_footer_lines(rng, name)]
    else:
        footer += [(lib.icp_line(rng), "footer")] if rng.random() < 0.8 else []
        footer += [(lib.contact_line(rng), "footer") for _ in range(rng.choice((0, 1, 1, 2, 3)))]
    if kind == "forum":
        footer += [(t, "footer") for t in lib.discuz_footer_lines(rng, name)]
    footer = list(dict.fromkeys(footer))
    rng.shuffle(footer)
    return _Site(
        name=name,
        domain=domain,
        city=city,
        menu=menu,
        submenu=rng.sample(lib.SUBCHANNELS, rng.randint(0, 12)),
        footer=footer,
        bullet=rng.choice(("", "", "  • ", "  • ", "    • ", "· ", "\u3000")),
        inline_menu=rng.random() < 0.35,
        indent=rng.choice(("", "", "\u3000\u3000", "\u3000\u3000", "    ", "\xa0\xa0\xa0\xa0", "  ", "\t\t")),
        body_spaced=rng.random() < 0.65,
        block_gap=rng.choice((0.0, 0.3, 0.6, 0.9)),
        list_spaced=rng.random() < 0.12,
    )


def _new_style(rng: random.Random, config: SynthConfig, article: Article | None) -> _Style:
    traditional = rng.random() < config.traditional_rate or (article is not None and article.traditional and rng.random() < 0.85)
    return _Style(
        traditional=traditional,
        wrap_width=rng.choice((20, 30, 36, 40, 50, 76)) if article and rng.random() < config.wrap_rate else 0,
        half_width=bool(article) and rng.random() < config.half_width_rate,
        blank_texts=rng.choice((("",), ("",), ("", " "), ("\u3000",), ("", "\xa0"), ("  ",))),
    )


def _browser_title(ctx: _Context, title: str) -> Line:
    sep = ctx.rng.choice(("_", "_", "-", " - ", "|", " | ", "--", "——"))
    suffix = ctx.site.name if ctx.rng.random() < 0.7 else f"{ctx.rng.choice(lib.CHANNELS)}{sep}{ctx.site.name}"
    return (f"{title}{sep}{suffix}", "navigation")


def _top(ctx: _Context, page: _PageBuilder, title: str | None) -> None:
    """Browser title, login bar, site banner and menus: the run of lines above most articles."""
    rng = ctx.rng
    if title and rng.random() < 0.5:
        page.add([_browser_title(ctx, title)])
    if rng.random() < 0.5:
        page.add([(t, "interaction") for t in rng.sample(lib.LOGIN_LINES, rng.randint(1, 3))])
    if rng.random() < 0.25:
        page.one(rng.choice(lib.APP_LINES).format(site=ctx.site.name), "interaction")
    if rng.random() < 0.75:
        page.one(ctx.site.name, "navigation")
    page.items(ctx.site.menu, "navigation")
    if rng.random() < 0.3:
        for channel in rng.sample(lib.CHANNELS, rng.randint(3, 12)):
            page.items([channel] + rng.sample(lib.SUBCHANNELS + lib.CHANNELS, rng.randint(3, 10)), "navigation")
    if ctx.site.submenu and rng.random() < 0.6:
        page.items(ctx.site.submenu, "navigation")
    if rng.random() < 0.2:
        page.one(rng.choice(("搜索", "请输入关键词 搜索", "站内搜索", "热门搜索：")), "navigation")
    if rng.random() < 0.12:
        page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(1, 4))])


def _title_lines(ctx: _Context, title: str) -> list[Line]:
    """The article's own headline (content), sometimes split over two lines or repeated."""
    rng = ctx.rng
    if len(title) > 12 and rng.random() < 0.12:
        cut = rng.randint(len(title) // 3, 2 * len(title) // 3)
        return [(title[:cut], "content"), (title[cut:], "content")]
    lines = [(title, "content")]
    if rng.random() < 0.07:
        lines.append((title, "content"))
    return lines


def _meta_after_title(ctx: _Context, page: _PageBuilder, with_byline: float = 0.3) -> None:
    rng = ctx.rng
    lines: list[Line] = []
    if rng.random() < 0.1:
        lines.append((f"原标题：{rng.choice(ctx.other_titles(1))}", "metadata"))
    if rng.random() < 0.9:
        source = ctx.site.name if rng.random() < 0.5 else rng.choice(lib.CITIES) + rng.choice(lib.NEWS_SITE_SUFFIXES)
        author = lib.person_name(rng) if rng.random() < 0.3 else ""
        lines.append((lib.source_date_line(rng, source, author), "metadata"))
    if rng.random() < with_byline:
        lines.append((lib.byline(rng, ctx.site.city), "metadata"))
    if rng.random() < 0.3:
        lines.append((lib.font_size_line(rng), "metadata"))
    if rng.random() < 0.15:
        lines.append((lib.count_text(rng), "noise"))
    if rng.random() < 0.3:
        lines.append((rng.choice(lib.SHARE_LINES), "interaction"))
    if rng.random() < 0.2:
        rng.shuffle(lines)
    page.add(lines)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [text]


def _body(ctx: _Context, article: Article, watermarked: bool = False) -> list[Line]:
    """The article body as content lines, with the body-internal variations LABELS.md names."""
    rng, cfg, site, style = ctx.rng, ctx.config, ctx.site, ctx.style
    paragraphs: list[str] = []
    total = 0
    for p in article.paragraphs[: cfg.max_body_paragraphs]:
        if total > cfg.max_body_chars:
            break
        paragraphs.append(p)
        total += len(p)
    name = lib.person_name(rng)
    if rng.random() < 0.25:
        paragraphs[0] = rng.choice((
            f"{site.name}讯（记者 {name}）", f"本报讯 记者{name} ", f"新华社{site.city}{rng.randint(1, 12)}月{rng.randint(1, 28)}日电（记者{name}）",
            f"{site.city}{rng.choice(lib.NEWS_SITE_SUFFIXES)}讯 (记者/{name}) ", f"【{site.name}】",
        )) + paragraphs[0]
    numbered = len(paragraphs) >= 6 and rng.random() < 0.08
    listed_after = rng.randrange(len(paragraphs)) if rng.random() < cfg.body_list_rate else -1
    lines: list[Line] = []
    for k, text in enumerate(paragraphs):
        if numbered and k % max(2, len(paragraphs) // 4) == 0:
            lines.append((rng.choice(("{}", "{}", "（{}）", "0{}")).format(k // max(2, len(paragraphs) // 4) + 1), "content"))
        if style.half_width:
            text = text.translate(_HALF_WIDTH)
        if watermarked and rng.random() < 0.3:
            cut = rng.randint(0, len(text))
            text = text[:cut] + lib.watermark(rng) + text[cut:]
        chunks = _wrap(text, style.wrap_width) if style.wrap_width else [text]
        lines.append((site.indent + chunks[0], "content"))
        lines += [(chunk, "content") for chunk in chunks[1:]]
        if watermarked and rng.random() < 0.15:
            lines.append((lib.watermark(rng), "noise"))
        clause = re.split(r"[，。,.：:；;]", paragraphs[k + 1])[0] if k < len(paragraphs) - 1 else ""
        if 6 <= len(clause) <= 24 and "\u4e00" <= clause[0] <= "\u9fff" and rng.random() < 0.05:
            lines.append((site.indent + rng.choice(("图为", "▲", "图：", "")) + clause + rng.choice(("。", f"（{lib.person_name(rng)} 摄）", f" 记者 {lib.person_name(rng)} 摄", "")), "content"))
            if rng.random() < 0.4:
                lines.append((rng.choice(lib.PICTURE_PROMPTS), "interaction"))
        if k == listed_after:
            lines += _body_list(ctx, article)
    if rng.random() < 0.15:
        lines.append((site.indent + rng.choice((f"（记者 {name}）", f"(特派记者{name})", f"（{site.name}记者 {name} {lib.person_name(rng)}）", f"记者 {name}")), "content"))
    return lines


def _body_list(ctx: _Context, article: Article) -> list[Line]:
    """A list or table inside the body (LABELS.md: content): short lines that look like a menu out of context.

    Notices, travel and consumer articles list items with their details (``2、某某``, ``地址：…``,
    ``票价：30元``); only the body prose around them says they belong to the article.
    """
    rng = ctx.rng
    clauses = [c.strip() for p in article.paragraphs for c in re.split(r"[，。,；;！？]", p) if 4 <= len(c.strip()) <= 20]
    if len(clauses) < 3:
        return []
    marker = rng.choice(("{}、", "{}.", "（{}）", "{}．", "第{}项 "))
    style = rng.random()
    lines: list[Line] = []
    for n, clause in enumerate(rng.sample(clauses, min(len(clauses), rng.randint(3, 12))), start=1):
        item = marker.format(n) + clause if style < 0.8 else rng.choice(("● ", "· ", "- ", "")) + clause
        lines.append((item, "content"))
        if style < 0.5:
            lines += [(lib.body_field(rng, ctx.site.city), "content") for _ in range(rng.randint(1, 4))]
    return lines


def _split_in(lines: list[Line], rng: random.Random) -> tuple[list[Line], list[Line]]:
    """Cut a body between two content lines, for nav or ads placed in the middle of it."""
    if len(lines) < 4:
        return lines, []
    cut = rng.randint(2, len(lines) - 2)
    return lines[:cut], lines[cut:]


def _related(ctx: _Context, page: _PageBuilder, own_title: str | None) -> None:
    rng = ctx.rng
    page.one(rng.choice(lib.RELATED_HEADINGS), "navigation")
    if rng.random() < 0.35:
        page.add(_recommendation_feed(ctx))
        return
    titles = ctx.other_titles(rng.randint(4, 12))
    if own_title and rng.random() < 0.2:
        titles.insert(rng.randint(0, len(titles)), own_title)
    page.items([ctx.headline(t) for t in titles], "navigation", inline=False)


def _recommendation_feed(ctx: _Context) -> list[Line]:
    """Recommended articles as title, a teaser of their opening prose and their details: all navigation.

    The teasers read like body text, so only their place after the article and their rhythm
    (title, teaser, author, date and views, again) tell them apart; feeds like this follow many
    blog and Q&A posts. Search-highlighted titles come spaced out (``Sol VES 模型 教程``).
    """
    rng = ctx.rng
    lines: list[Line] = []
    with_tags = rng.random() < 0.3
    with_details = rng.random() < 0.5
    spaced_titles = rng.random() < 0.25
    for article in rng.sample(ctx.articles, min(rng.randint(4, 15), len(ctx.articles))):
        title = article.title
        if spaced_titles:
            cuts = sorted(rng.sample(range(1, len(title)), min(len(title) - 1, rng.randint(1, 4)))) if len(title) > 1 else []
            title = " ".join(title[a:b] for a, b in zip([0, *cuts], [*cuts, len(title)]))
        lines.append((title, "navigation"))
        teaser = "".join(article.paragraphs)[: rng.randint(40, 120)]
        lines.append((teaser + rng.choice(("", "...", "…", "")), "navigation"))
        if with_details:
            details = [lib.user_name(rng) + rng.choice(("的博客", "的专栏", "", "的空间")),
                       f"{lib.date_time(rng, 'iso_date')[rng.choice((0, 5)):]} {lib.count_text(rng)}",
                       rng.choice(("阅读 {} · 点赞 {}", "{} 阅读", "赞同 {} · {} 条评论", "浏览 {}")).format(lib.count_text(rng), rng.randint(0, 99))]
            lines += [(line, "navigation") for line in rng.sample(details, rng.randint(1, 3))]
        if with_tags:
            lines.append((" ".join(rng.sample(lib.BLOG_CATEGORIES, rng.randint(2, 4))), "navigation"))
    return lines


def _comments(ctx: _Context, page: _PageBuilder, n: int) -> None:
    """Reader comments with their headers; the prompts around them are interaction."""
    rng = ctx.rng
    page.add([(t, "interaction") for t in rng.sample(lib.COMMENT_PROMPTS, rng.randint(1, 3))])
    if rng.random() < 0.5:
        page.one(rng.choice(("最新评论", "热门评论", "网友评论", "全部评论")), "comment")
    for k in range(n):
        lines = [(lib.comment_header(rng, k + 1), "comment"), (ctx.comment(), "comment")]
        if rng.random() < 0.4:
            lines.append((lib.comment_footer(rng), "comment"))
        page.add(lines)
    if rng.random() < 0.5:
        page.one(rng.choice(("查看全部评论 >", f"查看全部 {n} 条评论 >", "更多评论")), "navigation")


def _footer(ctx: _Context, page: _PageBuilder) -> None:
    rng = ctx.rng
    if rng.random() < 0.2:
        page.one(rng.choice(lib.FRIEND_LINKS), "navigation")
        page.items([c + rng.choice(lib.NEWS_SITE_SUFFIXES) for c in rng.sample(lib.CITIES, rng.randint(4, 12))], "navigation")
    if rng.random() < 0.2:
        page.one(rng.choice(("返回顶部", "回到顶部", "TOP")), "interaction")
    page.add(list(ctx.site.footer))


# --- page kinds ---------------------------------------------------------------------------------


def _news(ctx: _Context, page: _PageBuilder, article: Article, repost: bool = False) -> None:
    rng = ctx.rng
    _top(ctx, page, article.title)
    if rng.random() < 0.7:
        tail = rng.choice(("正文", article.title, "正文"))
        page.one(lib.breadcrumb(rng, [rng.choice(("首页", ctx.site.name)), rng.choice(ctx.site.menu), tail]), "navigation")
    if repost and rng.random() < 0.5:
        page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(1, 3))])
    page.add(_title_lines(ctx, article.title))
    _meta_after_title(ctx, page)
    if repost and rng.random() < 0.6:
        page.one(rng.choice(lib.REPRINT_NOTES).format(src=rng.choice(lib.CITIES) + rng.choice(lib.NEWS_SITE_SUFFIXES)), "metadata")
    body = _body(ctx, article)
    if rng.random() < (0.5 if repost else 0.12):
        head, tail = _split_in(body, rng)
        page.add(head, ctx.site.body_spaced)
        if repost or rng.random() < 0.3:
            page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(1, 3))])
        else:
            _related(ctx, page, None)
        page.add(tail, ctx.site.body_spaced)
    else:
        page.add(body, ctx.site.body_spaced)
    if rng.random() < 0.5:
        page.one(lib.editor_line(rng), "metadata")
    if repost:
        page.one(rng.choice(lib.REPRINT_NOTES).format(src=rng.choice(lib.CITIES) + "发布"), "metadata")
        page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(2, 8))])
    if rng.random() < 0.6:
        page.add([(t, "interaction") for t in rng.sample(lib.SHARE_LINES, rng.randint(1, 4))])
    if rng.random() < 0.5:
        before, after = rng.choice(lib.PREV_NEXT)
        page.add([(before + ctx.other_titles(1)[0], "navigation"), (after + ctx.other_titles(1)[0], "navigation")])
    if rng.random() < 0.25:
        page.one(rng.choice(lib.TAG_PREFIXES) + " ".join(rng.sample(lib.SUBCHANNELS, 3)), "navigation")
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        _related(ctx, page, article.title)
    if rng.random() < 0.3:
        _comments(ctx, page, rng.randint(1, 8))
    if rng.random() < 0.2:
        page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(1, 5))])
    _footer(ctx, page)


def _epaper(ctx: _Context, page: _PageBuilder, article: Article) -> None:
    rng = ctx.rng
    if rng.random() < 0.6:
        page.add([(f"{article.title}--{ctx.site.name}", "navigation")])
    page.items(rng.sample(["版面导航", "标题导航", "数字报导航", "网站首页", "往期回顾", "PDF版", "返回目录"], rng.randint(3, 6)), "navigation")
    page_no = rng.randint(1, 16)
    sections = rng.sample(lib.SUBCHANNELS, min(12, rng.randint(4, 12)))
    page.one(f"第{rng.choice('ABC')}{page_no:02d}版：{sections[0]}\t\t\t\t{rng.choice(('下一版', '上一版  下一版'))}", "navigation")
    page.one(f"{lib.date_time(rng, 'cn')} {rng.choice(('星期一', '星期三', '星期五', '星期六', ''))}", "metadata")
    page.items([f"第{rng.choice('ABC')}{i + 1:02d}版：{s}" for i, s in enumerate(sections)], "navigation")
    titles = ctx.other_titles(rng.randint(2, 6))
    titles.insert(rng.randint(0, len(titles)), article.title)
    page.items(titles, "navigation", inline=False)
    if rng.random() < 0.5:
        page.one(lib.font_size_line(rng), "metadata")
    page.add(_title_lines(ctx, article.title))
    if rng.random() < 0.5:
        page.one(lib.byline(rng, ctx.site.city), "metadata")
    page.add(_body(ctx, article), ctx.site.body_spaced)
    page.one(rng.choice(("上一篇  下一篇", "上一篇 下一篇 返回目录", "【返回目录】")), "navigation")
    if rng.random() < 0.4:
        page.one("日\t\t一\t\t二\t\t三\t\t四\t\t五\t\t六", "navigation")
        page.add([(str(d), "navigation") for d in range(1, rng.choice((28, 30, 31)) + 1)])
    _footer(ctx, page)


def _forum(ctx: _Context, page: _PageBuilder, article: Article) -> None:
    """A Discuz-style thread: the first post is the article, replies are comments."""
    rng, site = ctx.rng, ctx.site
    board = rng.choice(lib.FORUM_BOARDS).format(city=site.city)
    if rng.random() < 0.5:
        page.add([(f"{article.title} - {board} - {site.name}", "navigation")])
    page.add([(t, "interaction") for t in rng.sample(lib.DISCUZ_TOP, rng.randint(1, 3))])
    page.one(site.name, "navigation")
    page.items(rng.sample(["门户", "论坛", "群组", "导读", "排行榜", "家园", "应用", "帮助", "勋章", "任务", "签到", "搜索"], rng.randint(4, 9)), "navigation")
    page.one(lib.breadcrumb(rng, [site.name, "论坛", board, "查看内容" if rng.random() < 0.5 else article.title]), "navigation")
    page.one(f"查看: {rng.randint(50, 99999)}|回复: {rng.randint(0, 300)}", "metadata")
    page.one("[复制链接]", "interaction")
    page.add(_title_lines(ctx, rng.choice(("", "", "[原创] ", "[分享] ", "【转帖】")) + article.title))
    op = lib.user_name(rng)
    page.add([(op, "metadata"), (f"发表于 {lib.date_time(rng, 'short')} | 只看该作者", "metadata")])
    if rng.random() < 0.4:
        page.one(f"本帖最后由 {op} 于 {lib.date_time(rng, 'short')} 编辑", "metadata")
    page.add(_body(ctx, article, watermarked=rng.random() < 0.7), site.body_spaced)
    if rng.random() < 0.3:
        page.add([(f"{lib.pinyin_word(rng)}.jpg ({rng.randint(20, 900)}.{rng.randint(10, 99)} KB, 下载次数: {rng.randint(0, 99)})", "metadata"),
                  ("下载附件 保存到相册", "interaction"), (f"{lib.date_time(rng, 'short')} 上传", "metadata")])
    page.add([(t, "interaction") for t in rng.sample(lib.DISCUZ_POST, rng.randint(1, 3))])
    for k in range(rng.randint(0, 14)):
        header = lib.FLOOR_NAMES[k] if k < 4 and rng.random() < 0.4 else lib.comment_header(rng, k + 2)
        lines = [(header, "comment"), (ctx.comment(), "comment")]
        if rng.random() < 0.2:
            lines.insert(1, (lib.watermark(rng), "noise"))
        if rng.random() < 0.6:
            lines.append((rng.choice(("使用道具 举报", "回复 支持 反对", "回复 举报")), "interaction"))
        page.add(lines)
    if rng.random() < 0.6:
        page.one(lib.pagination(rng), "navigation")
    page.add([(t, "interaction") for t in rng.sample(lib.DISCUZ_BOTTOM, rng.randint(1, 3))])
    _footer(ctx, page)


def _blog(ctx: _Context, page: _PageBuilder, article: Article) -> None:
    rng, site = ctx.rng, ctx.site
    if rng.random() < 0.5:
        page.add([(f"{article.title}_{site.name}_{rng.choice(('新浪博客', '博客', '个人空间'))}", "navigation")])
    page.one(site.name, "navigation")
    if rng.random() < 0.5:
        page.one(rng.choice(("记录生活，分享快乐", "读书 行走 思考", "一个普通人的随手记", "技术 · 生活 · 读书")), "navigation")
    page.items(rng.sample(["首页", "博文目录", "图片", "关于我", "相册", "留言板", "归档", "RSS", "订阅"], rng.randint(3, 7)), "navigation")
    sidebar: list[Line] = [("个人资料", "navigation")]
    sidebar += [(f"{k}：{lib.count_text(rng)}", "metadata") for k in rng.sample(["访问", "积分", "粉丝", "关注", "博文", "排名"], rng.randint(2, 5))]
    sidebar.append((rng.choice(("加关注", "发纸条", "写留言", "加好友")), "interaction"))
    sidebar.append((rng.choice(("博文分类", "文章分类", "随笔分类")), "navigation"))
    sidebar += [(f"{site.bullet}{c} ({rng.randint(1, 90)})", "navigation") for c in rng.sample(lib.BLOG_CATEGORIES, rng.randint(3, 8))]
    sidebar.append(("存档", "navigation"))
    sidebar += [(f"{site.bullet}{rng.randint(2008, 2023)}年{m}月 ({rng.randint(1, 20)})", "navigation") for m in rng.sample(range(1, 13), rng.randint(2, 8))]
    sidebar_first = rng.random() < 0.5
    if sidebar_first:
        page.add(sidebar)
    page.add(_title_lines(ctx, article.title))
    page.one(rng.choice(("({})", "{}", "发表于 {}", "{} 编辑")).format(lib.date_time(rng)), "metadata")
    if rng.random() < 0.5:
        page.one(rng.choice(lib.TAG_PREFIXES) + " ".join(rng.sample(lib.BLOG_CATEGORIES, rng.randint(1, 4))), "navigation")
    page.add(_body(ctx, article), site.body_spaced)
    page.one(rng.choice(("阅读({}) | 评论({}) | 收藏", "阅读 {} 评论 {}", "浏览：{}  评论：{}")).format(lib.count_text(rng), rng.randint(0, 50)), "metadata")
    page.add([(t, "interaction") for t in rng.sample(("分享", "收藏", "转载", "喜欢", "打印", "举报"), rng.randint(1, 4))])
    if rng.random() < 0.5:
        before, after = rng.choice(lib.PREV_NEXT)
        page.add([(before + ctx.other_titles(1)[0], "navigation"), (after + ctx.other_titles(1)[0], "navigation")])
    if rng.random() < 0.45:
        page.one(rng.choice(lib.RELATED_HEADINGS), "navigation")
        page.add(_recommendation_feed(ctx))
    if rng.random() < 0.55:
        n = rng.randint(1, 12)
        page.one(f"评论 ({n})" if rng.random() < 0.5 else "发表评论", "interaction")
        for _ in range(n):
            head = f"#\xa0re: {article.title} {lib.date_time(rng, 'short')} {lib.user_name(rng)}" if rng.random() < 0.3 else lib.comment_header(rng, 0)
            page.add([(head, "comment"), (ctx.comment(), "comment")])
    if not sidebar_first:
        page.add(sidebar)
    _footer(ctx, page)


def _gov(ctx: _Context, page: _PageBuilder, article: Article) -> None:
    rng, site = ctx.rng, ctx.site
    _top(ctx, page, article.title)
    page.one(lib.breadcrumb(rng, ["首页", rng.choice(site.menu), rng.choice(("通知公告", "政策文件", "工作动态"))]), "navigation")
    number = f"{site.city[0]}{rng.choice(('政发', '政办发', '府办', '教发'))}〔{rng.randint(2010, 2023)}〕{rng.randint(1, 99)}号"
    if rng.random() < 0.6:
        pairs = [("索引号", f"{rng.randint(10**9, 10**10)}/{rng.randint(2012, 2023)}-{rng.randint(100, 99999):05d}"),
                 ("发布机构", site.name), ("发文日期", lib.date_time(rng, "cn")), ("文号", number), ("主题分类", rng.choice(("通知", "公告", "其他")))]
        sep = rng.choice(("：", "：\t\t", ": "))
        page.add([(f"{k}{sep}{v}", "metadata") for k, v in rng.sample(pairs, rng.randint(3, 5))])
    page.add(_title_lines(ctx, article.title))
    if rng.random() < 0.4:
        page.one(number, "content")
    if rng.random() < 0.7:
        page.one(rng.choice(("发布时间：{}  来源：{}", "{}  {}", "日期：{} 来源：{}  【字体：大 中 小】")).format(lib.date_time(rng), site.name), "metadata")
    page.add(_body(ctx, article), site.body_spaced)
    if rng.random() < 0.5:
        page.add([(site.indent + site.name, "content"), (site.indent + lib.date_time(rng, "cn"), "content")])
    if rng.random() < 0.3:
        page.one(rng.choice(("附件：", "相关附件：")) + f"{article.title[:12]}.{rng.choice(('doc', 'pdf', 'xls'))}", "content")
    page.add([(t, "interaction") for t in rng.sample(("【打印本页】 【关闭窗口】", "扫一扫在手机打开当前页", "分享到：", "【我要纠错】", "pdf下载 word下载"), rng.randint(1, 3))])
    if rng.random() < 0.4:
        _related(ctx, page, None)
    _footer(ctx, page)


def _seo(ctx: _Context, page: _PageBuilder, article: Article | None) -> None:
    """A hacked page: injected keyword titles and spider-pool lists around a normal page."""
    rng = ctx.rng
    page.add([(lib.spam_keyword_title(rng), "spam") for _ in range(rng.randint(1, 3))])
    menu = list(ctx.site.menu)
    if rng.random() < 0.5:
        menu.insert(rng.randint(0, len(menu)), rng.choice(lib.GAMBLING_BRANDS) + rng.choice(lib.GAMBLING_TAILS))
        page.items(menu, "navigation", inline=True)
    else:
        page.items(menu, "navigation")
    if article is not None:
        page.add(_title_lines(ctx, article.title))
        _meta_after_title(ctx, page)
        body = _body(ctx, article)
        head, tail = _split_in(body, rng)
        page.add(head, ctx.site.body_spaced)
        page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(0, 3))])
        page.add(tail, ctx.site.body_spaced)
    else:
        page.add([(lib.spam_keyword_title(rng) if rng.random() < 0.7 else lib.spam_line(rng), "spam") for _ in range(rng.randint(8, 40))])
        page.items([ctx.headline(t) for t in ctx.other_titles(rng.randint(0, 10))], "navigation", inline=False)
    page.add([(lib.spider_pool_line(rng), "spam") for _ in range(rng.randint(1, 3))])
    _footer(ctx, page)


def _list(ctx: _Context, page: _PageBuilder) -> None:
    """A home, channel or thread-list page: many headlines, no article, so no content line."""
    rng = ctx.rng
    _top(ctx, page, rng.choice((None, rng.choice(lib.SUBCHANNELS), "首页")))
    if rng.random() < 0.5:
        page.one(lib.breadcrumb(rng, ["首页", rng.choice(ctx.site.menu)]), "navigation")
    threads = rng.random() < 0.3
    for _ in range(rng.randint(1, 6)):
        page.one(rng.choice(lib.HOME_SECTION_HEADINGS) + rng.choice(("", "", " 更多>>", " more")), "navigation")
        for title in ctx.other_titles(rng.randint(3, 15)):
            lines = [(ctx.site.bullet + ctx.headline(title), "navigation")]
            if threads:
                lines += [(lib.user_name(rng), "metadata"), (lib.date_time(rng, "short")[5:], "metadata"), (lib.count_text(rng), "noise")]
            elif rng.random() < 0.12:
                teaser = rng.choice(ctx.articles).paragraphs[0][: rng.randint(30, 90)]
                lines.append((teaser + rng.choice(("...[详细]", "……", "…[全文]", "...")), "navigation"))
            page.add(lines)
        if rng.random() < 0.15:
            page.add([(lib.spam_line(rng), "spam") for _ in range(rng.randint(1, 4))])
        if rng.random() < 0.1:
            page.add([(lib.noise_line(rng), "noise") for _ in range(rng.randint(1, 3))])
    if rng.random() < 0.6:
        page.one(lib.pagination(rng), "navigation")
    _footer(ctx, page)


def _archive(ctx: _Context, page: _PageBuilder) -> None:
    """A blog or column archive: each post as title, date line, whole excerpt paragraphs and "read more".

    No article of its own, so no content line, though the excerpts are real prose: only their
    repetition (title, date, prose, read-more, again) shows the page is a list.
    """
    rng = ctx.rng
    _top(ctx, page, rng.choice((None, rng.choice(lib.BLOG_CATEGORIES))))
    if rng.random() < 0.5:
        page.one(rng.choice(("分类：", "归档：", "标签：", "")) + rng.choice(lib.BLOG_CATEGORIES), "navigation")
    more = rng.choice(lib.READ_MORE)
    for article in rng.sample(ctx.articles, min(rng.randint(3, 10), len(ctx.articles))):
        entry = [(article.title, "navigation"),
                 (rng.choice(("{} / {} 条评论", "{}", "发表于 {} | 评论 {}", "{}  阅读({})")).format(lib.date_time(rng), rng.randint(0, 80)), "navigation")]
        entry += [(text, "navigation") for text in article.paragraphs[: rng.randint(1, 4)]]
        entry.append((more, "navigation"))
        page.add(entry, ctx.site.body_spaced)
    page.one(lib.pagination(rng) if rng.random() < 0.6 else rng.choice(("« 较早的文章", "下一页 »", "Older posts", "更早的文章")), "navigation")
    _footer(ctx, page)


# --- driver ----------------------------------------------------------------------------------------

_SITE_KIND = {"repost": "news", "seo": "news", "list": "news", "archive": "blog"}


def synthesize_pages(articles: list[Article], config: SynthConfig) -> Iterator[Page]:
    """Yield ``config.num_pages`` labelled pages, the same ones for the same articles and config.

    Sites are reused (about ``pages_per_site`` pages each), so ``Page.source`` can split by site.
    """
    if not articles:
        raise ValueError("synthesize_pages needs at least one article")
    rng = random.Random(f"synth-{config.seed}")
    kinds = list(config.kind_weights)
    weights = [config.kind_weights[k] for k in kinds]
    short_posts = [a.paragraphs[0] for a in articles if len(a.paragraphs) == 1 and len(a.paragraphs[0]) <= 120]
    sites: dict[str, list[_Site]] = {}
    reuse = 1.0 - 1.0 / max(config.pages_per_site, 1.0)
    for i in range(config.num_pages):
        kind = rng.choices(kinds, weights)[0]
        pool = sites.setdefault(_SITE_KIND.get(kind, kind), [])
        if pool and rng.random() < reuse:
            site = rng.choice(pool)
        else:
            site = _new_site(rng, _SITE_KIND.get(kind, kind))
            pool.append(site)
        article = None if kind in ("list", "archive") or (kind == "seo" and rng.random() < 0.5) else rng.choice(articles)
        style = _new_style(rng, config, article)
        ctx = _Context(rng, site, style, config, articles, short_posts)
        page = _PageBuilder(rng, site, style)
        if kind in ("news", "repost"):
            _news(ctx, page, article, repost=kind == "repost")
        elif kind == "epaper":
            _epaper(ctx, page, article)
        elif kind == "forum":
            _forum(ctx, page, article)
        elif kind == "blog":
            _blog(ctx, page, article)
        elif kind == "gov":
            _gov(ctx, page, article)
        elif kind == "seo":
            _seo(ctx, page, article)
        elif kind == "archive":
            _archive(ctx, page)
        else:
            _list(ctx, page)
        texts, labels = page.build()
        yield Page(f"{config.id_prefix}-{config.seed}-{i:06d}", site.domain, texts, labels, {"kind": kind})
