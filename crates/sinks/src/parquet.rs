//! The flat rows ([`crate::flat`]) as an Apache Parquet file, through the `parquet` crate's
//! column writers (no Arrow: a much smaller build). Counts are INT64, `goldstein`, `lat` and
//! `lon` DOUBLE, the rest UTF-8 text; empty values are nulls. Rows are buffered and written a
//! row group at a time, so memory stays bounded however many rows are pushed.

use crate::flat::{FlatRow, COLUMNS};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;

/// Rows per row group.
const GROUP: usize = 1 << 16;

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Float,
}

fn kind(column: &str) -> Kind {
    match column {
        "quad_code" | "dead" | "injured" | "sources" | "num_mentions" | "num_articles"
        | "num_sources" => Kind::Int,
        "goldstein" | "lat" | "lon" => Kind::Float,
        _ => Kind::Text,
    }
}

fn schema() -> String {
    let fields: String = COLUMNS
        .iter()
        .map(|c| match kind(c) {
            Kind::Text => format!("OPTIONAL BYTE_ARRAY {c} (UTF8);"),
            Kind::Int => format!("OPTIONAL INT64 {c};"),
            Kind::Float => format!("OPTIONAL DOUBLE {c};"),
        })
        .collect();
    format!("message event {{ {fields} }}")
}

/// Writes flat rows to `out` as one Parquet file: [`push`](Self::push) rows, then
/// [`finish`](Self::finish).
pub struct FlatParquet<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    rows: Vec<FlatRow>,
}

impl<W: Write + Send> FlatParquet<W> {
    /// Starts the file (Snappy-compressed columns).
    pub fn new(out: W) -> Result<Self> {
        let schema = Arc::new(parse_message_type(&schema())?);
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build(),
        );
        Ok(FlatParquet {
            writer: SerializedFileWriter::new(out, schema, props)?,
            rows: Vec::new(),
        })
    }

    /// Adds one row (a row group is written every 65,536 rows).
    pub fn push(&mut self, row: FlatRow) -> Result<()> {
        self.rows.push(row);
        if self.rows.len() >= GROUP {
            self.write_group()?;
        }
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn finish(mut self) -> Result<W> {
        self.write_group()?;
        self.writer.into_inner()
    }

    fn write_group(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let group = std::mem::take(&mut self.rows);
        let mut rg = self.writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut col) = rg.next_column()? {
            let cells = group.iter().map(|r| r[column].as_str());
            let defs: Vec<i16> = cells.clone().map(|v| i16::from(!v.is_empty())).collect();
            let present = cells.filter(|v| !v.is_empty());
            let name = COLUMNS[column];
            match kind(name) {
                Kind::Text => {
                    let values: Vec<ByteArray> = present.map(ByteArray::from).collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, Some(&defs), None)?;
                }
                Kind::Int => {
                    let values: Vec<i64> =
                        present.map(|v| number(name, v)).collect::<Result<_>>()?;
                    col.typed::<Int64Type>()
                        .write_batch(&values, Some(&defs), None)?;
                }
                Kind::Float => {
                    let values: Vec<f64> =
                        present.map(|v| number(name, v)).collect::<Result<_>>()?;
                    col.typed::<DoubleType>()
                        .write_batch(&values, Some(&defs), None)?;
                }
            }
            col.close()?;
            column += 1;
        }
        rg.close()?;
        Ok(())
    }
}

fn number<T: FromStr>(column: &str, v: &str) -> Result<T> {
    v.parse()
        .map_err(|_| ParquetError::General(format!("column {column}: {v:?} is not a number")))
}

/// Writes `rows` as one Parquet file.
pub fn write_parquet<W: Write + Send>(
    rows: impl IntoIterator<Item = FlatRow>,
    out: W,
) -> Result<W> {
    let mut file = FlatParquet::new(out)?;
    for row in rows {
        file.push(row)?;
    }
    file.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flat::{flat_row, Reach};
    use eventwire_model::{Event, Location};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    #[test]
    fn rows_read_back_with_types_and_nulls() {
        let located = Event {
            id: "a-1-1".into(),
            quad_code: 4,
            event_loc: Some(Location {
                lat: 40.5,
                lon: 47.25,
                ..Default::default()
            }),
            ..Default::default()
        };
        let bare = Event {
            id: "a-2-1".into(),
            ..Default::default()
        };
        let reach = Reach {
            sources: 3,
            ..Default::default()
        };
        let rows = [flat_row(&located, &reach), flat_row(&bare, &reach)];
        let bytes = write_parquet(rows, Vec::new()).unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let read: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let get = |row: usize, name: &str| {
            read[row]
                .get_column_iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, f)| f.clone())
                .unwrap()
        };
        assert_eq!(get(0, "id"), Field::Str("a-1-1".into()));
        assert_eq!(get(0, "quad_code"), Field::Long(4));
        assert_eq!(get(0, "lat"), Field::Double(40.5));
        assert_eq!(get(1, "lat"), Field::Null);
        assert_eq!(get(1, "sources"), Field::Long(3));
        assert_eq!(get(1, "url"), Field::Null);
    }
}
