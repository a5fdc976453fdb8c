"""`policy-site import`: a school's own Word, PDF or text policy → the project's sources.

Readers (`docx`, `pdf`, `text`) turn a document into `blocks` (a PDF's `footnotes` moved under
the paragraphs citing them); `structure` shapes the blocks into sections and clauses, with
`markers` reading sub-clause numbers ('a)', '(ii)'); `cover` and `forms` pick out the adoption record and forms; `ids`
names clauses; `match` carries IDs over from an earlier version; `write` puts the sources on
disk and `report` tells the editor what was removed and what was guessed.
"""
