<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>数据库连接中断 自 {time}</source>
        <translation>Database connection lost since {time}</translation>
    </message>
    <message>
        <source>画面为最后一次数据</source>
        <translation>showing the last data received</translation>
    </message>
</context>
<context>
    <name>DataAgeLabel</name>
    <message>
        <source>暂无数据</source>
        <translation>No data yet</translation>
    </message>
    <message>
        <source>数据 {n} 秒前</source>
        <translation>Data {n} s ago</translation>
    </message>
    <message>
        <source>数据 {n} 分钟前</source>
        <translation>Data {n} min ago</translation>
    </message>
    <message>
        <source>数据 {n} 小时前</source>
        <translation>Data {n} h ago</translation>
    </message>
</context>
<context>
    <name>HeaderWidget</name>
    <message>
        <source>{year}年{month}月{day}日 {weekday}</source>
        <translation>{weekday} {year}-{month:02d}-{day:02d}</translation>
    </message>
    <message>
        <source>未排班</source>
        <translation>Not rostered</translation>
    </message>
    <message>
        <source>值班员</source>
        <translation>Duty officer</translation>
    </message>
    <message>
        <source>带班领导</source>
        <translation>Leader on duty</translation>
    </message>
    <message>
        <source>四有</source>
        <translation>Four haves</translation>
    </message>
    <message>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
</context>
<context>
    <name>KpiBoard</name>
    <message>
        <source>今日上报</source>
        <translation>Reported today</translation>
    </message>
    <message>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>今日办结</source>
        <translation>Resolved today</translation>
    </message>
    <message>
        <source>办结率</source>
        <translation>Resolution rate</translation>
    </message>
    <message>
        <source>乡镇及以下化解率</source>
        <translation>Settled locally</translation>
    </message>
</context>
<context>
    <name>Placeholders</name>
    <message>
        <source>暂无</source>
        <translation>None yet</translation>
    </message>
    <message>
        <source>地图加载中</source>
        <translation>Map loading</translation>
    </message>
</context>
<context>
    <name>RankingTable</name>
    <message>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>办结率</source>
        <translation>Rate</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>昨日</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <source>近{n}日上报</source>
        <translation>Reported, last {n} days</translation>
    </message>
    <message>
        <source>日均</source>
        <translation>Daily avg</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>态势地图</source>
        <translation>Situation map</translation>
    </message>
    <message>
        <source>实时指标</source>
        <translation>Live indicators</translation>
    </message>
    <message>
        <source>今日分时上报</source>
        <translation>Reports by hour today</translation>
    </message>
    <message>
        <source>近30日上报趋势</source>
        <translation>Reports, last 30 days</translation>
    </message>
    <message>
        <source>今日事件类别</source>
        <translation>Today&apos;s incidents by category</translation>
    </message>
    <message>
        <source>下级区域排名</source>
        <translation>Ranking of sub-regions</translation>
    </message>
    <message>
        <source>视频监控</source>
        <translation>Video surveillance</translation>
    </message>
    <message>
        <source>资源调度</source>
        <translation>Resource dispatch</translation>
    </message>
    <message>
        <source>社会治理综合指挥中心</source>
        <translation>Social Governance Command Center</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <source>治安隐患</source>
        <translation>Public order</translation>
    </message>
    <message>
        <source>安全隐患</source>
        <translation>Safety hazards</translation>
    </message>
    <message>
        <source>消防</source>
        <translation>Fire</translation>
    </message>
    <message>
        <source>环境污染</source>
        <translation>Environment</translation>
    </message>
    <message>
        <source>城市管理</source>
        <translation>City management</translation>
    </message>
    <message>
        <source>交通</source>
        <translation>Traffic</translation>
    </message>
    <message>
        <source>食品药品</source>
        <translation>Food &amp; drugs</translation>
    </message>
    <message>
        <source>公共卫生</source>
        <translation>Public health</translation>
    </message>
    <message>
        <source>信访</source>
        <translation>Petitions</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>省级</source>
        <translation>Provincial</translation>
    </message>
    <message>
        <source>市级</source>
        <translation>City</translation>
    </message>
    <message>
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <source>乡镇级</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>省级指挥中心</source>
        <translation>Provincial command center</translation>
    </message>
    <message>
        <source>市级指挥中心</source>
        <translation>City command center</translation>
    </message>
    <message>
        <source>县级指挥中心</source>
        <translation>County command center</translation>
    </message>
    <message>
        <source>乡镇级指挥中心</source>
        <translation>Township command center</translation>
    </message>
    <message>
        <source>有场地</source>
        <translation>Venue</translation>
    </message>
    <message>
        <source>有大屏</source>
        <translation>Big screen</translation>
    </message>
    <message>
        <source>有人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>有机制</source>
        <translation>Mechanism</translation>
    </message>
    <message>
        <source>星期一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>星期二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>星期三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>星期四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>星期五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>星期六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>星期日</source>
        <translation>Sun</translation>
    </message>
</context>
</TS>
