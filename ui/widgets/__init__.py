"""Pieces windows are built from, with no idea of bookings or passes: fitting every window to
its screen (fit), a wrapping row layout (flow), read-only tables: the one
table-model base and the one view factory (tables), a table keeping the clerk's place when its
model is read again (keepplace), date inputs
(dates), a refusal shown next to its field (fieldmessages), the documents folder save dialogs
suggest (documents), the yes and no sounds (sounds), long work on a worker thread with a
progress dialog (longwork), and the one Yes/No question, No by default (confirm).

May import: booking.store.
"""
