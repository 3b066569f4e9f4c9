//! Query-string parameters: each endpoint names the keys it takes, anything else is a 400 that
//! lists them. Values are checked here (dates, codes, numbers, the bbox, the search words), so
//! the SQL layer only ever binds well-formed values. [`events_query`] is the whole parse of a
//! `GET /api/events` query string, as the fuzz target `api_query` drives it.

use crate::api::{ApiError, MAX_DOWNLOAD, MAX_PAGE};
use crate::db::Sort;

/// Longest `q` accepted, in bytes.
pub const MAX_Q_BYTES: usize = 500;
/// Most words `q` may hold.
pub const MAX_Q_WORDS: usize = 16;

/// The event filters every listing and aggregate endpoint shares.
pub const FILTER_KEYS: &[&str] = &[
    "from",
    "to",
    "actor",
    "recipient",
    "actor_sector",
    "recipient_sector",
    "event",
    "mode",
    "quad",
    "country",
    "bbox",
    "q",
    "article",
];

/// Which events a request is about; empty lists mean "any". Lists are comma-separated in the
/// query string (`event=ASSAULT,COERCE`) and OR-ed; different keys are AND-ed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Filters {
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, inclusive.
    pub to: Option<String>,
    /// Actor codes (alpha-3 or IGO, NGO, …).
    pub actor: Vec<String>,
    /// Recipient codes.
    pub recipient: Vec<String>,
    /// Actor sectors (GOV, MIL, REB, …): an actor with any of them matches.
    pub actor_sector: Vec<String>,
    /// Recipient sectors.
    pub recipient_sector: Vec<String>,
    /// PLOVER event types.
    pub event: Vec<String>,
    /// PLOVER modes (an event with any of them matches).
    pub mode: Vec<String>,
    /// Quad classes 1–4.
    pub quad: Vec<u8>,
    /// Location country (alpha-3).
    pub country: Vec<String>,
    /// West, south, east, north (degrees); west > east crosses the antimeridian.
    pub bbox: Option<[f64; 4]>,
    /// Words that must begin words of the sentence (case and accents ignored).
    pub q: Option<String>,
    /// Article id.
    pub article: Option<String>,
}

/// A parsed query string, checked against the keys an endpoint accepts.
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Rejects repeated keys and keys outside `allowed` (plus [`FILTER_KEYS`] when `filters`).
    pub fn new(
        pairs: Vec<(String, String)>,
        allowed: &[&str],
        filters: bool,
    ) -> Result<Params, ApiError> {
        let ok = |k: &str| allowed.contains(&k) || (filters && FILTER_KEYS.contains(&k));
        for (i, (k, _)) in pairs.iter().enumerate() {
            if !ok(k) {
                let mut all: Vec<&str> = allowed.to_vec();
                if filters {
                    all.extend_from_slice(FILTER_KEYS);
                }
                return Err(ApiError::bad(format!(
                    "unknown query parameter `{k}`; this endpoint takes: {}",
                    if all.is_empty() {
                        "none".to_string()
                    } else {
                        all.join(", ")
                    }
                )));
            }
            if pairs[..i].iter().any(|(k2, _)| k2 == k) {
                return Err(ApiError::bad(format!(
                    "query parameter `{k}` given twice; give one value (lists are comma-separated)"
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// The raw value of `key`, if given and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A whole number in `0..=max`, or `default`.
    pub fn number(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                Ok(_) => Err(ApiError::bad(format!("`{key}` is at most {max}, got {v}"))),
                Err(_) => Err(ApiError::bad(format!(
                    "`{key}` must be a whole number, got {v:?}"
                ))),
            },
        }
    }

    /// One of `choices` (the first is the default).
    pub fn choice<'a>(&self, key: &str, choices: &[&'a str]) -> Result<&'a str, ApiError> {
        match self.get(key) {
            None => Ok(choices[0]),
            Some(v) => choices.iter().find(|c| **c == v).copied().ok_or_else(|| {
                ApiError::bad(format!(
                    "`{key}` must be one of {}, got {v:?}",
                    choices.join(", ")
                ))
            }),
        }
    }

    /// The shared event filters.
    pub fn filters(&self) -> Result<Filters, ApiError> {
        let date = |key: &str| -> Result<Option<String>, ApiError> {
            self.get(key)
                .map(|v| {
                    if is_date(v) {
                        Ok(v.to_string())
                    } else {
                        Err(ApiError::bad(format!(
                            "`{key}` must be a date YYYY-MM-DD, got {v:?}"
                        )))
                    }
                })
                .transpose()
        };
        let codes = |key: &str| -> Result<Vec<String>, ApiError> {
            list(self.get(key))
                .map(|c| {
                    let up = c.to_ascii_uppercase();
                    if !up.is_empty()
                        && up.len() <= 24
                        && up
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    {
                        Ok(up)
                    } else {
                        Err(ApiError::bad(format!(
                            "`{key}`: {c:?} is not a code (letters, digits, `_`, `-`)"
                        )))
                    }
                })
                .collect()
        };
        let modes = list(self.get("mode"))
            .map(|m| {
                if m.len() <= 40
                    && m.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    Ok(m.to_ascii_lowercase())
                } else {
                    Err(ApiError::bad(format!("`mode`: {m:?} is not a PLOVER mode")))
                }
            })
            .collect::<Result<_, _>>()?;
        let event: Vec<String> = codes("event")?;
        if let Some(bad) = event
            .iter()
            .find(|e| !eventwire_model::PLOVER_EVENTS.contains(&e.as_str()))
        {
            return Err(ApiError::bad(format!(
                "`event`: {bad:?} is not a PLOVER event type ({})",
                eventwire_model::PLOVER_EVENTS.join(", ")
            )));
        }
        let quad = list(self.get("quad"))
            .map(|q| match q.parse::<u8>() {
                Ok(n @ 1..=4) => Ok(n),
                _ => Err(ApiError::bad(format!(
                    "`quad` values are 1 to 4, got {q:?}"
                ))),
            })
            .collect::<Result<_, _>>()?;
        let bbox = self.get("bbox").map(parse_bbox).transpose()?;
        Ok(Filters {
            from: date("from")?,
            to: date("to")?,
            actor: codes("actor")?,
            recipient: codes("recipient")?,
            actor_sector: codes("actor_sector")?,
            recipient_sector: codes("recipient_sector")?,
            event,
            mode: modes,
            quad,
            country: codes("country")?,
            bbox,
            q: self.get("q").map(check_q).transpose()?,
            article: self.get("article").map(str::to_string),
        })
    }
}

/// What `GET /api/events` asks for.
#[derive(Debug)]
pub struct EventsQuery {
    /// Which events.
    pub filters: Filters,
    /// `json` (a page), `csv`, `jsonl` or `parquet` (a download).
    pub format: &'static str,
    /// Their order.
    pub sort: Sort,
    /// Page size.
    pub limit: usize,
    /// Events skipped.
    pub offset: usize,
}

impl EventsQuery {
    /// The keys the endpoint takes besides [`FILTER_KEYS`].
    pub const KEYS: &'static [&'static str] = &["sort", "limit", "offset", "format"];

    /// Reads the request from checked parameters.
    pub fn new(p: &Params) -> Result<EventsQuery, ApiError> {
        let filters = p.filters()?;
        let format = p.choice("format", &["json", "csv", "jsonl", "parquet"])?;
        let max = if format == "json" {
            MAX_PAGE
        } else {
            MAX_DOWNLOAD
        };
        let limit = p.number("limit", if format == "json" { 50 } else { max }, max)?;
        let offset = p.number("offset", 0, usize::MAX)?;
        let sort = match p.choice("sort", &["-date", "date", "-scale", "scale", "id"])? {
            "date" => Sort::DateAsc,
            "-scale" => Sort::ScaleDesc,
            "scale" => Sort::ScaleAsc,
            "id" => Sort::Id,
            _ => Sort::DateDesc,
        };
        Ok(EventsQuery {
            filters,
            format,
            sort,
            limit,
            offset,
        })
    }
}

/// Parses a raw `/api/events` query string (the part after `?`) as the server does: URL
/// decoding, the keys allowed, every value checked.
pub fn events_query(raw: &str) -> Result<EventsQuery, ApiError> {
    let unreadable =
        |e: &dyn std::fmt::Display| ApiError::bad(format!("unreadable query string: {e}"));
    let uri: axum::http::Uri = format!("/api/events?{raw}")
        .parse()
        .map_err(|e| unreadable(&e))?;
    let axum::extract::Query(pairs) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map_err(|e| unreadable(&e.body_text()))?;
    EventsQuery::new(&Params::new(pairs, EventsQuery::KEYS, true)?)
}

/// `q` if it holds a word and is not too long.
fn check_q(q: &str) -> Result<String, ApiError> {
    if q.len() > MAX_Q_BYTES || q.split_whitespace().count() > MAX_Q_WORDS {
        return Err(ApiError::bad(format!(
            "`q` is at most {MAX_Q_WORDS} words and {MAX_Q_BYTES} bytes"
        )));
    }
    if q.chars().any(char::is_control) {
        return Err(ApiError::bad("`q` must not hold control characters"));
    }
    if !q.chars().any(char::is_alphanumeric) {
        return Err(ApiError::bad(format!(
            "`q` must hold a word (letters or digits), got {q:?}"
        )));
    }
    Ok(q.to_string())
}

/// Comma-separated items, trimmed, empty ones dropped.
fn list(v: Option<&str>) -> impl Iterator<Item = &str> {
    v.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u8>(), Ok(1..=31))
}

fn parse_bbox(v: &str) -> Result<[f64; 4], ApiError> {
    let bad = || {
        ApiError::bad(format!(
            "`bbox` is west,south,east,north in degrees (south < north, within ±180/±90), got {v:?}"
        ))
    };
    let nums: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [w, s, e, n]: [f64; 4] = nums.try_into().map_err(|_| bad())?;
    let lon_ok = |x: f64| (-180.0..=180.0).contains(&x);
    let lat_ok = |x: f64| (-90.0..=90.0).contains(&x);
    if lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n) && s <= n {
        Ok([w, s, e, n])
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &[(&str, &str)], allowed: &[&str]) -> Result<Params, ApiError> {
        let pairs = q
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Params::new(pairs, allowed, true)
    }

    #[test]
    fn filters_parse_lists_dates_and_bbox() {
        let p = params(
            &[
                ("event", "assault, COERCE"),
                ("quad", "3,4"),
                ("from", "2023-09-01"),
                ("bbox", "40,35,50,45"),
                ("actor", "aze"),
            ],
            &[],
        )
        .unwrap();
        let f = p.filters().unwrap();
        assert_eq!(f.event, ["ASSAULT", "COERCE"]);
        assert_eq!(f.quad, [3, 4]);
        assert_eq!(f.actor, ["AZE"]);
        assert_eq!(f.from.as_deref(), Some("2023-09-01"));
        assert_eq!(f.bbox, Some([40.0, 35.0, 50.0, 45.0]));
    }

    #[test]
    fn bad_values_and_unknown_keys_are_named() {
        let msg = |r: Result<Filters, ApiError>| r.unwrap_err().message;
        assert!(params(&[("colour", "red")], &["limit"])
            .err()
            .unwrap()
            .message
            .contains("unknown query parameter `colour`"));
        assert!(params(&[("quad", "1"), ("quad", "2")], &[])
            .err()
            .unwrap()
            .message
            .contains("given twice"));
        let f = |k: &str, v: &str| params(&[(k, v)], &[]).unwrap().filters();
        assert!(msg(f("from", "2023-13-01")).contains("YYYY-MM-DD"));
        assert!(msg(f("quad", "5")).contains("1 to 4"));
        assert!(msg(f("event", "FIGHT")).contains("not a PLOVER event type"));
        assert!(msg(f("bbox", "1,2,3")).contains("west,south,east,north"));
        assert!(msg(f("actor", "A'B")).contains("not a code"));
        assert!(msg(f("q", "a\0eS*")).contains("control characters"));
        assert!(msg(f("q", "--")).contains("must hold a word"));
    }
}
