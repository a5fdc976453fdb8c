"""PDFs, Word files and the poster, made once and cached by content."""
