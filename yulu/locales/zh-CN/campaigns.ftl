## Seasonal campaigns (入学季 / 毕业季): messages, buttons, replies, and the command line.

## 毕业季: the graduating class.
campaign-graduation-title = 毕业季
campaign-graduation-message =
    { $name }，毕业季到了 🎓 祝贺您即将毕业！
    雨露计划+ 会帮您对接招聘会、实习和就业见习岗位（包括央企、国企的岗位）。
    您现在的求职情况是？点一下就好 👇
campaign-graduation-thanks = 收到，谢谢！有需要随时发“找帮扶干部”。
campaign-graduation-btn-found_job = ✅ 已经找到工作
campaign-graduation-btn-job_fair = 🤝 想参加招聘会
campaign-graduation-btn-internship = 📝 想找实习/见习
campaign-graduation-btn-further_study = 🎓 继续升学/参军
campaign-graduation-btn-not_now = 🙅 暂时不需要
campaign-graduation-reply-found_job = 太好了，祝贺您！🎉 以后每月的就业小调查里我再问问您的工作情况。
campaign-graduation-reply-job_fair = 收到！有招聘会和合适的岗位会第一时间告诉您，发送 /jobs 也可以随时查看岗位。
campaign-graduation-reply-internship = 收到！有合适的实习和就业见习岗位会推送给您，发送 /jobs 也可以随时查看。
campaign-graduation-reply-further_study = 收到，祝学业/服役顺利！有需要随时找我。
campaign-graduation-reply-not_now = 好的，不打扰您了。需要帮助时随时发“找帮扶干部”。

## 入学季: new labour force (新成长劳动力) from the roster, asked about vocational school.
campaign-enrollment-title = 入学季
campaign-enrollment-message =
    { $name }，您好！入学季到了 📚
    脱贫家庭和监测对象家庭的孩子读中职、高职（含技工院校），可以申请“雨露计划”助学补助（每年约 3000 元，以当地规定为准），毕业后还有就业帮扶。
    您今年有意向报读职业院校吗？
campaign-enrollment-thanks = 收到，谢谢！
campaign-enrollment-btn-enrol = 🙋 有意向报读
campaign-enrollment-btn-considering = 🤔 还在考虑，想了解政策
campaign-enrollment-btn-working = 💼 已经工作，不读了
campaign-enrollment-btn-not_now = 🙅 暂不考虑
campaign-enrollment-reply-enrol = 太好了！已记下您的报读意向，帮扶干部能在台账里看到。报名和申请补助时可以发“找帮扶干部”请他们帮忙。
campaign-enrollment-reply-considering = 收到！雨露计划补助按学年申请，报读中职、高职都可以。想细问可以发“找帮扶干部”。
campaign-enrollment-reply-working = 收到，祝工作顺利！需要找工作或换工作时发送 /jobs。
campaign-enrollment-reply-not_now = 好的，已记下。以后有想法随时找我。

## Taps that cannot be recorded.
campaign-answer-closed = 这个活动已经结束了，谢谢您的关注！

## Command line.
campaign-list-column-name = 名称
campaign-list-column-title = 活动
campaign-list-column-enabled = 启用
campaign-list-column-window = 时间窗口
campaign-list-column-source = 对象来源
campaign-list-column-holidays = 避开法定节假日
campaign-list-column-today = 今天在窗口内
campaign-window-dates = 每年 { $start } 至 { $end }
campaign-window-cron = cron “{ $cron }” 所在的日子
campaign-source-graduates = 已登记的毕业生
campaign-source-roster = 名单（学籍/帮扶名单）
campaign-list-empty = config.yml 中没有配置活动。
campaign-missing-texts = （缺少文案：{ $keys }）
campaign-column-county = 户籍地
campaign-column-reachable = 可通过 Telegram 发送
campaign-column-unreachable = 需干部联系
campaign-preview-summary = { $title } { $year }：对象 { $audience } 人，其中可通过 Telegram 发送 { $reachable } 人，需干部联系 { $unreachable } 人。
campaign-unreachable-note = “需干部联系”的人没有在 Telegram 登记（或已屏蔽、已退订），机器人联系不到，请帮扶干部电话或上门联系。名单：yulu export campaign { $name } 文件.xlsx --unreachable
campaign-sample-title = —— 示例 { $number } ——
campaign-sample-buttons = 按钮：{ $buttons }
campaign-no-samples = （没有可发送的对象，无示例）
campaign-run-progress = { $title } { $year }
campaign-run-dry = 试运行：{ $title } { $year } 实际运行将新加入发送队列 { $new } 条（可联系 { $reachable } 人，今年已发过的不再发；本次未发送任何消息）。
campaign-run-done = { $title } { $year }：对象 { $audience } 人，本次新加入发送队列 { $enqueued } 条（已发过的不会重复）；需干部联系 { $unreachable } 人。
campaign-outside-window = 提示：今天不在活动时间窗口（{ $window }）内，按管理员指令立即执行。
campaign-holiday-deferred = 今天是法定节假日：消息将从 { $date } 起发送。
campaign-calendar-missing = 注意：chinesecalendar 还没有 { $year } 年的节假日数据，今天按非节假日处理（请升级该软件包）。
campaign-disabled = 活动 { $name } 已停用（config.yml 中 enabled: false），未发送。
campaign-status-title = { $title } { $year }：
campaign-status-deliveries = 待发送 { $pending }，发送中 { $sending }，已发送 { $sent }，失败 { $failed }，已取消 { $cancelled }；已回答 { $answered }。
campaign-status-failures = 失败原因：
campaign-status-failure = • { $reason }：{ $count } 条
campaign-status-answers = 回答：
campaign-status-answer = • { $label }：{ $count } 人
campaign-export-done = 已导出 { $count } 行到 { $path }

## Export columns.
campaign-column-campaign = 活动
campaign-column-edition = 年度
campaign-column-id = 编号
campaign-column-name = 姓名
campaign-column-phone = 手机号
campaign-column-hukou = 户籍地
campaign-column-school = 学校
campaign-column-graduation_year = 毕业年份
campaign-column-household_type = 家庭类型
campaign-column-cadre = 帮扶干部
campaign-column-answer = 回答
campaign-column-answer_code = 回答代码
campaign-column-answered_at = 回答时间
campaign-contact-column-hukou = 户籍地
campaign-contact-column-name = 姓名
campaign-contact-column-phone = 手机号
campaign-contact-column-school = 学校
campaign-contact-column-graduation_year = 毕业年份
campaign-contact-column-cadre = 帮扶干部
campaign-contact-column-reason = 原因
campaign-unreachable-no_telegram = 未在 Telegram 登记
campaign-unreachable-blocked = 已屏蔽机器人
campaign-unreachable-unsubscribed = 已退订消息
