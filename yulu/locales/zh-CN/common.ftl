## Common texts: welcome, help, menu, fallback and errors.

start-welcome-back =
    { $name }，欢迎回来！有什么可以帮您？
help-text =
    「雨露」就业服务助手可以：
    • /start —— 开始或继续登记
    • /profile —— 查看和修改我的信息
    • /jobs —— 看看适合我的岗位和实习
    • /help —— 查看帮助
    • /cancel —— 取消当前操作
    • 发送“找帮扶干部”—— 请帮扶干部联系您
    • 发送“退订”—— 不再接收推送消息
    有问题直接发文字给我就行。
menu-signup = 📝 开始登记
menu-profile = 👤 我的信息
menu-jobs = 💼 找工作
menu-human = 🙋 找帮扶干部
menu-help = ❓ 帮助
menu-unsubscribe = 🔕 退订
fallback-text =
    抱歉，我没太明白您的意思 🙏
    您可以点下面的按钮，或发送 /help 查看我能做什么。
fallback-non-text =
    我暂时只能看懂文字消息哦 🙏 请用文字告诉我，或点下面的按钮。
error-apology =
    抱歉，系统出了点小问题，您的消息没能处理 🙏 请稍后再试一次；如果一直不行，发送“找帮扶干部”。
error-not-allowed = 抱歉，您没有权限进行这个操作。
error-not-found = 没有找到相关记录，可能已被处理或删除。
cancel-done = 已取消。随时发送 /start 重新开始。
cancel-nothing = 当前没有进行中的操作。
command-start = 开始 / 继续登记
command-help = 帮助
command-profile = 我的信息
command-jobs = 岗位和实习
command-cancel = 取消当前操作
demo-loaded = 演示数据已加载：帮扶干部“王书记”已绑定到页面上的干部身份；用“李小红 / 13800138000”登记即可核实成功。
# A graduate-only button or command from someone who has not signed up yet.
not-registered = 您还没有登记，发送 /start 先登记一下吧（约 2 分钟）。

# Under a tapped question, in place of its buttons: what the person chose.
chosen = ✓ { $choice }

# A whole file that cannot be read as a table (CLI imports and exports)
reason-encoding = { $path }：不是 UTF-8 或 GBK 编码的文字文件。请在 Excel 里“另存为” CSV UTF-8 或 .xlsx 后再导入。
reason-file-type = { $path }：只能使用 .csv 或 .xlsx 文件。
reason-empty-file = { $path }：文件是空的（连表头都没有）。
reason-missing-columns = 表头缺少这些列：{ $names }。请补上列名（README 里有各列的说明）后再导入。
