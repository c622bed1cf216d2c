"""Rule-based labels for the lines that are not the article, datatrove style.

Each :class:`LineRule` is one named pattern for one label; :func:`label_line` tries them in
order and falls back to ``navigation``, the commonest kind of boilerplate (menus, lists of
other headlines). Rules only name the kind of boilerplate: whether a line is ``content`` is
decided by the gold alignment (:mod:`boilerplate_ml.datagen.gold_align`), never here. The
patterns follow the examples and hard cases of LABELS.md; their agreement with the human
labels of pages/train.jsonl is printed by ``tools/measure_prepare_html.py --split train --rules-only``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DEFAULT_LABEL = "navigation"

#: List bullets and indentation the extractors add in front of a line's own text.
_LEAD = re.compile(r"^[\s•·*●○■□◆◇▪▸►\-–—|>]+")
#: Dates and clock times as pages print them: 2021-05-28, 2021/5/28, 2021年5月28日, 09:13.
_DATE = r"(?:(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}月\d{1,2}日|\b\d{1,2}:\d\d(?::\d\d)?\b)"


@dataclass(frozen=True)
class LineRule:
    """One named pattern: a line (bullets stripped, NFKC folded) that it finds gets ``label``."""

    name: str
    label: str
    pattern: re.Pattern[str]
    max_chars: int = 10_000  # longer lines are prose, not this kind of boilerplate

    def matches(self, text: str) -> bool:
        return len(text) <= self.max_chars and self.pattern.search(text) is not None


def _rule(name: str, label: str, pattern: str, max_chars: int = 10_000) -> LineRule:
    return LineRule(name, label, re.compile(pattern, re.IGNORECASE), max_chars)


#: Ordered: the first rule that matches names the line. Narrow, telling patterns come first
#: (an ICP number decides a line whatever else it holds); broad keyword rules come last.
RULES: tuple[LineRule, ...] = (
    # noise: no language in the line
    _rule("no_letters", "noise", r"^[\W_]*$"),
    _rule("lone_number", "noise", r"^[+\-]?[\d.,%()万亿kKwW\s+\-]+$(?<!\d-\d\d)(?<!\d-\d)"),
    _rule("stray_letters", "noise", r"^[a-z]{1,2}$"),
    _rule("watermark_garbage", "noise", r"^(?:[^\u4e00-\u9fff\s]{1,2}\s+){4,}[^\u4e00-\u9fff\s]{0,2}$"),
    # footer: licences, copyright, site credits
    _rule("icp_licence", "footer", r"ICP|公网安备|网安备|许可证|备案"),
    _rule("copyright", "footer", r"copyright|©|\(c\)\s*\d{4}|版权所有|all rights reserved|版权声明|不得转载|未经授权|违者必究"),
    _rule("powered_by", "footer", r"powered by|processed in|gmt\s*[+-]\d|页面执行时间|queries"),
    _rule("contact_line", "footer", r"(?:热线|电话|客服|传真|邮箱|e-?mail|举报电话)\s*[:：]?\s*[\w@.\-()（）]*\d", 80),
    _rule("site_about", "footer", r"关于我们|联系我们|网站地图|隐私|免责|法律声明|广告服务|商务合作|加入我们|招聘信息|意见反馈|网站声明|服务条款|用户协议", 120),
    # spam: advertising and injected junk
    _rule("spider_pool", "spam", r"蜘蛛池|(?:[\u4e00-\u9fff]{2,4}[县市区镇]\s*[|｜]\s*){4,}"),
    _rule("adult_gambling", "spam", r"一区二区|无码|国产精品|精品视频|av\d*[,，]|色情|成人(?:视频|电影|网站)|博彩|赌场|娱乐城|百家乐|六合彩|时时彩|彩票网|体育投注|真人(?:娱乐|视讯)|bet\d{3}|威尼斯人|葡京|棋牌"),
    _rule("medical_ad", "spam", r"白癜风|银屑病|牛皮癣|哪家医院|医院哪家|哪家好|治疗费用|包皮|阳痿|早泄|不孕不育|特效|隆胸|减肥药|祛斑"),
    _rule("ad_marker", "spam", r"^(?:广告|推广|廣告|赞助)$|为什么.{0,4}(?:这个)?广告|為什麼.{0,6}廣告|广告通知", 40),
    _rule("sms_offer", "spam", r"短信订阅|发送短信|编辑短信|手机订阅|移动用户发送"),
    # comment: reply headers
    _rule("reply_header", "comment", rf"发表于|發表於|\d+\s*楼|楼主|^#\s*re:|回复于|网友\]|网友评论.{{0,3}}{_DATE}|\[\d+\.\d+\.\d+\.\*\]|认为[:：]$"),
    # interaction: prompts to act
    _rule("account", "interaction", r"登录|登入|登陆|注册|註冊|退出|忘记密码|密码|账号|帳號|验证码", 60),
    _rule("share", "interaction", r"分享|扫一扫|扫码|二维码|QR|微信|朋友圈|微博|QQ空间|复制链接|转发|收藏|打印|列印", 40),
    _rule("report_reply", "interaction", r"举报|舉報|回复|回覆|发表评论|我要评论|写评论|点赞|订阅|訂閱|投票|提交|发送|取消|确定|提问|答题", 30),
    _rule("comment_prompt", "interaction", r"抢沙发|说两句|我也说一句|我来说|写评论|发表(?:评论|回复|看法)|评论内容|欢迎您|表情|还可以输入|\d+/\d{3,4}$", 40),
    _rule("click_download", "interaction", r"点击(?!排行)|點擊|大图|返回顶部|加载更多|展开|收起|立即|马上|请输入|上传|关闭", 40),
    # metadata: lines about the article
    _rule("source_byline", "metadata", r"来源|來源|出处|作者|編輯|编辑|责编|记者|撰文|摄影|原标题|转自|转载|授权|本文|出品|稿件"),
    _rule("counts", "metadata", r"(?<!关键词)(?:浏览|瀏覽|阅读|閱讀)(?:次数|人次|[数量:：])|点击[数量率:：]|人参与|人跟贴|跟帖|次阅读|views?\b|\d+\s*(?:条评论|评论|阅读|浏览)|字号|字体|大\s*中\s*小"),
    _rule("date_line", "metadata", rf"^(?:发布时间|发表时间|时间|日期|更新时间|发布日期)?[:：\s]*{_DATE}(?:\s*{_DATE})?\s*$|(?:发布时间|更新时间|发布日期|发表时间|日期)[:：]|^发布于\s*{_DATE}"),
)


def rule_text(text: str) -> str:
    """The line as rules see it: NFKC folded, list bullets and surrounding space removed."""
    return _LEAD.sub("", unicodedata.normalize("NFKC", text)).strip()


def match_rule(text: str) -> LineRule | None:
    """The first rule that finds the line, or None when it falls to the default."""
    folded = rule_text(text)
    if not folded or not any(ch.isprintable() and not ch.isspace() for ch in folded):
        return RULES[0]  # invisible characters only (zero-width space, BOM): noise
    return next((rule for rule in RULES if rule.matches(folded)), None)


def label_line(text: str) -> str:
    """The non-content label of one non-blank line."""
    rule = match_rule(text)
    return rule.label if rule else DEFAULT_LABEL

