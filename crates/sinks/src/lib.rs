//! Where events go. A [`Sink`] is pushed one event at a time (ripgrep's push model): only
//! [`Sink::event`] is required, and returning `Ok(false)` stops the run. [`flat`] gives an
//! event as 30 flat columns (CSV and Parquet exports) and [`parquet`] writes those rows as a
//! Parquet file.
//!
//! ```
//! use eventwire_sinks::{PloverJsonl, Sink};
//! let mut out = Vec::new();
//! let mut sink = PloverJsonl::new(&mut out);
//! sink.event(&eventwire_model::Event { event: vec!["ASSAULT".into()], ..Default::default() }).unwrap();
//! sink.finish().unwrap();
//! drop(sink);
//! assert!(String::from_utf8(out).unwrap().contains("\"ASSAULT\""));
//! ```
#![deny(missing_docs)]

pub mod flat;
pub mod parquet;

pub use crate::flat::{flat_row, FlatRow, Reach};
pub use crate::parquet::{write_parquet, FlatParquet};
use eventwire_model::{Entity, Event};
use std::io::{self, Write};

/// Receives events.
pub trait Sink {
    /// Takes one event; `Ok(false)` asks the caller to stop.
    fn event(&mut self, event: &Event) -> io::Result<bool>;
    /// Flushes what is buffered.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// PLOVER JSONL, one event per line; CAMEO-only events (statements) are skipped.
pub struct PloverJsonl<W: Write> {
    out: io::BufWriter<W>,
}

impl<W: Write> PloverJsonl<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        PloverJsonl {
            out: io::BufWriter::new(out),
        }
    }
}

impl<W: Write> Sink for PloverJsonl<W> {
    fn event(&mut self, event: &Event) -> io::Result<bool> {
        if event.event.is_empty() {
            return Ok(true);
        }
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        Ok(true)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// PETRARCH2-style TSV: `date source target cameo issues ids publisher source_text target_text event_text`.
pub struct CameoTsv<W: Write> {
    out: io::BufWriter<W>,
}

impl<W: Write> CameoTsv<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        CameoTsv {
            out: io::BufWriter::new(out),
        }
    }
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn texts(v: &[Entity]) -> String {
    v.iter()
        .map(|e| clean(&e.entity_text))
        .collect::<Vec<_>>()
        .join("; ")
}

impl<W: Write> Sink for CameoTsv<W> {
    fn event(&mut self, e: &Event) -> io::Result<bool> {
        writeln!(
            self.out,
            "{}\t{}\t{}\t{}\t\t{}\t{}\t{}\t{}\t{}",
            e.date.replace('-', ""),
            e.ew.cameo_actor,
            e.ew.cameo_recipient,
            e.ew.cameo,
            e.id,
            clean(e.cite_info.publication.as_deref().unwrap_or("")),
            texts(&e.actor),
            texts(&e.recipient),
            clean(&e.event_text.join(" ")),
        )?;
        Ok(true)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
