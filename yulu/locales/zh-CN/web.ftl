## The staff console (工作台): every text of the web pages.

web-app-name = 雨露工作台
web-level-cadre = 帮扶干部
web-level-county = 县级管理员
web-level-city = 市级管理员
web-level-province = 省级管理员
web-signout = 退出
web-nav-dashboard = 概览
web-nav-cases = 帮扶清单
web-nav-people = 台账
web-nav-import = 导入
web-nav-campaigns = 活动
web-nav-audit = 审计
web-filter = 筛选
web-empty = 暂无记录
web-when = 时间
web-who = 操作人
web-what = 事项
web-note = 备注
web-page-prev = 上一页
web-page-next = 下一页
web-page-of = 第 { $page } / { $pages } 页，共 { $total } 条
web-page-total = 共 { $total } 条

## Errors.
web-error-title = 无法打开
web-forbidden = 您没有权限查看或操作这项内容（超出您的工作范围）。
web-not-found = 没有找到这项内容。
web-bad-input = 填写的内容不正确，请返回修改。
web-csrf = 表单已过期或来源不明，请刷新页面后重试。
web-admin-only = 这个功能仅限管理员使用。
web-unknown-phone = 没有这个手机号对应的工作人员。
web-back-home = 返回概览

## Sign-in.
web-login-title = 工作人员登录
web-login-intro = 输入您登记的手机号，验证码会发到您已绑定的 Telegram 账号。
web-login-phone = 手机号
web-login-send-code = 获取验证码
web-login-link-hint = 也可以请管理员用 yulu web login-link 手机号 生成一次性登录链接（10 分钟内有效）。
web-login-demo = 以演示管理员（赵主任）身份一键登录
web-phone-bad = 请输入 11 位手机号。
web-code-title = 输入验证码
web-code-label = 6 位验证码
web-code-submit = 登录
web-code-again = 重新获取
web-code-sent = 如果这个手机号已登记并绑定 Telegram，验证码已发送，请在 Telegram 中查看。
web-code-too-soon = 验证码刚刚发过，请一分钟后再试。
web-code-too-many = 这个手机号一小时内获取验证码的次数过多，请稍后再试。
web-code-bad = 验证码不正确或已过期。
web-code-locked = 错误次数过多，这个手机号已暂时锁定，请 30 分钟后再试，或请管理员生成登录链接。
web-code-message = 🔐 雨露工作台登录验证码：{ $code }（{ $minutes } 分钟内有效）。如果不是您本人操作，请忽略并告知管理员。
web-link-title = 一次性登录链接
web-link-intro = 点击下面的按钮登录工作台。这个链接只能使用一次。
web-link-submit = 登录工作台
web-cli-login-link = { $name }的一次性登录链接（{ $minutes } 分钟内有效，只能使用一次）：
    { $link }
web-link-bad = 这个登录链接无效、已使用或已过期，请重新获取。

## 概览.
web-dashboard-period = { $period }
web-fig-people = 台账人数
web-fig-graduates = 登记毕业生
web-fig-employment = 本月就业率
web-fig-response = 本月应答率
web-fig-open-cases = 待办帮扶
web-fig-overdue = 超时未受理
web-fig-resolved = 已办结
web-chart-trend = 近六个月就业率与应答率
web-chart-cases = 近六个月新增帮扶清单
web-month-suffix = 月
web-chart-employment = 就业率
web-chart-response = 应答率
web-chart-empty = 还没有月度调查数据
web-dashboard-statuses = 当前就业状态
web-dashboard-definitions = 口径与 yulu report 相同：就业率 = 已回答月度调查者中就业或自主创业的比例；应答率 = 已回答 ÷ 已询问。

## 帮扶清单.
web-cases-status = 状态
web-cases-reason = 原因
web-cases-age = 时长
web-cases-filter-active = 未办结
web-cases-filter-open = 待受理
web-cases-filter-acknowledged = 已受理/跟进中
web-cases-filter-resolved = 已办结
web-cases-filter-all = 全部
web-cases-any-reason = 全部原因
web-cases-any-age = 不限时长
web-cases-older-than = 超过 { $days } 天
web-cases-overdue-only = 只看超时未受理
web-cases-overdue = 超时
web-cases-opened = 发起于 { $at }
web-cases-no-cadre = 未分配干部
web-cases-empty = 没有符合条件的帮扶清单 👍
web-case-reason = 原因
web-case-opened = 发起时间
web-case-acknowledged = 受理时间
web-case-resolved = 办结
web-case-person = 查看此人台账 ›
web-case-actions = 处理
web-case-note-hint = 如：已电话联系，下周面试
web-case-save-note = 保存备注
web-case-handover-hint = 接手干部的手机号
web-case-view-only = 这个帮扶清单您可以查看，但不在您的处理链上，不能操作。
web-case-closed = 这个帮扶清单已办结。
web-case-ack = 受理
web-case-note = 备注
web-case-resolve = 办结
web-case-handover = 转交
web-case-history = 处理记录
web-case-done = 已保存，处理记录已更新。
web-case-stale = 这个帮扶清单的状态已经变了（可能刚在 Telegram 或另一个页面处理过），下面是最新情况。
web-case-told = 💻 工作台：{ $text }

## 台账.
web-people-search = 查询
web-people-search-hint = 姓名、手机号或身份证号
web-people-any-status = 全部状态
web-people-any-verified = 核验不限
web-people-verified = 已核验
web-people-unverified = 未核验
web-people-by-number = 按号码查询（号码不会出现在网址中）。
web-people-clear = 清除
web-people-export = 导出当前筛选（CSV，号码已脱敏）
web-people-ledger = 下载全县台账（含未登记的名单人员，Excel）
web-people-empty = 没有符合条件的已登记人员。
web-people-unmatched = 名单中尚未登记的人员
web-people-unmatched-hint = 学籍/帮扶名单和新成长劳动力名单里有、但还没有在机器人登记的人（号码已脱敏）。请联系本人登记，或在下载的全县台账中查看。
web-people-kind = 名单类别
web-people-kind-roster = 雨露计划学生
web-people-kind-labour = 新成长劳动力
web-person-profile = 基本信息
web-person-reveal = 查看完整号码
web-person-reveal-hint = 查看将记入审计日志。
web-person-revealed = 已显示完整号码，本次查看已记入审计日志。
web-person-history = 月度就业状态
web-person-period = 月份
web-person-employer = 单位
web-person-income = 月收入
web-person-stable = 稳定
web-person-no-answer = 未回答
web-person-notices = 岗位推送
web-person-interested = 感兴趣
web-person-interest = 感兴趣/报名
web-person-answers = 活动回答

## 导入.
web-import-kind = 文件类型
web-import-kind-roster = 学籍/帮扶名单
web-import-kind-postings = 岗位需求清单
web-import-file = 文件（CSV 或 Excel）
web-import-submit = 上传并导入
web-import-hint = 列名与命令行导入相同（见 README）。好的行会导入，有问题的行按行号列出；同一文件重复导入不会产生重复。
web-import-bad-file = 请选择 .csv 或 .xlsx 文件。
web-import-failed = 导入失败，请检查文件格式后重试。
web-import-running = 正在导入：{ $done } / { $total } 行
web-import-done = 导入完成。
web-import-inserted = 新增
web-import-updated = 更新
web-import-unchanged = 未变化
web-import-errors = 错误行
web-import-error-table = 错误行（未导入）
web-import-warning-table = 提示（已导入）
web-import-row = 行号
web-import-problem = 问题

## 活动.
web-campaign-open = 进行中
web-campaign-closed = 不在活动期
web-campaign-disabled = 已停用
web-campaign-status = 发送情况
web-campaign-answered = 已回答
web-campaign-none-sent = 今年还没有发送。
web-campaign-answers = 回答分布
web-campaign-failures = 失败原因
web-campaign-preview = 预览
web-campaign-do-preview = 预览受众（不发送）
web-campaign-audience = 受众共 { $total } 人
web-campaign-reachable = 可发送
web-campaign-unreachable = 需干部联系
web-campaign-run = 立即发送
web-campaign-run-hint = 加入发送队列；重复发送不会让同一人收到两次。
web-campaign-confirm = 确定要发送这个活动吗？
web-campaign-ran = 本次新加入发送队列 { $count } 条。
web-delivery-pending = 待发送
web-delivery-sending = 发送中
web-delivery-sent = 已发送
web-delivery-failed = 失败
web-delivery-cancelled = 已取消

## 审计.
web-audit-action = 操作
web-audit-any = 全部操作
web-audit-subject = 对象
web-audit-detail = 详情
