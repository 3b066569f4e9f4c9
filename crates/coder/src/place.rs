//! Event location: the place linked to the event in its sentence ("in X", "near X"), else the
//! story's dominant place, else the common province, else the country; the reason is recorded in
//! `ew.location_reason` and nothing defaults silently to a capital.

use eventwire_model::{Article, Location, PlaceMention};
use eventwire_resolve::geo::{outlet_of, Context, Found, Gazetteer, Home, OutletHomes, Target};
use eventwire_text::{segment, CharIndex, Document};
use std::collections::HashMap;

/// PLOVER location fields of a resolved target, with the words as written.
pub(crate) fn location(g: &Gazetteer, target: Target, extracted: &str) -> Location {
    match target {
        Target::Region(r) => {
            let reg = &g.regions[r as usize];
            let cc3 = reg.countries.first().cloned().unwrap_or_default();
            Location {
                extracted_place: extracted.to_string(),
                resolved_place: reg.name.clone(),
                geonameid: None,
                lat: f64::from(reg.lat),
                lon: f64::from(reg.lon),
                country: g.country3(&cc3).map(|c| c.name().to_string()),
                country_code: cc3,
                feature_code: Some("REGION".into()),
                resolution: 2,
                ..Default::default()
            }
        }
        Target::Place(i) => {
            let p = g.place(i);
            let is_place = p.feature_class == "P";
            Location {
                extracted_place: extracted.to_string(),
                resolved_place: p.name().to_string(),
                geonameid: Some(p.geonameid),
                lat: f64::from(p.lat),
                lon: f64::from(p.lon),
                city: is_place.then(|| p.name().to_string()),
                district: g
                    .admin2_of(&p)
                    .map(|a| a.name().to_string())
                    .or_else(|| (p.feature_code == "ADM2").then(|| p.name().to_string())),
                province: g
                    .admin1_of(&p)
                    .map(|a| a.name().to_string())
                    .or_else(|| (p.feature_code == "ADM1").then(|| p.name().to_string())),
                country: g.country(p.cc2).map(|c| c.name().to_string()),
                country_code: p.cc3.to_string(),
                feature_class: Some(p.feature_class.to_string()),
                feature_code: Some(p.feature_code.to_string()),
                resolution: p.resolution(),
            }
        }
    }
}

/// What the story as a whole says about place, for events whose sentence names none. Computed
/// once per article; indices point into the article's `found` places.
pub(crate) struct StoryPlaces {
    /// The place named in more than half of the non-country mentions (at least twice), and its
    /// first mention.
    focus: Option<(Target, usize)>,
    /// The province every non-country mention lies in, and the first of those mentions.
    common_admin1: Option<(u32, usize)>,
    single_country: Option<String>,
}

impl StoryPlaces {
    pub(crate) fn new(g: &Gazetteer, found: &[Found]) -> Self {
        let is_country = |f: &Found| matches!(f.mention.target, Target::Place(i) if g.place(i).feature_code == "PCLI");
        let local: Vec<usize> = (0..found.len())
            .filter(|&k| !is_country(&found[k]))
            .collect();
        let mut counts: HashMap<Target, (usize, usize)> = HashMap::new();
        for &k in &local {
            counts.entry(found[k].mention.target).or_insert((0, k)).0 += 1;
        }
        let focus = counts
            .iter()
            .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
            .filter(|(_, (n, _))| *n >= 2 && 2 * *n > local.len())
            .map(|(t, (_, first))| (*t, *first));
        let admin1_of = |k: usize| match found[k].mention.target {
            Target::Place(i) => g.place(i).admin1_key(),
            Target::Region(_) => None,
        };
        let common_admin1 = match local.first() {
            Some(&first)
                if admin1_of(first).is_some()
                    && local.iter().all(|&k| admin1_of(k) == admin1_of(first)) =>
            {
                match found[first].mention.target {
                    Target::Place(i) => g.admin1_index_of(&g.place(i)).map(|a| (a, first)),
                    Target::Region(_) => None,
                }
            }
            _ => None,
        };
        let mut countries: Vec<&str> = found
            .iter()
            .map(|f| g.country_of(f.mention.target))
            .collect();
        countries.sort_unstable();
        countries.dedup();
        let single_country = (countries.len() == 1).then(|| countries[0].to_string());
        StoryPlaces {
            focus,
            common_admin1,
            single_country,
        }
    }
}

/// Chooses the event's location: (location, reason, index into `found` of the words used).
pub(crate) fn event_location(
    g: &Gazetteer,
    text: &str,
    found: &[Found],
    sentence: usize,
    trigger: usize,
    actor_country: Option<&str>,
    story: &StoryPlaces,
) -> (Option<Location>, &'static str, Option<usize>) {
    let words = |f: &Found| &text[f.start..f.end];
    let in_sentence = found
        .iter()
        .enumerate()
        .filter(|(_, f)| f.sentence == sentence && f.mention.cued)
        .min_by_key(|(_, f)| f.mention.start.abs_diff(trigger));
    if let Some((k, f)) = in_sentence {
        return (
            Some(location(g, f.mention.target, words(f))),
            "in-sentence",
            Some(k),
        );
    }
    if let Some((t, k)) = story.focus {
        return (
            Some(location(g, t, words(&found[k]))),
            "story-focus",
            Some(k),
        );
    }
    if let Some((a, k)) = story.common_admin1 {
        return (
            Some(location(g, Target::Place(a), words(&found[k]))),
            "common-admin1",
            None,
        );
    }
    let country = story.single_country.clone().or_else(|| {
        actor_country
            .filter(|c| found.iter().any(|f| g.country_of(f.mention.target) == *c))
            .map(String::from)
    });
    if let Some((c, i)) = country.and_then(|c| g.country3_index(&c).map(|i| (c, i))) {
        let named = found
            .iter()
            .position(|f| g.country_of(f.mention.target) == c);
        let extracted = named.map_or(String::new(), |k| words(&found[k]).to_string());
        return (
            Some(location(g, Target::Place(i), &extracted)),
            "country-centroid",
            named,
        );
    }
    (None, "none", None)
}

/// The home of an article's outlet (its URL's host, else its source) in `homes`.
pub(crate) fn outlet_home(homes: Option<&OutletHomes>, article: &Article) -> Home {
    homes
        .and_then(|h| {
            Some(h.home(&outlet_of(
                article.url.as_deref(),
                article.source.as_deref(),
            )?))
        })
        .unwrap_or_default()
}

/// An article's outlet and the places resolved in it, for [`OutletHomes::add`]; none without a
/// URL or source.
pub fn outlet_places(g: &Gazetteer, article: &Article) -> Option<(String, Vec<Target>)> {
    let outlet = outlet_of(article.url.as_deref(), article.source.as_deref())?;
    let doc = Document::new(&article.title, &article.text);
    let found = g.geoparse(&doc.text, &segment(&doc), Context::default());
    Some((outlet, found.iter().map(|f| f.mention.target).collect()))
}

/// `eventwire geoparse`: every place name of an article, resolved, with offsets into `text`;
/// `homes` adds its outlet's home to the ranking.
pub fn geoparse(
    g: &Gazetteer,
    article: &Article,
    homes: Option<&OutletHomes>,
) -> Vec<PlaceMention> {
    let doc = Document::new(&article.title, &article.text);
    let chars = CharIndex::new(&doc.text);
    let sentences = segment(&doc);
    let body_start = chars.char_of(doc.body_start);
    let context = Context {
        countries: &[],
        home: outlet_home(homes, article),
    };
    g.geoparse(&doc.text, &sentences, context)
        .into_iter()
        .filter(|f| f.start >= doc.body_start)
        .map(|f| {
            let loc = location(g, f.mention.target, &doc.text[f.start..f.end]);
            PlaceMention {
                article_id: article.id.clone(),
                start: chars.char_of(f.start) - body_start,
                end: chars.char_of(f.end) - body_start,
                text: doc.text[f.start..f.end].to_string(),
                geonameid: loc.geonameid,
                region: match f.mention.target {
                    Target::Region(r) => Some(g.regions[r as usize].id.clone()),
                    Target::Place(_) => None,
                },
                name: loc.resolved_place,
                lat: loc.lat,
                lon: loc.lon,
                country_code: loc.country_code,
                feature_code: loc.feature_code.unwrap_or_default(),
                score: f64::from(f.mention.score),
            }
        })
        .collect()
}
