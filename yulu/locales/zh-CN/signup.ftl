## Sign-up (实名登记) and the graduate's own profile.

signup-intro =
    您好，{ $name }！我是「雨露」就业服务助手 🌱
    我为雨露计划毕业生提供就业状态登记、岗位和实习推送；遇到困难时，帮您联系帮扶干部。

    登记需要约 2 分钟，我会保存：姓名、手机号、身份证号（可选）、学校、专业、学历、毕业年份、户籍地、求职地和就业状态。
    这些信息加密保存，只用于就业帮扶，只有您的帮扶干部和县级管理部门可以查看。您可以随时发送“退订”停止接收消息。

    同意后开始登记（隐私说明版本 { $version }）。
signup-agree = ✅ 同意并开始登记
signup-decline = 不同意
signup-declined = 好的，我们没有保存您的任何信息。如果改变主意，随时发送 /start。
signup-resume = 继续上次的登记 👇

signup-ask-name = 第 1 步：请告诉我您的真实姓名（例如：李小红）。
signup-ask-phone = 第 2 步：请发送您的手机号（11 位，例如：138 1234 5678）。
signup-ask-id_number = 第 3 步：请发送您的身份证号（18 位），用于和学校名单核对；不方便可以点“跳过”。
signup-ask-school = 第 4 步：您毕业（或就读）的学校是？（例如：邵阳职业技术学院）
signup-ask-major = 第 5 步：您学的专业是？（例如：汽车运用与维修）
signup-ask-education = 第 6 步：请选择学历层次和毕业年份（更早的年份可直接输入，如“中职 2019”）。
signup-ask-hukou = 第 7 步：您的户籍地是哪个县（区）？（例如：隆回、邵阳隆回、湖南省邵阳市隆回县）
signup-ask-desired = 第 8 步：您想在哪里工作？可以写省、市或县（例如：广东、深圳），也可以点“不限地区”。
signup-ask-status = 最后一步：您现在的情况是？
signup-skip = 跳过
signup-anywhere = 🌏 不限地区
signup-place-confirmed = ✓ 已识别：{ $place }
signup-summary =
    请核对您的信息：
    姓名：{ $name }
    手机号：{ $phone }
    身份证号：{ $id_number }
    学校：{ $school }
    专业：{ $major }
    学历：{ $education }，{ $graduation_year } 年毕业
    户籍地：{ $hukou }
    求职地：{ $desired }
    现在的情况：{ $status }
signup-not-given = 未填写
signup-confirm = ✅ 确认提交
signup-change = 改{ $field }
signup-done = 🎉 登记成功！谢谢您，{ $name }。
signup-done-verified = 您的信息已与名单核对通过。
signup-done-verified-cadre = 您的信息已与名单核对通过，您的帮扶干部是 { $cadre }，有困难可以随时发送“找帮扶干部”。
signup-done-unverified = 暂时没能在名单中找到您的信息，县里的工作人员会尽快核实，不影响您使用。
signup-done-next = 每月我会问一次您的就业情况，也会给您推送合适的岗位。

field-name = 姓名
field-phone = 手机号
field-id_number = 身份证号
field-school = 学校
field-major = 专业
field-education = 学历和毕业年份
field-hukou = 户籍地
field-desired = 求职地
field-status = 就业情况

signup-education-button = { $level } { $year }届

# Re-asks: say exactly what was wrong, then the question again.
signup-reask-not-text = 这一步需要文字回答哦 🙏 请直接打字发送。
signup-reask-empty = 内容是空的，请再发一次。
signup-reask-too-long = 内容太长啦（最多 200 个字），请简短地再发一次。
signup-reask-name = 姓名应该是 2 到 30 个汉字或字母，不要带数字或符号，请再发一次。
signup-reask-phone = 这好像不是有效的手机号：需要 11 位、以 1 开头的大陆手机号（空格和横线没关系），请再发一次。
signup-reask-id-length = 身份证号应该是 18 位，请核对后再发一次，或点“跳过”。
signup-reask-id-format = 身份证号格式不对：前 17 位是数字，最后一位是数字或 X，请再发一次，或点“跳过”。
signup-reask-id-checksum = 这个身份证号的校验位对不上，可能有一位抄错了，请核对后再发一次，或点“跳过”。
signup-reask-id-birth_date = 这个身份证号里的出生日期不合理，请核对后再发一次，或点“跳过”。
signup-reask-id-region = 这个身份证号的前 6 位不是有效的地区代码，请核对后再发一次，或点“跳过”。
signup-reask-school = 学校名称应该是 2 到 60 个字，请再发一次。
signup-reask-major = 专业名称应该是 2 到 40 个字，请再发一次。
signup-reask-year = 没看到毕业年份，请点按钮，或发送类似“中职 2019”的文字。
signup-reask-year-range = 毕业年份不太对（应在近 15 年到未来 4 年之间），请再选一次。
signup-reask-education = 没看出学历层次，请点按钮，或写“中职”“高职”“技工”加年份，如“高职 2024”。
signup-reask-place-unknown = 没找到这个地方，请写县（区）名，例如“隆回”或“邵阳隆回”。
signup-reask-place-need-county = 请具体到县（区），例如“隆回县”或“邵阳市隆回县”，不要只写省或市。
signup-reask-status = 请点下面的按钮选择您现在的情况。

profile-view =
    👤 我的信息
    姓名：{ $name }
    手机号：{ $phone }
    身份证号：{ $id_number }
    学校：{ $school }
    专业：{ $major }
    学历：{ $education }，{ $graduation_year } 年毕业
    户籍地：{ $hukou }
    求职地：{ $desired }
    现在的情况：{ $status }
    名单核对：{ $verified }
profile-verified-yes = 已核实
profile-verified-no = 待核实
profile-updated = ✓ 已更新{ $field }。
signup-reask-id-taken = 这个身份证号已经被另一个账号登记过了。如果是您本人，请发送“找帮扶干部”请工作人员处理；也可以点“跳过”。
