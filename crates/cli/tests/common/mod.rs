//! Inputs shared by the CLI's test files.

/// A Louisiana paper's four articles as JSONL (ids t0–t3, URLs on one host): three name
/// Louisiana places, the fourth (t3, an arrest) only a bare "Jena", which is in Germany unless
/// the outlet's home is known.
pub fn local_paper_jsonl() -> String {
    let stories = [
        "The council met in Shreveport, Louisiana, on Monday.",
        "Floods closed roads in Lafayette and Baton Rouge.",
        "A fire in Monroe, La., destroyed a barn.",
        "Police arrested two protesters in Jena on Monday.",
    ];
    stories
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let a = serde_json::json!({"id": format!("t{i}"), "title": "", "text": t,
                "published": "2009-03-20", "url": format!("https://www.towntalk.example/{i}")});
            format!("{a}\n")
        })
        .collect()
}
