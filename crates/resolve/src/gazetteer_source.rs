//! The line grammar of the gazetteer's source files (`data/geo/places.tsv.gz`, `regions.txt`,
//! `aliases.tsv`; described in `data/geo/README.md`). `build.rs` includes this module to compile
//! the files, the library to read the regions and the fuzz target to check that no line panics:
//! every function returns the line's fields or the reason it is bad (callers add file and line).

/// One row of `places.tsv.gz`: a country, an admin unit or a populated place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceLine<'a> {
    /// GeoNames id.
    pub geonameid: u32,
    /// Primary name (at most 65,535 bytes).
    pub name: &'a str,
    /// Latitude, -90 to 90.
    pub lat: f32,
    /// Longitude, -180 to 180.
    pub lon: f32,
    /// Feature class `P` (a populated place), else `A` (a country or admin unit).
    pub populated: bool,
    /// GeoNames feature code (`PCLI`, `ADM1`, `PPLC`, …; may be empty).
    pub feature_code: &'a str,
    /// ISO alpha-2.
    pub cc2: &'a str,
    /// ISO alpha-3.
    pub cc3: &'a str,
    /// ADM1 code within the country (empty for countries).
    pub admin1: &'a str,
    /// ADM2 code within the ADM1 (may be empty).
    pub admin2: &'a str,
    /// Population, saturated at `u32::MAX`.
    pub population: u32,
    /// Alternate-name count, saturated at `u16::MAX`.
    pub alt_count: u16,
    /// Searchable names, `|`-separated (see [`PlaceLine::names`]).
    pub names: &'a str,
    /// The point is the parent unit's (`coord_src = p`).
    pub approximate: bool,
}

impl<'a> PlaceLine<'a> {
    /// The searchable names.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.names.split('|').filter(|s| !s.is_empty())
    }
}

/// Parses one row of `places.tsv.gz` (15 tab-separated fields).
pub fn parse_place_line(line: &str) -> Result<PlaceLine<'_>, String> {
    let f: Vec<&str> = line.split('\t').collect();
    let [gid, name, _ascii, lat, lon, class, code, cc2, cc3, a1, a2, pop, alts, names, src] = f[..]
    else {
        return Err(format!(
            "expected 15 tab-separated fields, found {}",
            f.len()
        ));
    };
    let whole = |s: &str, what: &str| {
        s.parse::<u64>()
            .map_err(|_| format!("{what} {s:?} is not a whole number"))
    };
    if name.len() > usize::from(u16::MAX) {
        return Err("name longer than 65,535 bytes".into());
    }
    let populated = match class {
        "P" => true,
        "A" => false,
        _ => return Err(format!("feature class {class:?} is neither P nor A")),
    };
    if !(cc2.len() == 2 && cc3.len() == 3) {
        return Err(format!(
            "country codes {cc2:?} {cc3:?} are not 2 and 3 letters"
        ));
    }
    let approximate = match src {
        "p" => true,
        "g" | "c" | "k" | "w" => false,
        _ => return Err(format!("coord_src {src:?} is not one of g, c, k, w, p")),
    };
    Ok(PlaceLine {
        geonameid: u32::try_from(whole(gid, "geonameid")?)
            .map_err(|_| format!("geonameid {gid} is too large"))?,
        name,
        lat: degrees(lat, "lat", 90.0)?,
        lon: degrees(lon, "lon", 180.0)?,
        populated,
        feature_code: code,
        cc2,
        cc3,
        admin1: a1,
        admin2: a2,
        population: whole(pop, "population")?.min(u64::from(u32::MAX)) as u32,
        alt_count: whole(alts, "alt_count")?.min(u64::from(u16::MAX)) as u16,
        names,
        approximate,
    })
}

/// A coordinate within ±`limit` degrees.
fn degrees(s: &str, what: &str, limit: f32) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(x) if (-limit..=limit).contains(&x) => Ok(x),
        Ok(_) => Err(format!("{what} {s:?} is outside ±{limit}")),
        Err(_) => Err(format!("{what} {s:?} is not a number")),
    }
}

/// One line of `regions.txt`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionLine<'a> {
    /// Stable id (`[a-z0-9-]+`).
    pub id: &'a str,
    /// Names, canonical first; at least one.
    pub names: Vec<&'a str>,
    /// Alpha-3 codes.
    pub countries: Vec<&'a str>,
    /// Representative point.
    pub lat: f32,
    /// Representative point.
    pub lon: f32,
}

/// Parses one line of `regions.txt`: `ID | names | countries | admin units | lat | lon | note`.
pub fn parse_region_line(line: &str) -> Result<RegionLine<'_>, String> {
    let f: Vec<&str> = line.split('|').map(str::trim).collect();
    if f.len() != 7 {
        return Err(format!(
            "expected 7 fields separated by '|', found {}",
            f.len()
        ));
    }
    let id = f[0];
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("id {id:?} is not made of a-z, 0-9 and '-'"));
    }
    let names: Vec<&str> = f[1]
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err("no names".into());
    }
    Ok(RegionLine {
        id,
        names,
        countries: f[2]
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "-")
            .collect(),
        lat: degrees(f[4], "lat", 90.0)?,
        lon: degrees(f[5], "lon", 180.0)?,
    })
}

/// Parses every region of `regions.txt` (`#` comments and blank lines skipped); an error names
/// the line and the reason.
pub fn parse_regions(text: &str) -> Result<Vec<RegionLine<'_>>, String> {
    content_lines(text)
        .map(|(n, line)| parse_region_line(line).map_err(|why| format!("regions.txt:{n}: {why}")))
        .collect()
}

/// Parses one line of `aliases.tsv`: `geonameid TAB alias`.
pub fn parse_alias_line(line: &str) -> Result<(u32, &str), String> {
    let Some((gid, alias)) = line.split_once('\t') else {
        return Err("expected geonameid TAB alias".into());
    };
    let (gid, alias) = (gid.trim(), alias.trim());
    if alias.is_empty() || alias.contains('\t') {
        return Err("expected one non-empty alias after the tab".into());
    }
    let gid = gid
        .parse::<u32>()
        .map_err(|_| format!("geonameid {gid:?} is not a whole number below 2^32"))?;
    Ok((gid, alias))
}

/// The lines of a source file that hold data, with their 1-based numbers: not blank, not a `#`
/// comment.
pub fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KYIV: &str = "703448\tKyiv\tKyiv\t50.45466\t30.5238\tP\tPPLC\tUA\tUKR\t12\t\t2797553\t400\tKyiv|Kiev|Kyjiw\tg";

    #[test]
    fn a_place_row_parses_and_bad_rows_say_why() {
        let p = parse_place_line(KYIV).unwrap();
        assert_eq!(
            (p.geonameid, p.name, p.cc3, p.populated),
            (703448, "Kyiv", "UKR", true)
        );
        assert_eq!(p.names().collect::<Vec<_>>(), ["Kyiv", "Kiev", "Kyjiw"]);
        let short = parse_place_line("703448\tKyiv").unwrap_err();
        assert_eq!(short, "expected 15 tab-separated fields, found 2");
        let far = parse_place_line(&KYIV.replace("50.45466", "95")).unwrap_err();
        assert_eq!(far, "lat \"95\" is outside ±90");
        let nan = parse_place_line(&KYIV.replace("30.5238", "NaN")).unwrap_err();
        assert_eq!(nan, "lon \"NaN\" is outside ±180");
        let pop = parse_place_line(&KYIV.replace("2797553", "-1")).unwrap_err();
        assert_eq!(pop, "population \"-1\" is not a whole number");
        let class = parse_place_line(&KYIV.replace("\tP\t", "\tX\t")).unwrap_err();
        assert_eq!(class, "feature class \"X\" is neither P nor A");
    }

    #[test]
    fn region_and_alias_lines() {
        let r = parse_region_line("donbas | Donbas; Donbass | UKR | UA.05 | 48.0 | 38.0 | note")
            .unwrap();
        assert_eq!((r.id, r.names.len(), r.countries[0]), ("donbas", 2, "UKR"));
        let err = parse_regions("# c\n\nDonbas | Donbas | UKR | - | 48 | 38 | n\n").unwrap_err();
        assert_eq!(
            err,
            "regions.txt:3: id \"Donbas\" is not made of a-z, 0-9 and '-'"
        );
        assert_eq!(
            parse_alias_line("146970\tStepanakert"),
            Ok((146970, "Stepanakert"))
        );
        assert_eq!(
            parse_alias_line("Stepanakert"),
            Err("expected geonameid TAB alias".into())
        );
        assert!(parse_alias_line("x\tKiev").unwrap_err().contains("\"x\""));
    }
}
