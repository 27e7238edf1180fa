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
