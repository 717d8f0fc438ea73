<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name></name>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="499"/>
        <source>视频会商</source>
        <translation>Video conference</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="500"/>
        <source>应急视频会商</source>
        <translation>Emergency video conference</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="505"/>
        <source>关联事件 #{id}</source>
        <translation>Incident #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="506"/>
        <source>未关联事件</source>
        <translation>No incident linked</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="508"/>
        <source>召开会商</source>
        <translation>Convene</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="511"/>
        <location filename="../../ui/video/conference_panel.py" line="524"/>
        <source>点名</source>
        <translation>Roll call</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="512"/>
        <source>结束会商</source>
        <translation>End conference</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="513"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="514"/>
        <source>新的会商</source>
        <translation>New conference</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="515"/>
        <source>转为事件任务</source>
        <translation>Make incident task</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="516"/>
        <source>历史会商（双击查看纪要）</source>
        <translation>Past conferences (double-click for minutes)</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="517"/>
        <source>决定或任务内容</source>
        <translation>Decision or task</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="518"/>
        <location filename="../../ui/video/conference_panel.py" line="525"/>
        <source>责任人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="521"/>
        <source>决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="522"/>
        <source>任务</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="524"/>
        <source>参会方</source>
        <translation>Participants</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="524"/>
        <source>窗口</source>
        <translation>Window</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="525"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="525"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="525"/>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="401"/>
        <source>VideoPanel</source>
        <comment>锁定</comment>
        <translation>Pin</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="402"/>
        <source>VideoPanel</source>
        <comment>清空</comment>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="403"/>
        <source>VideoPanel</source>
        <comment>附近监控填入空位</comment>
        <translation>Fill nearby</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="404"/>
        <source>VideoPanel</source>
        <comment>视频会商</comment>
        <translation>Video conference</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="405"/>
        <source>VideoPanel</source>
        <comment>事件附近监控</comment>
        <translation>Nearby</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="406"/>
        <source>VideoPanel</source>
        <comment>辖区监控</comment>
        <translation>All cameras</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="407"/>
        <source>VideoPanel</source>
        <comment>搜索监控点</comment>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="411"/>
        <source>VideoPanel</source>
        <comment>{n} 分屏</comment>
        <translation>{n} tiles</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="334"/>
        <source>IndexBoard</source>
        <comment>平安指数</comment>
        <translation>Safety index</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="335"/>
        <source>IndexBoard</source>
        <comment>按指数</comment>
        <translation>By index</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="336"/>
        <source>IndexBoard</source>
        <comment>按办结率</comment>
        <translation>By resolution rate</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="337"/>
        <source>IndexBoard</source>
        <comment>暂无下级地区指数</comment>
        <translation>No sub-region index yet</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="350"/>
        <source>IndexBoard</source>
        <comment>{year}年{month}月</comment>
        <translation>{month}/{year}</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="509"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/video/conference_panel.py" line="510"/>
        <source>关闭（Esc）</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../widgets/about.py" line="18"/>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../widgets/about.py" line="19"/>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
    <message>
        <location filename="../../widgets/about.py" line="20"/>
        <source>版本 {v}</source>
        <translation>Version {v}</translation>
    </message>
    <message>
        <location filename="../../widgets/about.py" line="21"/>
        <source>区划数据来源</source>
        <translation>Territory data</translation>
    </message>
    <message>
        <location filename="../../widgets/about.py" line="22"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>AccountBar</name>
    <message>
        <location filename="../../ui/kit/session.py" line="168"/>
        <source>退出</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="170"/>
        <source>只读（未登录）</source>
        <translation>Read-only</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="172"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
</context>
<context>
    <name>CaseSheet</name>
    <message>
        <location filename="../../ui/incidents/sheet.py" line="36"/>
        <source>事件详情</source>
        <translation>Case details</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/sheet.py" line="37"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>CategoryBarChart</name>
    <message>
        <location filename="../../widgets/wall/category_bar.py" line="102"/>
        <source>今日暂无上报</source>
        <translation>No reports today</translation>
    </message>
</context>
<context>
    <name>CellCard</name>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>网格长</source>
        <translation>Grid heads</translation>
    </message>
    <message>
        <source>专职网格员</source>
        <translation>Full-time workers</translation>
    </message>
    <message>
        <source>兼职网格员</source>
        <translation>Part-time workers</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>人口</source>
        <translation>Population</translation>
    </message>
    <message>
        <source>企业</source>
        <translation>Businesses</translation>
    </message>
    <message>
        <source>未办结事件</source>
        <translation>Open incidents</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>overdue</translation>
    </message>
    <message>
        <source>件</source>
        <translation>more</translation>
    </message>
</context>
<context>
    <name>ConferencePanel</name>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>指挥中心</source>
        <translation>Command center</translation>
    </message>
    <message>
        <source>点名中…</source>
        <translation>Roll call…</translation>
    </message>
    <message>
        <source>待点名</source>
        <translation>Not called</translation>
    </message>
    <message>
        <source>到会</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>未到</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>{title}  开始 {at}</source>
        <translation>{title}  started {at}</translation>
    </message>
    <message>
        <source>决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>任务</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>开始</source>
        <translation>Started</translation>
    </message>
    <message>
        <source>结束</source>
        <translation>Ended</translation>
    </message>
    <message>
        <source>召集人</source>
        <translation>Convened by</translation>
    </message>
    <message>
        <source>参会方</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>会议纪要</source>
        <translation>Minutes</translation>
    </message>
    <message>
        <source>视频会商</source>
        <translation>Video conference</translation>
    </message>
    <message>
        <source>应急视频会商</source>
        <translation>Emergency video conference</translation>
    </message>
    <message>
        <source>关联事件 #{id}</source>
        <translation>Incident #{id}</translation>
    </message>
    <message>
        <source>未关联事件</source>
        <translation>No incident linked</translation>
    </message>
    <message>
        <source>召开会商</source>
        <translation>Convene</translation>
    </message>
    <message>
        <source>点名</source>
        <translation>Roll call</translation>
    </message>
    <message>
        <source>结束会商</source>
        <translation>End conference</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>新的会商</source>
        <translation>New conference</translation>
    </message>
    <message>
        <source>决定或任务内容</source>
        <translation>Decision or task</translation>
    </message>
    <message>
        <source>责任人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>转为事件任务</source>
        <translation>Make incident task</translation>
    </message>
    <message>
        <source>历史会商（双击查看纪要）</source>
        <translation>Past conferences (double-click for minutes)</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>关闭（Esc）</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>本次会商未关联事件</source>
        <translation>This conference is not linked to an incident</translation>
    </message>
    <message>
        <source>请先在纪要中选择一项决定</source>
        <translation>Select a decision in the minutes first</translation>
    </message>
    <message>
        <source>已转为事件任务</source>
        <translation>Made an incident task</translation>
    </message>
    <message>
        <source>方</source>
        <translation>parties</translation>
    </message>
    <message>
        <source>项纪要</source>
        <translation>minutes</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../widgets/banner.py" line="56"/>
        <source>数据库连接中断 自 {time}</source>
        <translation>Database connection lost since {time}</translation>
    </message>
    <message>
        <location filename="../../widgets/banner.py" line="58"/>
        <source>画面为最后一次数据</source>
        <translation>showing the last data received</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <location filename="../../ui/app.py" line="42"/>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="43"/>
        <source>平安指数</source>
        <translation>Safety index</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="44"/>
        <source>事件</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="45"/>
        <source>风险预警</source>
        <translation>Risk alerts</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="46"/>
        <source>四平台</source>
        <translation>Four platforms</translation>
    </message>
</context>
<context>
    <name>DataAgeLabel</name>
    <message>
        <location filename="../../widgets/panel.py" line="44"/>
        <source>暂无数据</source>
        <translation>No data yet</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="47"/>
        <source>数据 {n} 秒前</source>
        <translation>Data {n} s ago</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="50"/>
        <source>数据 {n} 分钟前</source>
        <translation>Data {n} min ago</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="52"/>
        <source>数据 {n} 小时前</source>
        <translation>Data {n} h ago</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="60"/>
        <source>副本延迟 {n} s</source>
        <translation>replica lag {n} s</translation>
    </message>
</context>
<context>
    <name>DispatchPanel</name>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="15"/>
        <source>可用</source>
        <translation>Available</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="16"/>
        <source>已派</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="17"/>
        <source>途中</source>
        <translation>En route</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="18"/>
        <source>到场</source>
        <translation>On scene</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="19"/>
        <source>返回</source>
        <translation>Returning</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="20"/>
        <source>不可用</source>
        <translation>Unavailable</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="23"/>
        <source>一级</source>
        <translation>Level 1</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="24"/>
        <source>二级</source>
        <translation>Level 2</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="25"/>
        <source>三级</source>
        <translation>Level 3</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="28"/>
        <source>公安</source>
        <translation>Police</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="29"/>
        <source>消防</source>
        <translation>Fire</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="30"/>
        <source>急救</source>
        <translation>Medical</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="31"/>
        <source>应急</source>
        <translation>Emergency</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="32"/>
        <source>城管</source>
        <translation>City mgmt</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="33"/>
        <source>网格</source>
        <translation>Grid team</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="34"/>
        <source>志愿者</source>
        <translation>Volunteers</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="37"/>
        <source>确认出发</source>
        <translation>Confirm departure</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="38"/>
        <source>到达现场</source>
        <translation>Arrived on scene</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="39"/>
        <source>处置完毕</source>
        <translation>Handled</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="40"/>
        <source>返回驻地</source>
        <translation>Back to base</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="41"/>
        <location filename="../../ui/dispatch/panel.py" line="705"/>
        <source>取消派遣</source>
        <translation>Cancel dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="44"/>
        <source>待确认</source>
        <translation>To confirm</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="45"/>
        <source>已确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="46"/>
        <location filename="../../ui/dispatch/panel.py" line="702"/>
        <source>不采纳</source>
        <translation>Decline</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="47"/>
        <source>无可用单位</source>
        <translation>No unit available</translation>
    </message>
    <message>
        <source>{unit} 当前不可用，不能派遣</source>
        <translation>{unit} is unavailable and cannot be dispatched</translation>
    </message>
    <message>
        <source>{unit} 正在执行任务，不能重复派遣</source>
        <translation>{unit} is already on a task</translation>
    </message>
    <message>
        <source>{unit} 不在本中心辖区，不能调派</source>
        <translation>{unit} is outside this jurisdiction</translation>
    </message>
    <message>
        <source>{unit} 已被其他席位抢先调派，请重新选择</source>
        <translation>{unit} was just dispatched by another desk; choose again</translation>
    </message>
    <message>
        <source>数据已被其他席位更新，已刷新为最新状态</source>
        <translation>Updated by another desk; refreshed</translation>
    </message>
    <message>
        <source>事件已办结，不能再派遣</source>
        <translation>Incident resolved; no more dispatch</translation>
    </message>
    <message>
        <source>事件不在本中心辖区</source>
        <translation>Incident is outside this jurisdiction</translation>
    </message>
    <message>
        <source>当前账号没有调度权限</source>
        <translation>This account cannot dispatch</translation>
    </message>
    <message>
        <source>该预警已启动预案，已转到该预案</source>
        <translation>A plan is already active for this alert; showing it</translation>
    </message>
    <message>
        <source>没有其他可用的同类单位</source>
        <translation>No other unit of this kind available</translation>
    </message>
    <message>
        <source>该派遣当前不能执行这一步</source>
        <translation>This step is not possible now</translation>
    </message>
    <message>
        <source>该项已处理</source>
        <translation>Item already handled</translation>
    </message>
    <message>
        <source>该预案已结束</source>
        <translation>Response plan has ended</translation>
    </message>
    <message>
        <source>请至少选择一个单位</source>
        <translation>Select at least one unit</translation>
    </message>
    <message>
        <source>只有指挥中心账号可以启动预案</source>
        <translation>Only command center accounts can activate plans</translation>
    </message>
    <message>
        <source>数据库暂不可用，请稍后重试</source>
        <translation>Database unavailable; try again later</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="697"/>
        <location filename="../../ui/dispatch/units.py" line="29"/>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="697"/>
        <location filename="../../ui/dispatch/units.py" line="30"/>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="698"/>
        <location filename="../../ui/dispatch/units.py" line="31"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/units.py" line="32"/>
        <source>任务</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/units.py" line="33"/>
        <source>时长</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/labels.py" line="60"/>
        <source>{m}分</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="360"/>
        <source>⚠ {place}</source>
        <translation>⚠ {place}</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="361"/>
        <source>无匹配预案</source>
        <translation>No matching plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="363"/>
        <source>{count} 人 · 日承载量 {ratio} · 建议{level}响应 · 预案：{plan}</source>
        <translation>{count} people · {ratio} of daily capacity · {level} response advised · Plan: {plan}</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="368"/>
        <source>已启动</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="370"/>
        <source>查看预案</source>
        <translation>View plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="370"/>
        <source>启动预案</source>
        <translation>Activate plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="373"/>
        <source>切换布局（{n}分屏）</source>
        <translation>Switch layout ({n} tiles)</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="400"/>
        <source>事件 #{id} {category} 建议派遣</source>
        <translation>Incident #{id} {category}: suggested units</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="411"/>
        <location filename="../../ui/dispatch/panel.py" line="577"/>
        <source>{m} 分钟</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="502"/>
        <source>下一步</source>
        <translation>Next step</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="506"/>
        <source>恢复可用</source>
        <translation>Set available</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="506"/>
        <source>暂停使用</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="547"/>
        <source>暂无启动中的预案</source>
        <translation>No active response plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="552"/>
        <source>预案：{name} · {level}响应 · 待确认 {n} 项</source>
        <translation>Plan: {name} · {level} response · {n} to confirm</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="580"/>
        <source>（无可用单位）</source>
        <translation>(no unit available)</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="582"/>
        <source>通知</source>
        <translation>Notify</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="583"/>
        <source>大屏 {n} 分屏</source>
        <translation>Wall: {n} tiles</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="583"/>
        <source>布局</source>
        <translation>Layout</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="584"/>
        <source>{n} 路监控</source>
        <translation>{n} cameras</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="646"/>
        <source>已派遣：{names}</source>
        <translation>Dispatched: {names}</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="655"/>
        <source>预案已更新</source>
        <translation>Plan updated</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="656"/>
        <source>预案已启动，请逐项确认</source>
        <translation>Plan activated; confirm each item</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="687"/>
        <source>看板</source>
        <translation>Board</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="688"/>
        <source>派遣</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="689"/>
        <source>预案</source>
        <translation>Plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="695"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="697"/>
        <source>距离</source>
        <translation>Distance</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="697"/>
        <source>预计到达</source>
        <translation>ETA</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="698"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="698"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="698"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="699"/>
        <source>确认派遣</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="700"/>
        <source>返回看板</source>
        <translation>Back to board</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="701"/>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="703"/>
        <source>替换单位</source>
        <translation>Substitute</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="704"/>
        <source>结束预案</source>
        <translation>End plan</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="437"/>
        <source>事件 #{id}：{why}</source>
        <translation>Case #{id}: {why}</translation>
    </message>
    <message>
        <location filename="../../ui/dispatch/panel.py" line="451"/>
        <source>事件 #{id} 已办结，派遣建议已清除</source>
        <translation>Case #{id} is closed; its dispatch proposal was withdrawn</translation>
    </message>
</context>
<context>
    <name>HandoverPanel</name>
    <message>
        <location filename="../../ui/handover/panel.py" line="54"/>
        <source>已提交，待接班确认</source>
        <translation>Submitted, awaiting incoming shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="55"/>
        <source>已退回，待交班人答复</source>
        <translation>Returned, awaiting outgoing reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="56"/>
        <source>已签收</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="57"/>
        <source>未交班</source>
        <translation>Not handed over</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="58"/>
        <source>未提交</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <source>本班次尚未结束，不能交班</source>
        <translation>Shift not over yet; cannot hand over</translation>
    </message>
    <message>
        <source>您不在该班次的值班表上，不能签字</source>
        <translation>You are not on this shift’s roster; cannot sign</translation>
    </message>
    <message>
        <source>交班人不能自己签收</source>
        <translation>The outgoing officer cannot accept their own handover</translation>
    </message>
    <message>
        <source>本班次已提交交班，请勿重复提交</source>
        <translation>Handover already submitted</translation>
    </message>
    <message>
        <source>交接班已签收，不能再更改</source>
        <translation>Handover accepted; no more changes</translation>
    </message>
    <message>
        <source>请先答复接班人的问题</source>
        <translation>Answer the incoming shift’s question first</translation>
    </message>
    <message>
        <source>没有待答复的问题</source>
        <translation>No question to answer</translation>
    </message>
    <message>
        <source>退回须填写原因</source>
        <translation>A reason is required to return</translation>
    </message>
    <message>
        <source>请填写答复内容</source>
        <translation>Enter a reply</translation>
    </message>
    <message>
        <source>交接班已签收，值班日志已关闭</source>
        <translation>Handover accepted; duty log closed</translation>
    </message>
    <message>
        <source>请填写日志内容</source>
        <translation>Enter the log text</translation>
    </message>
    <message>
        <source>本班次已签到</source>
        <translation>Already checked in for this shift</translation>
    </message>
    <message>
        <source>不在本班次时间内，不能签到</source>
        <translation>Outside shift hours; cannot check in</translation>
    </message>
    <message>
        <source>不是本中心的班次</source>
        <translation>Not a shift of this center</translation>
    </message>
    <message>
        <source>交接班已被他人更新，已刷新</source>
        <translation>Handover updated by someone else; refreshed</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="219"/>
        <location filename="../../ui/handover/panel.py" line="230"/>
        <source>班次</source>
        <translation>Shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="220"/>
        <source>交接班记录查询</source>
        <translation>Handover search</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="221"/>
        <source>按日期</source>
        <translation>By date</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="226"/>
        <source>值班员、带班领导或签字人</source>
        <translation>Duty officer, leader or signer</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="227"/>
        <source>交班说明、问答或值班日志</source>
        <translation>Notes, Q&amp;A or duty log</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="228"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="223"/>
        <source>自</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="223"/>
        <source>至</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="223"/>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="223"/>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="230"/>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="230"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="230"/>
        <source>接班</source>
        <translation>Incoming</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="232"/>
        <source>交接签字</source>
        <translation>Handover sign-off</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="233"/>
        <source>交班说明 / 退回原因 / 答复</source>
        <translation>Notes / reason for return / reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="234"/>
        <location filename="../../ui/handover/panel.py" line="479"/>
        <source>提交交班</source>
        <translation>Submit handover</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="234"/>
        <location filename="../../ui/handover/panel.py" line="403"/>
        <source>退回</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="235"/>
        <location filename="../../ui/handover/panel.py" line="403"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="235"/>
        <source>确认接班</source>
        <translation>Accept handover</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="236"/>
        <source>签到</source>
        <translation>Check in</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="239"/>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>值班日志</source>
        <translation>Duty log</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="242"/>
        <location filename="../../ui/handover/panel.py" line="411"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="242"/>
        <location filename="../../ui/handover/panel.py" line="411"/>
        <source>领导指示</source>
        <translation>Leader instruction</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="243"/>
        <source>更正所选</source>
        <translation>Correct selected</translation>
    </message>
    <message>
        <source>记录内容（写入后不可修改）</source>
        <translation>Entry (cannot be edited once written)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="247"/>
        <source>记录</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="335"/>
        <source>导出交接班报告</source>
        <translation>Export handover report</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="380"/>
        <source>（未结束）</source>
        <translation> (ongoing)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="439"/>
        <source>草稿：未提交前按当前数据生成，提交后冻结</source>
        <translation>Draft: built from current data until submitted, then frozen</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="403"/>
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="241"/>
        <source>值班日志（写入后不可修改）</source>
        <translation>Duty log (entries are final)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="246"/>
        <source>记录内容</source>
        <translation>Entry</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="404"/>
        <source>签收</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="412"/>
        <source>更正</source>
        <translation>Correction</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="462"/>
        <source>（逾期）</source>
        <translation> (late)</translation>
    </message>
    <message>
        <source>交班</source>
        <translation>Outgoing</translation>
    </message>
    <message>
        <source>待答复</source>
        <translation>Awaiting reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="340"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="342"/>
        <source>位置：</source>
        <translation>Look in:</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="343"/>
        <source>文件名：</source>
        <translation>File name:</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="344"/>
        <source>文件类型：</source>
        <translation>Files of type:</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="345"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="346"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="443"/>
        <source>该交班未保存快照，报告按交班时的数据重建</source>
        <translation>This handover was kept without its snapshot: the report is rebuilt as of its submission</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="482"/>
        <source>提交交班（{time} 起）</source>
        <translation>Submit handover (from {time})</translation>
    </message>
    <message>
        <location filename="../../ui/handover/panel.py" line="483"/>
        <source>交班前 {n} 分钟起可提交</source>
        <translation>Can be submitted from {n} minutes before the end</translation>
    </message>
</context>
<context>
    <name>HandoverPdf</name>
    <message>
        <location filename="../../ui/handover/pdf.py" line="55"/>
        <source>已提交，待接班确认</source>
        <translation>Submitted, awaiting incoming shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="56"/>
        <source>已退回，待交班人答复</source>
        <translation>Returned, awaiting outgoing reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="57"/>
        <location filename="../../ui/handover/pdf.py" line="76"/>
        <source>已签收</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="58"/>
        <source>草稿（尚未提交）</source>
        <translation>Draft (not submitted)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="61"/>
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="62"/>
        <source>退回</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="63"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="64"/>
        <source>签收</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="67"/>
        <location filename="../../ui/handover/pdf.py" line="386"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="68"/>
        <source>领导指示</source>
        <translation>Leader instruction</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="69"/>
        <source>更正</source>
        <translation>Correction</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="71"/>
        <source>停用</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="71"/>
        <source>已派出</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="71"/>
        <source>在途</source>
        <translation>En route</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="72"/>
        <source>到场</source>
        <translation>On scene</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="72"/>
        <source>返回中</source>
        <translation>Returning</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="72"/>
        <source>待命</source>
        <translation>Standby</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="75"/>
        <source>待签收</source>
        <translation>To acknowledge</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="77"/>
        <source>已解除</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="80"/>
        <source>决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="81"/>
        <source>任务</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="104"/>
        <source>白班</source>
        <translation>Day shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="106"/>
        <source>夜班</source>
        <translation>Night shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="192"/>
        <source>新上报（件/时）</source>
        <translation>New reports (per hour)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="193"/>
        <source>办结（件/时）</source>
        <translation>Resolved (per hour)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="194"/>
        <source>未办结（右轴，时末）</source>
        <translation>Open (right axis, end of hour)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="208"/>
        <source>时（北京时间）</source>
        <translation>Hour (Beijing time)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="292"/>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="292"/>
        <source>副班</source>
        <translation>Second officer</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="292"/>
        <source>带班领导</source>
        <translation>Leader on duty</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="292"/>
        <source>签到</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="292"/>
        <source>接班值班员</source>
        <translation>Incoming officer</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="305"/>
        <source>交班人</source>
        <translation>Handed over by</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="305"/>
        <source>提交时间</source>
        <translation>Submitted at</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="305"/>
        <source>接班人</source>
        <translation>Accepted by</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="305"/>
        <source>签收时间</source>
        <translation>Accepted at</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="316"/>
        <location filename="../../ui/handover/pdf.py" line="419"/>
        <location filename="../../ui/handover/pdf.py" line="430"/>
        <location filename="../../ui/handover/pdf.py" line="458"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="316"/>
        <source>环节</source>
        <translation>Step</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="316"/>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="316"/>
        <location filename="../../ui/handover/pdf.py" line="419"/>
        <location filename="../../ui/handover/pdf.py" line="430"/>
        <location filename="../../ui/handover/pdf.py" line="458"/>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="326"/>
        <source>新上报</source>
        <translation>New reports</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="326"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <source>办结</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="326"/>
        <source>班初未办结</source>
        <translation>Open at start</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="326"/>
        <source>班末未办结</source>
        <translation>Open at end</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="326"/>
        <source>班末超期</source>
        <translation>Overdue at end</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="327"/>
        <source>当前督办</source>
        <translation>Under supervision</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="327"/>
        <source>按时受理率</source>
        <translation>On-time acceptance</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="327"/>
        <source>基层办结占比</source>
        <translation>Settled locally</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <location filename="../../ui/handover/pdf.py" line="386"/>
        <location filename="../../ui/handover/pdf.py" line="396"/>
        <location filename="../../ui/handover/pdf.py" line="430"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <source>紧急</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <location filename="../../ui/handover/pdf.py" line="364"/>
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="339"/>
        <source>办结时限</source>
        <translation>Resolve by</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="340"/>
        <source>督办时限</source>
        <translation>Supervision deadline</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="340"/>
        <location filename="../../ui/handover/pdf.py" line="365"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="386"/>
        <source>派遣</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="386"/>
        <location filename="../../ui/handover/pdf.py" line="396"/>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="386"/>
        <source>派出时间</source>
        <translation>Dispatched at</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="396"/>
        <source>自</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="411"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="419"/>
        <location filename="../../ui/handover/pdf.py" line="458"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="419"/>
        <source>责任</source>
        <translation>Owner</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="430"/>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="430"/>
        <source>领域</source>
        <translation>Domain</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="458"/>
        <source>序</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="458"/>
        <source>记录人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <location filename="../../ui/handover/pdf.py" line="536"/>
        <source>第 {n} 页 / 共 {total} 页</source>
        <translation>Page {n} of {total}</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>另有 {n} 件未列出（共 {total} 件）</source>
        <translation>{n} more not listed ({total} in all)</translation>
    </message>
    <message>
        <source>交接班报告</source>
        <translation>Handover report</translation>
    </message>
    <message>
        <source>班次</source>
        <translation>Shift</translation>
    </message>
    <message>
        <source>报告生成</source>
        <translation>Generated</translation>
    </message>
    <message>
        <source>交接签字</source>
        <translation>Handover sign-off</translation>
    </message>
    <message>
        <source>交班说明</source>
        <translation>Handover notes</translation>
    </message>
    <message>
        <source>交接过程</source>
        <translation>Handover steps</translation>
    </message>
    <message>
        <source>一、本班概况</source>
        <translation>1. Shift overview</translation>
    </message>
    <message>
        <source>二、重点关注：督办与超期事件</source>
        <translation>2. Attention: supervised and overdue incidents</translation>
    </message>
    <message>
        <source>当前未办结 {open} 件，其中超期 {late} 件、督办中 {sup} 件。</source>
        <translation>{open} open now: {late} overdue, {sup} under supervision.</translation>
    </message>
    <message>
        <source>无督办或超期事件。</source>
        <translation>No supervised or overdue incidents.</translation>
    </message>
    <message>
        <source>三、未办结事件（按状态）</source>
        <translation>3. Open incidents (by status)</translation>
    </message>
    <message>
        <source>无未办结事件。</source>
        <translation>No open incidents.</translation>
    </message>
    <message>
        <source>件</source>
        <translation>cases</translation>
    </message>
    <message>
        <source>四、本班新上报与办结</source>
        <translation>4. Reported and resolved this shift</translation>
    </message>
    <message>
        <source>本班新上报</source>
        <translation>Reported this shift</translation>
    </message>
    <message>
        <source>本班办结</source>
        <translation>Resolved this shift</translation>
    </message>
    <message>
        <source>五、联动处置</source>
        <translation>5. Linkage response</translation>
    </message>
    <message>
        <source>在途派遣</source>
        <translation>Dispatches in progress</translation>
    </message>
    <message>
        <source>停用单位</source>
        <translation>Units out of service</translation>
    </message>
    <message>
        <source>六、视频会商与决定事项</source>
        <translation>6. Video conferences and decisions</translation>
    </message>
    <message>
        <source>本班未召开视频会商。</source>
        <translation>No video conference this shift.</translation>
    </message>
    <message>
        <source>进行中</source>
        <translation>ongoing</translation>
    </message>
    <message>
        <source>召集</source>
        <translation>Convened by</translation>
    </message>
    <message>
        <source>参会</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>未到</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>七、风险预警</source>
        <translation>7. Risk alerts</translation>
    </message>
    <message>
        <source>本班新发预警 {n} 条；辖区当前未解除预警 {open} 条。</source>
        <translation>{n} new alerts this shift; {open} still open in the jurisdiction.</translation>
    </message>
    <message>
        <source>八、视频监控与视联网</source>
        <translation>8. Cameras and video network</translation>
    </message>
    <message>
        <source>监控 {total} 路：在线 {on}，离线 {off}。会商点名未应答 {absent} 个会场。</source>
        <translation>{total} cameras: {on} online, {off} offline. {absent} rooms missed the roll call.</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source> 等</source>
        <translation> and others</translation>
    </message>
    <message>
        <source>九、值班日志</source>
        <translation>9. Duty log</translation>
    </message>
    <message>
        <source>本班无值班日志。</source>
        <translation>No duty log entries this shift.</translation>
    </message>
    <message>
        <source>打印时间</source>
        <translation>Printed</translation>
    </message>
</context>
<context>
    <name>HeaderWidget</name>
    <message>
        <location filename="../../widgets/wall/header.py" line="320"/>
        <source>{year}年{month}月{day}日 {weekday}</source>
        <translation>{weekday} {year}-{month:02d}-{day:02d}</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="326"/>
        <source>未排班</source>
        <translation>Not rostered</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="356"/>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="357"/>
        <source>带班领导</source>
        <translation>Leader on duty</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="358"/>
        <source>四有</source>
        <translation>Four haves</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="368"/>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="359"/>
        <source>⌂ 本级</source>
        <translation>⌂ Home</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/header.py" line="361"/>
        <source>回到本中心辖区</source>
        <translation>Back to this center&apos;s own region</translation>
    </message>
</context>
<context>
    <name>HotlineForm</name>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="175"/>
        <location filename="../../ui/incidents/hotline_form.py" line="176"/>
        <source>热线受理登记</source>
        <translation>Hotline intake</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="180"/>
        <source>请选择类别</source>
        <translation>Select a category</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="187"/>
        <source>网格编码，或在地图上点选位置</source>
        <translation>Grid code, or pick on the map</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="121"/>
        <location filename="../../ui/incidents/hotline_form.py" line="304"/>
        <source>未选位置</source>
        <translation>No location</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="188"/>
        <source>来电人姓名</source>
        <translation>Caller name</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="189"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="190"/>
        <source>事发地址</source>
        <translation>Incident address</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="191"/>
        <source>事件描述：发生了什么、涉及人员、现场情况</source>
        <translation>Description: what happened, who is involved, the scene</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="192"/>
        <source>登录后可受理来电</source>
        <translation>Log in to take calls</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="193"/>
        <source>提交登记</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="194"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="55"/>
        <source>事件类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="56"/>
        <source>紧急程度</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="57"/>
        <source>来源渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="58"/>
        <source>网格</source>
        <translation>Grid cell</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="59"/>
        <source>来电人</source>
        <translation>Caller</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="60"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="61"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="62"/>
        <source>描述</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="208"/>
        <source>已选位置 {lon:.5f}, {lat:.5f}，查找网格…</source>
        <translation>Picked {lon:.5f}, {lat:.5f}; finding grid…</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="349"/>
        <source>正在提交…</source>
        <translation>Submitting…</translation>
    </message>
    <message>
        <source>已登记 #{id}，已转属地中心受理</source>
        <translation>Registered #{id}; sent to the local center</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="375"/>
        <source>未能登记：{reason}</source>
        <translation>Not registered: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="382"/>
        <source>按网格编码定位</source>
        <translation>Locate by grid code</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="388"/>
        <source>已选位置 {lon:.5f}, {lat:.5f} → 网格 {code}</source>
        <translation>Picked {lon:.5f}, {lat:.5f} → grid {code}</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="177"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="219"/>
        <source>已选网格 {code}（{place}）</source>
        <translation>Grid cell {code} ({place})</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="220"/>
        <source>已选网格 {code}</source>
        <translation>Grid cell {code}</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/hotline_form.py" line="359"/>
        <source>已登记 #{id}，由本中心受理：自办或分流派单</source>
        <translation>Filed #{id}: this center accepts it, handles it or routes it</translation>
    </message>
</context>
<context>
    <name>IncidentBadge</name>
    <message>
        <location filename="../../widgets/incidents/badge.py" line="20"/>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/incidents/badge.py" line="21"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/incidents/badge.py" line="22"/>
        <source>督办</source>
        <translation>Sup.</translation>
    </message>
</context>
<context>
    <name>IncidentPanel</name>
    <message>
        <location filename="../../ui/incidents/queue.py" line="39"/>
        <source>标记</source>
        <translation>Flags</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/queue.py" line="40"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/queue.py" line="41"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/queue.py" line="42"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/queue.py" line="43"/>
        <source>时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/queue.py" line="44"/>
        <source>事件</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="51"/>
        <source>该事件已被他人更新</source>
        <translation>Incident updated by someone else</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="52"/>
        <source>登录后可处置</source>
        <translation>Log in to handle</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="53"/>
        <source>当前账号无处置权限</source>
        <translation>No permission to handle</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>超时未受理</source>
        <translation>Not accepted in time</translation>
    </message>
    <message>
        <source>{channel}上报</source>
        <translation>Reported via {channel}</translation>
    </message>
    <message>
        <source>派往</source>
        <translation>Assign to</translation>
    </message>
    <message>
        <source>群众评价</source>
        <translation>Citizen rating</translation>
    </message>
    <message>
        <source>举一反三任务（每行一项，可不填）</source>
        <translation>Follow-up tasks (one per line, optional)</translation>
    </message>
    <message>
        <source>督办时限（小时）</source>
        <translation>Supervision deadline (hours)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Confirm </translation>
    </message>
    <message>
        <source>必填：重新办理的原因</source>
        <translation>Required: reason to reopen</translation>
    </message>
    <message>
        <source>必填：向上级回复办理进展</source>
        <translation>Required: progress reply to upper level</translation>
    </message>
    <message>
        <source>必填：督办要求</source>
        <translation>Required: supervision request</translation>
    </message>
    <message>
        <source>必填：举一反三任务（每行一项）</source>
        <translation>Required: follow-up tasks (one per line)</translation>
    </message>
    <message>
        <source>可选：处置说明</source>
        <translation>Optional: handling note</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>下级中心</source>
        <translation>Lower center</translation>
    </message>
    <message>
        <source>任务（每行一项）</source>
        <translation>Tasks (one per line)</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="55"/>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="56"/>
        <source>来源</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="57"/>
        <source>上报人</source>
        <translation>Reporter</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="58"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="59"/>
        <source>上报时间</source>
        <translation>Reported at</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="60"/>
        <source>办结时限</source>
        <translation>Resolve by</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="61"/>
        <source>办理中心</source>
        <translation>Handling center</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="62"/>
        <source>承办部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="63"/>
        <source>评价</source>
        <translation>Rating</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/detail.py" line="64"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>处置时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <source>关联事件（举一反三）</source>
        <translation>Linked incidents (follow-up)</translation>
    </message>
    <message>
        <source>在上方队列或地图上选择一个事件</source>
        <translation>Select an incident in the queue above or on the map</translation>
    </message>
    <message>
        <source>，当前状态：{status}（第 {v} 版），未作任何修改</source>
        <translation>; now {status} (version {v}); nothing was changed</translation>
    </message>
    <message>
        <source>{action}未成功：{reason}</source>
        <translation>{action} failed: {reason}</translation>
    </message>
    <message>
        <source>时限 {t}</source>
        <translation>Due {t}</translation>
    </message>
    <message>
        <source>处置时间线（{n}）</source>
        <translation>Timeline ({n})</translation>
    </message>
    <message>
        <source>{src} 督办 {dst}，时限 {deadline}</source>
        <translation>{src} supervises {dst}, due {deadline}</translation>
    </message>
    <message>
        <source>要求：{note}（{who} {at}）</source>
        <translation>Request: {note} ({who} {at})</translation>
    </message>
    <message>
        <source>回复：{answer}（{who} {at}）</source>
        <translation>Reply: {answer} ({who} {at})</translation>
    </message>
    <message>
        <source>待回复</source>
        <translation>Awaiting reply</translation>
    </message>
    <message>
        <source>原事件</source>
        <translation>Original incident</translation>
    </message>
    <message>
        <source>举一反三</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>仅超期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <source>仅督办</source>
        <translation>Supervised only</translation>
    </message>
    <message>
        <source>搜索 编号/描述/地址/上报人</source>
        <translation>Search no./text/address/reporter</translation>
    </message>
    <message>
        <source>{n} 件</source>
        <translation>{n} items</translation>
    </message>
    <message>
        <source>已{action} #{id}</source>
        <translation>{action} done: #{id}</translation>
    </message>
    <message>
        <source>只读 · 登录后可处置</source>
        <translation>Read-only · log in to handle</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>共 {total} 件（{first}–{last}）</source>
        <translation>{total} in all ({first}–{last})</translation>
    </message>
    <message>
        <source>共 {total} 件</source>
        <translation>{total} in all</translation>
    </message>
    <message>
        <source>来件与地址匹配</source>
        <translation>Intake and address match</translation>
    </message>
    <message>
        <source>现场照片（{n}）</source>
        <translation>Scene photos ({n})</translation>
    </message>
    <message>
        <source>来源：{channel} · 报送方 {caller}</source>
        <translation>Source: {channel} · sent by {caller}</translation>
    </message>
    <message>
        <source> · 对方编号 {ext}</source>
        <translation> · their no. {ext}</translation>
    </message>
    <message>
        <source>定位：{how}</source>
        <translation>Located {how}</translation>
    </message>
    <message>
        <source>来件地址：{text}</source>
        <translation>Address sent: {text}</translation>
    </message>
    <message>
        <source>，可信度 {p}%</source>
        <translation>, {p}% sure</translation>
    </message>
    <message>
        <source>地址匹配：{names}（{status}{sure}）</source>
        <translation>Address match: {names} ({status}{sure})</translation>
    </message>
    <message>
        <source>依据：{reason}</source>
        <translation>Because: {reason}</translation>
    </message>
</context>
<context>
    <name>IndexBoard</name>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="45"/>
        <source>排名</source>
        <translation>Rank</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="46"/>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="47"/>
        <source>平安指数</source>
        <translation>Safety index</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="48"/>
        <source>较上月</source>
        <translation>vs last month</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="49"/>
        <source>办结率</source>
        <translation>Resolution rate</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="54"/>
        <source>事件</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="55"/>
        <source>办结</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="56"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="57"/>
        <source>重复</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="58"/>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/index_board.py" line="342"/>
        <source>较上月 {delta}</source>
        <translation>vs last month {delta}</translation>
    </message>
    <message>
        <source>按指数</source>
        <translation>By index</translation>
    </message>
    <message>
        <source>按办结率</source>
        <translation>By resolution rate</translation>
    </message>
    <message>
        <source>暂无下级地区指数</source>
        <translation>No sub-region index yet</translation>
    </message>
    <message>
        <source>{year}年{month}月</source>
        <translation>{month}/{year}</translation>
    </message>
</context>
<context>
    <name>KioskGuard</name>
    <message>
        <location filename="../../ui/kit/kiosk.py" line="56"/>
        <source>退出大屏：请值班员确认</source>
        <translation>Close the wall: an officer on duty must confirm</translation>
    </message>
    <message>
        <location filename="../../ui/kit/kiosk.py" line="72"/>
        <source>此账号不能退出大屏（需本中心值班员或领导）</source>
        <translation>This account cannot close the wall (a duty officer or leader of this center can)</translation>
    </message>
</context>
<context>
    <name>KpiBoard</name>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="184"/>
        <source>今日上报</source>
        <translation>Reported today</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="185"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="186"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="187"/>
        <source>今日办结</source>
        <translation>Resolved today</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="188"/>
        <source>办结率</source>
        <translation>Resolution rate</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/kpi_tile.py" line="189"/>
        <source>乡镇及以下化解率</source>
        <translation>Settled locally</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/kit/session.py" line="85"/>
        <location filename="../../ui/kit/session.py" line="88"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="86"/>
        <source>值班人员登录</source>
        <translation>Duty staff login</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="87"/>
        <source>账号，如 330106001.duty</source>
        <translation>Account, e.g. 330106001.duty</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="89"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="90"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="90"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/kit/session.py" line="101"/>
        <source>请输入账号和密码</source>
        <translation>Enter account and password</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>行政区划</source>
        <translation>Boundaries</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid cells</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <source>资源</source>
        <translation>Resources</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Cameras</translation>
    </message>
    <message>
        <source>平安指数</source>
        <translation>Safety index</translation>
    </message>
    <message>
        <source>风险预警</source>
        <translation>Risk alerts</translation>
    </message>
    <message>
        <source>派遣路线</source>
        <translation>Dispatch routes</translation>
    </message>
    <message>
        <source>新上报</source>
        <translation>New</translation>
    </message>
    <message>
        <source>已派单</source>
        <translation>Assigned</translation>
    </message>
    <message>
        <source>处置中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>已办结</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>待命</source>
        <translation>Available</translation>
    </message>
    <message>
        <source>出动</source>
        <translation>Deployed</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>红色预警</source>
        <translation>Red alert</translation>
    </message>
    <message>
        <source>橙色预警</source>
        <translation>Orange alert</translation>
    </message>
    <message>
        <source>黄色预警</source>
        <translation>Yellow alert</translation>
    </message>
    <message>
        <source>蓝色预警</source>
        <translation>Blue alert</translation>
    </message>
    <message>
        <source>网</source>
        <translation>G</translation>
    </message>
    <message>
        <source>警</source>
        <translation>P</translation>
    </message>
    <message>
        <source>消</source>
        <translation>F</translation>
    </message>
    <message>
        <source>医</source>
        <translation>M</translation>
    </message>
    <message>
        <source>队</source>
        <translation>T</translation>
    </message>
    <message>
        <source>车</source>
        <translation>V</translation>
    </message>
    <message>
        <source>资</source>
        <translation>R</translation>
    </message>
    <message>
        <source>事件状态</source>
        <translation>Incident status</translation>
    </message>
    <message>
        <source>今日上报</source>
        <translation>Reported today</translation>
    </message>
    <message>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <source>无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>蓝色</source>
        <translation>Blue</translation>
    </message>
    <message>
        <source>黄色</source>
        <translation>Yellow</translation>
    </message>
    <message>
        <source>橙色</source>
        <translation>Orange</translation>
    </message>
    <message>
        <source>红色</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="237"/>
        <source>地图无法显示</source>
        <translation>The map cannot be shown</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="239"/>
        <source>地图页面加载失败</source>
        <translation>the map page failed to load</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="240"/>
        <source>缺少地图资源 {asset}</source>
        <translation>map asset missing: {asset}</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="241"/>
        <source>地图脚本未能启动（{missing} 未加载）</source>
        <translation>the map scripts did not start ({missing} not loaded)</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="242"/>
        <source>地图页面 {seconds} 秒内未就绪</source>
        <translation>the map page was not ready within {seconds} s</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="243"/>
        <source>地图渲染进程异常退出（{status}），正在重新加载…</source>
        <translation>the map renderer ended ({status}), reloading…</translation>
    </message>
    <message>
        <location filename="../../mapview/view.py" line="244"/>
        <source>地图渲染进程再次退出（{status}），已停止自动重新加载</source>
        <translation>the map renderer ended again ({status}); not reloading again</translation>
    </message>
    <message>
        <source>⤢ 全览</source>
        <translation>⤢ Fit</translation>
    </message>
    <message>
        <source>缩放到当前区域全貌（此后跟随区域变化）</source>
        <translation>Zoom to the whole region shown (and follow it again)</translation>
    </message>
</context>
<context>
    <name>MetricPicker</name>
    <message>
        <location filename="../../widgets/wall/metric_picker.py" line="12"/>
        <source>网格着色：未办结</source>
        <translation>Cells: open</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/metric_picker.py" line="13"/>
        <source>网格着色：今日上报</source>
        <translation>Cells: reported today</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/metric_picker.py" line="14"/>
        <source>网格着色：超期</source>
        <translation>Cells: overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/metric_picker.py" line="15"/>
        <source>网格着色：风险预警</source>
        <translation>Cells: risk alerts</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <location filename="../../ui/incidents/photo_viewer.py" line="17"/>
        <source>现场照片</source>
        <translation>Scene photos</translation>
    </message>
    <message>
        <location filename="../../ui/incidents/photo_viewer.py" line="18"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>照片文件不可用</source>
        <translation>The photo&apos;s file is not available</translation>
    </message>
</context>
<context>
    <name>Placeholders</name>
    <message>
        <location filename="../../widgets/placeholders.py" line="12"/>
        <source>暂无</source>
        <translation>None yet</translation>
    </message>
    <message>
        <location filename="../../widgets/placeholders.py" line="13"/>
        <source>地图加载中</source>
        <translation>Map loading</translation>
    </message>
</context>
<context>
    <name>PlatformPanel</name>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="33"/>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="34"/>
        <source>事项(30天)</source>
        <translation>30 d</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="35"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="36"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="37"/>
        <source>办结率</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="41"/>
        <source>综治工作</source>
        <translation>Governance</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="42"/>
        <source>市场监管</source>
        <translation>Market supervision</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="43"/>
        <source>综合执法</source>
        <translation>Law enforcement</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/platforms.py" line="44"/>
        <source>便民服务</source>
        <translation>Public services</translation>
    </message>
    <message>
        <source>{n} 个站所与派驻部门</source>
        <translation>{n} stations and stationed departments</translation>
    </message>
    <message>
        <source>基层治理四平台</source>
        <translation>Four platforms</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Matters</translation>
    </message>
</context>
<context>
    <name>RankingTable</name>
    <message>
        <location filename="../../widgets/wall/ranking_table.py" line="35"/>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/ranking_table.py" line="36"/>
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/ranking_table.py" line="37"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/ranking_table.py" line="38"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/ranking_table.py" line="39"/>
        <source>办结率</source>
        <translation>Rate</translation>
    </message>
</context>
<context>
    <name>Refusals</name>
    <message>
        <location filename="../../ui/kit/refusal.py" line="23"/>
        <source>该网格不在本中心辖区内</source>
        <translation>Grid cell is outside this jurisdiction</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="24"/>
        <source>该事件不在本中心辖区内</source>
        <translation>Incident is outside this jurisdiction</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="25"/>
        <source>找不到该网格</source>
        <translation>Grid cell not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="26"/>
        <source>找不到该网格编码，请核对</source>
        <translation>Grid code not found; check it</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="27"/>
        <source>请填写网格编码或在地图上点选位置</source>
        <translation>Enter a grid code or pick on the map</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="28"/>
        <source>所选位置附近没有网格，请重新点选</source>
        <translation>No grid cell near that point; pick again</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="29"/>
        <source>请选择事件类别</source>
        <translation>Select a category</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="30"/>
        <source>请选择来源渠道</source>
        <translation>Select a channel</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="31"/>
        <source>紧急程度无效</source>
        <translation>Invalid priority</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="32"/>
        <source>请填写事件描述</source>
        <translation>Enter a description</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="33"/>
        <source>只能交办给下级中心</source>
        <translation>Can only assign to a lower center</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="34"/>
        <location filename="../../ui/kit/refusal.py" line="54"/>
        <source>当前账号无此权限</source>
        <translation>No permission for this account</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="35"/>
        <source>该事件由其他中心办理，本中心不能操作</source>
        <translation>Another center handles this incident</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="36"/>
        <location filename="../../ui/kit/refusal.py" line="57"/>
        <source>事件当前状态下不能进行此操作</source>
        <translation>Not allowed in the current status</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="37"/>
        <source>未知的操作</source>
        <translation>Unknown action</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="38"/>
        <source>请选择本级部门或下级中心</source>
        <translation>Select a department or lower center</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="39"/>
        <source>该事件无派单来源，不能退回，请上报上级</source>
        <translation>Not routed from anywhere; escalate instead of returning</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="40"/>
        <source>已是最高层级，无法上报</source>
        <translation>Already at the top level</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="41"/>
        <source>请选择评价结果</source>
        <translation>Select a rating</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="42"/>
        <source>重新办理须填写原因</source>
        <translation>A reason is required to reopen</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="43"/>
        <source>督办时限须晚于当前时间</source>
        <translation>Deadline must be in the future</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="44"/>
        <source>请填写督办要求</source>
        <translation>Enter the supervision request</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="45"/>
        <source>请填写回复内容</source>
        <translation>Enter a reply</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="46"/>
        <source>没有待回复的督办</source>
        <translation>No supervision to reply to</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="47"/>
        <source>只有办理中心可对已办结事件举一反三</source>
        <translation>Only the handling center can add follow-ups</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="48"/>
        <source>只有上级中心可督办未办结事件</source>
        <translation>Only an upper center can supervise open incidents</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="49"/>
        <source>账号或密码错误</source>
        <translation>Wrong account or password</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="50"/>
        <source>账号不存在或已停用</source>
        <translation>Account missing or disabled</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="51"/>
        <source>找不到该事件</source>
        <translation>Incident not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="52"/>
        <source>找不到该地区</source>
        <translation>Region not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="53"/>
        <source>该事件已被他人更新</source>
        <translation>Incident updated by someone else</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="55"/>
        <source>找不到相关记录</source>
        <translation>Record not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="56"/>
        <source>填写内容有误</source>
        <translation>Invalid input</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="58"/>
        <source>操作被拒绝</source>
        <translation>Refused</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="59"/>
        <source>数据库暂不可用，请稍后重试</source>
        <translation>Database unavailable; try again later</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="61"/>
        <source>{unit} 当前不可用，不能派遣</source>
        <translation>{unit} is unavailable and cannot be dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="62"/>
        <source>{unit} 正在执行任务，不能重复派遣</source>
        <translation>{unit} is already on a task</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="63"/>
        <source>{unit} 不在本中心辖区，不能调派</source>
        <translation>{unit} is outside this jurisdiction</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="64"/>
        <source>{unit} 已被其他席位抢先调派，请重新选择</source>
        <translation>{unit} was just dispatched by another desk; choose again</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="65"/>
        <source>数据已被其他席位更新，已刷新为最新状态</source>
        <translation>Updated by another desk; refreshed</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="66"/>
        <source>事件已办结，不能再派遣</source>
        <translation>Incident resolved; no more dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="67"/>
        <source>事件不在本中心辖区</source>
        <translation>Incident is outside this jurisdiction</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="68"/>
        <source>当前账号没有调度权限</source>
        <translation>This account cannot dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="69"/>
        <source>该预警已启动预案，已转到该预案</source>
        <translation>A plan is already active for this alert; showing it</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="70"/>
        <source>没有其他可用的同类单位</source>
        <translation>No other unit of this kind available</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="71"/>
        <source>该派遣当前不能执行这一步</source>
        <translation>This step is not possible now</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="72"/>
        <source>该项已处理</source>
        <translation>Item already handled</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="73"/>
        <source>该预案已结束</source>
        <translation>Response plan has ended</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="74"/>
        <source>请至少选择一个单位</source>
        <translation>Select at least one unit</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="75"/>
        <source>只有指挥中心账号可以启动预案</source>
        <translation>Only command center accounts can activate plans</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="77"/>
        <source>本班次尚未结束，不能交班</source>
        <translation>Shift not over yet; cannot hand over</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="78"/>
        <source>您不在该班次的值班表上，不能签字</source>
        <translation>You are not on this shift’s roster; cannot sign</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="79"/>
        <source>交班人不能自己签收</source>
        <translation>The outgoing officer cannot accept their own handover</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="80"/>
        <source>本班次已提交交班，请勿重复提交</source>
        <translation>Handover already submitted</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="81"/>
        <source>交接班已签收，不能再更改</source>
        <translation>Handover accepted; no more changes</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="82"/>
        <source>请先答复接班人的问题</source>
        <translation>Answer the incoming shift’s question first</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="83"/>
        <source>没有待答复的问题</source>
        <translation>No question to answer</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="84"/>
        <source>退回须填写原因</source>
        <translation>A reason is required to return</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="85"/>
        <source>请填写答复内容</source>
        <translation>Enter a reply</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="86"/>
        <source>交接班已签收，值班日志已关闭</source>
        <translation>Handover accepted; duty log closed</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="87"/>
        <source>请填写日志内容</source>
        <translation>Enter the log text</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="88"/>
        <source>本班次已签到</source>
        <translation>Already checked in for this shift</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="89"/>
        <source>不在本班次时间内，不能签到</source>
        <translation>Outside shift hours; cannot check in</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="90"/>
        <source>不是本中心的班次</source>
        <translation>Not a shift of this center</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="91"/>
        <source>交接班已被他人更新，已刷新</source>
        <translation>Handover updated by someone else; refreshed</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="93"/>
        <source>当前账号无视频操作权限</source>
        <translation>No video permission for this account</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="94"/>
        <source>当前账号不属于任何指挥中心</source>
        <translation>Account belongs to no command center</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="95"/>
        <source>超出本级辖区</source>
        <translation>Outside this jurisdiction</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="96"/>
        <source>没有这个监控点</source>
        <translation>No such camera</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="97"/>
        <source>所有窗口均已锁定</source>
        <translation>All windows are pinned</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="98"/>
        <source>不支持的分屏</source>
        <translation>Unsupported layout</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="117"/>
        <source>数据库操作失败: {reason}</source>
        <translation>Database error: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="100"/>
        <source>请填写会商主题</source>
        <translation>Enter a title for the conference</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="101"/>
        <source>请至少选择一个参会方</source>
        <translation>Choose at least one participant</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="102"/>
        <source>参会方最多 16 个</source>
        <translation>At most 16 participants</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="103"/>
        <source>找不到该参会方</source>
        <translation>Participant not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="104"/>
        <source>参会方类型无效</source>
        <translation>Invalid participant type</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="105"/>
        <source>该参会方不在本次会商中</source>
        <translation>Not a participant of this conference</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="106"/>
        <source>会商已结束</source>
        <translation>The conference has ended</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="107"/>
        <source>结束时间不能早于开始时间</source>
        <translation>The end cannot be before the start</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="108"/>
        <source>请选择决定或任务</source>
        <translation>Choose decision or task</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="109"/>
        <source>请填写决定或任务内容</source>
        <translation>Enter the decision or task</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="110"/>
        <source>请填写责任人</source>
        <translation>Enter the owner</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="111"/>
        <source>找不到该纪要</source>
        <translation>Minute not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="112"/>
        <source>找不到该会商</source>
        <translation>Conference not found</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="113"/>
        <source>该项已转为事件任务</source>
        <translation>Already made an incident task</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="114"/>
        <source>本次会商未关联事件，不能转为事件任务</source>
        <translation>This conference is not linked to an incident; no incident task can be made</translation>
    </message>
    <message>
        <location filename="../../ui/kit/refusal.py" line="115"/>
        <source>该会商属于其他中心</source>
        <translation>This conference belongs to another center</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="40"/>
        <location filename="../../ui/handover/replay_panel.py" line="46"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="41"/>
        <location filename="../../ui/handover/replay_panel.py" line="47"/>
        <location filename="../../ui/handover/replay_panel.py" line="222"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="42"/>
        <location filename="../../ui/handover/replay_panel.py" line="45"/>
        <source>今日上报</source>
        <translation>Reported today</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="48"/>
        <source>今日办结</source>
        <translation>Resolved today</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="49"/>
        <source>督办中</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="141"/>
        <source>回放所选班次</source>
        <translation>Replay selected shift</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="142"/>
        <source>地图着色</source>
        <translation>Map colouring</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="147"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="147"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="147"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="148"/>
        <source>紧急</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="148"/>
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="149"/>
        <source>标记</source>
        <translation>Flags</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="187"/>
        <source>班次回放 · 值班员 {name}</source>
        <translation>Shift replay · duty officer {name}</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="214"/>
        <source>此刻未办结 {n} 件（列出前 {k} 件：督办、超期在前）</source>
        <translation>{n} open at this moment (first {k} shown, supervised and overdue first)</translation>
    </message>
    <message>
        <location filename="../../ui/handover/replay_panel.py" line="220"/>
        <source>督办</source>
        <translation>Supervised</translation>
    </message>
</context>
<context>
    <name>RiskAlertList</name>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="60"/>
        <source>红色</source>
        <translation>Red</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="61"/>
        <source>橙色</source>
        <translation>Orange</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="62"/>
        <source>黄色</source>
        <translation>Yellow</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="63"/>
        <source>蓝色</source>
        <translation>Blue</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="66"/>
        <source>社会治安</source>
        <translation>Public order</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="67"/>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="68"/>
        <source>城市运行</source>
        <translation>City operation</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="69"/>
        <source>网络安全</source>
        <translation>Cyber security</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="70"/>
        <source>安全生产</source>
        <translation>Work safety</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="71"/>
        <source>消防安全</source>
        <translation>Fire safety</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="72"/>
        <source>食品药品</source>
        <translation>Food &amp; drugs</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="73"/>
        <source>生态环境</source>
        <translation>Environment</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="74"/>
        <source>交通安全</source>
        <translation>Traffic safety</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="75"/>
        <source>自然灾害</source>
        <translation>Natural disasters</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="76"/>
        <source>公共卫生</source>
        <translation>Public health</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="79"/>
        <source>待签收</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="80"/>
        <source>已签收</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="81"/>
        <source>已解除</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="84"/>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="85"/>
        <source>领域</source>
        <translation>Domain</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="86"/>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="87"/>
        <source>预警内容</source>
        <translation>Alert</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="88"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="89"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="92"/>
        <source>发布</source>
        <translation>Raised</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="93"/>
        <source>升级</source>
        <translation>Escalated</translation>
    </message>
    <message>
        <source>未解除 {n}</source>
        <translation>{n} open</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="94"/>
        <source>签收</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <location filename="../../widgets/risk/risk_alerts.py" line="95"/>
        <source>解除</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>暂无风险预警</source>
        <translation>No risk alerts</translation>
    </message>
    <message>
        <source>处置记录</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <source>备注（随签收或解除记入处置记录）</source>
        <translation>Note (recorded with acknowledge or close)</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="37"/>
        <source>⚠ 预警 {n}</source>
        <translation>⚠ Alerts {n}</translation>
    </message>
    <message>
        <source>未签收的风险预警 {n} 条</source>
        <translation>{n} risk alerts not acknowledged</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../widgets/wall/trend_chart.py" line="256"/>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/trend_chart.py" line="257"/>
        <source>昨日</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/trend_chart.py" line="328"/>
        <source>近{n}日上报</source>
        <translation>Reported, last {n} days</translation>
    </message>
    <message>
        <location filename="../../widgets/wall/trend_chart.py" line="330"/>
        <source>日均</source>
        <translation>Daily avg</translation>
    </message>
</context>
<context>
    <name>VideoPanel</name>
    <message>
        <source>当前账号无视频操作权限</source>
        <translation>No video permission for this account</translation>
    </message>
    <message>
        <source>当前账号不属于任何指挥中心</source>
        <translation>Account belongs to no command center</translation>
    </message>
    <message>
        <source>超出本级辖区</source>
        <translation>Outside this jurisdiction</translation>
    </message>
    <message>
        <source>没有这个监控点</source>
        <translation>No such camera</translation>
    </message>
    <message>
        <source>所有窗口均已锁定</source>
        <translation>All windows are pinned</translation>
    </message>
    <message>
        <source>不支持的分屏</source>
        <translation>Unsupported layout</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="362"/>
        <source>（离线）</source>
        <translation> (offline)</translation>
    </message>
    <message>
        <location filename="../../ui/video/panel.py" line="376"/>
        <source>事件附近 {n} 个监控</source>
        <translation>{n} cameras near incident</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Pin</translation>
    </message>
    <message>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>附近监控填入空位</source>
        <translation>Fill nearby</translation>
    </message>
    <message>
        <source>视频会商</source>
        <translation>Video conference</translation>
    </message>
    <message>
        <source>事件附近监控</source>
        <translation>Nearby</translation>
    </message>
    <message>
        <source>辖区监控</source>
        <translation>All cameras</translation>
    </message>
    <message>
        <source>搜索监控点</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>{n} 分屏</source>
        <translation>{n} tiles</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../widgets/video/video_tile.py" line="56"/>
        <source>无信号</source>
        <translation>No signal</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_tile.py" line="57"/>
        <source>连接中</source>
        <translation>Connecting</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_tile.py" line="58"/>
        <source>信号中断</source>
        <translation>Signal lost</translation>
    </message>
    <message>
        <location filename="../../widgets/video/video_tile.py" line="495"/>
        <source>自动重连 第 {n} 次</source>
        <translation>Reconnecting, attempt {n}</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../ui/wall/window.py" line="53"/>
        <source>态势地图</source>
        <translation>Situation map</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="54"/>
        <source>实时指标</source>
        <translation>Live indicators</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="55"/>
        <source>今日分时上报</source>
        <translation>Reports by hour today</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="56"/>
        <source>近30日上报趋势</source>
        <translation>Reports, last 30 days</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="57"/>
        <source>今日事件类别</source>
        <translation>Today&apos;s incidents by category</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="58"/>
        <source>下级区域排名</source>
        <translation>Ranking of sub-regions</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="59"/>
        <source>视频监控</source>
        <translation>Video surveillance</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="60"/>
        <source>事件处置</source>
        <translation>Incident handling</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="61"/>
        <source>资源调度</source>
        <translation>Resource dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/wall/window.py" line="63"/>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="32"/>
        <source>热线登记</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="34"/>
        <source>交接班与回放</source>
        <translation>Handover &amp; replay</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="33"/>
        <source>交接班</source>
        <translation>Handover</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="35"/>
        <source>班次回放</source>
        <translation>Shift replay</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="36"/>
        <source>关于</source>
        <translation>About</translation>
    </message>
</context>
<context>
    <name>incident_labels</name>
    <message>
        <location filename="../../widgets/incident_labels.py" line="21"/>
        <source>上报</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="24"/>
        <source>受理</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="25"/>
        <source>分流派单</source>
        <translation>Route</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="26"/>
        <source>处置</source>
        <translation>Handle</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="27"/>
        <source>退回</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="28"/>
        <source>办结</source>
        <translation>Resolve</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="29"/>
        <source>评价归档</source>
        <translation>Rate &amp; close</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="30"/>
        <source>重新办理</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="31"/>
        <source>上报上级</source>
        <translation>Escalate</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="32"/>
        <source>超期自动上报</source>
        <translation>Auto-escalated (overdue)</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="33"/>
        <source>回复督办</source>
        <translation>Reply to supervision</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="34"/>
        <source>督办</source>
        <translation>Supervise</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="35"/>
        <location filename="../../widgets/incident_labels.py" line="53"/>
        <source>举一反三</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="36"/>
        <source>派遣力量</source>
        <translation>Dispatched units</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="37"/>
        <source>单位接令</source>
        <translation>Unit acknowledged</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="38"/>
        <source>到达现场</source>
        <translation>Arrived on scene</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="39"/>
        <source>现场处置完毕</source>
        <translation>Cleared the scene</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="40"/>
        <source>单位返回</source>
        <translation>Unit returned</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="41"/>
        <source>取消派遣</source>
        <translation>Cancel dispatch</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="42"/>
        <source>通知</source>
        <translation>Notify</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="43"/>
        <source>启动预案</source>
        <translation>Activate plan</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="47"/>
        <source>热线电话</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="48"/>
        <source>平安通(网格员)</source>
        <translation>Field app (grid worker)</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="49"/>
        <source>平安浙江APP</source>
        <translation>Citizen app</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="50"/>
        <source>视频告警</source>
        <translation>Video alarm</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="51"/>
        <source>感知告警</source>
        <translation>Sensor alarm</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="52"/>
        <source>上级交办</source>
        <translation>Assigned from above</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="54"/>
        <source>视频会商</source>
        <translation>Video conference</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="58"/>
        <source>特急</source>
        <translation>Critical</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="59"/>
        <source>紧急</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="60"/>
        <source>一般</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="61"/>
        <source>较低</source>
        <translation>Low</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="65"/>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="66"/>
        <source>基本满意</source>
        <translation>Mostly satisfied</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="67"/>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="71"/>
        <source>待我处理</source>
        <translation>My queue</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="72"/>
        <source>我督办的</source>
        <translation>I supervise</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="73"/>
        <source>辖区全部</source>
        <translation>Whole jurisdiction</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="77"/>
        <source>事件</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="78"/>
        <source>举一反三任务</source>
        <translation>Follow-up task</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="82"/>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="83"/>
        <source>带班领导</source>
        <translation>Leader on duty</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="84"/>
        <source>话务员</source>
        <translation>Call taker</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="85"/>
        <source>只读</source>
        <translation>Read-only</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="86"/>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>该网格不在本中心辖区内</source>
        <translation>Grid cell is outside this jurisdiction</translation>
    </message>
    <message>
        <source>该事件不在本中心辖区内</source>
        <translation>Incident is outside this jurisdiction</translation>
    </message>
    <message>
        <source>找不到该网格</source>
        <translation>Grid cell not found</translation>
    </message>
    <message>
        <source>找不到该网格编码，请核对</source>
        <translation>Grid code not found; check it</translation>
    </message>
    <message>
        <source>请填写网格编码或在地图上点选位置</source>
        <translation>Enter a grid code or pick on the map</translation>
    </message>
    <message>
        <source>所选位置附近没有网格，请重新点选</source>
        <translation>No grid cell near that point; pick again</translation>
    </message>
    <message>
        <source>请选择事件类别</source>
        <translation>Select a category</translation>
    </message>
    <message>
        <source>请选择来源渠道</source>
        <translation>Select a channel</translation>
    </message>
    <message>
        <source>紧急程度无效</source>
        <translation>Invalid priority</translation>
    </message>
    <message>
        <source>请填写事件描述</source>
        <translation>Enter a description</translation>
    </message>
    <message>
        <source>只能交办给下级中心</source>
        <translation>Can only assign to a lower center</translation>
    </message>
    <message>
        <source>当前账号无此权限</source>
        <translation>No permission for this account</translation>
    </message>
    <message>
        <source>该事件由其他中心办理，本中心不能操作</source>
        <translation>Another center handles this incident</translation>
    </message>
    <message>
        <source>事件当前状态下不能进行此操作</source>
        <translation>Not allowed in the current status</translation>
    </message>
    <message>
        <source>未知的操作</source>
        <translation>Unknown action</translation>
    </message>
    <message>
        <source>请选择本级部门或下级中心</source>
        <translation>Select a department or lower center</translation>
    </message>
    <message>
        <source>该事件无派单来源，不能退回，请上报上级</source>
        <translation>Not routed from anywhere; escalate instead of returning</translation>
    </message>
    <message>
        <source>已是最高层级，无法上报</source>
        <translation>Already at the top level</translation>
    </message>
    <message>
        <source>请选择评价结果</source>
        <translation>Select a rating</translation>
    </message>
    <message>
        <source>重新办理须填写原因</source>
        <translation>A reason is required to reopen</translation>
    </message>
    <message>
        <source>督办时限须晚于当前时间</source>
        <translation>Deadline must be in the future</translation>
    </message>
    <message>
        <source>请填写督办要求</source>
        <translation>Enter the supervision request</translation>
    </message>
    <message>
        <source>请填写回复内容</source>
        <translation>Enter a reply</translation>
    </message>
    <message>
        <source>没有待回复的督办</source>
        <translation>No supervision to reply to</translation>
    </message>
    <message>
        <source>只有办理中心可对已办结事件举一反三</source>
        <translation>Only the handling center can add follow-ups</translation>
    </message>
    <message>
        <source>只有上级中心可督办未办结事件</source>
        <translation>Only an upper center can supervise open incidents</translation>
    </message>
    <message>
        <source>账号或密码错误</source>
        <translation>Wrong account or password</translation>
    </message>
    <message>
        <source>账号不存在或已停用</source>
        <translation>Account missing or disabled</translation>
    </message>
    <message>
        <source>找不到该事件</source>
        <translation>Incident not found</translation>
    </message>
    <message>
        <source>找不到该地区</source>
        <translation>Region not found</translation>
    </message>
    <message>
        <source>该事件已被他人更新</source>
        <translation>Incident updated by someone else</translation>
    </message>
    <message>
        <source>找不到相关记录</source>
        <translation>Record not found</translation>
    </message>
    <message>
        <source>填写内容有误</source>
        <translation>Invalid input</translation>
    </message>
    <message>
        <source>操作被拒绝</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>数据库暂不可用，请稍后重试</source>
        <translation>Database unavailable; try again later</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="102"/>
        <source>{d}天{h}小时</source>
        <translation>{d} d {h} h</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="103"/>
        <source>{h}小时{m}分</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="104"/>
        <source>{m}分钟</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="105"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="106"/>
        <source>剩</source>
        <translation>Due in</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="22"/>
        <source>处置进展</source>
        <translation>Progress note</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="23"/>
        <source>上传照片</source>
        <translation>Photo added</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="90"/>
        <source>按网格编码</source>
        <translation>by grid code</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="91"/>
        <source>按经纬度</source>
        <translation>by coordinates</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="92"/>
        <source>按地址匹配</source>
        <translation>by address match</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="96"/>
        <source>已匹配</source>
        <translation>matched</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="97"/>
        <source>有歧义</source>
        <translation>ambiguous</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="98"/>
        <source>辖区外</source>
        <translation>outside the jurisdiction</translation>
    </message>
    <message>
        <location filename="../../widgets/incident_labels.py" line="99"/>
        <source>未匹配</source>
        <translation>not matched</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../widgets/labels.py" line="18"/>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="19"/>
        <source>治安隐患</source>
        <translation>Public order</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="20"/>
        <source>安全隐患</source>
        <translation>Safety hazards</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="21"/>
        <source>消防</source>
        <translation>Fire</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="22"/>
        <source>环境污染</source>
        <translation>Environment</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="23"/>
        <source>城市管理</source>
        <translation>City management</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="24"/>
        <source>交通</source>
        <translation>Traffic</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="25"/>
        <source>食品药品</source>
        <translation>Food &amp; drugs</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="26"/>
        <source>公共卫生</source>
        <translation>Public health</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="27"/>
        <source>信访</source>
        <translation>Petitions</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="28"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="32"/>
        <source>省级</source>
        <translation>Provincial</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="33"/>
        <source>市级</source>
        <translation>City</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="34"/>
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="35"/>
        <source>乡镇级</source>
        <translation>Township</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="39"/>
        <source>省级指挥中心</source>
        <translation>Provincial command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="40"/>
        <source>市级指挥中心</source>
        <translation>City command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="41"/>
        <source>县级指挥中心</source>
        <translation>County command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="42"/>
        <source>乡镇级指挥中心</source>
        <translation>Township command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="46"/>
        <source>有场地</source>
        <translation>Venue</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="47"/>
        <source>有大屏</source>
        <translation>Big screen</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="48"/>
        <source>有人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="49"/>
        <source>有机制</source>
        <translation>Mechanism</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="53"/>
        <source>星期一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="54"/>
        <source>星期二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="55"/>
        <source>星期三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="56"/>
        <source>星期四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="57"/>
        <source>星期五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="58"/>
        <source>星期六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="59"/>
        <source>星期日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="71"/>
        <source>已上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="72"/>
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="73"/>
        <source>已派单</source>
        <translation>Routed</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="74"/>
        <source>处置中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="75"/>
        <source>已退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="76"/>
        <source>已办结</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="77"/>
        <source>已归档</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>场地 {area}㎡</source>
        <translation>Venue {area} m²</translation>
    </message>
    <message>
        <source>无专用场地</source>
        <translation>No dedicated venue</translation>
    </message>
    <message>
        <source>大屏 {ok}/{total} 正常</source>
        <translation>Screens {ok}/{total} working</translation>
    </message>
    <message>
        <source>值班人员 {on_duty}/{required}</source>
        <translation>On duty {on_duty}/{required}</translation>
    </message>
    <message>
        <source>未实行24小时值守</source>
        <translation>No 24-hour duty</translation>
    </message>
    <message>
        <source>交接班逾期 {late} 次</source>
        <translation>Late handovers: {late}</translation>
    </message>
    <message>
        <source>24小时值守 · 交接班正常</source>
        <translation>24 h duty · handovers OK</translation>
    </message>
</context>
<context>
    <name>self.window</name>
    <message>
        <source>热线登记</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <source>交接班与回放</source>
        <translation>Handover &amp; replay</translation>
    </message>
    <message>
        <source>交接班</source>
        <translation>Handover</translation>
    </message>
    <message>
        <source>班次回放</source>
        <translation>Shift replay</translation>
    </message>
</context>
</TS>
