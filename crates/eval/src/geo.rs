//! Geoparsing gold sets (LGL, TR-News, GeoVirus): toponym detection precision/recall, and
//! resolution accuracy (exact GeoNames id, within 161 km, right country), both on our own detected
//! spans and given the gold spans.
//!
//! "Within 161 km" counts a resolution whose point is within 161 km of the gold point, or that is
//! the gold GeoNames entity, or, for a country, province or district, whose unit contains the gold
//! point (the gold point's nearest gazetteer place lies in it): the gold sets place large units at
//! GeoNames' own points, which are not ours (Natural Earth centroids, population-weighted means).
//!
//! The learned ranking (`data/geo/scorer.tsv`) is trained on the even-numbered articles of each
//! set (`scripts/train_geo_scorer.py`); the `_heldout` figures score the odd-numbered ones only.
//!
//! With `EVENTWIRE_DEBUG_GEO=1` every missing, far, missed and extra toponym is printed to stderr
//! after its article's number (even numbers are the training half), for tuning the ranking. With
//! `EVENTWIRE_GEO_FEATURES=FILE` every candidate of every gold span is appended to FILE as
//! `set TAB article TAB span TAB label TAB features…` (label 1 when the candidate is the gold
//! GeoNames entity, or, where the set gives only a point, when it is within 161 km of it; 2 when
//! it is another entity within 161 km of the gold one; else 0): the scorer's training data.

use crate::{EvalError, Report};
use eventwire_resolve::geo::{outlet_of, Context, Gazetteer, Home, OutletHomes, Target, FEATURES};
use eventwire_text::{segment, Document};
use quick_xml::events::Event as Xml;
use std::io::Write;
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
    /// The article's URL (`<url>`, GeoVirus `<source>`), for its outlet.
    pub url: Option<String>,
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
                    ("url" | "source", None) if !value.trim().is_empty() => {
                        article.url = Some(value.trim().to_string())
                    }
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

/// The text and byte spans of the gold toponyms. The offsets of some sets are off by a few
/// characters (GeoVirus by one, a tenth of TR-News by up to ten): each span is the occurrence of
/// its phrase nearest to its offset; a phrase not in the text is appended to it (so it resolves
/// without a following qualifier).
fn gold_spans(text: &str, gold: &[&GoldToponym]) -> (String, Vec<(usize, usize)>) {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut doc = text.to_string();
    let spans = gold
        .iter()
        .map(|t| {
            let at = bytes[t.start.min(bytes.len() - 1)];
            let near = text
                .match_indices(t.phrase.as_str())
                .map(|(i, _)| i)
                .min_by_key(|i| i.abs_diff(at));
            match near {
                Some(i) => (i, i + t.phrase.len()),
                None => {
                    doc.push('\n');
                    doc.push_str(&t.phrase);
                    (doc.len() - t.phrase.len(), doc.len())
                }
            }
        })
        .collect();
    (doc, spans)
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
    let mut features = match std::env::var_os("EVENTWIRE_GEO_FEATURES") {
        Some(f) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&f)
                .map_err(|e| EvalError(format!("{}: {e}", Path::new(&f).display())))?,
        ),
        None => None,
    };
    // Each outlet's home, learned from our own end-to-end places in its articles (no gold).
    let mut homes = OutletHomes::default();
    let outlets: Vec<Option<String>> = articles
        .iter()
        .map(|a| outlet_of(a.url.as_deref(), None))
        .collect();
    for (a, outlet) in articles.iter().zip(&outlets) {
        if let Some(outlet) = outlet {
            let doc = Document::new("", &a.text);
            let found = g.geoparse(&doc.text, &segment(&doc), Context::default());
            homes.add(g, outlet, found.iter().map(|f| f.mention.target));
        }
    }
    // The same figures on the held-out (odd-numbered) articles only.
    let (mut h_with_point, mut h_near, mut h_pred, mut h_e2e_ok) = (0, 0, 0, 0);
    for (n, a) in articles.iter().enumerate() {
        let gold: Vec<&GoldToponym> = a.toponyms.iter().filter(|t| t.end > t.start).collect();
        let context = Context {
            countries: &[],
            home: outlets[n]
                .as_deref()
                .map_or(Home::default(), |o| homes.home(o)),
        };
        gold_n += gold.len();
        // Given the gold spans (their words and what follows them in the text).
        let (text, spans) = gold_spans(&a.text, &gold);
        let resolved = match features.as_mut() {
            Some(out) => {
                let set = path
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into());
                let mut rows = String::new();
                let mut explain = |k: usize, c: Target, f: &[f32; FEATURES.len()]| {
                    let t = gold[k];
                    let same = t.geonameid.is_some() && t.geonameid == g.geonameid(c);
                    let Some((la, lo)) = t.lat.zip(t.lon) else {
                        return;
                    };
                    // The exact entity where the gold names one (a city, not the province
                    // around it that also "covers" the point), else the point; a place near
                    // the entity is marked apart, for names whose entity the gazetteer lacks.
                    let near = g.covers(c, la as f32, lo as f32);
                    let label = match t.geonameid {
                        Some(_) if same => 1,
                        Some(_) if near => 2,
                        Some(_) => 0,
                        None => u8::from(near),
                    };
                    let f: Vec<String> = f.iter().map(|x| format!("{x}")).collect();
                    rows.push_str(&format!("{set}\t{n}\t{k}\t{label}\t{}\n", f.join("\t")));
                };
                let r = g.resolve_spans(&text, &spans, context, Some(&mut explain));
                out.write_all(rows.as_bytes())
                    .map_err(|e| EvalError(format!("EVENTWIRE_GEO_FEATURES: {e}")))?;
                r
            }
            None => g.resolve_spans(&text, &spans, context, None),
        };
        let held_out = n % 2 == 1;
        for (t, r) in gold.iter().zip(&resolved) {
            let point = t.lat.zip(t.lon);
            if point.is_some() {
                with_point += 1;
                h_with_point += usize::from(held_out);
            }
            if t.geonameid.is_some() {
                with_id += 1;
            }
            if t.country_id.is_some() {
                with_country += 1;
            }
            let Some(r) = r else {
                if debug {
                    eprintln!("{n} missing: {:?} gold {:?}", t.phrase, t.geonameid);
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
                    h_near += usize::from(held_out);
                } else if debug {
                    let name = match r {
                        Target::Place(i) => {
                            let p = g.place(*i);
                            format!("{} {} {}", p.name(), p.feature_code, p.cc2)
                        }
                        Target::Region(i) => g.regions[*i as usize].name.clone(),
                    };
                    eprintln!(
                        "{n} far: {:?} gold {:?} ({la},{lo}) got {:?} {name}",
                        t.phrase,
                        t.geonameid,
                        g.geonameid(*r)
                    );
                }
            }
            if let Some(c) = t.country_id {
                let ours = match r {
                    Target::Place(i) => g.country(g.place(*i).cc2).map(|p| p.geonameid),
                    Target::Region(_) => g.country3(g.country_of(*r)).map(|p| p.geonameid),
                };
                if ours == Some(c) {
                    country_ok += 1;
                }
            }
        }
        // End to end: our own spans.
        let doc = Document::new("", &a.text);
        let sentences = segment(&doc);
        let found = g.geoparse(&doc.text, &sentences, context);
        pred_n += found.len();
        if held_out {
            h_pred += found.len();
        }
        for t in &gold {
            if g.is_demonym(&t.phrase) {
                demonym_gold += 1;
                if t.lat.is_some() && t.lon.is_some() {
                    demonym_gold_with_point += 1;
                }
            }
        }
        // Byte offsets into `text` (the document text starts with "\n" for the empty title),
        // matched against the gold spans as found in the text.
        let ours = |f: &eventwire_resolve::geo::Found| (f.start - 1, f.end - 1);
        if debug {
            for (t, (gs, ge)) in gold.iter().zip(&spans) {
                let hit = found.iter().any(|f| {
                    let (s, e) = ours(f);
                    s < *ge && *gs < e
                });
                if !hit {
                    eprintln!("{n} missed: {:?}", t.phrase);
                }
            }
        }
        for f in &found {
            let (s, e) = ours(f);
            let hit = gold
                .iter()
                .zip(&spans)
                .find(|(_, (gs, ge))| s < *ge && *gs < e)
                .map(|(t, _)| t);
            if hit.is_none() && debug {
                eprintln!("{n} extra: {:?}", &doc.text[f.start..f.end]);
            }
            if let Some(t) = hit {
                detected += 1;
                let same = t.geonameid.is_some() && t.geonameid == g.geonameid(f.mention.target);
                if let Some((la, lo)) = t.lat.zip(t.lon) {
                    if same || g.covers(f.mention.target, la as f32, lo as f32) {
                        e2e_ok += 1;
                        h_e2e_ok += usize::from(held_out);
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
        (
            "gold_spans_within_161km_heldout".into(),
            ratio(h_near, h_with_point),
        ),
        (
            "end_to_end_f1_161km_heldout".into(),
            f1(ratio(h_e2e_ok, h_pred), ratio(h_e2e_ok, h_with_point)),
        ),
    ]);
    Ok(report)
}
