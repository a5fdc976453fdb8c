"""`policy-site import`: a school's own Word, PDF or text policy → the project's sources.

Readers (`docx`, `pdf`, `text`) turn a document into `blocks`; `structure` shapes the blocks
into sections and clauses; `cover` and `forms` pick out the adoption record and forms; `ids`
names clauses; `match` carries IDs over from an earlier version; `write` puts the sources on
disk and `report` tells the editor what was removed and what was guessed.
"""
