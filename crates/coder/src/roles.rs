//! Who did it and to whom: subject/object, passives, "by" phrases and possessors, without a parser.

use crate::mentions::{Mention, MentionKind};
use eventwire_lexicon::PatternKind;
use eventwire_text::Token;

/// The actor and recipient chosen for one event match.
#[derive(Debug, Default)]
pub(crate) struct Roles {
    pub actor: Vec<Mention>,
    pub recipient: Vec<Mention>,
}

const PREPOSITIONS: &[&str] = &[
    "of", "in", "into", "to", "from", "with", "against", "on", "at", "by", "for", "over", "near",
    "than", "about", "across", "toward", "towards", "between", "among", "under", "after", "before",
    "since", "through", "within", "outside", "inside", "around", "despite", "like", "upon", "onto",
    "behind", "beyond", "during",
];
const BE: &[&str] = &[
    "was", "were", "been", "being", "is", "are", "be", "got", "get", "gets",
];
/// "a group of X", "thousands of X": the "of" phrase is the real subject.
const QUANTITY: &[&str] = &[
    "group",
    "groups",
    "some",
    "many",
    "most",
    "all",
    "one",
    "two",
    "three",
    "members",
    "member",
    "thousands",
    "hundreds",
    "dozens",
    "scores",
    "number",
    "leaders",
    "leader",
    "head",
    "chief",
    "delegation",
    "team",
    "representatives",
    "each",
    "both",
    "none",
    "several",
    "majority",
    "part",
    "units",
    "unit",
    "supporters",
    "spokesman",
    "spokeswoman",
];
const NOUN_TARGET_PREPS: &[&str] = &[
    "on",
    "against",
    "with",
    "to",
    "between",
    "toward",
    "towards",
    "at",
    "targeting",
    "for",
    "into",
    "from",
];

fn preceded_by_preposition(tokens: &[Token], m: &Mention) -> bool {
    // "with Iran and Turkey": the second member shares the first one's preposition.
    let mut start = m.start;
    while start >= 2
        && matches!(tokens[start - 1].norm.as_str(), "and" | "or" | ",")
        && tokens[start - 2].capitalized
    {
        let mut k = start - 2;
        while k > 0
            && tokens[k - 1].capitalized
            && tokens[k - 1].kind == eventwire_text::TokenKind::Word
        {
            k -= 1;
        }
        start = k;
    }
    // "on the Thai border": determiners and possessives between the preposition and the name.
    while start > 0
        && matches!(
            tokens[start - 1].norm.as_str(),
            "the" | "a" | "an" | "its" | "their" | "his" | "her" | "this" | "that"
        )
    {
        start -= 1;
    }
    if start == 0 || !PREPOSITIONS.contains(&tokens[start - 1].norm.as_str()) {
        return false;
    }
    let m = &Mention { start, ..m.clone() };
    let of_quantity = tokens[m.start - 1].norm == "of"
        && m.start >= 2
        && QUANTITY.contains(&tokens[m.start - 2].norm.as_str());
    !of_quantity
}

/// An "and" between a bare group and the trigger makes the group the object of an earlier verb
/// ("Russia, which maintains peacekeepers … and helped broker …").
fn coordinated_away(tokens: &[Token], m: &Mention, trigger: usize) -> bool {
    m.kind == MentionKind::Group
        && !m.has_code()
        && tokens[m.end..trigger].iter().any(|t| t.norm == "and")
}

/// "Pakistan, a key U.S. ally in the war, has refused": a name inside an apposition to an earlier
/// name is not the subject.
fn in_apposition(
    tokens: &[Token],
    mentions: &[Mention],
    m: &Mention,
    before: usize,
    peer: bool,
) -> bool {
    let Some(open) = tokens[..m.start].iter().rposition(|t| t.norm == ",") else {
        return false;
    };
    let Some(close) = tokens[m.end..before]
        .iter()
        .position(|t| t.norm == ",")
        .map(|k| m.end + k)
    else {
        return false;
    };
    let determiner = tokens
        .get(open + 1)
        .is_some_and(|t| matches!(t.norm.as_str(), "a" | "an" | "the" | "one" | "another"));
    // "The US commander in Iraq, General David Petraeus, held talks": a name alone between the
    // commas, not a list's member.
    let name_alone = peer
        && m.start <= open + 2
        && tokens[open + 1..m.start].iter().all(|t| t.capitalized) // a title: "General"
        && m.end == close
        && tokens
            .get(close + 1)
            .is_some_and(|t| !matches!(t.norm.as_str(), "and" | "or"));
    let head = mentions.iter().any(|x| x.end == open && x.has_code());
    (determiner || name_alone) && head && close < before
}

/// The nearest mention before `before` that can be a subject; a bare group ("troops") takes the
/// country of an earlier state subject ("Azerbaijan, which moved troops …").
fn subject(
    tokens: &[Token],
    mentions: &[Mention],
    before: usize,
    exclude: Option<(usize, usize)>,
    peer: bool,
) -> Option<Mention> {
    let in_slot = |m: &Mention| exclude.is_some_and(|(a, b)| m.start >= a && m.start < b);
    // Peer coders parse clauses: "… after Calenardhon crowds burned …" has its own subject, and
    // a verb after a subordinator never takes a subject from before it.
    const SUBORDINATORS: &[&str] = &[
        "after", "before", "since", "until", "when", "while", "because", "although", "though",
        "unless", "if",
    ];
    let floor = if peer {
        tokens[..before]
            .iter()
            .rposition(|t| SUBORDINATORS.contains(&t.norm.as_str()))
    } else {
        None
    };
    let opens_clause = |m: &Mention| floor.is_some_and(|f| m.start == f + 1);
    let eligible = |m: &&Mention| {
        m.end <= before
            && !in_slot(m)
            && floor.is_none_or(|f| m.start > f)
            && (!preceded_by_preposition(tokens, m) || opens_clause(m))
    };
    let mut nearest = mentions.iter().rev().filter(eligible).find(|m| {
        !coordinated_away(tokens, m, before) && !in_apposition(tokens, mentions, m, before, peer)
    })?;
    // Peer coders read a noun phrase's first actor: "the Somali militant group al-Shabab" is
    // the Somali militants, the name after the group's noun an apposition.
    if peer {
        if let Some(head) = mentions.iter().rev().filter(eligible).find(|x| {
            x.end < nearest.start
                && x.has_code()
                && tokens[x.end..nearest.start]
                    .iter()
                    .all(|t| GROUP_NOUNS.contains(&t.norm.as_str()))
        }) {
            nearest = head;
        }
    }
    let mut chosen = nearest.clone();
    if !chosen.has_code() && chosen.kind == MentionKind::Group {
        // Peer dictionaries leave a bare group without a country (`---GOV`).
        if let Some(state) = mentions
            .iter()
            .rev()
            .filter(eligible)
            .filter(|_| !peer)
            .find(|m| m.end <= nearest.start && m.has_code() && m.kind == MentionKind::State)
        {
            chosen.entity.code = state.entity.code.clone();
            chosen.start = state.start.min(chosen.start);
        }
    } else {
        chosen = with_bare_sector(tokens, &chosen, mentions, before);
    }
    Some(chosen)
}

/// The first mention after `after` within the clause; one with a country or organisation code
/// beats a bare group ("offered its troops to Lebanon" → Lebanon), and bare sector words inside
/// the matched trigger words ("military aid") never count.
fn object<'m>(
    tokens: &[Token],
    mentions: &'m [Mention],
    after: usize,
    matched_end: usize,
    limit: usize,
    preps: Option<&[&str]>,
    peer: bool,
) -> Option<&'m Mention> {
    let mut stop = tokens.len();
    for (i, t) in tokens.iter().enumerate().skip(after + 1) {
        if t.is_clause_break()
            || t.norm == "."
            || matches!(
                t.norm.as_str(),
                "and" | "but" | "while" | "which" | "who" | "as" | "after"
            )
            || i > matched_end + limit
        {
            stop = i;
            break;
        }
    }
    let candidates: Vec<&Mention> = mentions
        .iter()
        .filter(|m| {
            m.start > after
                && m.start < stop
                // Peer coders take the head noun phrase: "an attack by Osgiliath soldiers".
                && !(!peer && m.start > 0 && tokens[m.start - 1].norm == "by")
                // "noted he would now boycott …": in a peer pattern a pronoun is a subject, not the target.
                && !(peer && m.kind == MentionKind::Pronoun)
                && !(m.kind == MentionKind::Group && !m.has_code() && m.start <= matched_end)
                && preps.is_none_or(|p| m.start > 0 && p.contains(&tokens[m.start - 1].norm.as_str()))
        })
        .collect();
    candidates
        .iter()
        .find(|m| m.has_code())
        .or(candidates.first())
        .copied()
}

/// "by X" right after the trigger (or inside the matched words: "attacked by X with machetes").
fn by_phrase<'m>(
    tokens: &[Token],
    mentions: &'m [Mention],
    trigger: usize,
    last: usize,
) -> Option<&'m Mention> {
    let by = (trigger + 1..tokens.len().min(last.max(trigger) + 4))
        .find(|&i| tokens[i].norm == "by" || tokens[i].is_clause_break())?;
    if tokens[by].norm != "by" {
        return None;
    }
    mentions.iter().find(|m| m.start > by && m.start <= by + 3)
}

/// A bare sector mention ("troops") between the subject and the trigger lends its sector to a
/// subject that has none ("Azerbaijan, which moved troops … backed by artillery strikes").
fn with_bare_sector(
    tokens: &[Token],
    subject: &Mention,
    mentions: &[Mention],
    trigger: usize,
) -> Mention {
    let mut s = subject.clone();
    if s.entity.sector.is_empty() && s.kind == MentionKind::State {
        if let Some(b) = mentions.iter().find(|m| {
            m.start >= subject.end
                && m.end <= trigger
                && !m.has_code()
                && m.kind == MentionKind::Group
                && !preceded_by_preposition(tokens, m)
                && !coordinated_away(tokens, m, trigger)
        }) {
            s.entity.sector = b.entity.sector.clone();
        }
    }
    s
}

/// Past participles that do not end in -ed/-en.
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "held",
    "hit",
    "shot",
    "struck",
    "fought",
    "caught",
    "met",
    "led",
    "sent",
    "built",
    "bought",
    "brought",
    "kept",
    "left",
    "lost",
    "put",
    "set",
    "shut",
    "spread",
    "cut",
    "hurt",
    "bound",
    "found",
    "won",
    "told",
    "sold",
    "sought",
    "taught",
    "fled",
    "slain",
    "dealt",
    "meant",
    "paid",
    "laid",
    "said",
    "heard",
    "made",
    "read",
    "quit",
    "upheld",
    "withheld",
    "overthrown",
];

/// Participles that are adjectives after "be": "Israel is opposed to …".
const ADJECTIVAL: &[&str] = &[
    "opposed",
    "committed",
    "engaged",
    "involved",
    "determined",
    "prepared",
    "interested",
    "concerned",
    "worried",
    "pleased",
    "satisfied",
    "disappointed",
    "resolved",
    "dedicated",
    "devoted",
    "used",
    "supposed",
    "ready",
    "willing",
    "poised",
];

/// The token range of a passive trigger's subject: from the clause's start (at most ten tokens
/// back) to its form of "be" ("The civilians imprisoned … were released" → "The civilians
/// imprisoned …").
pub(crate) fn passive_subject(tokens: &[Token], trigger: usize) -> Option<std::ops::Range<usize>> {
    if !is_passive(tokens, trigger) {
        return None;
    }
    let be = (1..=trigger.min(4))
        .map(|k| trigger - k)
        .find(|&k| BE.contains(&tokens[k].norm.as_str()))?;
    let start = (be.saturating_sub(10)..be)
        .rev()
        .find(|&k| tokens[k].is_clause_break())
        .map_or(be.saturating_sub(10), |k| k + 1);
    (start < be).then_some(start..be)
}

fn is_passive(tokens: &[Token], trigger: usize) -> bool {
    let n = tokens[trigger].norm.as_str();
    let participle = n.ends_with("ed")
        || n.ends_with("en")
        || n.ends_with("wn")
        || n.ends_with("ne")
        || IRREGULAR_PARTICIPLES.contains(&n);
    // "engaged in", "opposed to", "committed to": adjectival, not passive.
    let adjectival = tokens.get(trigger + 1).is_some_and(|t| t.norm == "in")
        || (ADJECTIVAL.contains(&n)
            && tokens
                .get(trigger + 1)
                .is_some_and(|t| matches!(t.norm.as_str(), "to" | "with" | "about" | "by")));
    participle
        && !adjectival
        && (1..=4).any(|k| {
            trigger >= k
                && BE.contains(&tokens[trigger - k].norm.as_str())
                && tokens[trigger - k + 1..trigger]
                    .iter()
                    .all(|t| !t.is_clause_break() && t.norm != "to")
        })
}

/// Nouns that name a group and may stand between an actor and the group's own name.
const GROUP_NOUNS: &[&str] = &[
    "group",
    "groups",
    "movement",
    "organisation",
    "organization",
    "faction",
    "militia",
    "party",
    "network",
    "wing",
    "alliance",
    "front",
];

/// Verbs of a reporting clause ("…, the army said").
const SAID: &[&str] = &["said", "says", "told", "tells", "added", "stated"];

/// "Egypt and Qatar", "Israel, Jordan and Egypt": the mentions coordinated with `m`, in order.
fn coordinated(tokens: &[Token], mentions: &[Mention], m: &Mention, peer: bool) -> Vec<Mention> {
    let joins = |a: usize, b: usize| {
        let between = &tokens[a..b];
        let words: Vec<&str> = between.iter().map(|t| t.norm.as_str()).collect();
        // Peer coders join whole noun phrases: "Fornost and the evil awful Gondor".
        let lead = words
            .iter()
            .take_while(|w| matches!(**w, "," | "and" | "or"))
            .count();
        // Not a comma before a verb's words ("Petraeus, held talks with Suleiman"): after a
        // bare comma the phrase opens with a determiner, and no preposition stands inside.
        let conjoined = words[..lead].iter().any(|w| matches!(*w, "and" | "or"))
            || words
                .get(lead)
                .is_some_and(|w| matches!(*w, "the" | "a" | "an" | "its" | "their"));
        let np = peer
            && lead > 0
            && conjoined
            && words.len() - lead <= 3
            && between[lead..].iter().all(|t| {
                t.kind == eventwire_text::TokenKind::Word
                    && !t.capitalized
                    && !matches!(
                        t.norm.as_str(),
                        "with" | "to" | "of" | "in" | "by" | "for" | "from" | "on" | "at"
                    )
            });
        np || matches!(words.as_slice(), ["and"] | [","] | [",", "and"] | ["or"])
    };
    let Some(pos) = mentions.iter().position(|x| x.start == m.start) else {
        return vec![m.clone()];
    };
    let mut first = pos;
    while first > 0
        && mentions[first - 1].end < mentions[first].start
        && joins(mentions[first - 1].end, mentions[first].start)
        && mentions[first - 1].has_code()
    {
        first -= 1;
    }
    // "… southwest of Baghdad, the U.S. Central Command said": a reporting clause's subject (its
    // head noun may follow the name: "the Rohan council said").
    let reports = |x: &Mention| {
        tokens[x.end..]
            .iter()
            .take(3)
            .find(|t| {
                t.capitalized
                    || t.kind != eventwire_text::TokenKind::Word
                    || SAID.contains(&t.norm.as_str())
            })
            .is_some_and(|t| SAID.contains(&t.norm.as_str()))
    };
    let mut last = pos;
    while last + 1 < mentions.len()
        && mentions[last].end < mentions[last + 1].start
        && joins(mentions[last].end, mentions[last + 1].start)
        && mentions[last + 1].has_code()
        && !reports(&mentions[last + 1])
    {
        last += 1;
    }
    let mut out: Vec<Mention> = mentions[first..=last].to_vec();
    // The chosen mention keeps what role assignment gave it (a lent sector, say).
    out[pos - first] = m.clone();
    out
}

/// A bare group takes the country of a place right after it ("demonstrators in Baghdad",
/// "opposition groups in Zimbabwe", "refugees from Syria").
fn locate_group(tokens: &[Token], mentions: &[Mention], m: &mut Mention) {
    if m.has_code() || m.kind != MentionKind::Group {
        return;
    }
    let mut i = m.end;
    if !tokens
        .get(i)
        .is_some_and(|t| matches!(t.norm.as_str(), "in" | "of" | "from"))
    {
        return;
    }
    i += 1;
    if tokens.get(i).is_some_and(|t| t.norm == "the") {
        i += 1;
    }
    if let Some(place) = mentions
        .iter()
        .find(|x| x.start == i && x.has_code() && x.kind == MentionKind::State)
    {
        m.entity.code = place.entity.code.clone();
    }
}

/// The last resort for a group with no country: the sentence's first state or capital that is
/// not already the other side ("President … in Algiers", "elders … the Nigerian Interior Ministry").
fn sentence_country(tokens: &[Token], mentions: &[Mention], m: &mut Mention, other: &[Mention]) {
    if m.has_code() || !matches!(m.kind, MentionKind::Group) {
        return;
    }
    // A recipient named as a place ("a curfew in Algiers") is where the group is, not its opponent.
    let is_place = |o: &Mention| {
        o.start > 0
            && matches!(
                tokens[o.start - 1].norm.as_str(),
                "in" | "near" | "at" | "outside" | "inside" | "across" | "throughout" | "within"
            )
    };
    let taken = |c: &str| other.iter().any(|o| o.entity.code == c && !is_place(o));
    if let Some(s) = mentions.iter().find(|x| {
        matches!(x.kind, MentionKind::State | MentionKind::Group)
            && x.has_code()
            && !taken(&x.entity.code)
    }) {
        m.entity.code = s.entity.code.clone();
        return;
    }
    // One country in the whole sentence: a domestic event ("a judge opened investigations against
    // Chilean officials").
    let mut codes = mentions
        .iter()
        .filter(|x| x.has_code() && x.kind != MentionKind::Organization)
        .map(|x| x.entity.code.as_str());
    if let Some(first) = codes.next() {
        if codes.all(|c| c == first) {
            m.entity.code = first.to_string();
        }
    }
}

/// Assigns actor and recipient for one event match.
/// `peer`: a peer coder's dictionaries, whose bare groups stay without a country (`---GOV`).
pub(crate) fn assign(
    kind: PatternKind,
    m: &eventwire_lexicon::EventMatch,
    tokens: &[Token],
    mentions: &[Mention],
    peer: bool,
) -> Roles {
    let trigger = m.tokens[0];
    let last = *m.tokens.last().unwrap_or(&trigger);
    let mut roles = Roles::default();
    let slot_mention = m
        .recipient_slot
        .and_then(|(a, b)| mentions.iter().find(|x| x.start >= a && x.start < b));
    // Peer coders read "was opposed by X" as a passive whatever the adjective lists say.
    let by_passive = peer
        && tokens.get(trigger + 1).is_some_and(|t| t.norm == "by")
        && (1..=3).any(|k| trigger >= k && BE.contains(&tokens[trigger - k].norm.as_str()));
    if kind == PatternKind::Verb && (is_passive(tokens, trigger) || by_passive) {
        if let Some(a) = by_phrase(tokens, mentions, trigger, last) {
            roles.actor.push(a.clone());
        }
        // A pattern word read in the subject: the actor it names ("The civilians … were
        // released"), or else the first after it ("Evidence against Russia was presented").
        let in_subject = (last < trigger)
            .then(|| {
                mentions
                    .iter()
                    .find(|x| x.start <= last && last < x.end)
                    .or_else(|| mentions.iter().find(|x| x.start > last && x.end <= trigger))
            })
            .flatten();
        if let Some(r) = in_subject
            .cloned()
            .or_else(|| subject(tokens, mentions, trigger, None, peer))
        {
            roles.recipient.push(r);
        }
    } else {
        let actor = match kind {
            PatternKind::Noun => by_phrase(tokens, mentions, trigger, last)
                .or_else(|| {
                    mentions
                        .iter()
                        .find(|x| x.end + 1 == trigger && tokens[x.end].norm == "'s")
                })
                .or_else(|| {
                    mentions
                        .iter()
                        .find(|x| x.end == trigger && x.kind != MentionKind::Pronoun)
                })
                // An agent noun is its own actor: "Palestinian suicide bombers".
                .or_else(|| {
                    mentions
                        .iter()
                        .find(|x| x.start <= trigger && trigger < x.end && x.has_code())
                })
                .cloned()
                .or_else(|| subject(tokens, mentions, trigger, m.recipient_slot, peer)),
            // A peer pattern that starts with its subject ("- &MILITARY *": "UN troops withdrew").
            PatternKind::Verb => mentions
                .iter()
                .find(|x| peer && x.start <= trigger && trigger < x.end)
                .cloned()
                .or_else(|| subject(tokens, mentions, trigger, m.recipient_slot, peer)),
        };
        if let Some(mut a) = actor {
            locate_group(tokens, mentions, &mut a);
            roles.actor = coordinated(tokens, mentions, &a, peer);
        }
        let recipient = slot_mention.or_else(|| match kind {
            // Peer coders take the clause's first actor after the verb, however far.
            PatternKind::Verb => object(
                tokens,
                mentions,
                trigger,
                last,
                if peer { 16 } else { 8 },
                None,
                peer,
            ),
            PatternKind::Noun => object(
                tokens,
                mentions,
                last,
                last,
                6,
                Some(NOUN_TARGET_PREPS),
                peer,
            ),
        });
        if let Some(r) = recipient {
            let mut r = r.clone();
            locate_group(tokens, mentions, &mut r);
            roles.recipient = coordinated(tokens, mentions, &r, peer);
        }
    }
    if let Some(a) = roles.actor.first_mut().filter(|_| !peer) {
        sentence_country(tokens, mentions, a, &roles.recipient);
    }
    // Nobody acts on themselves: drop recipients that repeat an actor.
    let actors = roles.actor.clone();
    roles.recipient.retain(|r| {
        !actors.iter().any(|a| {
            a.start == r.start
                || (a.entity.code == r.entity.code && a.entity.sector == r.entity.sector)
        })
    });
    roles
}
