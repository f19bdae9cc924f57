"""The residents' convention as data: who may book what, when and for how long (rules) and
what a no-show costs a
household (restrictions).

May import: booking.store, booking.people, booking.places.
"""
