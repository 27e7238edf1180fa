## Cadres (帮扶干部): enrolment and commands.

enrol-bound =
    ✅ 绑定成功！{ $name }，您好。
    您的帮扶对象有情况时（失业、失联、求助等），我会第一时间通知您。
    /mygraduates 查看我的帮扶对象，/cases 查看待处理的帮扶清单。
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
case-status-resolved = 已办结
case-btn-ack = ✅ 受理
case-btn-note = 📝 备注
case-btn-resolve = 🏁 办结
case-btn-handover = ↪️ 转交
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
case-escalation = ⚠️ 督办：{ $cadre } 超过时限未受理以下帮扶清单，请督促处理：
case-list-title = 📋 您的待办帮扶清单：
case-list-line = #{ $id } { $graduate } · { $reason } · { $status } · { $opened_at }
case-list-empty = 目前没有待办的帮扶清单 👍
case-usage = 用法：/case 编号，例如 /case 12
