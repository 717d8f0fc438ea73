"""The intake service (#15): the network front door of the service layer.

Other systems (the 12345/967999 hotline, the citizen app, video analytics, IoT sensors)
and grid workers' field client file reports, attach photos and read back case state and
changes over HTTP (`console.py serve`). Every write goes through the use cases of
services.incidents, so counters, audit log and change feed stay exact. No Qt here.
"""
