"""The domain of Linli Desk: pure Python, no Qt anywhere below it, usable headless and tested so.

Its packages are layered, each importing only those before it in this order: store, people,
places, policy, schedule, money, checkin, reporting, ops, gatehouse, and last cli, the command
line over all of them. No domain package imports cli or ui; cli reaches ui only by name, for
the handlers of the commands that draw, when one runs.
tests/test_import_graph.py reads the "May import:" line of every package and holds the code to it.

May import: nothing of ours (its packages say what they may import).
"""
