//! TABARI dictionaries (`.project`, `.verbs`, `.actors`, `.agents`, `.options`) read into the same
//! [`Dictionaries`] as PETRARCH's, and TABARI's `.text` record format (validation records with
//! their expected events in `/* … {SRC / TGT / CODE} … */` comments).
//!
//! TABARI writes `;` comments, `_` joins words and a trailing `_` means "whole word": a word
//! without it matches as a stem (`ARGENTIN` → Argentina). Verb files put synsets between
//! `<SYNSETS>` tags and skip `<TIME>`, `<NOUN>`, `<ADJECTIVE>` sections; every non-pattern line
//! starts a verb (`ABANDON [345]`), followed by `- … * … [code]` patterns.

use crate::line::LexiconError;
use crate::petrarch::{content_lines, verb_line, Dictionaries, VerbBlock};
use std::path::{Path, PathBuf};

fn err(file: &str, line: usize, reason: impl Into<String>) -> LexiconError {
    LexiconError {
        file: file.into(),
        line,
        reason: reason.into(),
    }
}

/// The files a TABARI `.project` names (`<actorsfile>`, `<verbsfile>`, `<agentsfile>`,
/// `<optionsfile>`, `<textfile>`), resolved against the project's folder.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// Actor files.
    pub actors: Vec<PathBuf>,
    /// Verb files.
    pub verbs: Vec<PathBuf>,
    /// Agent files.
    pub agents: Vec<PathBuf>,
    /// Options files.
    pub options: Vec<PathBuf>,
    /// Text (record) files.
    pub text: Vec<PathBuf>,
}

/// Reads a `.project` file.
pub fn read_project(path: &Path) -> Result<Project, LexiconError> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| err(&name, 0, format!("cannot read: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut p = Project::default();
    for line in text.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix('<') else {
            continue;
        };
        let Some((tag, value)) = rest.split_once('>') else {
            continue;
        };
        let file = dir.join(value.trim());
        match tag {
            "actorsfile" => p.actors.push(file),
            "verbsfile" => p.verbs.push(file),
            "agentsfile" => p.agents.push(file),
            "optionsfile" => p.options.push(file),
            "textfile" => p.text.push(file),
            _ => {}
        }
    }
    if p.verbs.is_empty() && p.actors.is_empty() {
        return Err(err(&name, 0, "names no <verbsfile> or <actorsfile>"));
    }
    Ok(p)
}

fn read(path: &Path) -> Result<(String, String), LexiconError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| err(&name, 0, format!("cannot read: {e}")))?;
    Ok((name, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Reads every dictionary a `.project` names; a file that cannot be opened is an error, bad
/// lines are collected.
pub fn load_project(
    path: &Path,
) -> Result<(Dictionaries, Project, Vec<LexiconError>), LexiconError> {
    let p = read_project(path)?;
    let mut d = Dictionaries {
        stems: true,
        ..Default::default()
    };
    let mut errors = Vec::new();
    for f in &p.verbs {
        let (n, t) = read(f)?;
        parse_verbs(&mut d, &n, &t, &mut errors);
    }
    for f in &p.actors {
        let (n, t) = read(f)?;
        d.parse_actors_with(&n, &t, ';', &mut errors);
    }
    for f in &p.agents {
        let (n, t) = read(f)?;
        d.parse_agents_with(&n, &t, ';', &mut errors);
    }
    for f in &p.options {
        let (n, t) = read(f)?;
        parse_options(&mut d, &n, &t, &mut errors);
    }
    Ok((d, p, errors))
}

/// Reads an `.options` file: `KEYWORD: …` lines, `//` comments. Options are checked, not applied.
pub fn parse_options(d: &mut Dictionaries, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
    d.files.push(file.to_string());
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("~~~~") {
            break; // end of the options
        }
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        let keyword = l.split(':').next().unwrap_or("").trim();
        if !l.contains(':')
            || !matches!(
                keyword,
                "COMPLEX"
                    | "SET"
                    | "OUTPUT"
                    | "LABEL"
                    | "FORWARD"
                    | "DELETE"
                    | "ISSUES"
                    | "DISCARD"
                    | "TIME"
            )
        {
            errors.push(err(
                file,
                i + 1,
                format!("cannot read option {l:?} (expected KEYWORD: …)"),
            ));
        }
    }
}

/// Reads a TABARI `.verbs` file.
pub fn parse_verbs(d: &mut Dictionaries, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
    d.files.push(file.to_string());
    let lines = content_lines(text, ';');
    let mut section: Option<String> = None;
    let mut synset: Option<String> = None;
    let mut body = Vec::new();
    for &(n, line) in &lines {
        let l = line.trim();
        if let Some(tag) = l.strip_prefix("</") {
            let _ = tag;
            section = None;
            synset = None;
            continue;
        }
        if l.starts_with('<') {
            section = Some(l.trim_matches(['<', '>']).to_string());
            continue;
        }
        match section.as_deref() {
            Some("SYNSETS") => {
                if l.starts_with('&') {
                    let name = l
                        .split_whitespace()
                        .next()
                        .unwrap_or(l)
                        .trim_end_matches('_')
                        .to_string();
                    d.synsets.entry(name.clone()).or_default();
                    synset = Some(name);
                } else if let (Some(s), Some(m)) = (&synset, l.strip_prefix('+')) {
                    // Kept as written: `_` and its absence mark whole words and stems.
                    let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
                    if let Some(v) = d.synsets.get_mut(s) {
                        v.push(m);
                    }
                } else {
                    errors.push(err(
                        file,
                        n,
                        format!("cannot read synset line {l:?} (expected &NAME or +member)"),
                    ));
                }
            }
            Some(_) => {}
            None => body.push((n, l)),
        }
    }
    let mut block = VerbBlock::default();
    for (n, l) in body {
        if l.starts_with("~~FINISH") {
            break;
        }
        if l.starts_with('#') {
            continue;
        }
        if let Some(p) = l.strip_prefix('-') {
            if !block.open {
                errors.push(err(file, n, "pattern line before any verb"));
                continue;
            }
            match d.pattern(file, n, p) {
                Ok(p) => block.patterns.push(p),
                Err(e) => errors.push(err(file, n, e)),
            }
            continue;
        }
        if let Some(forms) = l.strip_prefix('{') {
            // `{ BROKE_ BROKEN_ }` on its own line: more forms of the verb above.
            if !block.add_forms(forms.trim_end_matches('}')) {
                errors.push(err(file, n, "verb forms {…} before any verb"));
            }
            continue;
        }
        d.finish_block(&mut block);
        match verb_line(l) {
            Ok((words, forms, code)) => {
                let Some(code) = code else {
                    errors.push(err(file, n, format!("verb {l:?} has no [code]")));
                    continue;
                };
                d.verbs += 1;
                block.open = true;
                block.code = code.clone();
                block.push_verb(format!("{file}:{n}"), words, forms, None);
            }
            Err(e) => errors.push(err(file, n, e)),
        }
    }
    d.finish_block(&mut block);
}

/// What a validation record expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// These events (source, target, code).
    Events(Vec<(String, String, String)>),
    /// No event (`{+++}`, `{---}`, `{}`).
    None,
    /// The record is discarded (`{###}`).
    Discard,
    /// An option or control record (`{ OPTION: … }`), not scored.
    Control,
}

/// One record of a `.text` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `file:line` of the header.
    pub source: String,
    /// Date as YYYYMMDD.
    pub date: u32,
    /// Record id (`DEMO-01`).
    pub id: String,
    /// The story text.
    pub text: String,
    /// The expected outcome, read from the `/* … */` comment.
    pub expect: Expect,
}

/// Reads the records of a TABARI `.text` file: a header `YYMMDD  ID`, text lines, then an optional
/// `/* … */` comment holding the expected events. Bad headers are reported with file:line.
pub fn read_records(file: &str, text: &str) -> (Vec<Record>, Vec<LexiconError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_end();
        let head = l.split_whitespace().collect::<Vec<_>>();
        let is_header = head.len() >= 2
            && head[0].len() == 6
            && head[0].chars().all(|c| c.is_ascii_digit())
            && !l.starts_with(' ');
        if !is_header {
            i += 1;
            continue;
        }
        let n = i + 1;
        let yy: u32 = head[0][..2].parse().unwrap_or(0);
        let date = (if yy <= 30 { 2000 + yy } else { 1900 + yy }) * 10_000
            + head[0][2..].parse::<u32>().unwrap_or(0);
        let id = head[1].to_string();
        i += 1;
        let mut body = String::new();
        let mut comment = String::new();
        let mut in_comment = false;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim_end();
            let next_header = {
                let h: Vec<&str> = t.split_whitespace().collect();
                !in_comment
                    && h.len() >= 2
                    && h[0].len() == 6
                    && h[0].chars().all(|c| c.is_ascii_digit())
                    && !t.starts_with(' ')
            };
            if next_header {
                break;
            }
            if !in_comment && t.trim_start().starts_with('#') {
                i += 1;
                continue;
            }
            let mut rest = t;
            if !in_comment {
                if let Some(k) = rest.find("/*") {
                    body.push_str(&rest[..k]);
                    body.push(' ');
                    rest = &rest[k + 2..];
                    in_comment = true;
                } else {
                    body.push_str(rest);
                    body.push(' ');
                    i += 1;
                    continue;
                }
            }
            if let Some(k) = rest.find("*/") {
                comment.push_str(&rest[..k]);
                i += 1;
                // A record ends with its comment.
                break;
            }
            comment.push_str(rest);
            comment.push('\n');
            i += 1;
        }
        let expect = match parse_expect(&comment) {
            Ok(e) => e,
            Err(e) => {
                errors.push(err(file, n, e));
                Expect::Control
            }
        };
        let text = body
            .replace("\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Record {
            source: format!("{file}:{n}"),
            date,
            id,
            text,
            expect,
        });
    }
    (out, errors)
}

fn parse_expect(comment: &str) -> Result<Expect, String> {
    let mut events = Vec::new();
    let mut none = false;
    let mut rest = comment;
    let mut any = false;
    while let Some(k) = rest.find('{') {
        let e = rest[k..]
            .find('}')
            .ok_or("unclosed '{' in expected events")?
            + k;
        let inner = rest[k + 1..e].trim();
        rest = &rest[e + 1..];
        any = true;
        if inner.starts_with("OPTION") || inner.contains(':') {
            return Ok(Expect::Control);
        }
        match inner {
            "###" => return Ok(Expect::Discard),
            "+++" | "---" | "" => {
                none = true;
                continue;
            }
            _ => {}
        }
        let parts: Vec<&str> = inner.split('/').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(format!(
                "expected event {{{inner}}} is not {{SRC / TGT / CODE}}"
            ));
        }
        if parts[2] == "000" {
            continue;
        }
        events.push((
            parts[0].to_string(),
            parts[1].to_string(),
            parts[2].to_string(),
        ));
    }
    if !events.is_empty() {
        return Ok(Expect::Events(events));
    }
    if none || any {
        return Ok(Expect::None);
    }
    Ok(Expect::Control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_expectations() {
        let t = "\n950101  DEMO-01\nArnor is about to restore ties with Gondor.\n/*\\n---\n\\n{ ARN / GON / 064 } */\n\n950103  DEMO-04\nDagolath left.\n/*\\n{ DAG / GON / 032 } 950103\n\\n{ GON / DAG / 033 } */\n950101  X-1\nNone here.\n/* {+++} */\n950101  X-2\nGone.\n/* {###} */\n950101  X-3\n/* { OPTION: SET: TIME SHIFT = FALSE } */\n950101  X-4\nBad.\n/* { ARN GON } */\n";
        let (r, e) = read_records("v.text", t);
        assert_eq!(r.len(), 6);
        assert_eq!(
            r[0].expect,
            Expect::Events(vec![("ARN".into(), "GON".into(), "064".into())])
        );
        assert_eq!(r[0].text, "Arnor is about to restore ties with Gondor.");
        assert_eq!(r[1].date, 19_950_103);
        assert!(matches!(&r[1].expect, Expect::Events(v) if v.len() == 2));
        assert_eq!(r[2].expect, Expect::None);
        assert_eq!(r[3].expect, Expect::Discard);
        assert_eq!(r[4].expect, Expect::Control);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 19);
    }

    #[test]
    fn verbs_with_sections() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        let t = "<SYNSETS>\n&TIES\n+MILITARY\n</SYNSETS>\n<NOUN>\nBEES\n</NOUN>\nABANDON [345] ;pas\n- * &TIES TIES [902]\n- * { GENEVA_ | INTERNATIONAL }_CONVENTIONS [111]\nBROKEN\n- * X\n";
        parse_verbs(&mut d, "t.verbs", t, &mut e);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(d.patterns.len(), 3);
        assert_eq!(d.patterns[1].slots[1].0.len(), 2);
    }
}
