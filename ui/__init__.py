"""The windows of Linli Desk: Qt only, no business rules; every decision is the domain's (booking/).

The bottom is desk (what every window shares: the open store, the language, fonts) and widgets
(pieces windows are built from); the views of one idea each sit above them (board, bookings,
passes, money, office, reports, gates); app, the program and its main window, sits on top.
tests/test_import_graph.py holds every package to its "May import:" line.

May import: nothing of ours (its packages say what they may import).
"""
