"""The residents' convention as data: who may book what, when and for how long (rules), the
breach a proposed booking would commit, with its words (breach), and what a no-show costs a
household (restrictions).

May import: booking.store, booking.people, booking.places.
"""
