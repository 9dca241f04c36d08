//! The devices file: a CSV with a `mac` column and one column per parameter.

use std::collections::HashMap;
use std::path::Path;

use super::BatchError;
use crate::profile::encode::is_keyword;
use crate::table::{Protocols, TagTable};
use crate::text;

/// Largest devices file read: room for over 100,000 devices of 60 parameters.
pub const MAX_DEVICES_BYTES: u64 = crate::io::Limit::DEVICES.bytes;
/// Most columns in a devices file: far above any table's parameter count.
pub const MAX_COLUMNS: usize = 1024;
/// Most device rows: bounds the memory held for rows and their reports.
pub const MAX_ROWS: usize = 1_000_000;
/// The column that names each device.
pub const MAC_COLUMN: &str = "mac";

/// A header name as text: bytes pass through as Latin-1, as the compiler reads names.
pub(super) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) name: Vec<u8>,
    /// What diagnostics name as the "file": `devices.csv, column UID`.
    pub(super) label: std::sync::Arc<str>,
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) record: csv::ByteRecord,
}

/// A parsed devices file whose header was checked against the table.
#[derive(Debug, Clone)]
pub struct Devices {
    /// How messages name the file.
    pub name: String,
    pub(super) columns: Vec<Column>,
    pub(super) mac_column: usize,
    pub(super) rows: Vec<Row>,
    /// The field separator: `,`, or the `;` (or tab) the header row uses instead, as
    /// spreadsheets save "CSV" in locales whose list separator is not a comma.
    pub separator: u8,
}

impl Devices {
    /// Reads a devices file (at most [`MAX_DEVICES_BYTES`]).
    pub fn load(
        path: &Path,
        table: &TagTable,
        protocols: Protocols,
    ) -> Result<Devices, BatchError> {
        let name = path.display().to_string();
        let bytes = text::read_bounded(path, crate::io::Limit::DEVICES).map_err(|source| {
            BatchError::DevicesRead {
                path: name.clone(),
                source,
            }
        })?;
        Devices::parse(&bytes, &name, table, protocols)
    }

    /// Parses CSV bytes. Every header must be `mac`, a parameter of `table` seen by `protocols`,
    /// or a compiler keyword; anything else is refused here, before any row compiles.
    pub fn parse(
        bytes: &[u8],
        name: &str,
        table: &TagTable,
        protocols: Protocols,
    ) -> Result<Devices, BatchError> {
        let path = name.to_string();
        // Spreadsheets often save a UTF-8 byte-order mark; it is not part of the first name.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let separator = text::csv_separator(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let csv_err = |e: csv::Error| BatchError::Csv {
            path: path.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        };
        let mut header = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut header).map_err(csv_err)? {
            return Err(BatchError::NoHeader { path });
        }
        if header.len() > MAX_COLUMNS {
            return Err(BatchError::TooManyColumns {
                path,
                count: header.len(),
                limit: MAX_COLUMNS,
            });
        }
        let mut columns: Vec<Column> = Vec::with_capacity(header.len());
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut mac_column = None;
        let mut unknown = Vec::new();
        for (index, raw) in header.iter().enumerate() {
            let number = index + 1;
            let name_bytes = raw.trim_ascii().to_vec();
            if name_bytes.is_empty() {
                return Err(BatchError::EmptyColumnName {
                    path,
                    column: number,
                });
            }
            let text = latin1(&name_bytes);
            if let Some(first) = seen.insert(name_bytes.to_ascii_lowercase(), number) {
                return Err(BatchError::DuplicateColumn {
                    path,
                    name: text,
                    first,
                    second: number,
                });
            }
            if text.eq_ignore_ascii_case(MAC_COLUMN) {
                mac_column = Some(index);
            } else if !is_keyword(&name_bytes) && table.by_name(&text, protocols).is_none() {
                unknown.push((text.clone(), number));
            }
            columns.push(Column {
                label: format!("{name}, column {text}").into(),
                name: name_bytes,
            });
        }
        if !unknown.is_empty() {
            return Err(BatchError::UnknownColumns {
                path,
                columns: unknown,
                protocols,
            });
        }
        let Some(mac_column) = mac_column else {
            return Err(BatchError::NoMacColumn { path });
        };
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).map_err(csv_err)? {
            if rows.len() >= MAX_ROWS {
                return Err(BatchError::TooManyRows {
                    path,
                    limit: MAX_ROWS,
                });
            }
            let line = record.position().map_or(0, |p| p.line());
            rows.push(Row {
                line,
                record: std::mem::take(&mut record),
            });
        }
        Ok(Devices {
            name: path,
            columns,
            mac_column,
            rows,
            separator,
        })
    }

    /// Number of device rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {

    /// The MAC forms a devices file may hold: `cfgfmt::device::Mac` reads them all (the
    /// batch's own parser is gone; these cases stay as the batch's contract).
    #[test]
    fn mac_forms() {
        let normalize_mac = |t: &str| crate::device::Mac::parse(t).ok().map(|m| m.lower());
        for ok in [
            "00:07:0E:36:E5:7B",
            "00-07-0e-36-e5-7b",
            "00070e36e57b",
            "0007.0e36.e57b",
            " 00070E36E57B ",
        ] {
            assert_eq!(normalize_mac(ok).as_deref(), Some("00070e36e57b"), "{ok}");
        }
        for bad in [
            "",
            "00070e36e57",
            "00070e36e57bb",
            "00:07-0e:36:e5:7b",
            "00:07:0e:36:e5:7g",
            "000:7:0e:36:e5:7b",
            "0007.0e36e57b.",
            "00070e36e5 7b",
            "0007:0e36:e57b",
        ] {
            assert_eq!(normalize_mac(bad), None, "{bad:?}");
        }
    }
}
