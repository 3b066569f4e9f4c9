//! Geoparsing gold sets (LGL, TR-News, GeoVirus): toponym detection precision/recall, and
//! resolution accuracy (exact GeoNames id, within 161 km, right country), both on our own detected
//! spans and given the gold spans.
//!
//! "Within 161 km" counts a resolution whose point is within 161 km of the gold point, or that is
//! the gold GeoNames entity, or, for a country, province or district, whose unit contains the gold
//! point (the gold point's nearest gazetteer place lies in it): the gold sets place large units at
//! GeoNames' own points, which are not ours (Natural Earth centroids, population-weighted means).
//!
//! With `EVENTWIRE_DEBUG_GEO=1` every missing, far, missed and extra toponym is printed to stderr,
//! for tuning the ranking.

use crate::{EvalError, Report};
use eventwire_resolve::geo::{Gazetteer, Target};
use eventwire_text::{segment, CharIndex, Document};
use quick_xml::events::Event as Xml;
use std::path::Path;

/// One gold toponym.
#[derive(Debug, Default, Clone)]
pub struct GoldToponym {
    /// Code-point offsets into the article text.
    pub start: usize,
    /// One past the end.
    pub end: usize,
    /// The phrase.
    pub phrase: String,
    /// GeoNames id, where the set gives one.
    pub geonameid: Option<u64>,
    /// Gold point.
    pub lat: Option<f64>,
    /// Gold point.
    pub lon: Option<f64>,
    /// GeoNames id of the gold country, where given.
    pub country_id: Option<u64>,
}

/// One gold article.
#[derive(Debug, Default, Clone)]
pub struct GoldArticle {
    /// The text the offsets refer to.
    pub text: String,
    /// Its toponyms.
    pub toponyms: Vec<GoldToponym>,
}

/// Reads LGL/TR-News (`<toponym>`) and GeoVirus (`<location>`) XML.
pub fn read_gold(path: &Path) -> Result<Vec<GoldArticle>, EvalError> {
    let xml =
        std::fs::read_to_string(path).map_err(|e| EvalError(format!("{}: {e}", path.display())))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut articles = Vec::new();
    let mut article = GoldArticle::default();
    let mut toponym: Option<GoldToponym> = None;
    let mut field = String::new();
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| EvalError(format!("{}: {e}", path.display())))?;
        match ev {
            Xml::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match name.as_str() {
                    "article" => article = GoldArticle::default(),
                    "toponym" | "location" => toponym = Some(GoldToponym::default()),
                    "gaztag" | "country" => {
                        if let Some(t) = toponym.as_mut() {
                            for a in e.attributes().flatten() {
                                if a.key.as_ref() == b"geonameid" {
                                    let id = String::from_utf8_lossy(&a.value).trim().parse().ok();
                                    if name == "gaztag" {
                                        t.geonameid = id;
                                    } else {
                                        t.country_id = id;
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
                field = name;
                text.clear();
            }
            Xml::Text(t) => text.push_str(&t.xml_content().unwrap_or_default()),
            Xml::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Xml::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r);
                text.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Xml::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let value = std::mem::take(&mut text);
                match (name.as_str(), toponym.as_mut()) {
                    ("text", None) => article.text = value,
                    ("start", Some(t)) => t.start = value.trim().parse().unwrap_or(0),
                    ("end", Some(t)) => t.end = value.trim().parse().unwrap_or(0),
                    ("phrase", Some(t)) => t.phrase = value.trim().to_string(),
                    ("name", Some(t)) if t.phrase.is_empty() && field == "name" => {
                        t.phrase = value.trim().to_string()
                    }
                    ("lat", Some(t)) => t.lat = value.trim().parse().ok(),
                    ("lon", Some(t)) => t.lon = value.trim().parse().ok(),
                    ("toponym" | "location", Some(_)) => {
                        if let Some(t) = toponym.take() {
                            article.toponyms.push(t);
                        }
                    }
                    ("article", _) => articles.push(std::mem::take(&mut article)),
                    _ => {}
                }
            }
            Xml::Eof => break,
            _ => {}
        }
    }
    Ok(articles)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Scores the gazetteer and resolver on one gold file.
pub fn geo(path: &Path) -> Result<Report, EvalError> {
    let g = Gazetteer::bundled();
    let debug = std::env::var_os("EVENTWIRE_DEBUG_GEO").is_some();
    let articles = read_gold(path)?;
    let (mut gold_n, mut with_point, mut with_id, mut with_country) = (0, 0, 0, 0);
    let (mut exact, mut near, mut country_ok) = (0, 0, 0);
    let (mut pred_n, mut detected, mut e2e_ok) = (0, 0, 0);
    // eventwire never detects demonyms ("Turkish") as places; TR-News annotates them. These count
    // them so a second end-to-end figure can leave them out of the gold.
    let (mut demonym_gold, mut demonym_gold_with_point) = (0, 0);
    for a in &articles {
        let gold: Vec<&GoldToponym> = a.toponyms.iter().filter(|t| t.end > t.start).collect();
        gold_n += gold.len();
        // Given the gold spans.
        let names: Vec<String> = gold.iter().map(|t| t.phrase.clone()).collect();
        let resolved = g.resolve_names(&names, &[]);
        for (t, r) in gold.iter().zip(&resolved) {
            let point = t.lat.zip(t.lon);
            if point.is_some() {
                with_point += 1;
            }
            if t.geonameid.is_some() {
                with_id += 1;
            }
            if t.country_id.is_some() {
                with_country += 1;
            }
            let Some(r) = r else {
                if debug {
                    eprintln!("missing: {:?} gold {:?}", t.phrase, t.geonameid);
                }
                continue;
            };
            let same = t.geonameid.is_some() && t.geonameid == g.geonameid(*r);
            if same {
                exact += 1;
            }
            if let Some((la, lo)) = point {
                // The same GeoNames entity counts as found even where our representative point
                // for a large unit (Russia, Texas) lies farther than 161 km from GeoNames' own.
                if same || g.covers(*r, la as f32, lo as f32) {
                    near += 1;
                } else if debug {
                    let name = match r {
                        Target::Place(i) => format!(
                            "{} {} {}",
                            g.places[*i as usize].name,
                            g.places[*i as usize].feature_code,
                            g.places[*i as usize].cc2
                        ),
                        Target::Region(i) => g.regions[*i as usize].name.clone(),
                    };
                    eprintln!(
                        "far: {:?} gold {:?} ({la},{lo}) got {:?} {name}",
                        t.phrase,
                        t.geonameid,
                        g.geonameid(*r)
                    );
                }
            }
            if let Some(c) = t.country_id {
                let ours = match r {
                    Target::Place(i) => g.country(&g.places[*i as usize].cc2).map(|p| p.geonameid),
                    Target::Region(_) => g.country3(g.country_of(*r)).map(|p| p.geonameid),
                };
                if ours == Some(c) {
                    country_ok += 1;
                }
            }
        }
        // End to end: our own spans.
        let doc = Document::new("", &a.text);
        let chars = CharIndex::new(&doc.text);
        let sentences = segment(&doc);
        let found = g.geoparse(&doc.text, &sentences, &[]);
        pred_n += found.len();
        for t in &gold {
            if g.is_demonym(&t.phrase) {
                demonym_gold += 1;
                if t.lat.is_some() && t.lon.is_some() {
                    demonym_gold_with_point += 1;
                }
            }
        }
        if debug {
            for t in &gold {
                let hit = found.iter().any(|f| {
                    let (s, e) = (chars.char_of(f.start) - 1, chars.char_of(f.end) - 1);
                    s < t.end && t.start < e
                });
                if !hit {
                    eprintln!("missed: {:?}", t.phrase);
                }
            }
        }
        for f in &found {
            // Offsets into `text`: the full text starts with "\n" for the empty title.
            let (s, e) = (chars.char_of(f.start) - 1, chars.char_of(f.end) - 1);
            let hit = gold.iter().find(|t| s < t.end && t.start < e);
            if hit.is_none() && debug {
                eprintln!("extra: {:?}", &doc.text[f.start..f.end]);
            }
            if let Some(t) = hit {
                detected += 1;
                let same = t.geonameid.is_some() && t.geonameid == g.geonameid(f.mention.target);
                if let Some((la, lo)) = t.lat.zip(t.lon) {
                    if same || g.covers(f.mention.target, la as f32, lo as f32) {
                        e2e_ok += 1;
                    }
                }
            }
        }
    }
    let p = ratio(detected, pred_n);
    let r = ratio(detected, gold_n);
    let p161 = ratio(e2e_ok, pred_n);
    let r161 = ratio(e2e_ok, with_point);
    let r161_places = ratio(e2e_ok, with_point - demonym_gold_with_point);
    let mut report = Report {
        name: format!("geoparsing ({})", path.display()),
        ..Default::default()
    };
    report.figures = vec![
        ("articles".into(), articles.len() as f64),
        ("gold_toponyms".into(), gold_n as f64),
    ];
    // GeoVirus gives points only: no GeoNames ids, no countries.
    if with_id > 0 {
        report
            .figures
            .push(("gold_spans_exact_id_accuracy".into(), ratio(exact, with_id)));
    }
    report
        .figures
        .push(("gold_spans_within_161km".into(), ratio(near, with_point)));
    if with_country > 0 {
        report.figures.push((
            "gold_spans_country_accuracy".into(),
            ratio(country_ok, with_country),
        ));
    }
    report.figures.extend::<Vec<(String, f64)>>(vec![
        ("detection_precision".into(), p),
        ("detection_recall".into(), r),
        ("detection_f1".into(), f1(p, r)),
        ("end_to_end_f1_161km".into(), f1(p161, r161)),
        (
            "gold_toponyms_that_are_demonyms".into(),
            demonym_gold as f64,
        ),
        (
            "end_to_end_f1_161km_without_demonyms".into(),
            f1(p161, r161_places),
        ),
    ]);
    Ok(report)
}
