## Cadres (帮扶干部): enrolment and commands.

enrol-bound =
    ✅ 绑定成功！{ $name }，您好。
    您的帮扶对象有情况时（失业、失联、求助等），我会第一时间通知您。
    /mygraduates 查看我的帮扶对象，/cases 查看待处理的帮扶清单，/case 编号 查看一件的全部经过。
enrol-bad-code = 邀请码无效或已过期。请核对后重新发送，或联系县里的管理员重新生成。
enrol-too-many-attempts = 尝试次数过多，请一小时后再试。
enrol-graduate-account = 这个 Telegram 账号已登记为毕业生，不能同时绑定为帮扶干部，请用工作账号绑定。
cadre-only = 这个功能仅限已绑定的帮扶干部使用。
cadre-graduates-title = 👥 { $name } 的帮扶对象：
cadre-graduate-line = #{ $id } { $name } { $phone } · { $major } · { $status } · { $hukou }
cadre-no-graduates = 目前还没有分配给您的毕业生。

## Cases (帮扶清单).
case-alert =
    🔔 帮扶清单 #{ $id }（{ $state }）
    责任人：{ $owner }
    原因：{ $reason }
    毕业生：{ $name }，{ $phone }
    户籍地：{ $hukou }
    学校专业：{ $school } · { $major }
    当前状态：{ $status }
    建议：{ $todo }
case-reason-lost_job = 失业
case-reason-lost_contact = 失联（连续未回复月度调查）
case-reason-asked_human = 本人请求帮扶干部联系
case-reason-blocked = 屏蔽了机器人，无法再收到消息
case-reason-low_income = 收入低于关注线
case-todo-lost_job = 48 小时内电话联系，了解失业原因和求职意向，一对一推荐岗位或培训。
case-todo-lost_contact = 请电话或上门联系本人或家人，确认近况并更新就业状态。
case-todo-asked_human = 请尽快电话联系本人，了解需要什么帮助。
case-todo-blocked = 机器人已无法联系此人，请电话联系，了解情况。
case-todo-low_income = 了解工作和收入情况，介绍技能培训或更合适的岗位。
case-status-open = 待受理
case-status-acknowledged = 已受理
case-status-following = 跟进中
case-status-resolved = 已办结
case-btn-ack = ✅ 受理
case-btn-note = 📝 备注
case-btn-resolve = 🏁 办结
case-btn-handover = ↪️ 转交
case-btn-phone = 📞 查看电话
case-outcome-employed = 已就业
case-outcome-contacted = 已联系，持续跟进
case-outcome-training = 已转介培训
case-outcome-other = 其他
case-acknowledged = 已受理 #{ $id }，请尽快联系毕业生。
case-ask-note = 请发送备注内容（如“已电话联系，下周面试”）。
case-note-saved = 备注已记录 #{ $id }。
case-ask-outcome = 请选择办结结果：
case-resolved = 已办结 #{ $id }：{ $outcome }。谢谢！
case-ask-handover = 请发送接手干部的手机号。
case-handed-over = 已转交给 { $name }。
case-handed-over-intro = ↪️ { $name } 把这个帮扶清单转交给了您：
case-handover-unknown = 没有找到这个手机号对应的已绑定帮扶干部，请核对后再发，或发送 /cancel。
case-reminder-intro = ⏰ 提醒：这个帮扶清单已超过时限还未受理：
case-escalation = ⚠️ 督办：{ $cadre } 超过时限未受理以下帮扶清单，请您督促或直接处理（按钮同样可用）：
case-escalation-resolve = ⚠️ 督办：以下帮扶清单已受理但超过时限未办结（上一级：{ $cadre }），请您督促或直接处理：
case-escalation-unbound = ⚠️ { $cadre } 还没有绑定 Telegram，收不到提醒，以下帮扶清单（{ $reason }）直接交给您：
case-escalation-unreachable = ⚠️ { $cadre } 已屏蔽机器人，收不到提醒，以下帮扶清单（{ $reason }）现在交给您处理：
case-resolve-reminder-intro = ⏰ 提醒：这个帮扶清单已受理，但超过时限还未办结：
case-nobody = （暂无）
case-wrong-state = 帮扶清单 #{ $id } 目前是“{ $state }”，这个操作已不适用，未做任何改动。
case-following = 已记录 #{ $id }：{ $outcome }。帮扶清单保持“跟进中”，办结时请再点“办结”。
case-owner-told = ℹ️ 帮扶清单 #{ $id }：{ $name } { $what }。
case-told-note = 添加了备注：{ $note }
case-told-handover = 把它转交给了 { $name }
case-reachable-again = ✅ { $name } 已重新打开与机器人的对话，可以再收到消息了（帮扶清单 #{ $id }）。
case-phone-shown = 📞 完整号码仅显示 { $minutes } 分钟，查看已记录在审计日志中。
case-history-title = —— 经过 ——
case-history-line = { $at } · { $who } · { $what }{ $note ->
        [none] {""}
       *[other] ：{ $note }
    }
case-who-system = 系统
case-who-graduate = 毕业生本人
case-event-opened = 发起
case-event-alerted = 通知责任人
case-event-escalated = 上报上一级
case-event-skipped = 跳过（未绑定 Telegram 或已屏蔽机器人）
case-event-unreachable = 责任人已屏蔽机器人，改为通知上一级
case-event-stuck = 无人可通知
case-event-reminded = 超时提醒
case-event-acknowledged = 受理
case-event-note = 备注
case-event-following = 跟进中
case-event-resolved = 办结
case-event-handed_over = 转交
case-event-phone_revealed = 查看电话
case-event-reachable = 重新可联系
case-event-escalation_impossible = 无法上报
staff-help =
    { $name }，您好（{ $level }）。
    /cases 待处理的帮扶清单
    /case 编号 一件帮扶清单的全部经过和操作按钮
    /mygraduates 我的帮扶对象
    /cancel 取消当前操作
    帮扶清单超时未受理会提醒您，再超时会上报上一级；上级同样可以受理、备注、办结、转交。
staff-level-village = 村级帮扶干部
staff-level-township = 乡镇帮扶干部
staff-level-county = 县级管理员
staff-level-city = 市级管理员
staff-level-province = 省级管理员
staff-command-cases = 待处理的帮扶清单
staff-command-case = 查看一件帮扶清单（/case 编号）
staff-command-mygraduates = 我的帮扶对象
staff-command-help = 帮助
staff-command-start = 开始
staff-command-cancel = 取消当前操作
start-resubscribed =
    欢迎回来，{ $name }！消息推送已重新开启：月度调查、岗位和通知会照常发给您。
    不想再收到时，发送“退订”即可。
case-list-title = 📋 您的待办帮扶清单：
case-list-line = #{ $id } { $graduate } · { $reason } · { $status } · { $opened_at }
case-list-empty = 目前没有待办的帮扶清单 👍
case-usage = 用法：/case 编号，例如 /case 12

## Command line: case history, the audit log, scheduled jobs.
case-column-path = 上报路径
case-column-notes = 备注
case-history-column-at = 时间
case-history-column-who = 谁
case-history-column-what = 做了什么
case-history-column-note = 备注/对象
case-history-none = 没有记录
audit-column-at = 时间
audit-column-actor = 操作人
audit-column-action = 操作
audit-column-subject = 对象
audit-column-detail = 详情
audit-none = 审计日志中没有符合条件的记录
audit-operator-required = 生产环境下，查看或修改个人信息的命令必须写明操作人：--operator 姓名（或设置 YULU_OPERATOR）
jobs-column-name = 任务
jobs-column-cron = 时间表（cron）
jobs-column-last = 上次运行
jobs-column-next = 下次运行
jobs-never = 从未运行
jobs-none = 没有配置定时任务
jobs-unknown = 没有名为 { $name } 的任务；可用：{ $names }
jobs-ran = 已运行 { $name }（按 { $at }）：{ $result }
