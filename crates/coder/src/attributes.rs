//! Event attributes read off the words around a trigger: auxiliary modes, sizes (dead, injured,
//! arrested) and attribution (who says so, and whether it was verified).

use crate::mentions::{Mention, StoryContext};
use eventwire_model::Entity;
use eventwire_text::{Token, TokenKind};

/// Auxiliary modes found around a trigger, each with the token that signals it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Modes {
    pub negation: Option<usize>,
    pub future: Option<usize>,
    pub hypothetical: Option<usize>,
    /// "willing to", "ready to", "pledged to", "offered to": an intention, which PLOVER codes AGREE.
    pub intent: Option<usize>,
    /// "must": a demand on the subject.
    pub obligation: Option<usize>,
    /// "refused to", "declined to", "failed to".
    pub refusal: Option<usize>,
    /// "unless": a conditional, which makes a conflict act a threat.
    pub condition: Option<usize>,
}

/// Looks back from the trigger (same clause, six words at most) for negation and modality; a noun
/// trigger also looks ahead at its own verb ("talks are due to begin", "a strike would hurt").
pub(crate) fn detect_modes(tokens: &[Token], trigger: usize, noun: bool) -> Modes {
    let mut m = Modes::default();
    let from = trigger.saturating_sub(6);
    for i in (from..trigger).rev() {
        let n = tokens[i].norm.as_str();
        if tokens[i].is_clause_break() {
            break;
        }
        let slot = match n {
            "not" | "n't" | "never" | "no" | "deny" | "denied" | "denies" | "denying" => {
                &mut m.negation
            }
            "will" | "'ll" | "shall" | "due" | "scheduled" | "set" | "plans" | "planned"
            | "plan" | "expected" | "going" | "aims" => &mut m.future,
            "may" | "might" | "could" | "would" | "should" | "if" | "possible" | "possibly"
            | "likely" | "unless" => &mut m.hypothetical,
            "willing" | "ready" | "prepared" | "offered" | "offers" | "offer" | "pledged"
            | "pledges" | "promised" | "promises" | "vowed" | "vows" | "intends" | "intend"
            | "agreed" | "agrees" | "undertook" | "committed" => &mut m.intent,
            "must" => &mut m.obligation,
            "refused" | "refuses" | "refuse" | "declined" | "declines" | "decline" | "failed"
            | "fails" | "fail" | "unwilling" => &mut m.refusal,
            _ => continue,
        };
        slot.get_or_insert(i);
    }
    // "will be disbanded": passive future; "set to" etc. need the "to".
    if m.future.is_some()
        && !(from..trigger)
            .any(|i| matches!(tokens[i].norm.as_str(), "will" | "'ll" | "shall" | "to"))
    {
        m.future = None;
    }
    if noun {
        let ahead = tokens
            .iter()
            .enumerate()
            .skip(trigger + 1)
            .take(14)
            .take_while(|(_, t)| !t.is_clause_break());
        let ahead: Vec<(usize, &str)> = ahead.map(|(i, t)| (i, t.norm.as_str())).collect();
        let at = |w: &str| ahead.iter().find(|(_, n)| *n == w).map(|(i, _)| *i);
        let scheduled = ["due", "scheduled", "set", "expected", "planned"]
            .iter()
            .find_map(|w| at(w));
        if let Some(i) = at("will")
            .or(at("'ll"))
            .or(scheduled.filter(|_| at("to").is_some()))
        {
            m.future.get_or_insert(i);
        }
        if let Some(i) = at("would").or(at("could")).or(at("might")).or(at("may")) {
            m.hypothetical.get_or_insert(i);
        }
    }
    if let Some(i) = tokens
        .iter()
        .skip(trigger + 1)
        .take(20)
        .position(|t| t.norm == "unless")
    {
        m.condition = Some(trigger + 1 + i);
    }
    m
}

/// A count found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SizeFact {
    pub field: &'static str,
    pub value: u64,
    pub qualifier: &'static str,
    pub start: usize,
    pub end: usize,
}

fn number_word(w: &str) -> Option<u64> {
    Some(match w {
        "one" | "a" | "an" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "hundred" => 100,
        "thousand" => 1000,
        _ => return None,
    })
}

/// Vague plurals: the lower bound GDELT-style coders use.
fn vague(w: &str) -> Option<u64> {
    Some(match w {
        "dozens" => 24,
        "scores" => 40,
        "hundreds" => 200,
        "thousands" => 2000,
        "tens" => 20,
        _ => return None,
    })
}

fn field_of(lemma_like: &str) -> Option<&'static str> {
    Some(match lemma_like {
        "killed" | "dead" | "died" | "deaths" | "death" | "fatalities" | "lives" | "bodies"
        | "kill" | "killing" | "perished" => "dead",
        "injured" | "wounded" | "hurt" | "injuries" | "casualties" | "wounding" | "injuring" => {
            "injured"
        }
        "arrested" | "detained" | "arrests" | "detentions" | "held" | "rounded" | "jailed"
        | "detainees" | "arresting" | "detaining" => "arrested",
        _ => return None,
    })
}

/// No war has killed, hurt or held a billion people; larger counts are misreadings or hyperbole
/// ("99999999999999999999 killed") and give no size.
const MAX_PEOPLE: f64 = 1e9;

/// Parses one number at `i` (digits, number words, "1.5 million", vague plurals); returns value and end.
fn parse_number(tokens: &[Token], i: usize) -> Option<(u64, usize, bool)> {
    let t = &tokens[i];
    let (mut v, vague_hit) = if t.kind == TokenKind::Number {
        let digits: String = t.norm.chars().filter(|c| *c != ',').collect();
        let f: f64 = digits.parse().ok()?;
        if !f.is_finite() || f < 0.0 || f > MAX_PEOPLE {
            return None;
        }
        (f, false)
    } else if let Some(n) = number_word(&t.norm) {
        (n as f64, false)
    } else if let Some(n) = vague(&t.norm) {
        (n as f64, true)
    } else {
        return None;
    };
    let mut end = i + 1;
    if let Some(next) = tokens.get(end) {
        let mult = match next.norm.as_str() {
            "hundred" => 100.0,
            "thousand" => 1_000.0,
            "million" => 1_000_000.0,
            "billion" => 1_000_000_000.0,
            _ => 1.0,
        };
        if mult > 1.0 {
            v *= mult;
            end += 1;
        }
    }
    if v > MAX_PEOPLE {
        return None;
    }
    Some((v.round() as u64, end, vague_hit))
}

/// Every "N people killed / N wounded / N arrested" in a sentence.
pub(crate) fn find_sizes(tokens: &[Token]) -> Vec<SizeFact> {
    let mut out: Vec<SizeFact> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((value, end, vague_hit)) = parse_number(tokens, i) else {
            i += 1;
            continue;
        };
        if tokens[i].norm == "a" || tokens[i].norm == "an" || tokens[i].norm == "one" {
            // "a" and "one" only count right before a casualty word ("one killed").
            if !tokens.get(end).is_some_and(|t| field_of(&t.norm).is_some()) {
                i += 1;
                continue;
            }
        }
        // Look a few words ahead for the casualty word, skipping "people", "more", "had been", …
        let mut field: Option<(&'static str, usize)> = None;
        let mut j = end;
        while j < tokens.len() && j < end + 5 {
            if let Some(f) = field_of(&tokens[j].norm) {
                // A participle ("…, wounding 30") counts the number after it, not before it.
                if !tokens[j].norm.ends_with("ing") {
                    field = Some((f, j));
                }
                break;
            }
            if tokens[j].is_clause_break() || tokens[j].kind == TokenKind::Number {
                break;
            }
            j += 1;
        }
        let before = |k: usize, w: &[&str]| i >= k && w.contains(&tokens[i - k].norm.as_str());
        if field.is_none() {
            // "killed at least 12 people", "arrested dozens of protesters"
            let back = (1..=3)
                .take_while(|&k| k <= i)
                .find(|&k| field_of(&tokens[i - k].norm).is_some());
            if let Some(k) = back {
                field = field_of(&tokens[i - k].norm).map(|f| (f, i - k));
            }
        }
        let qualifier = if vague_hit
            || before(1, &["least"]) && before(2, &["at"])
            || before(1, &["over"])
            || before(1, &["than"]) && before(2, &["more"])
        {
            "at_least"
        } else if before(1, &["to"]) && before(2, &["up", "close"]) && !before(2, &["close"])
            || before(1, &["most"]) && before(2, &["at"])
            || before(1, &["under"])
        {
            "at_most"
        } else if before(
            1,
            &[
                "about",
                "around",
                "nearly",
                "almost",
                "some",
                "roughly",
                "approximately",
                "estimated",
            ],
        ) || before(1, &["to"]) && before(2, &["close"])
        {
            "approximate"
        } else {
            "exact"
        };
        if let Some((f, j)) = field {
            if !out.iter().any(|o| o.field == f) {
                let start = if qualifier != "exact" && !vague_hit {
                    i.saturating_sub(if before(2, &["at", "more", "close", "up"]) {
                        2
                    } else {
                        1
                    })
                } else {
                    i
                };
                out.push(SizeFact {
                    field: f,
                    value,
                    qualifier,
                    start: start.min(j),
                    end: (j + 1).max(end),
                });
            }
        }
        i = end;
    }
    out
}

/// Who says so in a sentence.
#[derive(Debug, Clone)]
pub(crate) struct Speaker {
    pub entity: Option<Entity>,
    pub verb: String,
    pub verb_token: usize,
    pub span: Option<(usize, usize)>,
}

const REPORTING: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "claimed",
    "claims",
    "stated",
    "states",
    "added",
    "announced",
    "reported",
    "alleged",
    "insisted",
    "warned",
    "wrote",
    "tweeted",
];

/// Finds the reporting verb of a sentence ("…, X said", "X told Reuters", "according to X") and its speaker.
pub(crate) fn attribution(
    tokens: &[Token],
    mentions: &[Mention],
    ctx: &StoryContext,
) -> Option<Speaker> {
    for (i, t) in tokens.iter().enumerate() {
        if t.norm == "according" && tokens.get(i + 1).is_some_and(|n| n.norm == "to") {
            let m = mentions
                .iter()
                .find(|m| m.start >= i + 2 && m.start <= i + 4);
            return Some(Speaker {
                entity: m.map(|m| m.entity.clone()),
                verb: "according to".into(),
                verb_token: i,
                span: m.map(|m| (m.start, m.end)),
            });
        }
    }
    let v = tokens
        .iter()
        .position(|t| REPORTING.contains(&t.norm.as_str()))?;
    // “…,” Ruben Vardanyan, a former official, told Reuters: the first name after the quote speaks.
    let quote_end = tokens[..v].iter().rposition(|t| t.norm == "\"");
    let after_quote = quote_end.and_then(|q| {
        mentions
            .iter()
            .find(|m| m.start > q && m.end <= v && m.kind != crate::mentions::MentionKind::Pronoun)
    });
    let before =
        after_quote.or_else(|| mentions.iter().rev().find(|m| m.end <= v && v - m.end <= 6));
    let after = mentions.iter().find(|m| m.start > v && m.start <= v + 2);
    let pronoun_subject = v > 0 && matches!(tokens[v - 1].norm.as_str(), "he" | "she");
    let chosen = before.or(after);
    let entity = chosen.map(|m| m.entity.clone()).or_else(|| {
        pronoun_subject
            .then(|| ctx.last_person().map(|p| p.entity.clone()))
            .flatten()
    });
    let span = chosen
        .map(|m| (m.start, m.end))
        .or_else(|| pronoun_subject.then(|| (v - 1, v)));
    Some(Speaker {
        entity,
        verb: tokens[v].norm.clone(),
        verb_token: v,
        span,
    })
}

/// The sentence says a claim could not be verified.
pub(crate) fn says_unverified(tokens: &[Token]) -> bool {
    let n: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
    n.iter().any(|w| matches!(*w, "unverified" | "unconfirmed"))
        || n.windows(3).any(|w| {
            matches!(w[0], "not" | "n't" | "unable")
                && (matches!(w[1], "verify" | "confirm" | "independently" | "be")
                    || matches!(w[2], "verify" | "confirm" | "verified" | "confirmed"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventwire_text::tokenize;

    fn sizes(s: &str) -> Vec<(String, u64, String)> {
        find_sizes(&tokenize(s, 0, s.len()))
            .into_iter()
            .map(|f| (f.field.to_string(), f.value, f.qualifier.to_string()))
            .collect()
    }

    #[test]
    fn counts_and_qualifiers() {
        assert_eq!(
            sizes("He said that close to 100 people had been killed and hundreds more injured."),
            vec![
                ("dead".into(), 100, "approximate".into()),
                ("injured".into(), 200, "at_least".into())
            ]
        );
        assert_eq!(
            sizes("At least 12 people were killed."),
            vec![("dead".into(), 12, "at_least".into())]
        );
        assert_eq!(
            sizes("Police arrested dozens of protesters."),
            vec![("arrested".into(), 24, "at_least".into())]
        );
        assert_eq!(
            sizes("The strike killed at least 22 people."),
            vec![("dead".into(), 22, "at_least".into())]
        );
        assert_eq!(
            sizes("dozens were arrested"),
            vec![("arrested".into(), 24, "at_least".into())]
        );
        assert_eq!(
            sizes("The blast hit a market, killing 12 civilians and wounding 30."),
            vec![
                ("dead".into(), 12, "exact".into()),
                ("injured".into(), 30, "exact".into())
            ]
        );
        assert_eq!(sizes("1e400 people killed"), vec![]);
        assert_eq!(sizes("900,000,000,000 people were killed"), vec![]);
        assert_eq!(sizes("2 billion people were killed"), vec![]);
        assert_eq!(
            sizes("2 million people were killed"),
            vec![("dead".into(), 2_000_000, "exact".into())]
        );
        assert_eq!(sizes("1.5 million people fled"), vec![]);
    }

    #[test]
    fn modality() {
        let t = |s: &str, w: &str| {
            let toks = tokenize(s, 0, s.len());
            let i = toks.iter().position(|t| t.norm == w).unwrap();
            detect_modes(&toks, i, false)
        };
        assert!(t("Forces will be disbanded", "disbanded").future.is_some());
        assert!(t("The result might trigger upheaval", "trigger")
            .hypothetical
            .is_some());
        assert_eq!(t("Troops did not attack", "attack").negation, Some(2));
        assert!(t("Troops attacked", "attacked").negation.is_none());
        assert!(t("talks are due to begin on Thursday", "begin")
            .future
            .is_some());
        let toks = tokenize("Talks are due to begin on Thursday", 0, 34);
        assert!(detect_modes(&toks, 0, true).future.is_some());
    }

    #[test]
    fn unverified() {
        let s = "Reuters could not verify that.";
        assert!(says_unverified(&tokenize(s, 0, s.len())));
    }
}
