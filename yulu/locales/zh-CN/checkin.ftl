## Monthly check-in (就业状态跟踪) and follow-up.

checkin-ask =
    { $name }，您好！这是{ $month }月的就业情况小调查，点一下就好 👇
    您现在的情况是？
checkin-remind =
    { $name }，提醒一下：本月的就业情况还没有填哦，点一下就好 👇
checkin-choice-employed_same = ✅ 还在原单位
checkin-choice-employed_new = 🆕 换了新工作
checkin-choice-self_employed = 🏪 自己创业
checkin-choice-seeking = 🔍 还在找工作
checkin-choice-lost_job = 😟 失业了
checkin-choice-further_study = 🎓 升学/参军
checkin-thanks = 谢谢！再问几个小问题（30 秒）。
checkin-further-study = 🎓 好的，祝学业/服役顺利！
checkin-ask-employer = 您在哪个单位工作？（写单位名称，如“比亚迪”）
checkin-ask-work_place = 在哪里上班？（写城市或县，如“深圳”）
checkin-ask-income = 每月大概收入多少？可以点按钮，也可以直接写，如“三千八”。
checkin-ask-stable = 这份工作稳定吗？
checkin-ask-until = 预计哪一年毕业或退伍？到时候我再来问您。
checkin-income-lt2k = 2000 以下
checkin-income-2k-3k = 2000–3000
checkin-income-3k-5k = 3000–5000
checkin-income-5k-8k = 5000–8000
checkin-income-gt8k = 8000 以上
checkin-stable-yes = 稳定
checkin-stable-no = 不太稳定
checkin-done = 👌 记下了，谢谢！祝工作顺利。有困难随时发“找帮扶干部”。
checkin-done-until = 👌 记下了，祝学业/服役顺利！到时候我再来问候您。
checkin-lost-job =
    收到，辛苦了 🙏 我已经通知您的帮扶干部，他们会尽快联系您，一对一帮您找工作。
    同时我会给您推送合适的岗位。
checkin-followup-seeking = 收到！我会给您推送合适的岗位和实习，发送 /jobs 也可以随时查看。
checkin-followup-self_employed =
    为您点赞 👍 自主创业可以了解这些政策：
    • 创业担保贷款（个人最高 30 万元，符合条件的给予贴息）
    • 一次性创业补贴、场地租金补贴（以当地人社部门规定为准）
    • 脱贫家庭劳动力发展生产可申请小额信贷
    具体可以问您的帮扶干部，或发送“找帮扶干部”。
checkin-reask-income = 没看懂收入，请点按钮，或写一个数字，如“3800”或“三千八”。
checkin-reask-employer = 单位名称应为 2 到 60 个字，请再发一次。
checkin-reask-place = 工作地点应为 2 到 60 个字，请再发一次。
checkin-reask-year = 请点按钮或写年份，如“2027”。
checkin-reask-year-range = 年份不太对，请写近几年的年份，如“2027”。
checkin-reask-not-text = 这一步需要文字回答哦，请直接打字发送。
checkin-reask-too-long = 内容太长啦，请简短一些再发。
checkin-reask-empty = 内容是空的，请再发一次。
checkin-reask-yes-no = 请点“稳定”或“不太稳定”。

## Things a graduate can say at any time.
human-requested = 好的，已经通知您的帮扶干部，他们会尽快联系您 🙋
human-no-cadre = 好的，已经通知县里的工作人员，他们会尽快联系您 🙋
unsubscribe-done = 已退订，不会再给您发推送消息。想恢复时发送 /start。
nlu-confirm = 我理解的是：“{ $meaning }”，对吗？
nlu-yes = 是的
nlu-no = 不是
nlu-meaning-report_job_lost = 您失业了
nlu-meaning-unsubscribe = 您想退订消息
nlu-meaning-request_human = 您想找帮扶干部
nlu-not-sure = 我没太明白 🙏 请点下面的按钮，或换个说法。
reply-greet = 您好！我是「雨露」就业服务助手，有什么可以帮您？
reply-goodbye = 好的，再见！有事随时找我 👋
reply-thanks = 不客气！有需要随时找我 😊
reply-ask_policy =
    常见的帮扶政策：
    • 雨露计划职业教育补助（按学年发放，具体以当地乡村振兴部门通知为准）
    • 脱贫劳动力外出务工交通补贴、稳岗补贴
    • 创业担保贷款和一次性创业补贴
    具体条件可以问您的帮扶干部，发送“找帮扶干部”即可。
reply-ask_training =
    技能培训和考证可以了解：
    • 各地人社部门的免费职业技能培训（电工、焊工、育婴员、电商等）
    • 学校和企业合办的定向班、订单班
    想报名可以发送“找帮扶干部”，由干部帮您对接。
reply-update_profile = 发送 /profile 就可以查看和修改您的信息。
reply-sign_up = 发送 /start 开始登记。
status-recorded = 已记下您的情况：{ $status }。
