//! The compiled gazetteer's layout, shared by `build.rs` (which compiles `data/geo/places.tsv.gz`
//! and `data/geo/regions.txt` into it at build time) and the loader in [`crate::geo`], which uses
//! the compiled tables in place: loading allocates nothing in proportion to the gazetteer.
//!
//! Tables (written to `OUT_DIR`, embedded with `include_bytes!`, native byte order):
//! - `rows.bin`: one [`Row`] per `places.tsv.gz` row, in file order;
//! - `names.bin`: a hash table ([`names_get`]) from every name key ([`name_key`]) and every
//!   word-prefix of a multi-word key to a [`pack`]ed candidate range and key flags; prefixes alone
//!   have no candidates. One probe of one cache line answers most lookups, found or not (an `fst`
//!   map, a third of the size, walked a dozen scattered nodes per name found);
//! - `candidates.bin`: `u32` candidates, each a row index (with [`PRIMARY`] when the key is the
//!   row's primary name or a reviewed alias) or [`REGION`] + a region index; most prominent first, at most
//!   [`MAX_CANDIDATES`] per key;
//! - `admin1.bin`, `admin2.bin`: for each admin key ("UA.05", "US.KY.067") the row index of its
//!   unit, or [`NONE`];
//! - `strings.txt`: primary names, concatenated; `countries.tsv` (`cc2 TAB cc3 TAB row`, row empty
//!   when the country has no row) and `features.txt` (one feature code a line), indexed by
//!   [`Row::country`] and [`Row::feature`].

/// One gazetteer row, 36 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Row {
    /// GeoNames id.
    pub geonameid: u32,
    /// Latitude.
    pub lat: f32,
    /// Longitude.
    pub lon: f32,
    /// Population (a lower bound for admin units).
    pub population: u32,
    /// Byte offset of the primary name in `strings.txt`.
    pub name_start: u32,
    /// Index of the row's ADM1 key in `admin1.bin`, or [`NONE`].
    pub admin1: u32,
    /// Index of the row's ADM2 key in `admin2.bin`, or [`NONE`].
    pub admin2: u32,
    /// Alternate-name count, saturated at `u16::MAX`.
    pub alt_count: u16,
    /// Line of the country in `countries.tsv`.
    pub country: u16,
    /// Byte length of the primary name.
    pub name_len: u16,
    /// Line of the feature code in `features.txt`.
    pub feature: u8,
    /// [`POPULATED`], [`APPROXIMATE`].
    pub flags: u8,
}

/// [`Row::flags`]: GeoNames feature class `P` (else `A`).
pub const POPULATED: u8 = 1;
/// [`Row::flags`]: the point is the parent unit's (`coord_src = p`).
pub const APPROXIMATE: u8 = 2;
/// No row / no admin key.
pub const NONE: u32 = u32::MAX;
/// Candidate bit: a curated region, the low bits index `regions.txt`'s regions.
pub const REGION: u32 = 1 << 31;
/// Candidate bit: the key is the row's primary name or a reviewed alias (`aliases.tsv`), not
/// one of GeoNames' alternate names.
pub const PRIMARY: u32 = 1 << 30;
/// Candidates kept per key.
pub const MAX_CANDIDATES: usize = 25;

/// Key flag: longer keys continue this one ("new" → "new york").
pub const PREFIX: u8 = 1;
/// Key flag: a candidate is a country or a curated region.
pub const NAMES_COUNTRY: u8 = 2;
/// Key flag: a candidate is a country, region, province or capital.
pub const NAMES_MAJOR: u8 = 4;
/// Key flag: a candidate is major or a place of 100,000 or more.
pub const NAMES_PROMINENT: u8 = 8;

/// Packs a key's candidate range and its flags ([`PREFIX`], [`NAMES_COUNTRY`], …).
pub fn pack(start: usize, count: usize, flags: u8) -> u64 {
    ((start as u64) << 16) | (u64::from(flags) << 8) | count as u64
}

/// Unpacks [`pack`]: (start, count, flags).
pub fn unpack(v: u64) -> (usize, usize, u8) {
    ((v >> 16) as usize, (v & 0xff) as usize, (v >> 8) as u8)
}

/// Slots of the names table for `keys` keys: a power of two, at most two-thirds full.
pub fn name_slots(keys: usize) -> usize {
    (keys * 3 / 2 + 1).next_power_of_two()
}

/// A key's 64-bit fingerprint in the names table (never 0, which marks an empty slot). Two keys
/// of the gazetteer never share one (the build checks); a word that is no key shares one with a
/// key with odds of about one in 10^18 per lookup.
fn name_hash(key: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(key).max(1)
}

/// Adds a key and its [`pack`]ed value to a names table of [`name_slots`] `[fingerprint, value]`
/// slots (open addressing, linear probing). Fails when another key has the same fingerprint.
pub fn names_insert(table: &mut [[u64; 2]], key: &[u8], value: u64) -> Result<(), String> {
    let h = name_hash(key);
    let mask = table.len() - 1;
    let mut i = h as usize & mask;
    loop {
        match table[i][0] {
            0 => {
                table[i] = [h, value];
                return Ok(());
            }
            f if f == h => {
                return Err(format!(
                    "names table: {:?} has the fingerprint of another key",
                    String::from_utf8_lossy(key)
                ))
            }
            _ => i = (i + 1) & mask,
        }
    }
}

/// The [`pack`]ed value of a key in a names table, if it holds the key: one probe of one cache
/// line for most keys, present or not.
pub fn names_get(table: &[[u64; 2]], key: &[u8]) -> Option<u64> {
    let h = name_hash(key);
    let mask = table.len() - 1;
    let mut i = h as usize & mask;
    loop {
        match table[i] {
            [0, _] => return None,
            [f, v] if f == h => return Some(v),
            _ => i = (i + 1) & mask,
        }
    }
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
        push_words(&eventwire_text::normalize(s));
    }
    out
}
