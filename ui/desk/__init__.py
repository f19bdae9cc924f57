"""What every window of the desk shares: the desk itself as the windows see it, with the open
store, who is signed in and the clock (session), switching the language while the program runs
(language), fonts by family with fallbacks (fonts), the colour scheme (theme), and the Qt
application for drawing without a display, for the commands that draw (offscreen).

May import: booking.store, ui.widgets.
"""
