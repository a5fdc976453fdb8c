"""What a resolved handbook becomes besides its pages' Markdown: documents, history, site pages, status."""
