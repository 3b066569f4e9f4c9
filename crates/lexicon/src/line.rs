//! Line-oriented parsing shared by every lexicon file, and the located error type.

use std::fmt;

/// One problem in one line of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    /// The file as given.
    pub file: String,
    /// 1-based line number (0 when the problem is not tied to a line).
    pub line: usize,
    /// What is wrong, naming the expected form.
    pub reason: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for LexiconError {}

/// The content lines of a file: (1-based number, fields split on `|`, trimmed), comments removed.
pub(crate) fn records(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, raw)| {
        let line = match raw.find('#') {
            Some(k) if !is_inside_example(raw, k) => &raw[..k],
            _ => raw,
        };
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        Some((i + 1, split_fields(line)))
    })
}

/// Splits on `|` that has white space (or the line's edge) on at least one side; a bar between
/// two non-space characters belongs to the field (pattern alternatives: `deal|agreement`).
pub(crate) fn split_fields(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'|' {
            continue;
        }
        let space_before = i == 0 || bytes[i - 1].is_ascii_whitespace();
        let space_after = i + 1 == bytes.len() || bytes[i + 1].is_ascii_whitespace();
        if space_before || space_after {
            out.push(line[start..i].trim());
            start = i + 1;
        }
    }
    out.push(line[start..].trim());
    out
}

/// A `#` after the fourth field separator belongs to an example sentence, not to a comment.
fn is_inside_example(raw: &str, hash: usize) -> bool {
    split_fields(&raw[..hash]).len() > 4 && !raw.trim_start().starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_calendar() {
        assert_eq!(date_key("2020-02-29", true), Some(20200229));
        assert_eq!(date_key("2100-02-29", true), None);
        assert_eq!(date_key("2018-04-31", true), None);
        assert_eq!(date_key("2018-04", false), Some(20180431));
    }

    #[test]
    fn bars_inside_words_are_alternatives() {
        assert_eq!(
            split_fields("107-19 | 107 | v | urge + to reach agreement|deal | -"),
            ["107-19", "107", "v", "urge + to reach agreement|deal", "-"]
        );
        assert_eq!(split_fields("AZE|Azerbaijan"), ["AZE|Azerbaijan"]);
        assert_eq!(split_fields("a |b| c"), ["a", "b", "c"]);
    }
}

/// Splits a `;` list, dropping empty items and `-`.
pub(crate) fn list(field: &str) -> Vec<&str> {
    field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
        .collect()
}

/// `-` or empty → None.
pub(crate) fn opt(field: &str) -> Option<&str> {
    let f = field.trim();
    (!f.is_empty() && f != "-").then_some(f)
}

/// Checks the field count and reports a located error when it is wrong.
pub(crate) fn expect_fields(
    file: &str,
    line: usize,
    fields: &[&str],
    min: usize,
    max: usize,
    form: &str,
    errors: &mut Vec<LexiconError>,
) -> bool {
    if fields.len() < min || fields.len() > max {
        errors.push(LexiconError {
            file: file.into(),
            line,
            reason: format!(
                "expected {min}{} fields separated by '|' ({form}), found {}",
                if max > min {
                    format!("–{max}")
                } else {
                    String::new()
                },
                fields.len()
            ),
        });
        return false;
    }
    true
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into a sortable `YYYYMMDD` number; `start` picks the
/// first or last day of a partial date.
pub(crate) fn date_key(s: &str, start: bool) -> Option<u32> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, lo: u32, hi: u32| p.parse::<u32>().ok().filter(|v| (lo..=hi).contains(v));
    let (y, m, d) = match parts.as_slice() {
        [y] if y.len() == 4 => (
            num(y, 1000, 2999)?,
            if start { 1 } else { 12 },
            if start { 1 } else { 31 },
        ),
        [y, m] if y.len() == 4 => (
            num(y, 1000, 2999)?,
            num(m, 1, 12)?,
            if start { 1 } else { 31 },
        ),
        [y, m, d] if y.len() == 4 => {
            let (y, m) = (num(y, 1000, 2999)?, num(m, 1, 12)?);
            (y, m, num(d, 1, days_in_month(y, m))?)
        }
        _ => return None,
    };
    Some(y * 10_000 + m * 100 + d)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
