//! Compiles the gazetteer (`data/geo/places.tsv.gz`, `data/geo/regions.txt`) into the tables of
//! `src/geo_format.rs`, which the crate embeds and uses in place. A bad line stops the build with
//! its file, line and reason.

#[path = "src/gazetteer_source.rs"]
#[allow(dead_code)]
mod gazetteer_source;
#[path = "src/geo_format.rs"]
#[allow(dead_code)]
mod geo_format;

use geo_format::{
    name_key, name_slots, names_insert, pack, Row, APPROXIMATE, MAX_CANDIDATES, NAMES_COUNTRY,
    NAMES_MAJOR, NAMES_PROMINENT, NONE, POPULATED, PREFIX, PRIMARY, REGION,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

const PLACES: &str = "../../data/geo/places.tsv.gz";
const REGIONS: &str = "../../data/geo/regions.txt";
const ALIASES: &str = "../../data/geo/aliases.tsv";

/// Index of `key` in a table, added at the end when new.
fn intern(map: &mut HashMap<String, u32>, table: &mut Vec<String>, key: &str) -> u32 {
    if let Some(&i) = map.get(key) {
        return i;
    }
    let i = table.len() as u32;
    map.insert(key.to_string(), i);
    table.push(key.to_string());
    i
}

fn main() {
    println!("cargo:rerun-if-changed={PLACES}");
    println!("cargo:rerun-if-changed={REGIONS}");
    println!("cargo:rerun-if-changed={ALIASES}");
    println!("cargo:rerun-if-changed=src/geo_format.rs");
    println!("cargo:rerun-if-changed=src/gazetteer_source.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = compile(&out) {
        panic!("{e}");
    }
}

fn compile(out: &Path) -> Result<(), String> {
    let gz = std::fs::read(PLACES).map_err(|e| format!("{PLACES}: {e}"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .map_err(|e| format!("{PLACES}: {e}"))?;

    // Reviewed names ("Kyiv", "Mykolaiv") count as a place's own name, like its primary name.
    let aliases_text = std::fs::read_to_string(ALIASES).map_err(|e| format!("{ALIASES}: {e}"))?;
    let mut reviewed: HashMap<u32, Vec<String>> = HashMap::new();
    for (n, line) in gazetteer_source::content_lines(&aliases_text) {
        let (gid, alias) = gazetteer_source::parse_alias_line(line)
            .map_err(|why| format!("aliases.tsv:{n}: {why}"))?;
        reviewed.entry(gid).or_default().push(name_key(alias));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(260_000);
    let mut strings = String::new();
    let mut names: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let (mut country_ids, mut countries) = (HashMap::new(), Vec::<String>::new());
    let mut country_rows: Vec<u32> = Vec::new();
    let (mut feature_ids, mut features) = (HashMap::new(), Vec::<String>::new());
    let (mut admin1_ids, mut admin1_keys) = (HashMap::new(), Vec::<String>::new());
    let (mut admin2_ids, mut admin2_keys) = (HashMap::new(), Vec::<String>::new());
    let mut admin1_rows: Vec<u32> = Vec::new();
    let mut admin2_rows: Vec<u32> = Vec::new();
    let mut prominence: Vec<f32> = Vec::with_capacity(260_000);
    // What detection asks of a name's candidates, by row: country, major, prominent.
    let mut row_flags: Vec<u8> = Vec::with_capacity(260_000);
    for (n, line) in gazetteer_source::content_lines(&text) {
        let bad = |why: String| format!("places.tsv.gz:{n}: {why}");
        let place = gazetteer_source::parse_place_line(line).map_err(bad)?;
        let (gid, name, code, cc2, cc3) = (
            place.geonameid,
            place.name,
            place.feature_code,
            place.cc2,
            place.cc3,
        );
        let (a1, a2) = (place.admin1, place.admin2);
        let i = rows.len() as u32;
        let country = intern(&mut country_ids, &mut countries, &format!("{cc2}\t{cc3}"));
        country_rows.resize(countries.len(), NONE);
        let feature = intern(&mut feature_ids, &mut features, code);
        if features.len() > 256 {
            return Err(bad("more than 256 feature codes".into()));
        }
        let admin1 = if a1.is_empty() {
            NONE
        } else {
            intern(&mut admin1_ids, &mut admin1_keys, &format!("{cc2}.{a1}"))
        };
        admin1_rows.resize(admin1_keys.len(), NONE);
        let admin2 = if a2.is_empty() {
            NONE
        } else {
            intern(
                &mut admin2_ids,
                &mut admin2_keys,
                &format!("{cc2}.{a1}.{a2}"),
            )
        };
        admin2_rows.resize(admin2_keys.len(), NONE);
        match code {
            "PCLI" => country_rows[country as usize] = i,
            "ADM1" if admin1 != NONE => admin1_rows[admin1 as usize] = i,
            "ADM2" if admin2 != NONE => admin2_rows[admin2 as usize] = i,
            _ => {}
        }
        let population = place.population;
        rows.push(Row {
            geonameid: gid,
            lat: place.lat,
            lon: place.lon,
            population,
            name_start: strings.len() as u32,
            admin1,
            admin2,
            alt_count: place.alt_count,
            country: country as u16,
            name_len: name.len() as u16,
            feature: feature as u8,
            flags: if place.populated { POPULATED } else { 0 }
                | if place.approximate { APPROXIMATE } else { 0 },
        });
        strings.push_str(name);
        let major = matches!(code, "PCLI" | "ADM1" | "PPLC");
        row_flags.push(
            if code == "PCLI" { NAMES_COUNTRY } else { 0 }
                | if major { NAMES_MAJOR } else { 0 }
                | if major || population >= 100_000 {
                    NAMES_PROMINENT
                } else {
                    0
                },
        );
        let bonus = match code {
            "PCLI" => 30.0,
            "ADM1" | "PPLC" => 8.0,
            "PPLA" => 5.0,
            _ => 0.0,
        };
        prominence.push(
            bonus + (population as f32 + 1.0).ln() + 1.5 * (f32::from(place.alt_count) + 1.0).ln(),
        );
        let primary = name_key(name);
        let own = reviewed.get(&gid).map_or(&[][..], |v| v.as_slice());
        for alt in place.names() {
            let key = name_key(alt);
            let flag = if key == primary || own.contains(&key) {
                PRIMARY
            } else {
                0
            };
            let v = names.entry(key).or_default();
            match v.iter_mut().find(|c| **c & !PRIMARY == i) {
                Some(c) => *c |= flag,
                None => v.push(i | flag),
            }
        }
    }
    if countries.len() > usize::from(u16::MAX) {
        return Err(format!("{PLACES}: more than 65,535 countries"));
    }

    let regions_text = std::fs::read_to_string(REGIONS).map_err(|e| format!("{REGIONS}: {e}"))?;
    let regions = gazetteer_source::parse_regions(&regions_text)?;
    for (r, region) in regions.iter().enumerate() {
        for name in &region.names {
            names
                .entry(name_key(name))
                .or_default()
                .insert(0, REGION | r as u32);
        }
    }

    // Every word-prefix of a multi-word key ("new" of "new york"), and a key's stem before a final
    // period ("ky" of "ky."), so detection stops as soon as no longer name can follow.
    let mut prefixes: Vec<String> = Vec::new();
    for key in names.keys() {
        if let Some(stem) = key.strip_suffix('.') {
            prefixes.push(stem.to_string());
        }
        prefixes.extend(key.match_indices(' ').map(|(at, _)| key[..at].to_string()));
    }
    let mut entries: BTreeMap<String, (Vec<u32>, bool)> =
        names.into_iter().map(|(k, v)| (k, (v, false))).collect();
    for p in prefixes {
        entries.entry(p).or_default().1 = true;
    }

    // Each key's most prominent candidates, most prominent first: ranking then costs the same for
    // "Washington" as for "Xankandi".
    let rank = |c: u32| {
        if c & REGION != 0 {
            f32::MAX
        } else {
            prominence[(c & !PRIMARY) as usize]
        }
    };
    let mut candidates: Vec<u32> = Vec::new();
    let mut table = vec![[0u64; 2]; name_slots(entries.len())];
    for (key, (mut cands, prefix)) in entries {
        cands.sort_by(|a, b| rank(*b).total_cmp(&rank(*a)));
        cands.truncate(MAX_CANDIDATES);
        let mut flags = if prefix { PREFIX } else { 0 };
        for &c in &cands {
            flags |= if c & REGION != 0 {
                NAMES_COUNTRY | NAMES_MAJOR | NAMES_PROMINENT
            } else {
                row_flags[(c & !PRIMARY) as usize]
            };
        }
        names_insert(
            &mut table,
            key.as_bytes(),
            pack(candidates.len(), cands.len(), flags),
        )?;
        candidates.extend(cands);
    }

    let write = |file: &str, bytes: &[u8]| {
        std::fs::write(out.join(file), bytes)
            .map_err(|e| format!("{}: {e}", out.join(file).display()))
    };
    write("rows.bin", bytemuck::cast_slice(&rows))?;
    write("names.bin", bytemuck::cast_slice(&table))?;
    write("candidates.bin", bytemuck::cast_slice(&candidates))?;
    write("admin1.bin", bytemuck::cast_slice(&admin1_rows))?;
    write("admin2.bin", bytemuck::cast_slice(&admin2_rows))?;
    write("strings.txt", strings.as_bytes())?;
    let mut table = String::new();
    for (c, row) in countries.iter().zip(&country_rows) {
        table.push_str(c);
        table.push('\t');
        if *row != NONE {
            table.push_str(&row.to_string());
        }
        table.push('\n');
    }
    write("countries.tsv", table.as_bytes())?;
    write("features.txt", (features.join("\n") + "\n").as_bytes())?;
    Ok(())
}
