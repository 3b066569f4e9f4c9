//! The gazetteer's source files (`data/geo/places.tsv.gz` rows, `regions.txt`, `aliases.tsv`): any
//! line parses or yields a reason, never a panic, and what parses keeps the grammar's promises.
//! The first byte picks the file.
#![no_main]
use eventwire_resolve::gazetteer_source::{
    content_lines, parse_alias_line, parse_place_line, parse_region_line, parse_regions,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 3 {
        0 => {
            for (_, line) in content_lines(&text) {
                if let Ok(p) = parse_place_line(line) {
                    assert!(p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0, "{p:?}");
                    assert!(p.names().all(|n| !n.is_empty() && !n.contains('|')));
                }
            }
        }
        1 => {
            // The whole file fails at its first bad line, naming it.
            let first_bad = content_lines(&text).find_map(|(n, line)| {
                let why = parse_region_line(line).err()?;
                Some(format!("regions.txt:{n}: {why}"))
            });
            assert_eq!(parse_regions(&text).err(), first_bad);
            for r in parse_regions(&text).unwrap_or_default() {
                assert!(!r.names.is_empty() && !r.id.is_empty(), "{r:?}");
                assert!(r.lat.abs() <= 90.0 && r.lon.abs() <= 180.0, "{r:?}");
            }
        }
        _ => {
            for (_, line) in content_lines(&text) {
                if let Ok((_, alias)) = parse_alias_line(line) {
                    assert!(!alias.is_empty() && !alias.contains('\t'));
                }
            }
        }
    }
});
