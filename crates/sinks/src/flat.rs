//! One event as a flat row of 30 text columns (first actor and recipient only, empty strings
//! for absent values): the columns of `eventwire export --format csv|parquet` and of the API's
//! Parquet download.

use eventwire_model::{Entity, Event};

/// Number of flat columns.
pub const WIDTH: usize = 30;

/// The flat columns, in order.
pub const COLUMNS: [&str; WIDTH] = [
    "id",
    "date",
    "event",
    "mode",
    "cameo",
    "quad_code",
    "goldstein",
    "actor_code",
    "actor_sector",
    "actor_text",
    "recipient_code",
    "recipient_sector",
    "recipient_text",
    "cameo_actor",
    "cameo_recipient",
    "place",
    "country_code",
    "admin1",
    "lat",
    "lon",
    "dead",
    "injured",
    "article_id",
    "url",
    "publication",
    "sources",
    "num_mentions",
    "num_articles",
    "num_sources",
    "text",
];

/// One event's values, in the order of [`COLUMNS`].
pub type FlatRow = [String; WIDTH];

/// What the event store knows about an event beyond its JSON: how widely it was reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// Outlets that carried the event's story (the article and its near-duplicates).
    pub sources: u64,
    /// Mentions of its one-a-day event.
    pub num_mentions: u64,
    /// Distinct articles of its one-a-day event.
    pub num_articles: u64,
    /// Distinct outlets of its one-a-day event.
    pub num_sources: u64,
}

/// The flat row of `e` with the store's counts.
pub fn flat_row(e: &Event, reach: &Reach) -> FlatRow {
    let first = |v: &[Entity], f: fn(&Entity) -> &str| v.first().map_or("", f).to_string();
    let loc = e.event_loc.as_ref();
    let opt = |v: Option<String>| v.unwrap_or_default();
    let size = e.size.clone().unwrap_or_default();
    [
        e.id.clone(),
        e.date.clone(),
        e.event.join(" "),
        e.mode.join(" "),
        e.ew.cameo.clone(),
        e.quad_code.to_string(),
        e.ew.goldstein.to_string(),
        first(&e.actor, |x| &x.code),
        first(&e.actor, |x| &x.sector),
        first(&e.actor, |x| &x.entity_text),
        first(&e.recipient, |x| &x.code),
        first(&e.recipient, |x| &x.sector),
        first(&e.recipient, |x| &x.entity_text),
        e.ew.cameo_actor.clone(),
        e.ew.cameo_recipient.clone(),
        opt(loc.map(|l| l.resolved_place.clone())),
        opt(loc.map(|l| l.country_code.clone())),
        opt(loc.and_then(|l| l.province.clone())),
        opt(loc.map(|l| l.lat.to_string())),
        opt(loc.map(|l| l.lon.to_string())),
        opt(size.dead.map(|n| n.to_string())),
        opt(size.injured.map(|n| n.to_string())),
        e.ew.article_id.clone(),
        opt(e.cite_info.url.clone()),
        opt(e.cite_info.publication.clone()),
        reach.sources.to_string(),
        reach.num_mentions.to_string(),
        reach.num_articles.to_string(),
        reach.num_sources.to_string(),
        e.text.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_follow_the_columns() {
        let e = Event {
            id: "a-1-1".into(),
            event: vec!["ASSAULT".into()],
            actor: vec![Entity {
                code: "AZE".into(),
                sector: "MIL".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let reach = Reach {
            sources: 2,
            num_mentions: 3,
            num_articles: 4,
            num_sources: 5,
        };
        let row = flat_row(&e, &reach);
        let at = |name: &str| row[COLUMNS.iter().position(|c| *c == name).unwrap()].as_str();
        assert_eq!(at("id"), "a-1-1");
        assert_eq!(at("event"), "ASSAULT");
        assert_eq!(at("actor_code"), "AZE");
        assert_eq!(at("actor_sector"), "MIL");
        assert_eq!(at("recipient_code"), "");
        assert_eq!(at("lat"), "");
        assert_eq!(at("num_mentions"), "3");
        assert_eq!(at("num_sources"), "5");
    }
}
