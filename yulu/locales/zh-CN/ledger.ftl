## Shared vocabulary: statuses, education levels, columns, and validation reasons.

yes = 是
no = 否
place-anywhere = 不限地区
status-employed = 已就业
status-self_employed = 自主创业
status-seeking = 正在找工作
status-lost_job = 失业
status-further_study = 升学/参军
status-unknown = 未知
education-secondary = 中职
education-higher = 高职
education-technical = 技工
column-id = 编号
column-name = 姓名
column-phone = 手机号
column-id_number = 身份证号
column-school = 学校
column-major = 专业
column-education = 学历层次
column-graduation_year = 毕业年份
column-hukou = 户籍地
column-desired = 求职地
column-status = 当前状态
column-verified = 是否核实
column-cadre = 帮扶干部

# Why a value was refused (roster rows and CLI options).
reason-not-text = 不是文字
reason-empty = 内容为空
reason-too-long = 内容太长
reason-name = 姓名应为2到30个汉字或字母
reason-phone = 手机号不是有效的11位大陆手机号
reason-id-length = 身份证号应为18位
reason-id-format = 身份证号格式不对（前17位应为数字，最后一位为数字或X）
reason-id-checksum = 身份证号校验位不对（请核对是否抄错）
reason-id-birth_date = 身份证号中的出生日期不合理
reason-id-region = 身份证号前6位不是有效的地区代码
reason-school = 学校名称应为2到60个字
reason-major = 专业名称应为2到40个字
reason-year = 毕业年份不是有效的年份
reason-year-range = 毕业年份超出合理范围（近15年到未来4年）
reason-education = 学历层次应为 中职、高职 或 技工
reason-place-unknown = 无法识别的地名
reason-place-need-county = 户籍地需要具体到县（区）
reason-household-type = 家庭类型应为“脱贫家庭”或“监测对象”
reason-yes-no = 应填“是”或“否”
reason-status = 无效的就业状态
reason-duplicate-in-file = 与文件中前面的行身份证号重复
reason-cadre-unknown = 帮扶干部手机号未登记（请先用 yulu cadre add 添加），本行已导入但暂未分配干部
reason-missing-name = 缺少姓名
reason-missing-id-number = 缺少身份证号
reason-missing-school = 缺少学校
reason-missing-major = 缺少专业
reason-missing-education-level = 缺少学历层次
reason-missing-graduation-year = 缺少毕业年份
reason-missing-hukou = 缺少户籍地
reason-missing-household-type = 缺少家庭类型
reason-roster-kind = 人员类别应为“雨露计划”（学生/毕业生）或“新成长劳动力”
reason-school-stage = 新成长劳动力的学历层次应为 初中 或 高中
reason-intention = 入读意愿应为 愿意、考虑中、已就业 或 否

# Command-line summaries.
import-summary = 导入完成：新增 { $inserted } 行，更新 { $updated } 行，未变化 { $unchanged } 行，错误 { $errors } 行。
import-summary-new-labour = 其中新成长劳动力 { $count } 行（初中/高中毕业生，入学季的对象）。
import-summary-verified = 另有 { $count } 位已登记的毕业生因此核实成功。
import-bad-row = 第 { $row } 行：{ $reason }
import-warning-row = 第 { $row } 行（提示）：{ $reason }
export-done = 已导出 { $count } 行到 { $path }
export-full-warning = 注意：--full 导出包含完整手机号和身份证号，本次导出已记入审计日志。
cadre-added = 已添加帮扶干部 { $name }（{ $phone }，{ $region }），编号 { $id }。
cadre-invite =
    邀请码：{ $code }（一次有效，{ $expires } 前使用）
    让帮扶干部在 Telegram 中打开：{ $link }
    或向机器人发送：/start { $code }
graduates-none = 没有符合条件的毕业生。
reason-id-taken = 身份证号已被另一个账号登记
checkin-cli-progress = 月度调查 { $period }
checkin-cli-audience = 人数
checkin-cli-dry-run = 试运行：{ $period } 月度调查将发给 { $audience } 人（未发送任何消息）。
checkin-cli-done = { $period } 月度调查：对象 { $audience } 人，本次新加入发送队列 { $enqueued } 条（已发过的不会重复）。
case-column-id = 编号
case-column-graduate = 毕业生
case-column-phone = 手机号
case-column-hukou = 户籍地
case-column-reason = 原因
case-column-status = 状态
case-column-cadre = 帮扶干部
case-column-opened_at = 发起时间
case-column-acknowledged_at = 受理时间
case-column-resolved_at = 办结时间
case-column-outcome = 办结结果
