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

# A status is often told by its consequences (the dorm to leave, the badge handed back, the
# day's takings, the date to report at school), so these are cue words too. A word that sounds
# like a common other word (赚了/转了, 夜市/也是, 油钱/有钱, 导师/到时) is left out: the
# homophone view (cues.homophone_cue_features) would hear it in every message. 报到 is said of
# a new job as much as of a school, so only its school forms (新生报到) point at study. The pay
# a searcher asks for (三千五以上就行, 要求不高) is a seeking cue, so a figure is not a wage.
CUES: dict[str, tuple[str, ...]] = {
    # the daily life of a job: shifts, clocking in, pay day, the workshop, the boss's orders
    "work": tuple(
        "轮休 带班 劳动合同 领了工资 签了合同 上工 出工 跟车 站岗 值守 后厨 收银台 "
        "早班 晚班 夜班 白班 中班 倒班 轮班 值班 排班 上班 下班 打卡 "
        "加班 接班 交班 换班 车间 工位 流水线 产线 岗位上 全勤 发工资 "
        "工资到账 工资发了 奖金 年终奖 提成 绩效 转正 试用期 入职 上岗 "
        "师傅 带徒弟 带新人 领班 组长让 主管让 班长让 工服 宿舍 食堂 "
        "五险一金 社保 团建 出差 跑单 派件 送单 返工 做紧 开工 复工 干活 "
        "搬砖 调岗 升职 涨工资 继续干 接着干 照常上班 照样上班 照样干 照样开工 留下来了 "
        "保住了 还在干 还在做 没动我 没轮上我 在职 在岗 上着班 做工 送外卖 跑外卖 发薪 "
        "工资条 底薪 计件 正式员工 合同工 同事 请假 调休 年假 工龄 新同事 "
        "工牌 厂牌 工号 员工卡 刷卡 考勤 加班费 车间主任 产量 报到上班 入职报到 "
        "去公司报到 单位报到 公司报到 工资卡 发薪日 老板让 领导让 上早班 上夜班 交货期 "
        "赶货 赶工 计时工 新员工 岗前培训 入职培训 "
        "表扬 夸我 考核 加薪 涨薪 年会 优秀员工 上手了 员工餐 工伤险 过节费 发福利 厂车 "
        "入职体检 三班倒 独立操作 "
        "班组 五险 交社保 拉进工作群 打卡群 "
        "续签了 续了合同 续了约 签了续约 留用 新单位 新公司 新厂 第一天上班 上班第一天 "
        "轮到我上 排到我 这个月工资 工资涨了 发了工资 名单里没我 名单上没我 名单里没有我 "
        "名单上没有我 这边没事 我们厂没事 我们组没事 我这没事 暂时没事 又开起来 又开工 "
        "恢复生产 复工了 又续了 续好了 续签 续约 这组没动 我们组没动 没动到我 没动我们 "
        "留着我 还留着 还在厂里 还在厂 还在公司 还在单位 还在店里 还在岗位 进厂了 进了厂 ".split()
    ),
    # being let go, said in so many ways, and what follows (退宿, 工牌收回, 最后一笔工资)
    "lost": tuple(
        "刷下来 没排我 不用回来 没让我回去 被替 散伙 关厂 "
        "不用来 别来了 不用去 不要我 不要人 走人 散了 解散 遣散 辞退 "
        "辞了我 开除 开了我 炒了 炒鱿鱼 炒咗 裁员 裁了 被裁 优化 劝退 "
        "清退 解聘 解雇 下岗 失业 倒闭 关门 停产 停工 跑路 跑了 撤点 "
        "撤了 砍掉 封条 锁了 不续 解除合同 解除劳动 离职单 离职手续 补偿金 "
        "遣散费 结工资走 最后一天 另谋出路 另找 执笠 冇工 黄了 垮了 撵 "
        "没活干 没活了 没得活 撤掉 一个不留 岗位取消 不再续 不留我 没留我 "
        "自谋生路 自谋出路 卷铺盖 打发回家 请走了 清出来 劝走 顶替了 撤销 裁撤 歇业 停业 "
        "关停 失去工作 丢了工作 丢了饭碗 饭碗没了 被踢 除名 终止合同 合同终止 停薪 "
        "无限期放假 被劝离 "
        "宿舍要搬 搬出宿舍 退宿 工牌收回 收回工牌 工牌交了 厂牌交了 交了工牌 踢出群 "
        "最后一笔工资 结清工资 结算工资 工资结清 办交接 交接完 劳动仲裁 仲裁 经济补偿 "
        "赔偿金 n+1 不用上班了 歇在家 没班上 没有班上 没得班上 "
        # round 7: the scenes a dismissal is told by, in words no training message used
        "宿舍退了 退了宿舍 腾宿舍 床位退了 被赶出宿舍 清宿舍 搬离宿舍 宿舍钥匙 "
        "结了工资 把工资结了 工资算清 算清工资 结账走人 最后一个月工资 多给了一个月 "
        "补了一个月 赔了一个月 给了补偿 补偿款 拿了补偿 离职证明 退工单 社保停了 社保断了 "
        "停保 断缴 公积金封存 工服交了 交了工服 退了工服 门禁失效 打不了卡 "
        "卡刷不进 刷不开门 账号被停 账号停用 登不上系统 移出群 移出了群 退了工作群 "
        "收拾东西走 收拾铺盖 打包回家 停线 线停了 停摆 没订单 没单子 机器都停了 "
        "放长假 回家等通知 在家等通知 先回家等 停工待料 待岗 无薪假 "
        "老板不见了 联系不上老板 老板失联 找不到老板 人去楼空 厂门锁了 大门锁了 "
        "公司搬走了 厂搬走了 没续签 不续签 没给续 不再签 没再签 续不了 没转正 "
        "转正没通过 试用期没过 没过试用期 试用期被刷 没留下 让我走 叫我走 请我走 "
        "让我离开 另谋高就 另请高明 另寻出路 别来上班 不用再来 砸饭碗 丢饭碗 关张 "
        "关门大吉 辞职 辞工 裸辞 辞掉 不干了 不做了 离职 一气之下 撂挑子 被换掉 "
        "被顶了 顶了我 裁到我 名单上有我 被约谈 谈了离职 签了离职 "
        "卖掉了 转让了 被收购 不要原来 工作丢了 活丢了 "
        "活没了 班没了 岗没了 饭碗丢了 失了业 缩编 缩减人手 减员 精简人员 裁减 砍人 "
        "无头路 冇头路 没头路 头路没了 最后一个班 最后一班 最后一次上班 最后一个工作日 "
        "活干完了 活结束了 项目结束了 没有下一个项目 没下一个活 被开 自离 "
        "撑不下去 做不下去了 开不下去 资金链断 破产 清算 拆迁 停业整顿 砍单 劝返 清场 人员调整 "
        "老板进去了 排不上班 停了我的班 不排班 人员分流 分流 买断 买断工龄 ".split()
    ),
    # out of work with nothing to do: the days after a job (闲在家, 睡到中午); a searcher may
    # say it too, so it is a concept of its own and the data teaches where it leans
    "idle": tuple(
        "闲在家 在家闲着 闲着 闲下来 闲了 赋闲 闲居 待在家 窝在家 躺在家 躺着 躺平 "
        "睡到中午 睡到自然醒 睡到下午 闹钟关 不用定闹钟 不用早起 不用起早 啃老 吃老本 "
        "坐吃山空 没收入 没有收入 收入断了 断了收入 没进项 没钱进 在家蹲 无所事事 "
        "没事干 没事做 没事可做 无事可做 天天打游戏 吃闲饭 在家待着 在家呆着 呆在家 "
        "歇着 歇了 歇菜 没着没落 不知道干嘛 不知道做什么 打零工糊口 存款见底 "
        "花光了积蓄 房租交不起 交不起房租 没进账 没有进账 一分钱进账 没钱进账 ".split()
    ),
    # running one's own business: stock, stall, customers, takings, costs
    "own": tuple(
        "回头客 帮工 店面 我的摊 我家的店 我开的 "
        "开张 开业 进货 出摊 摆摊 营业执照 我的店 我家店 店里生意 生意 "
        "客人 顾客 回本 承包 养殖 出栏 种植 挂果 网店 淘宝店 直播带货 "
        "带货 自己开 自己干 自己当老板 合伙 个体 摊位 门面 铺子 作坊 "
        "农家乐 民宿 自己跑车 自己做 创业 拿货 批发市场 进菜 接单 开门营业 出单 "
        "房租 鱼塘 果园 大棚 单干 出来干 自己出来 开店 开了个店 开了家 小生意 做买卖 "
        "地摊 跑滴滴 网约车 接私活 包工 养猪 养鸡 养牛 微商 代购 个体户 老板娘 "
        "净赚 流水 营业额 成本 本钱 进价 出车 摊子 小店 档口 收摊 货款 回款 订单 铺面 "
        "租金 自负盈亏 雇了 请了个帮手 亏本 亏了 生意好 生意差 卖出去 开铺 拉客 "
        "跑了一天车 单量 "
        "盘下来 我的车 自己带人 不亏 "
        "鱼苗 放苗 猪崽 鸡苗 跑运输 拉货 载客 跑线 包了块地 包了亩 "
        "进了一批 小吃车 餐车 工作室 第一单 ".split()
    ),
    # still looking
    "seek": tuple(
        "海投 答复 跑招聘 应聘 试工 "
        "面试 简历 招聘会 招聘 等通知 等消息 没回音 没着落 人才市场 求职 "
        "待业 找工作 找活 搵工 投了 没人要 到处找 不缺人 满员 不招人 等回话 等电话 "
        "没下文 石沉大海 劳务市场 招工 要有经验 没经验 面完 面了 二面 双选会 "
        "找事 找份工 没找到 找不到 还没找 打听 招聘软件 直聘 同城 智联 找下家 物色 "
        "看机会 投简历 投递 笔试 复试 初试 等offer 找事做 找点事 找个班上 没找着 "
        "前程无忧 "
        "跑了好几家 跑了几家 问了好几家 等面试 试岗 在看工作 没定下来 还没定 没有着落 "
        "没回复 已读不回 等回复 刷招聘 刷岗位 投出去 "
        "没戏 放鸽子 重新找 再投 继续找 "
        "到处投 找新的 找新工作 找下一份 人才市场门口 招聘会上 投了几家 面了几家 等面试结果 "
        "在找 还在找 一直在找 工作还没 "
        "以上就行 以上都行 要求不高 期望薪资 期望工资 工资要求 待遇要求 能给到 只要包住 "
        "内推 还在挑 挑工作 试试运气 碰碰运气 约了一家 四处问 搵紧 搵份工 "
        "还没上过班 没上过班 没工作过 还没工作过 第一份工作 应届 刚毕业 毕业了还没 "
        "没找好 还在看 再看看 一直在投 投了不少 面了不少 揣头路 找头路 ".split()
    ),
    # school or the army
    "study": tuple(
        "自习 辅导员 毕业设计 新兵连 连队 学分 作业 "
        "开学 上课 期末 期中 考试 复习 图书馆 宿舍楼 军训 专升本 "
        "读书 念书 读紧书 返学 学校 部队 新兵 入伍 参军 当兵 退伍 函授 "
        "成考 录取 论文 实训 班主任 寝室 学费 选修课 奖学金 征兵 军营 "
        "升学 军装 军服 服役 义务兵 士官 军校 出操 入学 上学 开课 学期 寒假 暑假 读研 "
        "考研 研究生 复读 备考 插班 留学 进修 新生 录取通知 通知书 政审 兵役 服兵役 入营 "
        "晚自习 早读 考试周 "
        "分数线 上岸 准考证 考上 考进 开学典礼 校园 课表 选课 挂科 补考 学校报到 新生报到 "
        "入学报到 集训 学籍 录取线 填志愿 复试线 "
        "成人高考 高职 读第二年 实验课 "
        "单招 刷题 武装部 定兵 兵检 体检站 入伍通知 征兵体检 考公 考编 "
        "答辩 课程设计 班会 连长 排长 熄灯 升本 技校 教室 背单词 学院 操场 早操 校服 ".split()
    ),
    # a person, not the bot
    "human": tuple(
        "真人 活人 人工 工作人员 负责人 干部 客服 打电话给我 联系我 找个人 换个人 "
        "是机器 机器人 有人吗 有人在吗 人在吗 人呢 管事的 跟人说 转人 接线员 值班的人 "
        "当面 通话 回电话 人工服务 打给我 给我打电话 来电 面谈 投诉 驻村 第一书记 帮扶人 "
        "联系人 "
        "找个真人 人来处理 帮我转 转给 找负责的 村里的干部 打个电话 回个电话 ".split()
    ),
    # asking for openings, said without the word 工作 (哪里要人, 有活介绍吗)
    "openings": tuple(
        "缺人 招人 要人 收人 用人 进人 在招 招不招 还招 工作机会 有活 哪有活 什么活 "
        "推荐工作 介绍工作 介绍个 推荐个 有没有岗位 有岗位 空缺 职位 门路 进厂 包吃住 "
        "对口的单位 招工信息 招聘信息 用工 急招 正招 日结 临时工 零工 兼职 暑假工 寒假工 "
        "高薪 ".split()
    ),
    # internships and traineeships
    "intern": tuple(
        "实习 见习 跟岗 顶岗 实习单位 实习证明 实习协议 实习报告 盖章 练手 积累经验 "
        "接收实习生 社会实践 实习生 实训基地 毕业实习 鉴定表 跟班学习 "
        "实习期 实习岗 实习鉴定 顶岗实习 实践报告 校外实践 实习材料 找实习 实习的地方 "
        "跟岗实习 见习岗 见习基地 学校要求实习 实习单位盖章 ".split()
    ),
    # money and help from the programme or the state
    "policy": tuple(
        "补贴 补助 资助 津贴 奖补 扶持 贴息 政策 报销 减免 一笔钱 发钱 打钱 给钱 领钱 "
        "进钱 拿钱 雨露计划 资金 奖励 申领 优惠 免息 贷款 担保 帮扶 脱贫户 监测户 "
        "救助 低保 助学金 学费减免 生活费 交通补贴 到账 发放 打款 拨款 申请表 领取 "
        "钱什么时候 钱到了没 钱没到 补贴款 发了没 ".split()
    ),
    # learning a trade
    "train": tuple(
        "培训 学技术 学手艺 学门 技能 考证 拿证 电工证 叉车证 焊工证 厨师证 学习班 "
        "培训班 技术班 拜师 学一门 教技术 学个技术 技能班 夜校 手艺班 学开车 驾校 考驾照 "
        "学厨 学电焊 学美容 学美发 育婴师 月嫂 家政 资格证 职业技能 "
        "学点技术 学门手艺 技能培训 学个手艺 报个班 ".split()
    ),
    # changing what was registered
    "profile": tuple(
        "改成 换成 改一下 改下 换号 新号 号码换 换了号 搬到 搬家 搬去 迁到 迁回 填错 "
        "写错 弄错 更新 修改 变更 更正 打这个号 新的号码 改名 更改 重新填 重填 填岔 写岔 "
        "搞错 弄混 信息有误 新地址 换了个号 手机号换 "
        "搬走 现在住 搬过去 迁过去 换地方 换城市 户口迁 已经搬 搬回 改地址 去了别的城市 "
        "换了城市 ".split()
    ),
    # the fields of a registration (专业, 户籍 …): named, they point at a correction
    "field": tuple(
        "专业 学历 户籍 户口 求职地 意向地 姓名 名字 毕业年份 毕业时间 手机号 电话号码 "
        "号码 资料 登记的信息 填的信息 地址 住址 出生 生日 性别 ".split()
    ),
    # joining the programme
    "join": tuple(
        "登记 报名 建档 加入 入库 成为 开户 录入 留个信息 新用户 怎么用 注册 申请加入 "
        "登个记 算我一个 报个名 ".split()
    ),
    # the small talk of a chat, said around the words the data used (冒个泡, 你们忙吧, 就免了)
    "greet": tuple(
        "你好 您好 哈喽 嗨 早上好 上午好 下午好 晚上好 早啊 早安 在吗 在不在 冒泡 冒个泡 "
        "又是我 打个招呼 问个好 问声好 好久不见 拜年 新年好 过年好 中秋快乐 节日快乐 报个到 "
        "来看看 露个脸 吱一声 有人在 大家好 老师好 书记好 喂喂 能看到吗 看得到吗 收得到吗 雷猴 "
        "说句话 ".split()
    ),
    "thanks": tuple(
        "谢谢 多谢 感谢 谢了 辛苦了 辛苦你们 麻烦你们了 费心了 劳烦 太感谢 帮大忙 多亏 "
        "给你们点赞 点个赞 好人 送锦旗 记着你们的好 感激 承蒙 让你们操心 破费 带两斤 "
        "请你们吃饭 感动 暖心 有心了 ".split()
    ),
    "bye": tuple(
        "再见 拜拜 回头聊 下次聊 改天聊 先这样 就这样吧 你们忙吧 您忙 先忙 先撤 下线 "
        "睡了 去睡 晚安 先走了 回聊 有空再聊 不聊了 先不说了 就问这么多 问完了 ".split()
    ),
    "decline": tuple(
        "算了 免了 不考虑 不去了 不需要了 不合适 不方便 没空 去不了 凑不出 推了 婉拒 "
        "下次吧 再说吧 先不了 还是不要 不感兴趣 没兴趣 不想去 不打算 吃不消 太远了 "
        "不行 不是的 没有的事 不同意 不愿意 拒绝 我不需要 不需要谢谢 唔使喇 唔使啦 唔使了 唔要喇 "
        "不得行 要不得 ".split()
    ),
    "affirm": tuple(
        "好的 好嘞 得嘞 行吧 行啊 行的 可以 没问题 就这么办 听你的 安排吧 同意 对的 "
        "是的 没错 对对 嗯嗯 冇问题 okay 就它了 就这个 ".split()
    ),
    # no more messages
    "unsub": tuple(
        "别再发 不要再发 别发了 不要发了 别再给我发 退订 退出 取消关注 拉黑 删掉 删了 "
        "打扰 停止发送 不想收 不再收到 别再问 不用再问 别联系 不要再联系 关掉 取消订阅 "
        "屏蔽 免打扰 不要推送 别推 不用推 别通知 销号 注销 移除 退群 别烦我 骚扰 "
        "跟进 不用管我 别管我 不需要你们 别打了 不要再打 取消提醒 "
        "别再收 不想再收 让它停 停下来 别响 别一直响 别一直发 少发点 ".split()
    ),
}
# Scenes with a gap, where a word list would need every combination: the dorm to leave
# (宿舍让我三天内搬出去), pay settled up to a date (工资结到这个月), the badge or uniform handed
# back, a boss who cannot be reached, a workplace that stopped, a contract that ran out.
PATTERNS: dict[str, tuple[str, ...]] = {
    "lost": (
        r"(宿舍|床位|铺位|铺盖).{0,10}(搬出|搬走|腾出|腾空|腾地方|退掉|退了|清出|让出|卷走)",
        r"(工资|工钱|账|钱).{0,3}(结到|结清|结完|算到|算清|给到|发到这)|(结清|结完|算清).{0,3}工资",
        r"社保.{0,4}(交到|停了|断了|停缴|转走)|(指纹|工号|账号|门禁).{0,6}(删|注销|停用|冻结)",
        r"没人.{0,3}(排班|派活|派单|叫我上班)|不再.{0,3}(排我|叫我|派活给我)",
        r"等有活.{0,4}(叫|喊|通知)|先在家.{0,3}(待|等|歇)|复工.{0,3}(待定|没消息|遥遥无期)",
        r"从(厂里|厂子|单位|公司|店里|工地|那家|那边|原来那|上一家|上家)(里)?(出来|离开)",
        r"(工牌|厂牌|工服|工装|工卡|员工卡|门卡|胸牌|安全帽|饭卡|钥匙).{0,8}(交|还给|收回|上缴|退)",
        r"(老板|老总|经理|厂长|包工头|工头).{0,4}(跑|不见|失联|联系不上|打不通|找不到|没影)",
        r"(厂|公司|店|工地|项目|车间|线).{0,6}(停了|关了|倒了|黄了|散了|垮了|撤了|卖了|没了)",
        r"(让|叫|喊|请)(我|我们).{0,4}(回家|走人|别来|别去|另找|收拾|离开|明天不用)",
        r"合同(?!没|还没|未)[^ ]{0,6}?(到期|不续|没续|终止|不签|没签)"
        r"(?![^ ]{0,4}(续了|续好|续签了|又签))",
        r"(工作|饭碗|活儿?|班|岗位?).{0,2}(没了|丢了|黄了|没有了)",
        r"(工牌|厂牌|工卡|钥匙|宿舍|床位|账号|电脑|工具).{0,2}被.{0,3}(收|收走|收回|注销|停)",
        r"(从|在).{0,4}(名单|排班表).{0,3}(划|删|去掉|拿掉|没有我)",
    ),
    # still at it, whatever lies between (还在原来的店里做, 照样去车间干): a loss denied
    "work": (
        r"还在(?!找|家|等|投|看|读|学|考|想|犹豫)[^ ]{1,6}?(做|干活|上班|上着班)(?!什么|啥)",
        r"没(辞成|走成|被裁成)",
        r"(找到|找着|有)了?(份|个)?(新的?|别的)?(工作|活|下家|班上)|(换|调)(了|到|去)(一家|别的|新的?)",
        r"(又|重新|已经)(进了?厂|上班|上岗|入职)",
        r"(干|做|上)了(快|差不多|有)?([一两三四五六七八九十半几]|\d)+(年|个月|个多月)(了|多了)",
    ),
    "idle": (
        r"(天天|每天|整天|一天到晚|成天).{0,4}(在家|躺|睡|刷手机|打游戏|发呆|闲)",
        r"睡到.{0,2}(中午|下午|十点|十一点|十二点|自然醒)",
        r"(闹钟|闹铃).{0,3}(关|不用|删)",
    ),
}
_PATTERN_RES = {concept: re.compile("|".join(ps)) for concept, ps in PATTERNS.items()}
_INDEX = {word: concept for concept, words in CUES.items() for word in words}
_PATTERN = re.compile("|".join(map(re.escape, sorted(_INDEX, key=len, reverse=True))))
# A negator just before a cue turns it around (没被裁, 不上班了); 不过/不管 are not negators.
_NEGATED = re.compile(r"(没|不(?![过管仅但然久少错])|未|冇|唔|别|莫)[^ ]{0,2}$")


def is_a_not_a(text: str, start: int) -> bool:
    """Whether the 不/没 at `start` is the middle of an A-not-A question (招不招, 有没有)."""
    return (
        0 < start < len(text) - 1 and text[start] in "不没" and text[start - 1] == text[start + 1]
    )


# Who a job loss happened to: the last person named before it in the clause (我朋友被裁了,
# 同事都被辞退了 tell of someone else; 老板说不要我, 我爸让我回家 of the writer).
_PERSON = re.compile(
    r"(?:我的?|俺|咱)?(?P<other>朋友|同事|室友|舍友|同学|表哥|表姐|表弟|表妹|堂哥|堂姐|堂弟|"
    r"堂妹|哥哥|姐姐|弟弟|妹妹|哥|姐|弟|妹|爸|妈|老公|老婆|对象|男朋友|女朋友|邻居|亲戚|工友|"
    r"老乡|发小|闺蜜|叔|舅|姑|姨|他们|她们|他|她|别人|其他人|好多人|很多人|一批人|不少人)"
    r"|我们|咱们|我|俺|咱"
)
# A loss only feared or heard of (听说要裁员, 会不会倒闭, 怕被辞退) is not one that happened.
_HEDGE = re.compile(
    r"(听说|据说|传言|传闻|在传|传要|都说要|说是要|风声|担心|害怕|怕|会不会|是不是要|可能要|"
    r"万一|如果|要是)"
)


# 被裁过, 失业过: a loss the writer has been through, not the state now.
_BEEN_THROUGH = re.compile(r"[了]?过(?![来去年])")


def _lost_reading(text: str, start: int, end: int) -> str:
    """'lost', or 'other-lost' / 'maybe-lost' / 'past-lost' when the loss is someone else's,
    only feared, or one the writer has been through (被裁过一次)."""
    clause = text[:start].rsplit(" ", 1)[-1]
    if _HEDGE.search(text[max(0, start - 8) : start]):
        return "maybe-lost"
    if _BEEN_THROUGH.match(text, end):
        return "past-lost"
    people = list(_PERSON.finditer(clause))
    if people and people[-1].group("other"):
        return "other-lost"
    after = _PERSON.match(text, end + 2) if text.startswith("的是", end) else None
    return "other-lost" if after and after.group("other") else "lost"


def _concept(text: str, start: int, end: int, concept: str) -> str:
    """The feature of one cue at text[start:end]: negated (没被裁), someone else's, feared or
    been through."""
    if _NEGATED.search(text[max(0, start - 3) : start]):
        return f"c:not-{concept}"
    return f"c:{_lost_reading(text, start, end)}" if concept == "lost" else f"c:{concept}"


def cue_features(text: str) -> list[str]:
    """One 'c:<concept>' (or 'c:not-<concept>') feature per cue word in a normalised message."""
    features, lost_spans = [], []
    for concept, pattern in _PATTERN_RES.items():
        for match in pattern.finditer(text):
            features.append(_concept(text, match.start(), match.end(), concept))
            if concept == "lost":
                lost_spans.append(range(match.start(), match.end()))
    for match in _PATTERN.finditer(text):
        if is_a_not_a(text, match.start()):
            continue  # 招不招人, 要不要人 ask; they do not say 不招人, 不要人
        concept = _INDEX[match.group()]
        if concept == "work" and any(match.start() in span for span in lost_spans):
            continue  # the badge handed back (工牌交了) tells of the end of the job, not of it
        features.append(_concept(text, match.start(), match.end(), concept))
    return features


def pinyin_cue_index(table: dict[str, str]) -> dict[tuple[str, ...], str]:
    """Each cue word of two or more characters as its syllables (服役: ("fu", "yi"))."""
    index = {}
    for word, concept in _INDEX.items():
        if len(word) >= 2 and all(char in table for char in word):
            index.setdefault(tuple(table[char] for char in word), concept)
    return index


def homophone_cue_features(
    text: str, units: list[tuple[str, int, int]], index: dict[tuple[str, ...], str]
) -> list[str]:
    """'c:<concept>' for each cue word heard, not written, in a normalised message: a homophone
    typo (服兵役 as 服兵疫, 被裁 as 被菜) or pinyin (bei cai yuan) reads as the cue itself.

    `units` are the message's syllables with the character span each comes from; a span a
    written cue word already covers is skipped, so a correctly written cue counts once.
    """
    written = {i for m in _PATTERN.finditer(text) for i in range(m.start(), m.end())}
    features = []
    longest = max(map(len, index), default=0)
    for first in range(len(units)):
        for size in range(2, min(longest, len(units) - first) + 1):
            concept = index.get(tuple(unit for unit, _, _ in units[first : first + size]))
            start, end = units[first][1], units[first + size - 1][2]
            if concept and not written.intersection(range(start, end)):
                negated = _NEGATED.search(text[max(0, start - 3) : start])
                features.append(f"c:{'not-' if negated else ''}{concept}")
    return features


def cues_hash() -> str:
    """A digest of the cue lists, part of the model's cache key (the weights depend on it)."""
    # The readings (who, feared) are code, so their version is part of the digest too.
    body = json.dumps(
        [CUES, PATTERNS, _PERSON.pattern, _HEDGE.pattern], ensure_ascii=False
    ).encode()
    return hashlib.sha256(body).hexdigest()[:12]
