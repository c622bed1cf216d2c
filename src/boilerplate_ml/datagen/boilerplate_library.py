"""Hand-written boilerplate vocabularies and small random generators for synthetic pages.

Everything here was written for this project (no text copied from crawled pages), so the
synthetic pages ship no third-party boilerplate. Each generator takes a ``random.Random`` so
that a page is fully determined by its seed. Generators return plain strings; the label a
line gets is decided by the page builder in :mod:`boilerplate_ml.datagen.synth`, which
follows ../shared/LABELS.md.
"""

from __future__ import annotations

import random
import string

# --- names, places, sites -------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌辉鹏飞宇浩然婷雪梅琳晨欣怡佳俊峰海波丹萍慧颖博晓东亮旭阳凯宏健松岩德庆春燕立新永"

PROVINCES = (
    "北京", "天津", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "宁夏",
)
CITIES = (
    "江门", "赣州", "中山", "珠海", "佛山", "东莞", "惠州", "汕头", "湛江", "茂名", "韶关", "梅州", "南宁",
    "柳州", "桂林", "温州", "嘉兴", "湖州", "绍兴", "台州", "金华", "衢州", "丽水", "宁波", "芜湖", "蚌埠",
    "安庆", "阜阳", "泉州", "漳州", "莆田", "三明", "九江", "上饶", "吉安", "宜春", "抚州", "萍乡", "潍坊",
    "烟台", "临沂", "济宁", "淄博", "德州", "洛阳", "开封", "南阳", "信阳", "商丘", "襄阳", "宜昌", "荆州",
    "黄石", "十堰", "株洲", "湘潭", "衡阳", "岳阳", "常德", "绵阳", "德阳", "宜宾", "南充", "遵义", "曲靖",
    "大理", "宝鸡", "咸阳", "天水", "西宁", "银川", "包头", "大同", "邯郸", "保定", "唐山", "沧州", "锦州",
)
#: Syllables for county names in spider-pool lists; combined at random, so most names are made up.
PLACE_SYLLABLES = "安宁平和德阳泰丰兴隆昌盛永清河源山川江湖桥林谷溪北南东西新化华龙凤鹤云宝金石长武文嘉荫茂"
PLACE_SUFFIXES = ("县", "县", "县", "市", "区", "旗", "镇")

PINYIN = (
    "bei", "jing", "shang", "hai", "guang", "zhou", "shen", "nan", "xi", "dong", "hua", "xin", "tian", "jin",
    "he", "hu", "jiang", "su", "zhe", "min", "yun", "gui", "chuan", "yu", "qing", "lan", "ning", "an", "kang",
    "tai", "feng", "long", "cheng", "shan", "lin", "hong", "ming", "da", "zhong", "wen", "bao", "kai", "yuan",
    "sheng", "fu", "li", "chang", "men", "gan", "mei", "qi", "xiang", "rui", "hao", "le", "tong",
)
TLDS = (".com", ".cn", ".com.cn", ".net", ".org.cn", ".cc", ".top")

NEWS_SITE_SUFFIXES = ("新闻网", "日报", "在线", "信息港", "之窗", "晚报", "传媒网", "热线", "网", "都市报", "新闻中心")
FORUM_SITE_SUFFIXES = ("论坛", "社区", "家园", "网论坛", "茶馆", "贴吧", "BBS")
BLOG_SUFFIXES = ("的博客", "的个人空间", "的专栏", "随笔", "札记", "小屋")
CHANNELS = (
    "首页", "新闻", "国内", "国际", "社会", "财经", "股票", "基金", "理财", "体育", "娱乐", "科技", "汽车", "房产",
    "家居", "教育", "健康", "旅游", "文化", "军事", "时尚", "女性", "游戏", "视频", "图片", "评论", "本地",
    "读书", "彩票", "亲子", "美食", "数码", "手机", "公益", "专题", "直播", "论坛", "博客", "历史", "政务",
    "民生", "法治", "三农", "招聘", "二手", "租房", "打折", "天气", "旅游", "摄影", "乡镇", "县区", "图库",
)
SUBCHANNELS = (
    "要闻", "时政", "滚动", "热点", "深度", "独家", "原创", "观察", "调查", "访谈", "快讯", "图解", "数据",
    "辟谣", "民声", "问政", "曝光台", "便民", "政策解读", "通知公告", "工作动态", "部门动态", "县区动态",
    "专题专栏", "媒体聚焦", "本地新闻", "社会百态", "国际视野", "财经要闻", "产业经济", "楼市", "车市",
)
GOV_MENU = (
    "首页", "政务公开", "政府信息公开", "政务服务", "互动交流", "走进{city}", "专题专栏", "政策文件", "政策解读",
    "通知公告", "人事信息", "统计数据", "财政信息", "建议提案办理", "依申请公开", "政府公报", "领导信息",
    "机构职能", "办事指南", "在线访谈", "市长信箱", "征集调查", "新闻发布会",
)
FORUM_BOARDS = (
    "{city}杂谈", "生活百科", "情感天地", "房产家居", "美食天下", "户外旅游", "摄影天地", "二手市场", "求职招聘",
    "教育亲子", "汽车之家", "数码发烧", "站务公告", "新手报到", "灌水乐园", "投诉曝光", "历史人文", "体育竞技",
)
BLOG_CATEGORIES = ("随笔", "读书笔记", "旅行", "技术", "生活", "杂感", "影评", "美食", "摄影", "育儿", "工作", "转载")


def person_name(rng: random.Random) -> str:
    """A plausible two- or three-character Chinese name."""
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def pinyin_word(rng: random.Random, syllables: int = 2) -> str:
    return "".join(rng.choice(PINYIN) for _ in range(syllables))


def user_name(rng: random.Random) -> str:
    """A forum or comment user name: nickname, pinyin with digits, or a masked phone user."""
    style = rng.random()
    if style < 0.35:
        adjectives = ("寂寞的", "快乐", "孤独", "沉默的", "追风", "听雨", "蓝色", "午夜", "老", "小", "阿", "大", "无名")
        nouns = ("少年", "猫", "鱼", "飞侠", "书生", "过客", "石头", "哥", "妹子", "农夫", "老王", "鹰", "木头", "兔")
        return rng.choice(adjectives) + rng.choice(nouns) + (str(rng.randint(1, 999)) if rng.random() < 0.3 else "")
    if style < 0.7:
        return pinyin_word(rng, rng.randint(1, 3)) + (str(rng.randint(1, 2023)) if rng.random() < 0.6 else "_")
    if style < 0.85:
        return f"{rng.randint(130, 189)}****{rng.randint(1000, 9999)}"
    return "网友" + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6))


def county_name(rng: random.Random) -> str:
    return "".join(rng.choice(PLACE_SYLLABLES) for _ in range(rng.choice((1, 2, 2)))) + rng.choice(PLACE_SUFFIXES)


def domain_name(rng: random.Random, hint: str = "") -> str:
    """A fake host name; ``hint`` (e.g. "bbs", "news") becomes the sub-domain."""
    host = hint or rng.choice(("www", "www", "news", "m", "info"))
    core = pinyin_word(rng, rng.randint(2, 3)) + rng.choice(("", "", "news", "rb", "wb", "online", str(rng.randint(1, 99))))
    return f"{host}.{core}{rng.choice(TLDS)}"


# --- dates and numbers -----------------------------------------------------------------


def date_time(rng: random.Random, style: str | None = None) -> str:
    """A timestamp in one of the formats Chinese sites print."""
    y, mo, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    style = style or rng.choice(("iso", "iso_s", "cn", "cn_time", "short", "slash", "iso_date"))
    return {
        "iso": f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}",
        "iso_s": f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
        "cn": f"{y}年{mo:02d}月{d:02d}日",
        "cn_time": f"{y}年{mo}月{d}日 {h:02d}:{mi:02d}",
        "short": f"{y}-{mo}-{d} {h:02d}:{mi:02d}",
        "slash": f"{y}/{mo:02d}/{d:02d} {h:02d}:{mi:02d}",
        "iso_date": f"{y}-{mo:02d}-{d:02d}",
    }[style]


def count_text(rng: random.Random) -> str:
    """A view/like/comment count as sites print it (``1,234``, ``3.2万``)."""
    n = int(rng.lognormvariate(4, 2))
    if n >= 10000 and rng.random() < 0.5:
        return f"{n / 10000:.1f}万"
    return f"{n:,}" if rng.random() < 0.3 else str(n)


def phone_number(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
    return f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"


#: Field names of the item details that lists inside article bodies carry.
BODY_FIELDS = ("时间", "地点", "地址", "联系电话", "咨询电话", "价格", "票价", "费用", "开放时间", "联系人", "主办单位", "报名方式", "备注", "适用对象")


def body_field(rng: random.Random, city: str) -> str:
    """One detail line of a listed item: ``地址：…``, ``票价：30元``, ``咨询电话：…``."""
    key = rng.choice(BODY_FIELDS)
    value = {
        "时间": lambda: date_time(rng, "cn"), "开放时间": lambda: f"{rng.randint(7, 10)}:00-{rng.randint(16, 21)}:00",
        "地点": lambda: city + county_name(rng), "地址": lambda: f"{city}市{county_name(rng)}{rng.randint(1, 999)}号",
        "联系电话": lambda: phone_number(rng), "咨询电话": lambda: phone_number(rng),
        "价格": lambda: f"{rng.randint(5, 999)}元", "票价": lambda: f"{rng.randint(5, 300)}元", "费用": lambda: f"{rng.randint(50, 5000)}元/人",
        "联系人": lambda: person_name(rng), "主办单位": lambda: f"{city}市{rng.choice(('文化和旅游局', '教育局', '总工会', '科协'))}",
        "报名方式": lambda: rng.choice(("现场报名", "电话报名", "网上报名")), "备注": lambda: rng.choice(("需提前预约", "凭有效证件入场", "名额有限")),
        "适用对象": lambda: rng.choice(("全体市民", "在校学生", "60周岁以上老人", "本市居民")),
    }[key]()
    return f"{key}{rng.choice(('：', ':', '： '))}{value}"


# --- navigation -------------------------------------------------------------------------


def menu_items(rng: random.Random, k: int, city: str = "") -> list[str]:
    """Channel names for a menu bar, starting at 首页 more often than not."""
    items = rng.sample(CHANNELS, min(k, len(CHANNELS)))
    if rng.random() < 0.6 and "首页" in items:
        items.remove("首页")
        items.insert(0, "首页")
    if city and rng.random() < 0.4:
        items.insert(rng.randint(1, len(items)), city + rng.choice(("新闻", "频道", "分站", "生活")))
    return items


def breadcrumb(rng: random.Random, parts: list[str]) -> str:
    prefix = rng.choice(("当前位置：", "您现在的位置：", "您的位置: ", "位置：", "", "当前位置 : "))
    sep = rng.choice((" > ", " > ", " >> ", " » ", "＞", " / ", " › ", " - "))
    return prefix + sep.join(parts)


def pagination(rng: random.Random) -> str:
    last = rng.randint(3, 60)
    style = rng.random()
    if style < 0.4:
        shown = " ".join(str(i) for i in range(1, min(last, rng.randint(5, 10)) + 1))
        return f"上一页 {shown} ... {last} 下一页"
    if style < 0.7:
        return f"首页 上一页 下一页 尾页 共{last}页 跳转到 页"
    return f"共 {last * rng.randint(10, 20)} 条记录 第 1/{last} 页"


READ_MORE = ("阅读全文", "阅读全文 »", "继续阅读 →", "Read more…", "查看全文", "[全文]", "阅读更多", "Continue reading →")
PREV_NEXT = (("上一篇：", "下一篇："), ("上一篇 ", "下一篇 "), ("« 上一篇", "下一篇 »"), ("上一条：", "下一条："))
RELATED_HEADINGS = (
    "相关新闻", "相关阅读", "相关文章", "延伸阅读", "推荐阅读", "热门推荐", "为您推荐", "猜你喜欢", "精彩推荐",
    "24小时热文", "排行榜", "点击排行", "最新文章", "图片新闻", "热点专题", "编辑推荐", "本周热门",
)
HOME_SECTION_HEADINGS = (
    "要闻", "今日头条", "滚动新闻", "本地要闻", "图说天下", "热点聚焦", "专题报道", "网友爆料", "通知公告",
    "工作动态", "便民服务", "视频新闻", "深度观察", "财经资讯", "社会万象", "最新更新", "热帖排行", "精华帖",
)
TAG_PREFIXES = ("标签：", "关键词：", "Tags：", "本文标签：", "关键字：")
FRIEND_LINKS = ("友情链接：", "友情链接", "合作媒体", "相关链接：")
SITE_SERVICE_LINKS = (
    "关于我们", "联系我们", "广告服务", "网站地图", "版权声明", "隐私政策", "免责声明", "人才招聘", "意见反馈",
    "投稿须知", "服务条款", "帮助中心", "网站导航", "商务合作", "诚聘英才", "网站简介", "新闻热线",
)

# --- metadata ----------------------------------------------------------------------------


def source_date_line(rng: random.Random, source: str, author: str = "") -> str:
    """The date/source line under a headline."""
    date = date_time(rng)
    parts = [
        rng.choice(("", "发布时间：", "时间：", "发表时间：", "日期：")) + date,
        rng.choice(("来源：", "来源:", "来源: ", "稿源：", "出处：")) + source,
    ]
    if author:
        parts.append(rng.choice(("作者：", "作者:", "编辑：")) + author)
    if rng.random() < 0.35:
        parts.append(rng.choice(("浏览次数：", "阅读：", "点击：", "人气：")) + count_text(rng))
    if rng.random() < 0.2:
        parts.reverse()
    return rng.choice(("  ", "    ", "\u3000", " | ", "\t\t", " ")).join(parts)


def byline(rng: random.Random, city: str) -> str:
    """A standalone byline before the body (metadata by LABELS.md)."""
    name, other = person_name(rng), person_name(rng)
    return rng.choice((
        f"本报记者 {name}", f"记者 {name} 通讯员 {other}", f"文/{name}", f"文／{name} 图／{other}",
        f"{city}日报记者 {name}", f"作者：{name}", f"□ 本报记者 {name} 实习生 {other}", f"撰文：{name}",
    ))


def editor_line(rng: random.Random) -> str:
    """An editor or reprint note after the body (metadata, not the article's own credit)."""
    name = person_name(rng)
    return rng.choice((
        f"责任编辑：{name}", f"[责任编辑：{name}]", f"(编辑：{name})", f"（责任编辑：{name}）", f"编辑：{name} 审核：{person_name(rng)}",
        f"[ 责编：{name} ]", f"本文编辑：{name}", f"值班编辑：{name}", f"编辑 {name} 校对 {person_name(rng)}",
    ))


def font_size_line(rng: random.Random) -> str:
    return rng.choice((
        "字体：大 中 小", "【字号 大 中 小】", "字号：T|T", "放大 缩小 默认", "【字体：大 中 小】 【打印】",
        "A+ A- 默认", "字体大小：大 中 小", "【大 中 小】",
    ))


REPRINT_NOTES = (
    "本文转自：{src}", "转自：{src}", "来源：{src}（转载）", "（本文经{src}授权转载）", "本文来源于{src}，版权归原作者所有",
    "文章来源：{src}", "原文链接：{src}", "声明：本文仅代表作者个人观点，与本站无关。", "本文内容由网友自发贡献，如有侵权请联系删除。",
)

# --- footer -------------------------------------------------------------------------------

ICP_PROVINCE_SHORT = "京津冀晋辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云陕甘青宁新"


def icp_line(rng: random.Random) -> str:
    short = rng.choice(ICP_PROVINCE_SHORT)
    icp = rng.choice((
        f"{short}ICP备{rng.randint(10000000, 99999999)}号", f"{short}ICP备{rng.randint(2005, 2023)}{rng.randint(100000, 999999)}号-{rng.randint(1, 9)}",
        f"{short}ICP证{rng.randint(100000, 999999)}号", f"{short}B2-{rng.randint(2004, 2022)}{rng.randint(1000, 9999)}",
    ))
    if rng.random() < 0.5:
        icp += rng.choice(("\u3000", "  ", " | ")) + f"{short}公网安备 {rng.randint(10, 65)}{rng.randint(10**11, 10**12 - 1)}号"
    return icp


def copyright_line(rng: random.Random, site_name: str, domain: str) -> str:
    y0 = rng.randint(1996, 2012)
    y1 = rng.randint(max(y0 + 1, 2015), 2024)
    return rng.choice((
        f"Copyright © {y0}-{y1} {domain} All Rights Reserved", f"版权所有 © {site_name} 未经许可不得转载",
        f"Copyright©{y0}-{y1} {site_name} 版权所有", f"© {y1} {site_name}  保留所有权利",
        f"{site_name}版权所有，未经书面授权禁止使用", f"Copyright © {y0} - {y1} {pinyin_word(rng).title()} Media. All Rights Reserved",
        f"本网站所有内容版权归{site_name}所有，转载请注明出处", f"copyright {y1} {domain}  版权所有",
    ))


def contact_line(rng: random.Random) -> str:
    return rng.choice((
        f"新闻热线：{phone_number(rng)}", f"联系电话：{phone_number(rng)}  传真：{phone_number(rng)}",
        f"违法和不良信息举报电话：{phone_number(rng)}", f"投稿邮箱：{pinyin_word(rng)}@{rng.choice(('qq.com', '163.com', '126.com'))}",
        f"广告热线：{phone_number(rng)}", f"地址：{rng.choice(CITIES)}市{rng.choice(('人民路', '解放路', '中山路', '建设大道'))}{rng.randint(1, 300)}号  邮编：{rng.randint(100000, 850000)}",
        f"举报邮箱：jubao@{pinyin_word(rng)}.cn", f"客服QQ：{rng.randint(10000000, 999999999)}",
    ))


def gov_footer_lines(rng: random.Random, org: str) -> list[str]:
    lines = [
        f"主办单位：{org}办公室" if rng.random() < 0.5 else f"主办：{org}  承办：{org}信息中心",
        f"网站标识码：{rng.randint(1000000000, 9999999999)}",
        icp_line(rng),
        rng.choice(("技术支持：", "运维单位：")) + f"{rng.choice(CITIES)}{rng.choice(('信息技术有限公司', '大数据中心', '网络科技有限公司'))}",
        rng.choice(("建议使用1920×1080分辨率浏览本站", "为了获得更好的浏览效果，建议使用IE9以上浏览器")),
    ]
    return rng.sample(lines, rng.randint(2, len(lines)))


def discuz_footer_lines(rng: random.Random, forum: str) -> list[str]:
    return [
        f"Archiver|手机版|小黑屋|{forum}",
        f"GMT+8, {date_time(rng, 'short')} , Processed in 0.{rng.randint(10000, 99999)} second(s), {rng.randint(8, 60)} queries .",
        f"Powered by Discuz! X3.{rng.randint(2, 5)}",
        f"© 2001-{rng.randint(2013, 2024)} {rng.choice(('Comsenz Inc.', 'Discuz! Team.', 'Tencent Cloud.'))}",
    ]


# --- interaction --------------------------------------------------------------------------

SHARE_LINES = (
    "分享到：", "分享到:", "分享", "扫一扫，分享到微信朋友圈", "分享到微信", "分享到微博 QQ空间 微信", "一键分享",
    "打开微信，点击底部的“发现”，使用“扫一扫”即可将网页分享至朋友圈。", "微信扫一扫 分享朋友圈", "复制链接",
    "收藏本文", "打印本页 关闭窗口", "【打印本页】 【关闭窗口】", "【打印】【关闭】", "收藏 | 打印 | 关闭",
    "点赞", "在看", "推荐给朋友", "分享至：微博 微信 QQ", "转发", "复制网址",
)
LOGIN_LINES = (
    "登录", "注册", "登录 | 注册", "登录 注册", "您好，请 登录 或 注册", "免费注册", "忘记密码？", "用户名 密码 登录",
    "退出", "个人中心", "我的收藏", "手机登录", "快捷登录：微信 QQ 微博", "请登录后发表评论", "立即登录",
)
APP_LINES = (
    "下载客户端", "下载APP，阅读更多精彩内容", "扫码下载{site}客户端", "打开APP 阅读全文", "APP内打开", "关注{site}官方微信",
    "扫描二维码关注我们", "手机看新闻", "手机版", "订阅{site}", "微信公众号", "长按识别二维码关注",
)
COMMENT_PROMPTS = (
    "发表评论", "我要评论", "网友评论", "评论", "写评论...", "请文明上网，理性发言", "发表评论 还可以输入500字",
    "已有0人参与", "说两句", "快来抢沙发吧！", "提交评论", "登录后才能评论", "表情", "评论 0", "查看更多评论",
)
PICTURE_PROMPTS = ("点击查看大图", "点击图片进入下一页", "点击图片查看原图", "登录/注册后可看大图", "点击播放", "点击看大图")
DISCUZ_TOP = (
    "马上注册，结交更多好友，享用更多功能，让你轻松玩转社区。", "您需要 登录 才可以下载或查看，没有帐号？立即注册",
    "切换到窄版", "请 登录 后使用快捷导航", "没有帐号？立即注册", "用户名 自动登录 找回密码 密码 登录 立即注册",
)
DISCUZ_POST = (
    "使用道具 举报", "回复 支持 反对", "回复 引用", "收藏 分享 淘帖", "只看该作者", "电梯直达", "倒序浏览 阅读模式",
    "分享到: QQ好友和群 QQ空间 腾讯微博 微信", "收藏 0", "支持 反对",
)
DISCUZ_BOTTOM = (
    "您需要登录后才可以回帖 登录 | 立即注册", "发表回复 回帖后跳转到最后一页", "快速回复 返回顶部 返回列表", "高级模式",
    "发新帖", "回复", "B Color Image Link Quote Code Smilies",
)

# --- comments -----------------------------------------------------------------------------

COMMENT_SENTENCES = (
    "说得好，支持一下！", "顶一个", "楼主辛苦了，写得很详细。", "这个问题我也遇到过，后来换了个办法就好了。",
    "希望有关部门重视一下。", "看完了，有点感动。", "不知道真假，等官方消息吧。", "又涨价了？工资怎么不涨。",
    "我们小区也是这样，反映了好几次都没人管。", "路过，顺便顶一下", "写得不错，收藏了", "这才是真正的好新闻",
    "标题党，内容跟标题有什么关系？", "去年去过一次，确实值得一去。", "马克一下，回头慢慢看", "同意楼上的说法",
    "楼上说得对，关键还是要落实。", "小时候家门口就是这样的，好怀念。", "请问楼主在哪里买的？", "已私信，麻烦看一下",
    "谢谢分享！", "沙发！", "有图有真相", "这个价格还是太贵了", "感觉没什么实际用处", "坐等后续", "前排围观",
    "建议多找几家比较一下再说。", "说到底还是要靠自己。", "作为本地人表示很支持", "我觉得这事没那么简单",
    "什么时候能通车啊，天天堵。", "孩子上学的问题怎么解决？", "好文，转了", "哈哈哈哈笑死了", "学习了",
    "支持楼主，期待更新。", "数据有出处吗？", "这么多年了还是老样子", "为家乡点赞！", "早就该这样管管了",
)


def comment_text(rng: random.Random) -> str:
    """A reader's remark: one to three short sentences."""
    return "".join(rng.sample(COMMENT_SENTENCES, rng.choice((1, 1, 1, 2, 3))))


def comment_header(rng: random.Random, floor: int) -> str:
    """A reply header naming the replier (label ``comment`` by LABELS.md)."""
    user, when = user_name(rng), date_time(rng, rng.choice(("short", "iso_s", "iso")))
    place = rng.choice(PROVINCES) + rng.choice(CITIES) if rng.random() < 0.5 else rng.choice(PROVINCES)
    ip = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.*"
    return rng.choice((
        f"{user} 发表于 {when}", f"{user} 发表于 {when} 来自手机", f"{user} 发表于 {when} | 只看该作者",
        f"{floor}楼 {user} {when}", f"#{floor} {user} {when}", f"{user} [{ip}] 说：", f"{user} {place}网友 {when}",
        f"{user}  {rng.randint(1, 59)}分钟前", f"{user} {rng.randint(1, 30)}天前", f"{place}网友 {user} 评论：",
        f"网友 {user} 于 {when} 回复", f"{user} {place}",
    ))


def comment_footer(rng: random.Random) -> str:
    """The reply/like strip under a reader comment, read as part of the comment block."""
    return rng.choice((
        f"{date_time(rng, 'short')} 举报 赞 {rng.randint(0, 99)} 回复", f"赞({rng.randint(0, 300)}) 回复",
        f"回复 | 赞 {rng.randint(0, 99)}", f"{rng.randint(1, 23)}小时前 回复", f"顶({rng.randint(0, 99)}) 踩({rng.randint(0, 30)})",
    ))


FLOOR_NAMES = ("沙发", "板凳", "地板", "地下室")

# --- spam -----------------------------------------------------------------------------------

GAMBLING_BRANDS = ("金沙", "新葡京", "威尼斯人", "皇冠", "永利", "太阳城", "银河", "博彩", "凯撒", "美高梅", "大发", "鸿运")
GAMBLING_TAILS = (
    "娱乐官网", "开户送38元彩金", "首存送100%", "真人视讯", "体育投注", "电子游艺", "线上娱乐场", "官方唯一网址",
    "注册就送", "app下载", "网址大全", "棋牌", "平台登录", "手机版下载",
)
DISEASES = ("白癜风", "牛皮癣", "男科", "妇科", "不孕不育", "癫痫", "痔疮", "近视手术", "植发", "甲状腺", "湿疹", "狐臭")
MED_TAILS = ("医院哪家好", "哪家医院专业", "治疗费用是多少", "专科医院排名", "去哪看比较好", "医院地址", "怎么治疗效果好")
SEO_WORDS = (
    "午夜", "日韩", "欧美", "国产", "亚洲", "精品", "久久", "高清", "在线观看", "免费", "一区二区", "无码", "视频",
    "福利", "影院", "中文字幕", "综合", "av", "三区", "蜜桃", "夜夜", "天天", "最新", "伦理片",
)
AD_SLOGANS = (
    "月入过万不是梦，加盟热线{phone}", "零基础学会炒股，日赚500元", "加微信{wx}领取内部资料", "祖传秘方，三天见效",
    "办证刻章 {phone}", "代开发票 {phone}", "低息贷款，当天到账", "股票配资 1:10 杠杆", "减肥瘦身 无效退款",
    "高价回收二手手机", "小投资大回报，开店就选{brand}", "男人的加油站，效果看得见", "免费领取价值998元大礼包",
    "点击领取新人红包", "全场包邮 限时秒杀", "招聘兼职打字员 日结", "发送{code}到{sms}订阅每日财经短信",
    "编辑短信{code}发送到{sms}，立即订阅", "【广告】{brand}，品质之选", "热门游戏：{brand}传奇 一刀999",
)


def spam_keyword_title(rng: random.Random) -> str:
    """An SEO keyword-stuffed title, as injected into hacked pages."""
    roll = rng.random()
    if roll < 0.4:
        words = [rng.choice(SEO_WORDS) + rng.choice(SEO_WORDS) + rng.choice(SEO_WORDS) for _ in range(rng.randint(2, 5))]
        return rng.choice((",", "，", "_", "|", " ")).join(words)
    if roll < 0.75:
        brand = rng.choice(GAMBLING_BRANDS)
        return f"{brand}{rng.choice(GAMBLING_TAILS)}" + rng.choice(("", f"-{brand}{rng.choice(GAMBLING_TAILS)}", f"_{pinyin_word(rng)}.com"))
    return f"{rng.choice(CITIES)}{rng.choice(DISEASES)}{rng.choice(MED_TAILS)}"


def spam_line(rng: random.Random) -> str:
    """An ad, stray promotional link or SMS offer."""
    roll = rng.random()
    if roll < 0.3:
        return spam_keyword_title(rng) + (f" https://{pinyin_word(rng)}{rng.randint(1, 999)}.com" if rng.random() < 0.3 else "")
    if roll < 0.45:
        return f"{date_time(rng, 'iso_date')} {rng.choice(CITIES)}{rng.choice(DISEASES)}{rng.choice(MED_TAILS)}"
    return rng.choice(AD_SLOGANS).format(
        phone=phone_number(rng), wx=pinyin_word(rng) + str(rng.randint(10, 9999)), brand=rng.choice(GAMBLING_BRANDS),
        code=rng.randint(1, 99), sms=f"1066{rng.randint(1000, 9999)}",
    )


def spider_pool_line(rng: random.Random) -> str:
    """A "spider pool" list of place names, injected to farm search-engine crawls."""
    head = rng.choice(("主站蜘蛛池模板：", "主站蜘蛛池模板: ", "", "蜘蛛池 ", "站群 "))
    sep = rng.choice(("| ", "|", " | ", "、", " "))
    return head + sep.join(county_name(rng) for _ in range(rng.randint(8, 40)))


# --- noise ----------------------------------------------------------------------------------

WATERMARK_PUNCT = ":;,.'\"()[]{}^-_*&%$#@!~+=/\\|?<>`"
NOISE_SYMBOLS = ("×", "|", "[ ]", "·", "···", "▲", "▼", "←", "→", "↑", "■", "□", "●", "◆", "…", "/", ">>", "+", "-", "~", "│")


def watermark(rng: random.Random) -> str:
    """Anti-scraping garbage of the Discuz kind: two-character tokens of letters, digits and punctuation."""
    pool = string.ascii_letters + string.digits + WATERMARK_PUNCT
    return " ".join(rng.choice(pool) + rng.choice(pool) for _ in range(rng.randint(5, 14)))


def noise_line(rng: random.Random) -> str:
    """A line with no language in it: lone symbol, lone count, invisible characters, or watermark."""
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(NOISE_SYMBOLS)
    if roll < 0.65:
        return count_text(rng)
    if roll < 0.72:
        return rng.choice(("\u200b", "\ufeff", "\u200b\u200b", "\u200c"))
    if roll < 0.8:
        return f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return watermark(rng)
