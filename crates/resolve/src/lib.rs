//! Per-article resolvers. [`geo`] finds and resolves place names with the built-in gazetteer
//! (its source files' grammar in [`gazetteer_source`]);
//! [`dates`] turns "on Wednesday", "yesterday", "last month" or "in 2020"
//! into calendar dates against the publication date, the way news means them (a bare weekday is
//! the most recent one not after publication).
//!
//! ```
//! use eventwire_resolve::dates::{find_dates, Precision};
//! use eventwire_text::tokenize;
//! let s = "Troops moved in on Tuesday.";
//! let pub_date = chrono::NaiveDate::from_ymd_opt(2023, 9, 20).unwrap();
//! let d = find_dates(&tokenize(s, 0, s.len()), pub_date);
//! assert_eq!(d[0].date.to_string(), "2023-09-19");
//! assert_eq!(d[0].precision, Precision::Day);
//! ```
#![deny(missing_docs)]

pub mod dates;
pub mod dedup;
pub mod gazetteer_source;
pub mod geo;
// The writer's half of the layout (`pack`, `MAX_CANDIDATES`) is used by build.rs.
#[allow(dead_code)]
mod geo_format;
