//! Page furniture: lines of an article that are not news and must never be coded.

/// What a line of body text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Ordinary news text.
    News,
    /// "Also read: …", "Read more: …", "Related: …", "Watch: …".
    Link,
    /// "By Jane Doe" / "By Jane Doe and John Roe, Reuters".
    Byline,
    /// "Photo: …", "(Reuters photo)", "File photo …".
    Caption,
    /// "Reporting by …; Editing by …", "Additional reporting by …", "Writing by …".
    Credits,
    /// Empty or whitespace only.
    Blank,
}

const LINK_PREFIXES: &[&str] = &[
    "also read",
    "read more",
    "read also",
    "related",
    "see also",
    "watch",
    "listen",
    "click here",
    "sign up",
    "subscribe",
    "follow us",
    "more:",
    "recommended",
    "trending",
    "must read",
    "you may also like",
    "also see",
    "read:",
    "related coverage",
    "related stories",
    "more from",
];
const CREDIT_PREFIXES: &[&str] = &[
    "reporting by",
    "additional reporting",
    "writing by",
    "editing by",
    "compiled by",
    "(reporting by",
    "(additional reporting",
    "(writing by",
    "(editing by",
    "our standards:",
];
const CAPTION_PREFIXES: &[&str] = &[
    "photo:",
    "photo by",
    "photograph:",
    "image:",
    "picture:",
    "file photo",
    "credit:",
    "caption:",
    "pictured:",
];

/// Classifies one line of body text.
pub fn clean(line: &str) -> LineKind {
    let t = line.trim();
    if t.is_empty() {
        return LineKind::Blank;
    }
    let lower: String = t.chars().take(40).collect::<String>().to_lowercase();
    let starts = |prefixes: &[&str]| {
        prefixes.iter().any(|p| {
            lower.starts_with(p)
                && lower[p.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() || p.ends_with(':'))
        })
    };
    if starts(CREDIT_PREFIXES) {
        return LineKind::Credits;
    }
    if starts(LINK_PREFIXES)
        && (t.contains(':') || t.len() < 120)
        && !ends_like_sentence_with_verb(t)
    {
        return LineKind::Link;
    }
    if starts(CAPTION_PREFIXES)
        || (t.len() < 200 && (t.ends_with("/Reuters") || t.contains("REUTERS/")))
    {
        return LineKind::Caption;
    }
    if is_byline(t) {
        return LineKind::Byline;
    }
    LineKind::News
}

/// "Related talks were held on Monday." starts like a link line but is a sentence.
fn ends_like_sentence_with_verb(t: &str) -> bool {
    !t.contains(':') && t.ends_with('.') && t.split_whitespace().count() > 6
}

fn is_byline(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("By ").or_else(|| t.strip_prefix("BY ")) else {
        return false;
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 || t.ends_with('.') {
        return false;
    }
    words.iter().all(|w| {
        let w = w.trim_matches(|c: char| c == ',' || c == ';');
        w.chars().next().is_some_and(|c| c.is_uppercase())
            || matches!(w, "and" | "in" | "for" | "&" | "|" | "-")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_recognised() {
        assert_eq!(
            clean("Also read: Blinken demands that Azerbaijan open disputed corridor"),
            LineKind::Link
        );
        assert_eq!(clean("Read more: Why Karabakh matters"), LineKind::Link);
        assert_eq!(clean("Related: Armenia protests"), LineKind::Link);
        assert_eq!(
            clean("Reporting by Felix Light; Editing by Alex Richardson"),
            LineKind::Credits
        );
        assert_eq!(clean("By Jane Doe and John Roe, Reuters"), LineKind::Byline);
        assert_eq!(
            clean("Photo: Armenian refugees near Goris"),
            LineKind::Caption
        );
        assert_eq!(clean("   "), LineKind::Blank);
        assert_eq!(
            clean("Azerbaijan halted its offensive on Wednesday."),
            LineKind::News
        );
        assert_eq!(
            clean("Related talks between the two sides were held in Brussels on Monday."),
            LineKind::News
        );
        assert_eq!(
            clean("By noon, troops had entered the town."),
            LineKind::News
        );
    }
}
