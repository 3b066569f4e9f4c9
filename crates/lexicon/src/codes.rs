//! The CAMEO code table (Goldstein, quad class, PLOVER mapping) and the PLOVER scale.

use crate::line::LexiconError;
use std::collections::HashMap;

/// What one CAMEO code means.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeInfo {
    /// The code ("0871").
    pub cameo: String,
    /// Goldstein score.
    pub goldstein: f64,
    /// CAMEO quad class 1–4.
    pub cameo_quad: u8,
    /// PLOVER event type; empty when PLOVER drops the code (CAMEO 01 statements).
    pub plover_event: String,
    /// PLOVER mode; may be empty.
    pub plover_mode: String,
    /// PLOVER contexts.
    pub contexts: Vec<String>,
    /// CAMEO description.
    pub description: String,
}

/// CAMEO codes and PLOVER scale values.
#[derive(Debug, Default)]
pub struct CodeTable {
    codes: HashMap<String, CodeInfo>,
    scale: HashMap<(String, String), f64>,
}

impl CodeTable {
    /// Looks a CAMEO code up.
    pub fn get(&self, cameo: &str) -> Option<&CodeInfo> {
        self.codes.get(cameo)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when no code is loaded.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// All codes.
    pub fn iter(&self) -> impl Iterator<Item = &CodeInfo> {
        self.codes.values()
    }

    /// PLOVER scale of an event and mode; falls back to the event alone.
    pub fn scale(&self, event: &str, mode: &str) -> f64 {
        self.scale
            .get(&(event.to_string(), mode.to_string()))
            .or_else(|| self.scale.get(&(event.to_string(), "-".to_string())))
            .copied()
            .unwrap_or(0.0)
    }

    pub(crate) fn parse_cameo(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let err = |reason: String| LexiconError {
                file: file.into(),
                line: n + 1,
                reason,
            };
            if f.len() != 7 {
                errors.push(err(format!("expected 7 tab-separated fields (code, goldstein, quad, event, mode, contexts, description), found {}", f.len())));
                continue;
            }
            let (Ok(goldstein), Ok(quad)) = (f[1].parse::<f64>(), f[2].parse::<u8>()) else {
                errors.push(err(format!(
                    "goldstein {:?} or quad {:?} is not a number",
                    f[1], f[2]
                )));
                continue;
            };
            let dash = |s: &str| {
                if s == "-" {
                    String::new()
                } else {
                    s.to_string()
                }
            };
            self.codes.insert(
                f[0].to_string(),
                CodeInfo {
                    cameo: f[0].to_string(),
                    goldstein,
                    cameo_quad: quad,
                    plover_event: dash(f[3]),
                    plover_mode: dash(f[4]),
                    contexts: f[5]
                        .split(';')
                        .filter(|c| !c.is_empty() && *c != "-")
                        .map(String::from)
                        .collect(),
                    description: f[6].to_string(),
                },
            );
        }
    }

    /// Makes sure a peer dictionary's code exists: an unknown code borrows the meaning of its
    /// longest known prefix ("075A" → "075"); `---` and codes with no known prefix get no PLOVER
    /// event ("---") or a generic one, so the coder still emits them.
    pub(crate) fn ensure(&mut self, code: &str) {
        if self.codes.contains_key(code) {
            return;
        }
        let known = (2..code.len())
            .rev()
            .find_map(|k| code.get(..k).and_then(|p| self.codes.get(p)).cloned());
        let info = match known {
            Some(k) => CodeInfo {
                cameo: code.to_string(),
                ..k
            },
            None => CodeInfo {
                cameo: code.to_string(),
                goldstein: 0.0,
                cameo_quad: 0,
                plover_event: if code == "---" {
                    String::new()
                } else {
                    "OTHER".into()
                },
                plover_mode: String::new(),
                contexts: Vec::new(),
                description: "peer dictionary code".into(),
            },
        };
        self.codes.insert(code.to_string(), info);
    }

    pub(crate) fn parse_scale(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            match (f.len(), f.get(2).and_then(|s| s.parse::<f64>().ok())) {
                (3, Some(v)) => {
                    self.scale.insert((f[0].to_string(), f[1].to_string()), v);
                }
                _ => errors.push(LexiconError {
                    file: file.into(),
                    line: n + 1,
                    reason: "expected event<TAB>mode<TAB>score".into(),
                }),
            }
        }
    }
}
