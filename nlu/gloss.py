"""English words glossed in Chinese, so "I lost my job" shares features with 我失业了.

A few hundred English messages cannot teach the classifier English; a small glossary of the
words graduates use about work lets every Chinese training sentence teach it instead. The
gloss is appended to the features only (the text and entities are untouched).
"""

from __future__ import annotations

import hashlib
import json
import re

from yulu.nlu.text import normalize

# Longer phrases first wins; the glosses are the Chinese the training data already uses.
GLOSSARY: dict[str, str] = {
    # losing a job
    "lost my job": "失业了",
    "lost the job": "失业了",
    "lost job": "失业",
    "laid off": "被裁员了",
    "lay off": "裁员",
    "layoff": "裁员",
    "layoffs": "裁员",
    "let go": "被辞退",
    "let me go": "把我辞退了",
    "fired": "被开除了",
    "fire": "开除",
    "sacked": "被辞退了",
    "dismissed": "被辞退了",
    "unemployed": "失业",
    "jobless": "没工作",
    "out of work": "失业了",
    "no job": "没工作",
    "no work": "没活干",
    "closed down": "倒闭了",
    "shut down": "倒闭了",
    "closed": "关门了",
    "bankrupt": "倒闭",
    "went bankrupt": "倒闭了",
    "went under": "倒闭了",
    "not renew": "不续签",
    "didn't renew": "没续签",
    "quit": "辞职",
    "resigned": "辞职了",
    # working
    "working": "在上班",
    "work": "工作",
    "works": "上班",
    "job": "工作",
    "jobs": "工作",
    "employed": "就业了",
    "hired": "被录用了",
    "got a job": "找到工作了",
    "found a job": "找到工作了",
    "new job": "新工作",
    "started": "开始",
    "still": "还",
    "same": "原来的",
    "factory": "厂",
    "company": "公司",
    "boss": "老板",
    "salary": "工资",
    "pay": "工资",
    "shift": "班",
    "overtime": "加班",
    # seeking
    "looking for": "在找",
    "searching": "在找",
    "job hunting": "找工作",
    "need a job": "想找工作",
    "haven't found": "还没找到",
    "not found": "没找到",
    "yet": "还没",
    # study and the army
    "study": "读书",
    "studying": "在读书",
    "student": "学生",
    "school": "学校",
    "college": "大专",
    "university": "大学",
    "bachelor": "本科",
    "degree": "学历",
    "army": "当兵",
    "military": "当兵",
    "soldier": "当兵",
    # self-employed
    "my own business": "自己创业",
    "own business": "自己创业",
    "business": "生意",
    "self employed": "自己创业",
    "self-employed": "自己创业",
    "shop": "店",
    "store": "店",
    "opened": "开了",
    "run": "开",
    "raising": "养",
    "farm": "养殖",
    "pigs": "猪",
    # requests
    "internship": "实习",
    "internships": "实习",
    "trainee": "见习",
    "training": "培训",
    "course": "培训",
    "courses": "培训",
    "learn": "学",
    "skill": "技术",
    "subsidy": "补助",
    "subsidies": "补助",
    "policy": "政策",
    "allowance": "补贴",
    "real person": "真人",
    "human": "人工",
    "cadre": "帮扶干部",
    "talk to": "找",
    "call me": "给我打电话",
    "stop": "退订",
    "unsubscribe": "退订",
    "stop sending": "别再发了",
    "don't send": "别发了",
    "sign up": "登记",
    "register": "登记",
    "update": "修改",
    "change": "改",
    "changed": "换了",
    "phone number": "手机号",
    "number": "号码",
    "info": "信息",
    # talk
    "hello": "你好",
    "hi": "你好",
    "hey": "你好",
    "good morning": "早上好",
    "bye": "再见",
    "goodbye": "再见",
    "see you": "再见",
    "thanks": "谢谢",
    "thank you": "谢谢",
    "thx": "谢谢",
    "yes": "是的",
    "yeah": "是的",
    "yep": "是的",
    "ok": "好的",
    "sure": "好的",
    "right": "对",
    "no": "不",
    "nope": "不是",
    "not": "不",
    "don't": "不",
    "didn't": "没",
    "never": "没",
    "any": "有没有",
    "do you have": "有没有",
    "weather": "天气",
    "joke": "笑话",
}
# Keys normalised like messages are ("didn't" -> "didn t").
_GLOSSES = {normalize(phrase): chinese for phrase, chinese in GLOSSARY.items()}
_PHRASES = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(_GLOSSES, key=len, reverse=True)) + r")\b"
)
_LATIN = re.compile(r"[a-z]{2,}")


def gloss(normalized: str) -> str:
    """The Chinese gloss of a normalised message's English words ('' when it has none)."""
    if not _LATIN.search(normalized):
        return ""
    return "".join(_GLOSSES[m.group()] for m in _PHRASES.finditer(normalized))


def glossary_hash() -> str:
    """A digest of the glossary, part of the model's cache key (the weights depend on it)."""
    body = json.dumps(GLOSSARY, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:12]
