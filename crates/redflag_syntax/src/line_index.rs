//! Byte offsets to editor positions.
//!
//! Findings carry 1-based lines and 1-based columns counted in UTF-16 code
//! units, because that is what LSP clients and SARIF consumers expect. Rules
//! work in byte offsets; this index converts between the two once per file.

/// A 1-based line and 1-based UTF-16 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Start offsets of every line of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines (a trailing newline does not open a new line of content,
    /// but it is still counted, as editors do).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds `offset`.
    #[must_use]
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where the 0-based `line` starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of the 0-based `line`, without its line terminator.
    #[must_use]
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The text of the 0-based `line`, without its line terminator.
    #[must_use]
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        text.get(self.line_range(text, line)).unwrap_or("")
    }

    /// Converts a byte offset to a 1-based line and 1-based UTF-16 column.
    /// Offsets inside a multi-byte character are rounded down to it.
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = &text[start..offset];
        let units = if prefix.is_ascii() {
            prefix.len()
        } else {
            prefix.encode_utf16().count()
        };
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(units + 1).unwrap_or(u32::MAX),
        }
    }

    /// Converts a 1-based line and a 0-based column counted in characters
    /// (what YAML and SQL parsers report) to a byte offset.
    #[must_use]
    pub fn offset_of_char_column(&self, text: &str, line: usize, char_column: usize) -> usize {
        if line == 0 {
            return 0;
        }
        let range = self.line_range(text, line - 1);
        let line_text = &text[range.clone()];
        let within = line_text
            .char_indices()
            .nth(char_column)
            .map_or(line_text.len(), |(i, _)| i);
        range.start + within
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.position(text, 4), LineCol { line: 2, column: 2 });
        assert_eq!(index.position(text, 6), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // 'é' is one UTF-16 unit (two bytes); '😀' is two units (four bytes).
        let text = "é😀x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), LineCol { line: 1, column: 4 });
    }

    #[test]
    fn crlf_lines_exclude_the_terminator() {
        let text = "one\r\ntwo\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_text(text, 0), "one");
        assert_eq!(index.line_text(text, 1), "two");
        assert_eq!(index.position(text, 5), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn char_columns_convert_to_byte_offsets() {
        let text = "x\nüber: 1\n";
        let index = LineIndex::new(text);
        let offset = index.offset_of_char_column(text, 2, 4);
        assert_eq!(&text[offset..=offset], ":");
    }
}
