//! Coder behaviour in a table: one sentence, the event it must yield, and the fields that matter.
//! These need no shared data.
use eventwire_coder::Coder;
use eventwire_model::{Article, Event};
use std::sync::OnceLock;

fn coder() -> &'static Coder {
    static C: OnceLock<Coder> = OnceLock::new();
    C.get_or_init(Coder::bundled)
}

struct Case {
    text: &'static str,
    published: &'static str,
    event: &'static str,
    actor: &'static str,
    recipient: &'static str,
    mode: &'static str,
    date: &'static str,
}

const CASES: &[Case] = &[
    Case {
        text: "Russian troops shelled Ukrainian positions on Monday.",
        published: "2024-03-06",
        event: "ASSAULT",
        actor: "RUS MIL",
        recipient: "UKR",
        mode: "",
        date: "2024-03-04",
    },
    Case {
        text: "Ukrainian positions were shelled by Russian troops on Monday.",
        published: "2024-03-06",
        event: "ASSAULT",
        actor: "RUS MIL",
        recipient: "UKR",
        mode: "",
        date: "2024-03-04",
    },
    Case {
        text: "Israel did not attack Lebanon, the army said.",
        published: "2024-03-06",
        event: "ASSAULT",
        actor: "ISR",
        recipient: "LBN",
        mode: "negation",
        date: "",
    },
    Case {
        text: "Armenia accused Azerbaijan of shelling border villages.",
        published: "2023-09-20",
        event: "ACCUSE",
        actor: "ARM",
        recipient: "AZE",
        mode: "",
        date: "",
    },
    Case {
        text: "Police arrested dozens of protesters in Tbilisi on Sunday.",
        published: "2024-05-01",
        event: "COERCE",
        actor: "COP",
        recipient: "CVL",
        mode: "arrest",
        date: "2024-04-28",
    },
    Case {
        text: "The European Union imposed new sanctions on Iran yesterday.",
        published: "2022-10-20",
        event: "COERCE",
        actor: "EUR",
        recipient: "IRN",
        mode: "",
        date: "2022-10-19",
    },
    Case {
        text: "Russia could invade Moldova, officials warned.",
        published: "2024-01-10",
        event: "THREATEN",
        actor: "RUS",
        recipient: "MDA",
        mode: "hypothetical",
        date: "",
    },
    Case {
        text: "The Kremlin rejected the criticism on Wednesday.",
        published: "2023-09-20",
        event: "REJECT",
        actor: "RUS GOV",
        recipient: "",
        mode: "",
        date: "2023-09-20",
    },
    Case {
        text: "Baku's army smashed through separatist lines.",
        published: "2023-09-20",
        event: "ASSAULT",
        actor: "AZE MIL",
        recipient: "",
        mode: "",
        date: "",
    },
    Case {
        text: "Protesters demanded the resignation of Prime Minister Nikol Pashinyan.",
        published: "2023-09-21",
        event: "REQUEST",
        actor: "CVL",
        recipient: "ARM GOV",
        mode: "change",
        date: "",
    },
    Case {
        text: "Egypt and Qatar will host talks between Israel and Hamas next week.",
        published: "2024-01-10",
        event: "AGREE",
        actor: "EGY",
        recipient: "",
        mode: "",
        date: "2024-01-17",
    },
    Case {
        text: "Vladimir Putin met Xi Jinping in Beijing in 2019.",
        published: "2024-01-10",
        event: "CONSULT",
        actor: "RUS GOV",
        recipient: "CHN GOV",
        mode: "historical",
        date: "2019-01-01",
    },
];

fn entity_matches(got: &[eventwire_model::Entity], want: &str) -> bool {
    if want.is_empty() {
        return true;
    }
    let mut parts = want.split_whitespace();
    let first = parts.next().unwrap_or("");
    let (code, sector) = if first.len() == 3
        && first.chars().all(|c| c.is_ascii_uppercase())
        && !["MIL", "GOV", "COP", "CVL", "REB", "OPP"].contains(&first)
    {
        (first.to_string(), parts.collect::<Vec<_>>().join(" "))
    } else {
        (String::new(), want.to_string())
    };
    got.iter()
        .any(|e| (code.is_empty() || e.code == code) && (sector.is_empty() || e.sector == sector))
}

fn describe(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| {
            format!(
                "{:?} {} {:?} actor={:?} recipient={:?} {}",
                e.event,
                e.ew.cameo,
                e.mode,
                e.actor
                    .iter()
                    .map(|a| format!("{} {}", a.code, a.sector))
                    .collect::<Vec<_>>(),
                e.recipient
                    .iter()
                    .map(|a| format!("{} {}", a.code, a.sector))
                    .collect::<Vec<_>>(),
                e.date
            )
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

#[test]
fn table() {
    let mut failures = Vec::new();
    for c in CASES {
        let events = coder()
            .code(&Article::new("case", "", c.text, c.published))
            .unwrap();
        let ok = events.iter().any(|e| {
            e.event == [c.event]
                && entity_matches(&e.actor, c.actor)
                && entity_matches(&e.recipient, c.recipient)
                && (c.mode.is_empty() || e.mode.iter().any(|m| m == c.mode))
                && (c.date.is_empty() || e.date == c.date)
        });
        if !ok {
            failures.push(format!(
                "{:?}\n  want {} {} -> {} [{}] {}\n  got  {}",
                c.text,
                c.event,
                c.actor,
                c.recipient,
                c.mode,
                c.date,
                describe(&events)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn page_furniture_yields_nothing() {
    let a = Article::new("f", "", "Also read: Blinken demands that Azerbaijan open a corridor\nReporting by Jane Doe; Editing by John Roe\nPhoto: Russian troops shell a village", "2023-09-20");
    let events = coder().code(&a).unwrap();
    assert!(events.is_empty(), "{}", describe(&events));
}

#[test]
fn office_holders_follow_the_publication_date() {
    let code_of = |published: &str| {
        let a = Article::new(
            "d",
            "",
            "Foreign Minister Sergei Lavrov accused Ukraine of sabotage.",
            published,
        );
        coder()
            .code(&a)
            .unwrap()
            .into_iter()
            .find(|e| e.event == ["ACCUSE"])
            .map(|e| (e.actor[0].code.clone(), e.actor[0].sector.clone()))
    };
    assert_eq!(code_of("2015-06-01"), Some(("RUS".into(), "GOV".into())));
    // Before he took office in 2004 he is still Russian, but not the government.
    assert_eq!(code_of("1998-06-01"), Some(("RUS".into(), "ELI".into())));
}
