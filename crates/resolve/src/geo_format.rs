//! The compiled gazetteer's layout, shared by `build.rs` (which compiles `data/geo/places.tsv.gz`
//! and `data/geo/regions.txt` into it at build time) and the loader in [`crate::geo`], which uses
//! the compiled tables in place: loading allocates nothing in proportion to the gazetteer.
//!
//! Tables (written to `OUT_DIR`, embedded with `include_bytes!`, native byte order):
//! - `rows.bin`: one [`Row`] per `places.tsv.gz` row, in file order;
//! - `names.fst`: an `fst` map from every name key ([`name_key`]) and every word-prefix of a
//!   multi-word key to a [`pack`]ed candidate range and key flags; prefixes alone have no
//!   candidates;
//! - `candidates.bin`: `u32` candidates, each a row index (with [`PRIMARY`] when the key is the
//!   row's primary name or a reviewed alias) or [`REGION`] + a region index; most prominent first, at most
//!   [`MAX_CANDIDATES`] per key;
//! - `names.bloom`: a blocked Bloom filter of every `names.fst` key ([`bloom_insert`]): most
//!   capitalised words name no place, and one cache line says so sooner than a walk of the index;
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

/// Filter bits per key of `names.bloom` (about 1 % false positives with [`BLOOM_PROBES`]).
pub const BLOOM_BITS_PER_KEY: usize = 12;
/// Bits set per key, all in one 512-bit block.
const BLOOM_PROBES: u64 = 6;

/// Number of 64-bit words of the filter for `keys` keys: a power of two of 512-bit blocks.
pub fn bloom_words(keys: usize) -> usize {
    (keys * BLOOM_BITS_PER_KEY / 512).max(1).next_power_of_two() * 8
}

/// The first word of a key's block and its bits' positions in the block.
fn bloom_probes(filter_words: usize, key: &[u8]) -> (usize, impl Iterator<Item = usize>) {
    let h = twox_hash::XxHash3_64::oneshot(key);
    let blocks = filter_words / 8;
    let block = ((h >> 32) as usize & (blocks - 1)) * 8;
    let step = (h >> 16) | 1;
    (
        block,
        (0..BLOOM_PROBES).map(move |j| (h.wrapping_add(j.wrapping_mul(step)) & 511) as usize),
    )
}

/// Adds a key to a filter of [`bloom_words`] words.
pub fn bloom_insert(filter: &mut [u64], key: &[u8]) {
    let (block, bits) = bloom_probes(filter.len(), key);
    for b in bits {
        filter[block + b / 64] |= 1 << (b % 64);
    }
}

/// False when the key was never added; true when it was (or, rarely, when it was not).
pub fn bloom_may_contain(filter: &[u64], key: &[u8]) -> bool {
    let (block, mut bits) = bloom_probes(filter.len(), key);
    bits.all(|b| filter[block + b / 64] & (1 << (b % 64)) != 0)
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
