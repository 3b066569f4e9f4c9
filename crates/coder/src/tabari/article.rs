//! Whole articles through the TABARI coder: eventwire segments the text, TABARI codes each
//! sentence (pronouns forwarded within the story when the `FORWARD:` option is on), and every
//! TABARI event becomes a contract event whose `ew.cameo*` fields carry TABARI's codes and whose
//! evidence spans point at the source, target and verb words.

use super::{Story, TabariCoder, TabariCoding, TabariEvent};
use crate::CodeError;
use eventwire_lexicon::CodeTable;
use eventwire_model::{plover_quad, Article, CiteInfo, Entity, Event, Extensions, TextInfo};
use eventwire_resolve::dates::parse_published;
use eventwire_text::{segment, CharIndex, Document, Sentence};
use std::collections::BTreeMap;
use std::ops::Range;

impl TabariCoder {
    /// Codes an article sentence by sentence; `codes` gives the PLOVER type, quad class and
    /// Goldstein score of each CAMEO code, and `coded_date` fills `coded_date`.
    pub fn code_article(
        &self,
        article: &Article,
        codes: &CodeTable,
        coded_date: &str,
    ) -> Result<Vec<Event>, CodeError> {
        let published = parse_published(&article.published)
            .ok_or_else(|| CodeError::BadPublished(article.published.clone()))?;
        let date = published.format("%Y%m%d").to_string();
        let doc = Document::new(&article.title, &article.text);
        let chars = doc.char_offsets();
        let mut story = Story::default();
        let mut out = Vec::new();
        for sent in segment(&doc) {
            let text = &doc.text[sent.start..sent.end];
            // Consecutive record ids let the FORWARD option carry a pronoun's actor along.
            let id = format!("{}-{:04}", article.id, sent.seq);
            let TabariCoding::Events(events) = self.code_record(text, &date, &id, &mut story)
            else {
                continue;
            };
            for (k, e) in events.into_iter().enumerate() {
                let shifted = e.date != date;
                let event = contract_event(article, &doc, &chars, &sent, e, codes, coded_date);
                let mut event = Event {
                    id: format!("{}-{}-{}", article.id, sent.seq, k + 1),
                    ..event
                };
                if shifted {
                    // A time-shift phrase ("yesterday") moved the date.
                    event.ew.date_source = "text".into();
                }
                out.push(event);
            }
        }
        Ok(out)
    }
}

fn contract_event(
    article: &Article,
    doc: &Document,
    chars: &CharIndex,
    sent: &Sentence,
    e: TabariEvent,
    codes: &CodeTable,
    coded_date: &str,
) -> Event {
    let text = &doc.text[sent.start..sent.end];
    // Code-point span in the document of a byte range in the sentence.
    let span = |r: &Range<usize>| {
        [
            chars.char_of(sent.start + r.start),
            chars.char_of(sent.start + r.end),
        ]
    };
    let words = |r: &Option<Range<usize>>| {
        r.as_ref()
            .and_then(|r| text.get(r.clone()))
            .unwrap_or("")
            .to_string()
    };
    let entity = |code: &str, r: &Option<Range<usize>>| {
        (!code.is_empty() && code != "---").then(|| Entity {
            code: code.to_string(),
            entity_text: words(r),
            ..Default::default()
        })
    };
    let mut evidence = BTreeMap::new();
    for (field, r) in [
        ("actor", &e.source_span),
        ("recipient", &e.target_span),
        ("event", &e.verb_span),
    ] {
        if let Some(r) = r {
            evidence.insert(field.to_string(), span(r));
        }
    }
    let info = codes.get(&e.code);
    let event_type = info.map_or("", |i| i.plover_event.as_str());
    let date = if e.date.len() == 8 {
        format!("{}-{}-{}", &e.date[..4], &e.date[4..6], &e.date[6..])
    } else {
        article.published.chars().take(10).collect()
    };
    Event {
        id: String::new(),
        date,
        event: if event_type.is_empty() {
            vec![]
        } else {
            vec![event_type.to_string()]
        },
        mode: info
            .filter(|i| !i.plover_mode.is_empty())
            .map(|i| vec![i.plover_mode.clone()])
            .unwrap_or_default(),
        context: info.map(|i| i.contexts.clone()).unwrap_or_default(),
        actor: entity(&e.source, &e.source_span).into_iter().collect(),
        recipient: entity(&e.target, &e.target_span).into_iter().collect(),
        event_text: vec![words(&e.verb_span)],
        quad_code: match info {
            Some(i) if event_type.is_empty() => i.cameo_quad,
            Some(_) => plover_quad(event_type),
            None => 0,
        },
        event_scale: info.map_or(0.0, |i| codes.scale(&i.plover_event, &i.plover_mode)),
        event_loc: None,
        size: None,
        text: text.to_string(),
        text_info: TextInfo {
            sequence: sent.seq,
            start: chars.char_of(sent.start),
            end: chars.char_of(sent.end),
        },
        cite_info: CiteInfo::of(article),
        coder: concat!("eventwire ", env!("CARGO_PKG_VERSION"), " (TABARI rules)").to_string(),
        coded_date: coded_date.to_string(),
        ew: Extensions {
            cameo: e.code,
            cameo_actor: e.source,
            cameo_recipient: e.target,
            goldstein: info.map_or(0.0, |i| i.goldstein),
            date_precision: "day".into(),
            date_source: "publication".into(),
            evidence,
            article_id: article.id.clone(),
            pattern_id: "tabari".into(),
            ..Default::default()
        },
    }
}
