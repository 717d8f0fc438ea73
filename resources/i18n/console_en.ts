<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CategoryBarChart</name>
    <message>
        <location filename="../../widgets/category_bar.py" line="101"/>
        <source>今日暂无上报</source>
        <translation>No reports today</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../widgets/banner.py" line="54"/>
        <source>数据库连接中断 自 {time}</source>
        <translation>Database connection lost since {time}</translation>
    </message>
    <message>
        <location filename="../../widgets/banner.py" line="56"/>
        <source>画面为最后一次数据</source>
        <translation>showing the last data received</translation>
    </message>
</context>
<context>
    <name>DataAgeLabel</name>
    <message>
        <location filename="../../widgets/panel.py" line="42"/>
        <source>暂无数据</source>
        <translation>No data yet</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="45"/>
        <source>数据 {n} 秒前</source>
        <translation>Data {n} s ago</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="48"/>
        <source>数据 {n} 分钟前</source>
        <translation>Data {n} min ago</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="50"/>
        <source>数据 {n} 小时前</source>
        <translation>Data {n} h ago</translation>
    </message>
</context>
<context>
    <name>HeaderWidget</name>
    <message>
        <location filename="../../widgets/header.py" line="263"/>
        <source>{year}年{month}月{day}日 {weekday}</source>
        <translation>{weekday} {year}-{month:02d}-{day:02d}</translation>
    </message>
    <message>
        <location filename="../../widgets/header.py" line="269"/>
        <source>未排班</source>
        <translation>Not rostered</translation>
    </message>
    <message>
        <location filename="../../widgets/header.py" line="299"/>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <location filename="../../widgets/header.py" line="300"/>
        <source>带班领导</source>
        <translation>Leader on duty</translation>
    </message>
    <message>
        <location filename="../../widgets/header.py" line="301"/>
        <source>四有</source>
        <translation>Four haves</translation>
    </message>
    <message>
        <location filename="../../widgets/header.py" line="307"/>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
</context>
<context>
    <name>KpiBoard</name>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="120"/>
        <source>今日上报</source>
        <translation>Reported today</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="121"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="122"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="123"/>
        <source>今日办结</source>
        <translation>Resolved today</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="124"/>
        <source>办结率</source>
        <translation>Resolution rate</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi_tile.py" line="125"/>
        <source>乡镇及以下化解率</source>
        <translation>Settled locally</translation>
    </message>
</context>
<context>
    <name>MetricPicker</name>
    <message>
        <location filename="../../widgets/metric_picker.py" line="9"/>
        <source>网格着色：未办结</source>
        <translation>Cells: open</translation>
    </message>
    <message>
        <location filename="../../widgets/metric_picker.py" line="10"/>
        <source>网格着色：今日上报</source>
        <translation>Cells: reported today</translation>
    </message>
    <message>
        <location filename="../../widgets/metric_picker.py" line="11"/>
        <source>网格着色：超期</source>
        <translation>Cells: overdue</translation>
    </message>
</context>
<context>
    <name>Placeholders</name>
    <message>
        <location filename="../../widgets/placeholders.py" line="9"/>
        <source>暂无</source>
        <translation>None yet</translation>
    </message>
    <message>
        <location filename="../../widgets/placeholders.py" line="10"/>
        <source>地图加载中</source>
        <translation>Map loading</translation>
    </message>
</context>
<context>
    <name>RankingTable</name>
    <message>
        <location filename="../../widgets/ranking_table.py" line="35"/>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../widgets/ranking_table.py" line="36"/>
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/ranking_table.py" line="37"/>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../widgets/ranking_table.py" line="38"/>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../widgets/ranking_table.py" line="39"/>
        <source>办结率</source>
        <translation>Rate</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../widgets/trend_chart.py" line="215"/>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="216"/>
        <source>昨日</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="283"/>
        <source>近{n}日上报</source>
        <translation>Reported, last {n} days</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="285"/>
        <source>日均</source>
        <translation>Daily avg</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../ui/wall.py" line="45"/>
        <source>态势地图</source>
        <translation>Situation map</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="46"/>
        <source>实时指标</source>
        <translation>Live indicators</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="47"/>
        <source>今日分时上报</source>
        <translation>Reports by hour today</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="48"/>
        <source>近30日上报趋势</source>
        <translation>Reports, last 30 days</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="49"/>
        <source>今日事件类别</source>
        <translation>Today&apos;s incidents by category</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="50"/>
        <source>下级区域排名</source>
        <translation>Ranking of sub-regions</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="51"/>
        <source>视频监控</source>
        <translation>Video surveillance</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="52"/>
        <source>资源调度</source>
        <translation>Resource dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/wall.py" line="54"/>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../widgets/labels.py" line="15"/>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="16"/>
        <source>治安隐患</source>
        <translation>Public order</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="17"/>
        <source>安全隐患</source>
        <translation>Safety hazards</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="18"/>
        <source>消防</source>
        <translation>Fire</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="19"/>
        <source>环境污染</source>
        <translation>Environment</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="20"/>
        <source>城市管理</source>
        <translation>City management</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="21"/>
        <source>交通</source>
        <translation>Traffic</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="22"/>
        <source>食品药品</source>
        <translation>Food &amp; drugs</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="23"/>
        <source>公共卫生</source>
        <translation>Public health</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="24"/>
        <source>信访</source>
        <translation>Petitions</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="25"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="29"/>
        <source>省级</source>
        <translation>Provincial</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="30"/>
        <source>市级</source>
        <translation>City</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="31"/>
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="32"/>
        <source>乡镇级</source>
        <translation>Township</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="36"/>
        <source>省级指挥中心</source>
        <translation>Provincial command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="37"/>
        <source>市级指挥中心</source>
        <translation>City command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="38"/>
        <source>县级指挥中心</source>
        <translation>County command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="39"/>
        <source>乡镇级指挥中心</source>
        <translation>Township command center</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="43"/>
        <source>有场地</source>
        <translation>Venue</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="44"/>
        <source>有大屏</source>
        <translation>Big screen</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="45"/>
        <source>有人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="46"/>
        <source>有机制</source>
        <translation>Mechanism</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="50"/>
        <source>星期一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="51"/>
        <source>星期二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="52"/>
        <source>星期三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="53"/>
        <source>星期四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="54"/>
        <source>星期五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="55"/>
        <source>星期六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="56"/>
        <source>星期日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="68"/>
        <source>已上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="69"/>
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="70"/>
        <source>已派单</source>
        <translation>Routed</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="71"/>
        <source>处置中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="72"/>
        <source>已退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="73"/>
        <source>已办结</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="74"/>
        <source>已归档</source>
        <translation>Closed</translation>
    </message>
</context>
</TS>
