//! Publication dates as sources write them (RFC 3339, RFC 2822, `2020/03/04`, `20200304`,
//! `Nov 19, 2019`) reduced to the `YYYY-MM-DD` an [`eventwire_model::Article`] carries.

use chrono::NaiveDate;

/// `YYYY-MM-DD` for a date or timestamp string, or `None` when it is not one.
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    // ISO dates and RFC 3339 timestamps: the date part as written (the publisher's local day).
    if let Some(head) = s.get(..10) {
        for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"] {
            if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                return Some(iso(d));
            }
        }
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(iso(d.date_naive()));
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok().map(iso);
    }
    for fmt in ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(iso(d));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::normalize_date;

    #[test]
    fn formats() {
        for (input, want) in [
            ("2023-09-20", "2023-09-20"),
            ("2023-09-20T23:30:00-04:00", "2023-09-20"),
            ("Wed, 20 Sep 2023 14:00:00 GMT", "2023-09-20"),
            ("Wed, 20 Sep 2023 14:00:00 +0400", "2023-09-20"),
            ("2023/09/20", "2023-09-20"),
            ("20230920", "2023-09-20"),
            ("September 20, 2023", "2023-09-20"),
            ("20 Sep 2023", "2023-09-20"),
        ] {
            assert_eq!(normalize_date(input).as_deref(), Some(want), "{input}");
        }
        for bad in ["", "yesterday", "2023-13-45", "ü2023-09-20"] {
            assert_eq!(normalize_date(bad), None, "{bad}");
        }
    }
}
