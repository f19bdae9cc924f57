"""The ground every other package stands on: the one SQLite file (connection) and its schema as
ordered migrations, the one clock, the DeskError every refusal is, the messages in the user's
language (i18n), where the program keeps its files (paths), saving over a file another program
holds and CSV cells Excel will not run (files), the log and the console, the append-only audit log, and the checks of what the
clerk types (validation).

May import: nothing of ours.
"""
