//! News-relative date expressions.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use eventwire_text::{Token, TokenKind};

/// How precise a resolved date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// An exact day.
    Day,
    /// Some day in a week.
    Week,
    /// Some day in a month (the date is the 1st).
    Month,
    /// Some day in a year (the date is 1 January).
    Year,
}

impl Precision {
    /// `day`, `week`, `month`, `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// A date expression found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// The resolved date.
    pub date: NaiveDate,
    /// Its precision.
    pub precision: Precision,
    /// First token of the expression.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    /// A bare weekday ("on Thursday"), which a future event resolves forward.
    pub weekday: bool,
}

/// Parses `YYYY-MM-DD` or the date part of RFC 3339 (`2023-09-20T08:00:00Z`).
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let head = s.trim().get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn month(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn number(t: &Token, lo: i64, hi: i64) -> Option<i64> {
    if t.kind != TokenKind::Number {
        return None;
    }
    t.norm.parse::<i64>().ok().filter(|v| (lo..=hi).contains(v))
}

fn shift_months(d: NaiveDate, back: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 - back;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// Every date expression in the tokens, resolved against `published`.
pub fn find_dates(tokens: &[Token], published: NaiveDate) -> Vec<DateMention> {
    let mut out = Vec::new();
    let norm = |i: usize| tokens.get(i).map_or("", |t| t.norm.as_str());
    let mut i = 0;
    while i < tokens.len() {
        let w = norm(i);
        let prev = if i > 0 { norm(i - 1) } else { "" };
        let push = |out: &mut Vec<DateMention>, date: NaiveDate, precision, start, end| {
            out.push(DateMention {
                date,
                precision,
                start,
                end,
                weekday: false,
            });
        };
        if let Some(wd) = weekday(w) {
            let back = (published.weekday().num_days_from_monday() as i64
                - wd.num_days_from_monday() as i64)
                .rem_euclid(7);
            let (date, start) = match prev {
                "next" | "coming" => (
                    published + Duration::days(if back == 0 { 7 } else { 7 - back }),
                    i - 1,
                ),
                "last" if back == 0 => (published - Duration::days(7), i - 1),
                "last" | "this" | "on" | "since" => (published - Duration::days(back), i - 1),
                _ => (published - Duration::days(back), i),
            };
            out.push(DateMention {
                date,
                precision: Precision::Day,
                start,
                end: i + 1,
                weekday: !matches!(prev, "next" | "coming" | "last"),
            });
            i += 1;
            continue;
        }
        match w {
            "today" | "tonight" => push(&mut out, published, Precision::Day, i, i + 1),
            "yesterday" => push(
                &mut out,
                published - Duration::days(1),
                Precision::Day,
                i,
                i + 1,
            ),
            "tomorrow" => push(
                &mut out,
                published + Duration::days(1),
                Precision::Day,
                i,
                i + 1,
            ),
            "week" | "month" | "year"
                if matches!(prev, "last" | "past" | "this" | "next") && i > 0 =>
            {
                let (date, p) = match (prev, w) {
                    ("this", "week") => (published, Precision::Week),
                    ("this", "month") => (shift_months(published, 0), Precision::Month),
                    ("this", "year") => (
                        NaiveDate::from_ymd_opt(published.year(), 1, 1).unwrap_or(published),
                        Precision::Year,
                    ),
                    ("next", "week") => (published + Duration::days(7), Precision::Week),
                    ("next", "month") => (shift_months(published, -1), Precision::Month),
                    ("next", "year") => (
                        NaiveDate::from_ymd_opt(published.year() + 1, 1, 1).unwrap_or(published),
                        Precision::Year,
                    ),
                    (_, "week") => (published - Duration::days(7), Precision::Week),
                    (_, "month") => (shift_months(published, 1), Precision::Month),
                    _ => (
                        NaiveDate::from_ymd_opt(published.year() - 1, 1, 1).unwrap_or(published),
                        Precision::Year,
                    ),
                };
                push(&mut out, date, p, i - 1, i + 1);
            }
            "ago" if i >= 2 => {
                let n = number(&tokens[i - 2], 1, 400).or(match norm(i - 2) {
                    "a" | "one" => Some(1),
                    "two" => Some(2),
                    "three" => Some(3),
                    "few" => Some(3),
                    _ => None,
                });
                if let Some(n) = n {
                    let unit = norm(i - 1).trim_end_matches('s');
                    let r = match unit {
                        "day" => Some((published - Duration::days(n), Precision::Day)),
                        "week" => Some((published - Duration::days(7 * n), Precision::Week)),
                        "month" => Some((shift_months(published, n as i32), Precision::Month)),
                        "year" => NaiveDate::from_ymd_opt(published.year() - n as i32, 1, 1)
                            .map(|d| (d, Precision::Year)),
                        _ => None,
                    };
                    if let Some((d, p)) = r {
                        push(&mut out, d, p, i - 2, i + 1);
                    }
                }
            }
            _ => {
                if let Some(m) = month(w).filter(|_| tokens[i].capitalized) {
                    // "September 19[, 2023]" / "19 September [2023]" / "in September [2023]"
                    let day_after = tokens.get(i + 1).and_then(|t| number(t, 1, 31));
                    let day_before = if i > 0 {
                        number(&tokens[i - 1], 1, 31)
                    } else {
                        None
                    };
                    let mut end = i + 1;
                    let mut start = i;
                    let day = if let Some(d) = day_after {
                        end = i + 2;
                        Some(d)
                    } else if let Some(d) = day_before {
                        start = i - 1;
                        Some(d)
                    } else {
                        None
                    };
                    let mut k = end;
                    if norm(k) == "," || norm(k) == "." {
                        k += 1;
                    }
                    let year = tokens.get(k).and_then(|t| number(t, 1900, 2100));
                    if year.is_some() {
                        end = k + 1;
                    }
                    if w == "may" && day.is_none() && year.is_none() && prev != "in" {
                        i += 1;
                        continue; // the modal verb
                    }
                    let y = year.map_or_else(
                        || {
                            let later = m > published.month()
                                || (m == published.month()
                                    && day.is_some_and(|d| d as u32 > published.day()));
                            published.year() - i32::from(later)
                        },
                        |y| y as i32,
                    );
                    let date = NaiveDate::from_ymd_opt(y, m, day.unwrap_or(1) as u32);
                    if let Some(date) = date {
                        let p = if day.is_some() {
                            Precision::Day
                        } else {
                            Precision::Month
                        };
                        push(&mut out, date, p, start, end);
                        i = end;
                        continue;
                    }
                } else if let Some(y) = number(&tokens[i], 1900, 2100) {
                    if matches!(prev, "in" | "of" | "until" | "during")
                        && y <= published.year() as i64 + 5
                    {
                        if let Some(d) = NaiveDate::from_ymd_opt(y as i32, 1, 1) {
                            push(&mut out, d, Precision::Year, i - 1, i + 1);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventwire_text::tokenize;

    fn first(s: &str, published: &str) -> (String, Precision) {
        let p = parse_published(published).unwrap();
        let d = find_dates(&tokenize(s, 0, s.len()), p);
        (d[0].date.to_string(), d[0].precision)
    }

    #[test]
    fn relative_expressions() {
        assert_eq!(
            first("on Wednesday", "2023-09-20"),
            ("2023-09-20".into(), Precision::Day)
        );
        assert_eq!(
            first("on Tuesday", "2023-09-20T10:00:00Z"),
            ("2023-09-19".into(), Precision::Day)
        );
        assert_eq!(
            first("on Thursday", "2023-09-20"),
            ("2023-09-14".into(), Precision::Day)
        );
        assert_eq!(
            first("next Thursday", "2023-09-20"),
            ("2023-09-21".into(), Precision::Day)
        );
        assert_eq!(
            first("yesterday", "2023-09-20"),
            ("2023-09-19".into(), Precision::Day)
        );
        assert_eq!(
            first("last month", "2023-01-10"),
            ("2022-12-01".into(), Precision::Month)
        );
        assert_eq!(
            first("in 2020", "2023-09-20"),
            ("2020-01-01".into(), Precision::Year)
        );
        assert_eq!(
            first("on September 19", "2023-09-20"),
            ("2023-09-19".into(), Precision::Day)
        );
        assert_eq!(
            first("on 19 Sept. 2021", "2023-09-20"),
            ("2021-09-19".into(), Precision::Day)
        );
        assert_eq!(
            first("in December", "2023-09-20"),
            ("2022-12-01".into(), Precision::Month)
        );
        assert_eq!(
            first("three days ago", "2023-09-20"),
            ("2023-09-17".into(), Precision::Day)
        );
    }

    #[test]
    fn modal_may_is_not_a_month() {
        let p = parse_published("2023-09-20").unwrap();
        let s = "Baku may regain control.";
        assert!(find_dates(&tokenize(s, 0, s.len()), p).is_empty());
    }
}
