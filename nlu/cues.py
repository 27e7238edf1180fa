"""Cue words of each status, so a rare word shares the weight of the common ones.

Graduates rarely say "I am employed"; they say 今天又轮到我上早班 or 组长说明天起不用来了.
The training data cannot hold every shift name, shop chore or dismissal phrase, so each cue
word below adds one concept feature ("c:work", "c:lost" …): the classifier learns the
concept from the cue words it saw, and every other cue word inherits it.
"""

from __future__ import annotations

import hashlib
import json
import re

CUES: dict[str, tuple[str, ...]] = {
    # the daily life of a job: shifts, clocking in, pay day, the workshop, the boss's orders
    "work": tuple(
        "轮休 带班 劳动合同 领了工资 签了合同 上工 出工 跟车 站岗 值守 后厨 收银台 "
        "早班 晚班 夜班 白班 中班 倒班 轮班 值班 排班 上班 下班 打卡 "
        "加班 接班 交班 换班 车间 工位 流水线 产线 岗位上 全勤 发工资 "
        "工资到账 工资发了 奖金 年终奖 提成 绩效 转正 试用期 入职 上岗 "
        "师傅 带徒弟 带新人 领班 组长让 主管让 班长让 工服 宿舍 食堂 "
        "五险一金 社保 团建 出差 跑单 派件 送单 返工 做紧 开工 复工 干活 "
        "搬砖 调岗 升职 涨工资 ".split()
    ),
    # being let go, said in so many ways
    "lost": tuple(
        "刷下来 没排我 不用回来 没让我回去 被替 散伙 关厂 "
        "不用来 别来了 不用去 不要我 不要人 走人 散了 解散 遣散 辞退 "
        "辞了我 开除 开了我 炒了 炒鱿鱼 炒咗 裁员 裁了 被裁 优化 劝退 "
        "清退 解聘 解雇 下岗 失业 倒闭 关门 停产 停工 跑路 跑了 撤点 "
        "撤了 砍掉 封条 锁了 不续 解除合同 解除劳动 离职单 离职手续 补偿金 "
        "遣散费 结工资走 最后一天 另谋出路 另找 执笠 冇工 黄了 垮了 撵 "
        "没活干 没活了 没得活 撤掉 一个不留 岗位取消 不再续 不留我 没留我 "
        "自谋生路 自谋出路 卷铺盖 打发回家 请走了 清出来 劝走 顶替了 ".split()
    ),
    # running one's own business
    "own": tuple(
        "回头客 帮工 店面 我的摊 我家的店 我开的 "
        "开张 开业 进货 出摊 摆摊 营业执照 我的店 我家店 店里生意 生意 "
        "客人 顾客 回本 承包 养殖 出栏 种植 挂果 网店 淘宝店 直播带货 "
        "带货 自己开 自己干 自己当老板 合伙 个体 摊位 门面 铺子 作坊 "
        "农家乐 民宿 自己跑车 自己做 创业 拿货 批发市场 进菜 接单 开门营业 出单 "
        "房租 鱼塘 果园 大棚 ".split()
    ),
    # still looking
    "seek": tuple(
        "海投 答复 跑招聘 应聘 试工 "
        "面试 简历 招聘会 招聘 等通知 等消息 没回音 没着落 人才市场 求职 "
        "待业 找工作 找活 搵工 投了 没人要 到处找 不缺人 满员 不招人 等回话 等电话 "
        "没下文 石沉大海 劳务市场 招工 要有经验 没经验 面完 面了 二面 双选会 ".split()
    ),
    # school or the army
    "study": tuple(
        "自习 辅导员 毕业设计 新兵连 连队 学分 作业 "
        "开学 上课 报到 期末 期中 考试 复习 图书馆 宿舍楼 军训 专升本 "
        "读书 念书 读紧书 返学 学校 部队 新兵 入伍 参军 当兵 退伍 函授 "
        "成考 录取 注册 论文 实训 班主任 寝室 学费 选修课 奖学金 征兵 军营 "
        "升学 ".split()
    ),
    # a person, not the bot
    "human": tuple(
        "真人 活人 人工 工作人员 负责人 干部 客服 打电话给我 联系我 找个人 换个人 "
        "是机器 机器人 ".split()
    ),
    # no more messages
    "unsub": tuple(
        "别再发 不要再发 别发了 不要发了 别再给我发 退订 退出 取消关注 拉黑 删掉 删了 "
        "打扰 停止发送 不想收 不再收到 别再问 不用再问 别联系 不要再联系 关掉 ".split()
    ),
}
_INDEX = {word: concept for concept, words in CUES.items() for word in words}
_PATTERN = re.compile("|".join(map(re.escape, sorted(_INDEX, key=len, reverse=True))))
# A negator just before a cue turns it around (没被裁, 不上班了); 不过/不管 are not negators.
_NEGATED = re.compile(r"(没|不(?![过管仅但然久少错])|未|冇|唔|别|莫)[^ ]{0,2}$")


def cue_features(text: str) -> list[str]:
    """One 'c:<concept>' (or 'c:not-<concept>') feature per cue word in a normalised message."""
    features = []
    for match in _PATTERN.finditer(text):
        negated = _NEGATED.search(text[max(0, match.start() - 3) : match.start()])
        features.append(f"c:{'not-' if negated else ''}{_INDEX[match.group()]}")
    return features


def cues_hash() -> str:
    """A digest of the cue lists, part of the model's cache key (the weights depend on it)."""
    body = json.dumps(CUES, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:12]
