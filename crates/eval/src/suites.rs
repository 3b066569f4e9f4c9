//! The peers' validation suites, run from raw text with the suites' own dictionaries:
//! PETRARCH's unit-test records ([`petrarch_suite`]), PETRARCH2 on UniversalPetrarch's GSR
//! ([`petrarch_gsr`]) and TABARI's `Validate.text` ([`tabari_suite`]). Parse trees are ignored.
//! A record passes when the set of coded (source, target, code) equals the expected set.
//! Next to our score each report prints PETRARCH2's recorded score on the same records and the
//! agreement between the two coders.

use crate::{EvalError, Report};
use eventwire_lexicon::petrarch::{Dictionaries, DiscardKind};
use eventwire_lexicon::{LexiconBuilder, LexiconError};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub use eventwire_coder::peer::{Coded, PeerCoder, Triple};

/// Attributes of an XML start tag: `name = "value"` pairs.
fn attrs(tag: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq]
            .trim()
            .rsplit(|c: char| c.is_whitespace() || c == '<')
            .next()
            .unwrap_or("")
            .to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(end) = after[1..].find(q) else { break };
        out.insert(name, after[1..1 + end].to_string());
        rest = &after[1 + end + 1..];
    }
    out
}

/// XML text with `<!-- -->` comments removed.
fn strip_comments(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(k) = rest.find("<!--") {
        out.push_str(&rest[..k]);
        match rest[k..].find("-->") {
            Some(e) => rest = &rest[k + e + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// What a suite record expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Exactly these events.
    Events(BTreeSet<Triple>),
    /// No event.
    None,
    /// An error (`storydiscard`, `sentencediscard`, `bad_input_parse`, `dateline`).
    Error(String),
}

/// One record of a PETRARCH-style XML suite.
#[derive(Debug, Clone)]
pub struct SuiteRecord {
    /// Record id.
    pub id: String,
    /// Category.
    pub category: String,
    /// YYYYMMDD.
    pub date: String,
    /// The sentence.
    pub text: String,
    /// What it expects.
    pub expected: Expected,
    /// `require_dyad` in force (a `<Config>` before it may switch it off).
    pub require_dyad: bool,
    /// `sentence="false"` / `evaluate="false"`: not part of the active suite.
    pub active: bool,
}

/// Reads PETRARCH XML records (unit tests or GSR); also returns the `<Environment>` file names.
pub fn read_suite(xml: &str) -> (Vec<SuiteRecord>, HashMap<String, Vec<String>>) {
    let xml = strip_comments(xml);
    let mut env: HashMap<String, Vec<String>> = HashMap::new();
    if let (Some(a), Some(b)) = (xml.find("<Environment>"), xml.find("</Environment>")) {
        for tag in [
            "Verbfile",
            "Actorfile",
            "Agentfile",
            "Discardfile",
            "Issuefile",
        ] {
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            let body = &xml[a..b];
            if let (Some(s), Some(e)) = (body.find(&open), body.find(&close)) {
                env.insert(
                    tag.to_string(),
                    body[s + open.len()..e]
                        .split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect(),
                );
            }
        }
    }
    let mut out = Vec::new();
    let mut require_dyad = true;
    let mut pos = 0;
    loop {
        let next_s = xml[pos..].find("<Sentence ").map(|k| k + pos);
        let next_c = xml[pos..].find("<Config ").map(|k| k + pos);
        let at = match (next_s, next_c) {
            (Some(s), Some(c)) if c < s => {
                let end = xml[c..].find('>').map_or(xml.len(), |e| c + e);
                let a = attrs(&xml[c..end]);
                if a.get("option").map(String::as_str) == Some("require_dyad") {
                    require_dyad = a
                        .get("value")
                        .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
                }
                pos = end;
                continue;
            }
            (Some(s), _) => s,
            _ => break,
        };
        let tag_end = xml[at..].find('>').map_or(xml.len(), |e| at + e);
        let a = attrs(&xml[at..tag_end]);
        let stop = xml[tag_end..]
            .find("<Sentence ")
            .map_or(xml.len(), |k| tag_end + k);
        let body = &xml[tag_end..stop];
        let body = body.split("</Sentence>").next().unwrap_or(body);
        let mut events = BTreeSet::new();
        let mut none = false;
        let mut error = None;
        let mut p = 0;
        while let Some(k) = body[p..].find("<EventCoding") {
            let s = p + k;
            let e = body[s..].find('>').map_or(body.len(), |x| s + x);
            let ea = attrs(&body[s..e]);
            if ea
                .get("noevents")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            {
                none = true;
            } else if let Some(err) = ea.get("error") {
                error = Some(err.clone());
            } else if let (Some(src), Some(tgt), Some(code)) = (
                ea.get("sourcecode"),
                ea.get("targetcode"),
                ea.get("eventcode"),
            ) {
                events.insert((src.clone(), tgt.clone(), code.clone()));
            }
            p = e;
        }
        let text = match (body.find("<Text>"), body.find("</Text>")) {
            (Some(s), Some(e)) if s < e => unescape(
                body[s + 6..e]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str(),
            ),
            _ => String::new(),
        };
        let expected = match (error, events.is_empty()) {
            (Some(e), _) => Expected::Error(e),
            (None, false) => Expected::Events(events),
            (None, true) => {
                let _ = none;
                Expected::None
            }
        };
        let active = !a
            .get("sentence")
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
            && !a
                .get("evaluate")
                .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        out.push(SuiteRecord {
            id: a.get("id").cloned().unwrap_or_default(),
            category: a.get("category").cloned().unwrap_or_default(),
            date: a.get("date").cloned().unwrap_or_default(),
            text,
            expected,
            require_dyad,
            active,
        });
        pos = tag_end;
    }
    (out, env)
}

fn read(path: &Path) -> Result<String, EvalError> {
    let bytes = std::fs::read(path).map_err(|e| EvalError(format!("{}: {e}", path.display())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// PETRARCH2's recorded results: id → (passed, coded events) per occurrence, in file order;
/// records marked inactive are left out.
fn peer_results(path: &Path) -> Option<HashMap<String, Vec<(bool, BTreeSet<Triple>)>>> {
    let v: serde_json::Value = serde_json::from_str(&read(path).ok()?).ok()?;
    let mut out = HashMap::new();
    for r in v.get("results")?.as_array()? {
        if r.get("inactive_in_suite").and_then(|x| x.as_bool()) == Some(true) {
            continue;
        }
        let id = r.get("id")?.as_str()?.to_string();
        let pass = r.get("pass").and_then(|x| x.as_bool()).unwrap_or(false);
        let got: BTreeSet<Triple> = r
            .get("got")
            .and_then(|g| g.as_array())
            .map(|g| {
                g.iter()
                    .filter_map(|t| {
                        let t = t.as_array()?;
                        Some((
                            t.first()?.as_str()?.to_string(),
                            t.get(1)?.as_str()?.to_string(),
                            t.get(2)?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.entry(id).or_insert_with(Vec::new).push((pass, got));
    }
    Some(out)
}

/// Finds `peers/petrarch2/outputs/<name>` beside or above `start`.
pub fn find_peer_output(start: &Path, name: &str) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        for cand in [
            dir.join("outputs").join(name),
            dir.join("peers/petrarch2/outputs").join(name),
            dir.join("petrarch2/outputs").join(name),
        ] {
            if cand.exists() {
                return Some(cand);
            }
        }
    }
    None
}

/// Dictionaries named by a suite's `<Environment>`, looked up beside the suite file.
fn environment_dictionaries(
    path: &Path,
    env: &HashMap<String, Vec<String>>,
) -> Result<(Dictionaries, Vec<LexiconError>), EvalError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut d = Dictionaries::default();
    let mut errors = Vec::new();
    for (tag, kind) in [
        ("Verbfile", "verbs"),
        ("Actorfile", "actors"),
        ("Agentfile", "agents"),
        ("Discardfile", "discards"),
    ] {
        for f in env.get(tag).into_iter().flatten() {
            let cands = [dir.join(f), dir.join("../dictionaries").join(f)];
            let file = cands.iter().find(|p| p.exists()).ok_or_else(|| {
                EvalError(format!(
                    "{}: dictionary {f} not found beside the suite",
                    path.display()
                ))
            })?;
            d.load_file(kind, file, &mut errors)
                .map_err(|e| EvalError(e.to_string()))?;
        }
    }
    Ok((d, errors))
}

fn show(set: &BTreeSet<Triple>) -> String {
    if set.is_empty() {
        return "none".into();
    }
    set.iter()
        .map(|(s, t, c)| format!("{s} {t} {c}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Scores coded results against the records; appends per-record lines and the side-by-side figures.
fn score(
    name: String,
    coder: &PeerCoder,
    records: &[SuiteRecord],
    peer: Option<(&Path, HashMap<String, Vec<(bool, BTreeSet<Triple>)>>)>,
    dict_summary: String,
) -> Report {
    let mut report = Report {
        name,
        ..Default::default()
    };
    let (mut passed, mut n) = (0usize, 0usize);
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let (mut peer_n, mut peer_pass, mut same_records, mut both, mut only_ours, mut only_peer) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let started = std::time::Instant::now();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in records.iter().filter(|r| r.active) {
        n += 1;
        let coded = coder.code(&r.text, &r.date, r.require_dyad);
        let ours: BTreeSet<Triple> = match &coded {
            Coded::Events(e) => e.clone(),
            Coded::Discarded(_) => BTreeSet::new(),
        };
        let ok = match (&r.expected, &coded) {
            (Expected::Events(exp), Coded::Events(got)) => exp == got,
            (Expected::None, Coded::Events(got)) => got.is_empty(),
            (Expected::None, Coded::Discarded(_)) => true,
            (Expected::Events(_), Coded::Discarded(_)) => false,
            (Expected::Error(e), Coded::Discarded(k)) => match e.as_str() {
                "storydiscard" => *k == DiscardKind::Story,
                "sentencediscard" => *k == DiscardKind::Sentence,
                _ => true,
            },
            // Parse and dateline errors cannot happen without a parse: pass when nothing is coded.
            (Expected::Error(e), Coded::Events(got)) => !e.contains("discard") && got.is_empty(),
        };
        if let Expected::Events(exp) = &r.expected {
            tp += exp.intersection(&ours).count();
            fneg += exp.difference(&ours).count();
        }
        fp += ours
            .iter()
            .filter(|t| !matches!(&r.expected, Expected::Events(e) if e.contains(*t)))
            .count();
        if ok {
            passed += 1;
        }
        let mut line = format!(
            "  {} {:<22} expected {:<40} got {}",
            if ok { "pass" } else { "FAIL" },
            r.id,
            match &r.expected {
                Expected::Events(e) => show(e),
                Expected::None => "none".into(),
                Expected::Error(e) => format!("error {e}"),
            },
            match &coded {
                Coded::Events(e) => show(e),
                Coded::Discarded(k) => format!("discarded ({k:?})"),
            }
        );
        if let Some((_, results)) = &peer {
            let k = seen.entry(r.id.clone()).or_insert(0usize);
            *k += 1;
            if let Some((p_ok, p_got)) = results.get(&r.id).and_then(|v| v.get(*k - 1).or(v.last()))
            {
                peer_n += 1;
                if *p_ok {
                    peer_pass += 1;
                }
                if *p_got == ours {
                    same_records += 1;
                }
                both += p_got.intersection(&ours).count();
                only_ours += ours.difference(p_got).count();
                only_peer += p_got.difference(&ours).count();
                line.push_str(&format!(
                    "   | petrarch2 {} {}",
                    if *p_ok { "pass" } else { "FAIL" },
                    show(p_got)
                ));
            }
        }
        report.details.push(line);
    }
    let secs = started.elapsed().as_secs_f64();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    report.figures = vec![
        ("records".into(), n as f64),
        ("passed".into(), passed as f64),
        ("pass_rate".into(), ratio(passed, n)),
        ("event_precision".into(), ratio(tp, tp + fp)),
        ("event_recall".into(), ratio(tp, tp + fneg)),
        (
            "sentences_per_s".into(),
            (n as f64 / secs.max(1e-9)).round(),
        ),
    ];
    report
        .details
        .insert(0, format!("  dictionaries: {dict_summary}"));
    match peer {
        Some((path, _)) => {
            report
                .figures
                .push(("petrarch2_records".into(), peer_n as f64));
            report
                .figures
                .push(("petrarch2_passed".into(), peer_pass as f64));
            report
                .figures
                .push(("agreement_records".into(), ratio(same_records, peer_n)));
            report.figures.push((
                "agreement_events".into(),
                ratio(both, both + only_ours + only_peer),
            ));
            report.details.push(format!(
                "  side by side with PETRARCH2 ({}): ours {passed}/{n}, petrarch2 {peer_pass}/{peer_n}; identical output on {same_records}/{peer_n} records; events both {both}, only ours {only_ours}, only petrarch2 {only_peer}",
                path.display()
            ));
        }
        None => report
            .details
            .push("  no PETRARCH2 output recorded for these records".into()),
    }
    report
}

fn report_problems(problems: &[LexiconError]) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let mut s = format!("; {} unreadable line(s)", problems.len());
    for p in problems.iter().take(5) {
        s.push_str(&format!("\n    {p}"));
    }
    s
}

/// PETRARCH's unit-test records (`PETR.UnitTest.records.xml`) with the `PETR.Validate.*`
/// dictionaries named by its `<Environment>`, found beside it.
pub fn petrarch_suite(path: &Path, peer: Option<&Path>) -> Result<Report, EvalError> {
    let (records, env) = read_suite(&read(path)?);
    let t0 = std::time::Instant::now();
    let (dicts, problems) = environment_dictionaries(path, &env)?;
    let peer = peer
        .map(Path::to_path_buf)
        .or_else(|| find_peer_output(path, "unittest_results.petrarch2.PETR.Validate.verbs.json"));
    Ok(peer_report(
        format!("PETRARCH unit-test suite ({})", path.display()),
        (dicts, problems, t0),
        &records,
        peer,
    ))
}

/// Compiles `dicts` (read since `t0`, with their `problems`), scores `records` and reports the
/// figures beside PETRARCH2's recorded results (`peer`) and the dictionaries' load time.
fn peer_report(
    title: String,
    (dicts, mut problems, t0): (Dictionaries, Vec<LexiconError>, std::time::Instant),
    records: &[SuiteRecord],
    peer: Option<PathBuf>,
) -> Report {
    let summary = dicts.to_string();
    let (coder, compile) = PeerCoder::new(dicts, LexiconBuilder::codes_only());
    let load = t0.elapsed().as_secs_f64();
    problems.extend(compile);
    let peer = peer
        .as_deref()
        .and_then(|p| peer_results(p).map(|r| (p, r)));
    let mut report = score(
        title,
        &coder,
        records,
        peer,
        format!(
            "{summary}; loaded in {load:.3} s{}",
            report_problems(&problems)
        ),
    );
    report.figures.push(("dictionary_load_s".into(), load));
    report
}

/// UniversalPetrarch's GSR (`PETR2_GSR_validation.xml`) with PETRARCH2's dictionaries (from
/// `config`, a `PETR_config.ini`); with `text` (GigaWord.sample.PETR.xml) only the records whose
/// id it holds are scored, with its sentence text, as PETRARCH2's recorded run was.
pub fn petrarch_gsr(
    path: &Path,
    text: Option<&Path>,
    config: &Path,
    peer: Option<&Path>,
) -> Result<Report, EvalError> {
    let (mut records, _) = read_suite(&read(path)?);
    if let Some(t) = text {
        // One scored record per sample sentence whose id the GSR holds (GOLD_9 appears twice: 74).
        let (sample, _) = read_suite(&read(t)?);
        let gold: HashMap<String, SuiteRecord> =
            records.into_iter().map(|r| (r.id.clone(), r)).collect();
        records = sample
            .into_iter()
            .filter_map(|s| {
                let mut r = gold.get(&s.id)?.clone();
                // Some sample records carry only a parse: keep the GSR's own text for them.
                if !s.text.trim().is_empty() {
                    r.text = s.text;
                }
                Some(r)
            })
            .collect();
    }
    let t0 = std::time::Instant::now();
    let (dicts, problems) =
        eventwire_lexicon::petrarch::load_config(config).map_err(|e| EvalError(e.to_string()))?;
    let peer = peer
        .map(Path::to_path_buf)
        .or_else(|| find_peer_output(text.unwrap_or(path), "gsr_results.petrarch2.json"));
    Ok(peer_report(
        format!("PETRARCH2 GSR ({})", path.display()),
        (dicts, problems, t0),
        &records,
        peer,
    ))
}

/// TABARI's validation records with the dictionaries its `.project` names, coded by
/// [`eventwire_coder::tabari::TabariCoder`] (TABARI's own algorithm). Records are coded in file
/// order: `{ OPTION: … }` records change the options for the records after them, and story ids
/// carry pronouns forward when `FORWARD:` is on. The standard run stops at `FINAL-01`. A record
/// passes when the coded events equal the expected ones (`{+++}` expects a complex record,
/// `{###}` a discard, `{---}` no event; a `-{…}` entry stops the check there, so only the events
/// listed before it are required).
pub fn tabari_suite(project: &Path) -> Result<Report, EvalError> {
    use eventwire_coder::tabari::{Story, TabariCoder, TabariCoding};
    use eventwire_lexicon::tabari::{read_project, read_records, Expect};
    let t0 = std::time::Instant::now();
    let (mut coder, mut problems) =
        TabariCoder::load(project).map_err(|e| EvalError(e.to_string()))?;
    let load = t0.elapsed().as_secs_f64();
    let summary = coder.dictionaries().to_string();
    let p = read_project(project).map_err(|e| EvalError(e.to_string()))?;
    let mut report = Report {
        name: format!("TABARI validation suite ({})", project.display()),
        ..Default::default()
    };
    let (mut n, mut passed, mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut story = Story::default();
    let started = std::time::Instant::now();
    'files: for f in &p.text {
        let (recs, errs) = read_records(&f.display().to_string(), &read(f)?);
        problems.extend(errs);
        for r in recs {
            if r.id == "FINAL-01" {
                break 'files;
            }
            if r.expect == Expect::Control {
                for o in &r.options {
                    if !coder.set_option(o) {
                        problems.push(LexiconError {
                            file: r.source.clone(),
                            line: 0,
                            reason: format!("option {o:?} is not a command TABARI knows"),
                        });
                    }
                }
                continue;
            }
            n += 1;
            let coded = coder.code_record(&r.text, &format!("{:08}", r.date), &r.id, &mut story);
            let got: BTreeSet<Triple> = match &coded {
                TabariCoding::Events(v) => v
                    .iter()
                    .map(|e| (e.source.clone(), e.target.clone(), e.code.clone()))
                    .collect(),
                _ => BTreeSet::new(),
            };
            let listed: BTreeSet<Triple> = match &r.expect {
                Expect::Events(v) | Expect::Partial(v) => v.iter().cloned().collect(),
                _ => BTreeSet::new(),
            };
            let ok = match (&r.expect, &coded) {
                (Expect::Events(_), TabariCoding::Events(_)) => got == listed,
                (Expect::Partial(_), _) => listed.is_subset(&got),
                (Expect::None, TabariCoding::Events(_) | TabariCoding::Complex(_)) => {
                    got.is_empty()
                }
                (Expect::Complex, TabariCoding::Complex(_)) => true,
                (Expect::Discard, TabariCoding::Discarded) => true,
                _ => false,
            };
            tp += listed.intersection(&got).count();
            fneg += listed.difference(&got).count();
            if !matches!(r.expect, Expect::Partial(_)) {
                fp += got.difference(&listed).count();
            }
            passed += usize::from(ok);
            report.details.push(format!(
                "  {} {:<22} expected {:<40} got {}",
                if ok { "pass" } else { "FAIL" },
                r.id,
                match &r.expect {
                    Expect::Events(_) => show(&listed),
                    Expect::Partial(_) => format!("at least {}", show(&listed)),
                    Expect::Complex => "complex".into(),
                    Expect::Discard => "discard".into(),
                    _ => "none".into(),
                },
                match &coded {
                    TabariCoding::Events(_) => show(&got),
                    TabariCoding::Discarded => "discarded".into(),
                    TabariCoding::Complex(why) => format!("complex ({why})"),
                }
            ));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    report.figures = vec![
        ("records".into(), n as f64),
        ("passed".into(), passed as f64),
        ("pass_rate".into(), ratio(passed, n)),
        ("event_precision".into(), ratio(tp, tp + fp)),
        ("event_recall".into(), ratio(tp, tp + fneg)),
        (
            "sentences_per_s".into(),
            (n as f64 / secs.max(1e-9)).round(),
        ),
        ("dictionary_load_s".into(), load),
    ];
    report.details.insert(
        0,
        format!(
            "  dictionaries: {summary}; loaded in {load:.3} s{}",
            report_problems(&problems)
        ),
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_configs() {
        let xml = r#"<Environment><Verbfile>v.txt</Verbfile><Actorfile>a.txt, b.txt</Actorfile></Environment>
<!-- <Sentence id="X" date="1"> -->
<Sentence date="19950101" id="DEMO-00" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text> Arnor restores ties &amp; more. </Text></Sentence>
<Config option="require_dyad" value="false"></Config>
<Sentence date = "19950101" id ="N-1" sentence="false"><EventCoding noevents="True"></EventCoding><Text>x</Text></Sentence>"#;
        let (r, env) = read_suite(xml);
        assert_eq!(env["Actorfile"], ["a.txt", "b.txt"]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "Arnor restores ties & more.");
        assert!(r[0].require_dyad && !r[1].require_dyad && !r[1].active);
        assert_eq!(r[1].expected, Expected::None);
    }
}
