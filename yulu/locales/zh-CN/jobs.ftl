## Jobs and internships (岗位归集与推送): notices, /jobs, interest, 不合适, import and CLI texts.

posting-kind-full_time = 全职
posting-kind-internship = 实习
posting-kind-traineeship = 就业见习
posting-kind-targeted = 定向班
employer-type-central_soe = 央企
employer-type-soe = 国企
employer-type-private = 民企
employer-type-public_institution = 事业单位
employer-type-government = 机关
employer-type-foreign = 外企
employer-type-social = 社会组织
employer-type-other = 其他

# A posting as a graduate reads it.
jobs-card-title = 💼 { $title } · { $employer }
jobs-card-kind = 类型：{ $kind }（{ $type }）
jobs-card-place = 地点：{ $place }
jobs-card-majors = 专业要求：{ $majors }
jobs-card-pay = 薪资：{ $pay }
jobs-card-education = 学历要求：{ $education }
jobs-card-headcount = 招聘人数：{ $count } 人
jobs-card-deadline = 截止日期：{ $date }
jobs-card-apply = 报名方式：{ $how }
jobs-card-notes = 备注：{ $notes }
jobs-nationwide = 全国
jobs-any-major = 不限
jobs-education-1 = 中职（技工）及以上
jobs-education-2 = 高职（大专）及以上
jobs-education-3 = 本科及以上
jobs-pay-range = { $low }–{ $high } 元/月
jobs-pay-exact = { $pay } 元/月
jobs-pay-from = { $pay } 元/月起
jobs-pay-upto = 最高 { $pay } 元/月
jobs-pay-negotiable = 面议

# Why this posting (推荐理由).
jobs-reason = 推荐理由：{ $reasons }
jobs-reason-separator = 、
jobs-reason-desired = 求职地{ $place }
jobs-reason-near-home = 离户籍地近（{ $place }）
jobs-reason-anywhere = 求职地不限
jobs-reason-nationwide = 全国招聘
jobs-reason-major = 专业{ $major }
jobs-reason-category = 专业{ $major }属于{ $category }
jobs-reason-any-major = 不限专业
jobs-reason-student = 面向在校生和应届毕业生

# The proactive notice.
jobs-notice-title = 📢 为您推荐一个岗位：
jobs-notice-footer = 想报名请点“感兴趣/报名”；不合适请点“不合适”告诉我原因，我会少推这类岗位。
jobs-button-interested = ✋ 感兴趣/报名
jobs-button-decline = 🙅 不合适
jobs-button-previous = ◀ 上一个
jobs-button-next = 下一个 ▶
jobs-button-opt-in = 🔔 仍然给我推送岗位

# /jobs, 有什么工作, 有实习吗.
jobs-page-header = 为您找到 { $total } 个合适的岗位，这是第 { $number } 个：
jobs-page-header-internship = 为您找到 { $total } 个合适的实习和见习岗位，这是第 { $number } 个：
jobs-none =
    暂时没有符合您求职地和专业的岗位 🙏
    新岗位到了我会第一时间推送给您。也可以发送 /profile 修改求职地（比如改成“不限地区”）。
jobs-none-internship =
    暂时没有符合您求职地和专业的实习或见习岗位 🙏
    有新的实习岗位我会推送给您；也可以发送“有什么工作”看看全职岗位。
jobs-employed-note = 您目前已就业，所以我不会主动推送岗位；如果想换工作，可以点“仍然给我推送岗位”。
jobs-opted-in = 好的，以后有合适的岗位我会推送给您（每周不超过 { $cap } 个）。发送“退订”可以随时停止。

# 感兴趣/报名.
jobs-interest-recorded = ✅ 已记录您对“{ $title }”的报名意向。
jobs-interest-again = 您已经报过名了：“{ $title }”。
jobs-interest-apply = 报名方式：{ $how }
jobs-interest-cadre = 已通知您的帮扶干部 { $cadre }，他会协助您联系单位。
jobs-interest-no-cadre = 如需帮助，随时发送“找帮扶干部”。
jobs-closed = 这个岗位已经截止报名了 🙏 发送 /jobs 看看其他岗位。
jobs-cadre-interest =
    📌 岗位报名提醒
    您的帮扶对象 { $name }（#{ $id }，{ $phone }）对这个岗位感兴趣：
    { $title } · { $employer }（{ $place }）
    报名方式：{ $apply }
    请协助他/她联系单位、准备材料。

# 不合适.
jobs-decline-ask = 哪里不合适？告诉我原因，以后会少推这类岗位：
jobs-decline-place = 📍 地点不合适
jobs-decline-pay = 💰 工资太低
jobs-decline-trade = 🔧 专业/工种不对口
jobs-decline-other = 其他原因
jobs-decline-thanks = 好的，已记下 👌 以后会少推这类岗位。发送 /jobs 可以看看其他岗位。

# Command line.
reason-missing-employer = 缺少单位名称
reason-missing-title = 缺少岗位名称
reason-missing-kind = 缺少岗位类型
reason-missing-place = 缺少工作地点
reason-missing-apply-how = 缺少报名方式
reason-employer = 单位名称应为2到120个字
reason-title = 岗位名称应为2到120个字
reason-apply-how = 报名方式应为2到500个字
reason-posting-kind = 岗位类型应为 全职、实习、见习 或 定向班
reason-employer-type = 单位性质应为 央企、国企、民企、事业单位、机关、外企、社会组织 或 其他
reason-education-requirement = 无法识别的学历要求（可填 不限、中职、技工、高职、大专 及以上）
reason-pay = 薪资应为100到100000之间的月薪（元），不写或写“面议”表示未说明
reason-pay-range = 薪资下限高于上限
reason-headcount = 招聘人数应为正整数（或“若干”）
reason-deadline = 截止日期应为日期，如 2026-12-31（或“长期”）
reason-major-unknown = 专业要求一个也没认出来（可写专业名、专业类，或“不限”）；请核对或在 services/data/majors.yml 中补充
reason-major-partly-unknown = 专业要求中有部分专业没认出来，已按认出的部分匹配
reason-deadline-passed = 截止日期已过，本行已导入但不会推送
reason-duplicate-posting-in-file = 与文件中前面的行是同一个岗位（岗位编号或单位+岗位+地点+类型相同）
reason-posting-closed = 岗位已截止
postings-summary = 岗位导入完成：新增 { $inserted } 个，更新 { $updated } 个，未变化 { $unchanged } 个，错误 { $errors } 行。
match-summary = 匹配完成（{ $week }）：可推送的毕业生 { $graduates } 人，推送 { $notices } 条，用时 { $seconds } 秒。
match-summary-dry = 预演（不会发送，{ $week }）：可推送的毕业生 { $graduates } 人，将推送 { $notices } 条，用时 { $seconds } 秒。
match-housekeeping = 重新计算专业编码：毕业生 { $graduates } 人，岗位 { $postings } 个；取消已截止岗位的待发推送 { $cancelled } 条。
match-county-title = 按户籍县统计：
column-notices = 推送条数
match-sample-title = 示例 { $number }：
interest-export-done = 已导出 { $count } 条报名意向到 { $path }
column-interest-at = 报名时间
column-posting = 岗位
column-employer = 单位
column-posting-place = 工作地点
column-posting-kind = 岗位类型
column-cadre-told = 已通知干部
