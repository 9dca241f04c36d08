//! The inventory: one CSV row per device, a `*` row for fleet-wide values.

use std::collections::HashMap;
use std::fmt;

use super::params::{self, Refusal, Type};
use super::tz;
use crate::batch::{MAX_COLUMNS, MAX_ROWS};
use crate::device::{ConfigKind, Family, Mac, Model, Protocol};
use crate::finding::{Finding, Severity};

/// The `mac` of the row holding fleet-wide values.
pub const FLEET_MAC: &str = "*";
/// Most lines a model has (a 6961 has 12; the 7861 16).
const MAX_LINE: u8 = 16;

/// What a standard column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Std {
    Mac,
    Model,
    Protocol,
    Proxy,
    ProxyPort,
    Load,
    Timezone,
    Ntp,
}

/// The per-line columns: `number`, `auth_name`… for line 1, `lineN_number`… for line N.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineField {
    Number,
    AuthName,
    Password,
    DisplayName,
    Label,
}

impl LineField {
    const ALL: [LineField; 5] = [
        LineField::Number,
        LineField::AuthName,
        LineField::Password,
        LineField::DisplayName,
        LineField::Label,
    ];
    pub fn name(self) -> &'static str {
        match self {
            LineField::Number => "number",
            LineField::AuthName => "auth_name",
            LineField::Password => "password",
            LineField::DisplayName => "display_name",
            LineField::Label => "label",
        }
    }
}

const STD: &[(&str, Std)] = &[
    ("mac", Std::Mac),
    ("model", Std::Model),
    ("protocol", Std::Protocol),
    ("proxy", Std::Proxy),
    ("proxy_port", Std::ProxyPort),
    ("load", Std::Load),
    ("timezone", Std::Timezone),
    ("ntp", Std::Ntp),
];

/// What a column is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Std(Std),
    Line(u8, LineField),
    /// A parameter of some file kind, lower case.
    Extra(String),
}

impl Key {
    /// The column's canonical header (`proxy`, `number`, `line2_number`, the name as written
    /// for extras).
    pub fn canonical(&self) -> String {
        match self {
            Key::Std(s) => STD
                .iter()
                .find(|(_, k)| k == s)
                .map_or("?", |(n, _)| n)
                .to_string(),
            Key::Line(1, f) => f.name().to_string(),
            Key::Line(n, f) => format!("line{n}_{}", f.name()),
            Key::Extra(e) => e.clone(),
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Key::Line(_, LineField::Password))
    }

    /// Reads a header (any case) as a standard or line column.
    pub fn standard(header: &str) -> Option<Key> {
        let h = header.trim().to_ascii_lowercase();
        if let Some((_, s)) = STD.iter().find(|(n, _)| *n == h) {
            return Some(Key::Std(*s));
        }
        if let Some(f) = LineField::ALL.iter().find(|f| f.name() == h) {
            return Some(Key::Line(1, *f));
        }
        let rest = h.strip_prefix("line")?;
        let (n, field) = rest.split_once('_')?;
        let n: u8 = n.parse().ok().filter(|n| (1..=MAX_LINE).contains(n))?;
        let f = LineField::ALL.iter().find(|f| f.name() == field)?;
        Some(Key::Line(n, *f))
    }
}

/// One column of the inventory.
#[derive(Debug, Clone)]
pub struct Column {
    /// As the header wrote it.
    pub header: String,
    pub key: Key,
}

/// A row's cells (empty ones are `None`). Its `Debug` shows no value: cells hold passwords.
#[derive(Clone)]
pub struct Row {
    pub line: u64,
    pub(super) cells: Vec<Option<String>>,
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Row {{ line: {}, cells: {} }}",
            self.line,
            self.cells.len()
        )
    }
}

/// A device of the inventory.
#[derive(Debug, Clone)]
pub struct Device {
    pub mac: Mac,
    pub model: Model,
    pub protocol: Protocol,
    pub row: Row,
}

impl Device {
    pub fn kind(&self) -> ConfigKind {
        self.model.family().config_kind(self.protocol)
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "source")]
pub enum Source {
    /// The device's own row.
    Row { line: u64, column: String },
    /// The fleet row (`mac` `*`).
    Fleet { line: u64, column: String },
    /// Every device reading the shared file has this value in its row.
    Shared { column: String },
    /// The catalogue's default for the parameter.
    Catalogue,
    /// Worked out by provision (the model's load ID, the MAC, the firmware line).
    Derived { from: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Row { line, column } => {
                write!(f, "the device's row (line {line}, column {column})")
            }
            Source::Fleet { line, column } => {
                write!(f, "the fleet row `*` (line {line}, column {column})")
            }
            Source::Shared { column } => write!(
                f,
                "column {column}, the same in every row that reads this file"
            ),
            Source::Catalogue => f.write_str("the catalogue's default"),
            Source::Derived { from } => write!(f, "derived from {from}"),
        }
    }
}

/// The inventory could not be used: every problem found, each naming the row (line) and
/// column. Nothing is rendered or written.
#[derive(Debug, Clone)]
pub struct InventoryErrors {
    pub path: String,
    /// Errors, then warnings and notes found on the way.
    pub findings: Vec<Finding>,
}

impl fmt::Display for InventoryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .collect();
        write!(f, "{}: {} error(s)", self.path, errors.len())?;
        for e in errors {
            write!(f, "\n  {}: {}", e.place(), e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for InventoryErrors {}

/// A parsed, checked inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// How messages name the file.
    pub path: String,
    pub columns: Vec<Column>,
    pub fleet: Option<Row>,
    pub devices: Vec<Device>,
    /// Warnings and notes (ignored columns, devices without a load).
    pub notes: Vec<Finding>,
    pub(super) by_mac: HashMap<Mac, usize>,
}

struct Checker<'a> {
    path: &'a str,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn push(&mut self, sev: Severity, code: &str, line: u64, msg: String) {
        self.findings.push(
            Finding::new(code, sev, msg)
                .in_file(self.path)
                .at_line(usize::try_from(line).ok().filter(|&l| l > 0)),
        );
    }
    fn error(&mut self, code: &str, line: u64, msg: String) {
        self.push(Severity::Error, code, line, msg);
    }
}

fn every_kind() -> [ConfigKind; 5] {
    [
        ConfigKind::SipCnf,
        ConfigKind::SipXml,
        ConfigKind::SccpXml,
        ConfigKind::Profile7905,
        ConfigKind::ProfileAta,
    ]
}

fn kind_label(kind: ConfigKind) -> &'static str {
    match kind {
        ConfigKind::SipCnf => "7940/7960 SIP .cnf",
        ConfigKind::SipXml => "SIP SEP<MAC>.cnf.xml",
        ConfigKind::SccpXml => "SCCP SEP<MAC>.cnf.xml",
        ConfigKind::Profile7905 => "7905G/7912G profile",
        _ => "ATA profile",
    }
}

impl Inventory {
    /// Reads an inventory file (at most 64 MiB).
    pub fn load(path: &std::path::Path) -> Result<Inventory, InventoryErrors> {
        let name = path.display().to_string();
        let bytes = crate::io::read_bounded(path, crate::io::Limit::DEVICES).map_err(|e| {
            // The finding names the file already: the message says only why.
            let why = match e {
                crate::io::ReadError::Io { source, .. } => format!("cannot read it: {source}"),
                crate::io::ReadError::TooLarge(t) => t.reason(),
            };
            InventoryErrors {
                path: name.clone(),
                findings: vec![Finding::error("inventory-unreadable", why).in_file(&name)],
            }
        })?;
        Inventory::parse(&bytes, &name)
    }

    /// Parses and checks CSV bytes; `path` names the file in messages.
    pub fn parse(bytes: &[u8], path: &str) -> Result<Inventory, InventoryErrors> {
        let mut c = Checker {
            path,
            findings: Vec::new(),
        };
        let fail = |c: Checker| InventoryErrors {
            path: path.to_string(),
            findings: c.findings,
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(crate::text::csv_separator(bytes))
            .from_reader(bytes);
        let mut header = csv::StringRecord::new();
        match reader.read_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                c.error("inventory-empty", 0, "no header row".into());
                return Err(fail(c));
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line());
                c.error("inventory-csv", line, format!("not CSV: {e}"));
                return Err(fail(c));
            }
        }
        if header.len() > MAX_COLUMNS {
            c.error(
                "inventory-columns",
                1,
                format!("{} columns; at most {MAX_COLUMNS}", header.len()),
            );
            return Err(fail(c));
        }
        let columns = header_columns(&header, &mut c);
        if !columns.iter().any(|col| col.key == Key::Std(Std::Mac)) {
            c.error("inventory-no-mac", 1, "no `mac` column".into());
        }
        if c.findings.iter().any(|f| f.severity == Severity::Error) {
            return Err(fail(c));
        }
        let mac_col = columns
            .iter()
            .position(|col| col.key == Key::Std(Std::Mac))
            .unwrap_or(0);
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    c.error(
                        "inventory-csv",
                        line,
                        format!("not CSV (or not UTF-8): {e}"),
                    );
                    return Err(fail(c));
                }
            }
            if rows.len() >= MAX_ROWS {
                c.error("inventory-rows", 0, format!("more than {MAX_ROWS} rows"));
                return Err(fail(c));
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if record.len() != columns.len() {
                c.error(
                    "inventory-field-count",
                    line,
                    format!("{} fields, the header has {}", record.len(), columns.len()),
                );
                continue;
            }
            let cells: Vec<Option<String>> = record
                .iter()
                .map(|f| Some(f.trim().to_string()).filter(|s| !s.is_empty()))
                .collect();
            rows.push(Row { line, cells });
        }
        let mut inv = Inventory {
            path: path.to_string(),
            columns,
            fleet: None,
            devices: Vec::new(),
            notes: Vec::new(),
            by_mac: HashMap::new(),
        };
        for row in rows {
            let mac_text = row
                .cells
                .get(mac_col)
                .cloned()
                .flatten()
                .unwrap_or_default();
            if mac_text == FLEET_MAC {
                if let Some(first) = &inv.fleet {
                    c.error(
                        "inventory-two-fleet-rows",
                        row.line,
                        format!(
                            "a second fleet row `*` (the first is on line {})",
                            first.line
                        ),
                    );
                } else {
                    inv.fleet = Some(row);
                }
                continue;
            }
            inv.add_device(row, &mac_text, &mut c);
        }
        inv.check_cells(&mut c);
        if c.findings.iter().any(|f| f.severity == Severity::Error) {
            c.findings
                .sort_by_key(|f| (f.severity != Severity::Error, f.line()));
            return Err(fail(c));
        }
        inv.notes = c.findings;
        Ok(inv)
    }

    fn cell<'a>(&'a self, row: &'a Row, key: &Key) -> Option<(&'a str, &'a Column)> {
        self.columns
            .iter()
            .zip(&row.cells)
            .find(|(col, _)| &col.key == key)
            .and_then(|(col, v)| v.as_deref().map(|v| (v, col)))
    }

    /// A device's value of a column: its own cell, else the fleet row's (a fleet `load`
    /// only for the models its name is for).
    pub fn value<'a>(&'a self, dev: &'a Device, key: &Key) -> Option<(&'a str, Source)> {
        if let Some((v, col)) = self.cell(&dev.row, key) {
            return Some((
                v,
                Source::Row {
                    line: dev.row.line,
                    column: col.header.clone(),
                },
            ));
        }
        self.fleet_value(key)
            .filter(|(v, _)| *key != Key::Std(Std::Load) || load_fits(v, dev.model) != Some(false))
    }

    /// The fleet row's value of a column.
    pub fn fleet_value(&self, key: &Key) -> Option<(&str, Source)> {
        let fleet = self.fleet.as_ref()?;
        self.cell(fleet, key).map(|(v, col)| {
            (
                v,
                Source::Fleet {
                    line: fleet.line,
                    column: col.header.clone(),
                },
            )
        })
    }

    /// The value a shared file gets: the fleet row's, else the one every device of
    /// `audience` has (none when they differ or one has none).
    pub fn shared_value<'a>(
        &'a self,
        audience: &[&'a Device],
        key: &Key,
    ) -> Option<(&'a str, Source)> {
        if let Some(v) = self.fleet_value(key)
            && (*key != Key::Std(Std::Load)
                || audience
                    .iter()
                    .all(|d| load_fits(v.0, d.model) != Some(false)))
        {
            return Some(v);
        }
        let mut common: Option<&str> = None;
        for d in audience {
            let (v, _) = self.cell(&d.row, key)?;
            match common {
                None => common = Some(v),
                Some(c) if c == v => {}
                Some(_) => return None,
            }
        }
        common.map(|v| {
            (
                v,
                Source::Shared {
                    column: key.canonical(),
                },
            )
        })
    }

    /// The extra columns (catalogue parameters) of a device for its kind, with values:
    /// (parameter name as the kind spells it, value, source, secret).
    pub fn extras<'a>(&'a self, dev: &'a Device) -> Vec<(String, &'a str, Source, bool)> {
        let kind = dev.kind();
        self.columns
            .iter()
            .filter_map(|col| {
                let Key::Extra(_) = &col.key else { return None };
                let known = params::lookup(kind, &col.header).ok()?;
                let (v, src) = self.value(dev, &col.key)?;
                Some((known.name, v, src, known.secret))
            })
            .collect()
    }

    /// The fleet row's extra columns that a kind knows.
    pub fn fleet_extras(&self, kind: ConfigKind) -> Vec<(String, &str, Source, bool)> {
        self.columns
            .iter()
            .filter_map(|col| {
                let Key::Extra(_) = &col.key else { return None };
                let known = params::lookup(kind, &col.header).ok()?;
                let (v, src) = self.fleet_value(&col.key)?;
                Some((known.name, v, src, known.secret))
            })
            .collect()
    }

    pub fn device(&self, mac: &Mac) -> Option<&Device> {
        self.by_mac.get(mac).and_then(|&i| self.devices.get(i))
    }

    fn add_device(&mut self, row: Row, mac_text: &str, c: &mut Checker) {
        let line = row.line;
        let mac = match Mac::parse(mac_text) {
            Ok(m) => m,
            Err(e) => {
                c.error("inventory-bad-mac", line, format!("column mac: {e}"));
                return;
            }
        };
        if let Some(&i) = self.by_mac.get(&mac) {
            let first = self.devices.get(i).map_or(0, |d| d.row.line);
            c.error(
                "inventory-duplicate-mac",
                line,
                format!("column mac: {mac} is also on line {first}"),
            );
            return;
        }
        let model_cell = self.cell(&row, &Key::Std(Std::Model)).or_else(|| {
            self.fleet
                .as_ref()
                .and_then(|f| self.cell(f, &Key::Std(Std::Model)))
        });
        let Some((model_text, _)) = model_cell else {
            c.error("inventory-no-model", line, "column model: empty".into());
            return;
        };
        let Some(model) = Model::parse(model_text) else {
            let names: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
            let hint = params::closest(model_text, names.iter().copied())
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            c.error(
                "inventory-unknown-model",
                line,
                format!(
                    "column model: {model_text:?} is not a model provision knows{hint}; models: {}",
                    names.join(", ")
                ),
            );
            return;
        };
        let proto_cell = self.cell(&row, &Key::Std(Std::Protocol)).or_else(|| {
            self.fleet
                .as_ref()
                .and_then(|f| self.cell(f, &Key::Std(Std::Protocol)))
        });
        let protocol = match proto_cell {
            None => {
                c.error(
                    "inventory-no-protocol",
                    line,
                    "column protocol: empty (write sip or sccp)".into(),
                );
                return;
            }
            Some((p, _)) => match Protocol::parse(p) {
                Some(p) => p,
                None => {
                    c.error(
                        "inventory-bad-protocol",
                        line,
                        format!("column protocol: {p:?} is not sip or sccp"),
                    );
                    return;
                }
            },
        };
        if !model.supports(protocol) {
            c.error(
                "inventory-protocol-unsupported",
                line,
                format!("column protocol: the {model} has no {protocol} firmware"),
            );
            return;
        }
        if matches!(model.family(), Family::P7905 | Family::Ata) && protocol == Protocol::Sccp {
            c.error("inventory-protocol-unsupported", line, format!("column protocol: provision writes {model} profiles for SIP only (the built-in tables are SIP tables)"));
            return;
        }
        self.by_mac.insert(mac, self.devices.len());
        self.devices.push(Device {
            mac,
            model,
            protocol,
            row,
        });
    }

    /// The values of every row: types, line counts, and columns that do not apply.
    fn check_cells(&mut self, c: &mut Checker) {
        let fleet_kinds = every_kind();
        if let Some(fleet) = self.fleet.clone() {
            for (col, v) in self.columns.iter().zip(&fleet.cells) {
                let Some(v) = v else { continue };
                match &col.key {
                    Key::Extra(_) => {
                        for kind in fleet_kinds {
                            if params::lookup(kind, &col.header).is_ok() {
                                self.check_extra(kind, col, v, fleet.line, c);
                            }
                        }
                    }
                    key => check_standard(key, col, v, None, fleet.line, c),
                }
            }
        }
        // A fleet value a device takes is checked as that device's kind takes it (a host
        // name is fine for an XML phone's NTP, not for a 7940's sntp_server), once per kind.
        if let Some(fleet) = self.fleet.clone() {
            let mut done = std::collections::HashSet::new();
            for dev in &self.devices {
                let kind = dev.kind();
                for (i, (col, v)) in self.columns.iter().zip(&fleet.cells).enumerate() {
                    // The columns whose rules depend on the kind of device.
                    let (
                        Some(v),
                        Key::Std(Std::Ntp | Std::Timezone) | Key::Line(1, LineField::Label),
                    ) = (v, &col.key)
                    else {
                        continue;
                    };
                    let own = dev.row.cells.get(i).is_some_and(Option::is_some);
                    if own
                        || (kind == ConfigKind::SccpXml && matches!(col.key, Key::Line(..)))
                        || !done.insert((i, kind))
                    {
                        continue;
                    }
                    let mut one = Checker {
                        path: c.path,
                        findings: Vec::new(),
                    };
                    check_standard(&col.key, col, v, Some(kind), fleet.line, &mut one);
                    for mut f in one.findings {
                        // Said already when the fleet row was checked on its own.
                        if c.findings
                            .iter()
                            .any(|x| x.message == f.message && x.line() == f.line())
                        {
                            continue;
                        }
                        f.message = format!(
                            "{} (the fleet row's value, taken by the {} {} on line {})",
                            f.message, dev.model, dev.protocol, dev.row.line
                        );
                        c.findings.push(f);
                    }
                }
            }
        }
        let mut no_load = Vec::new();
        // One note per column and kind of device, not one per row.
        let mut ignored: std::collections::BTreeMap<(String, String), Vec<u64>> =
            std::collections::BTreeMap::new();
        for dev in &self.devices {
            let kind = dev.kind();
            for (col, v) in self.columns.iter().zip(&dev.row.cells) {
                let Some(v) = v else { continue };
                match &col.key {
                    Key::Extra(_) => match params::lookup(kind, &col.header) {
                        Ok(_) => self.check_extra(kind, col, v, dev.row.line, c),
                        Err(Refusal::Derived(from)) => c.error(
                            "inventory-derived-column",
                            dev.row.line,
                            format!(
                                "column {}: provision writes it from column {from}",
                                col.header
                            ),
                        ),
                        Err(_) => {
                            let label =
                                format!("{} {} ({})", dev.model, dev.protocol, kind_label(kind));
                            let e = ignored.entry((col.header.clone(), label)).or_default();
                            e.push(dev.row.line);
                        }
                    },
                    Key::Line(n, _) if *n > dev.model.lines() => c.error(
                        "inventory-no-such-line",
                        dev.row.line,
                        format!(
                            "column {}: a {} has {} line(s)",
                            col.header,
                            dev.model,
                            dev.model.lines()
                        ),
                    ),
                    // An SCCP phone's lines live in the call manager, not in its file.
                    Key::Line(..) if kind == ConfigKind::SccpXml => {
                        let label =
                            format!("{} SCCP (its lines are set in the call manager)", dev.model);
                        ignored
                            .entry((col.header.clone(), label))
                            .or_default()
                            .push(dev.row.line);
                    }
                    key => check_standard(key, col, v, Some(kind), dev.row.line, c),
                }
            }
            if dev.protocol == Protocol::Sip
                && self.value(dev, &Key::Line(1, LineField::Number)).is_none()
            {
                c.error(
                    "inventory-no-number",
                    dev.row.line,
                    format!(
                        "column number: empty; a SIP {} registers line 1 with it",
                        dev.model
                    ),
                );
            }
            if self.value(dev, &Key::Std(Std::Load)).is_none() {
                no_load.push(dev.row.line);
            }
        }
        for ((column, label), lines) in ignored {
            let shown: Vec<String> = lines.iter().take(8).map(u64::to_string).collect();
            let more = if lines.len() > 8 { " …" } else { "" };
            c.push(
                Severity::Info,
                "inventory-column-ignored",
                lines.first().copied().unwrap_or(0),
                format!(
                    "column {column} does not apply to a {label}: ignored (line {}{more})",
                    shown.join(", ")
                ),
            );
        }
        if let Some(&first) = no_load.first() {
            let shown: Vec<String> = no_load.iter().take(8).map(u64::to_string).collect();
            let more = if no_load.len() > 8 { " …" } else { "" };
            c.push(
                Severity::Warning,
                "inventory-no-load",
                first,
                format!(
                    "{} device(s) have no load (line {}{more}): no firmware name is written for them; they keep the one they run",
                    no_load.len(),
                    shown.join(", ")
                ),
            );
        }
    }

    fn check_extra(&self, kind: ConfigKind, col: &Column, v: &str, line: u64, c: &mut Checker) {
        let Ok(known) = params::lookup(kind, &col.header) else {
            return;
        };
        if let Err(Refusal::Value(why)) = params::check(kind, &known.name, v) {
            let why = if known.secret {
                "not a valid value".to_string()
            } else {
                why
            };
            c.error(
                "inventory-bad-value",
                line,
                format!("column {}: {why} ({})", col.header, kind_label(kind)),
            );
        }
    }
}

/// The model a load's name is for (one of its family: `P0S3-8-12-00` → 7960G, `SIP41.…` →
/// 7941G, `CP7912…` → 7912G); `None` when the name does not say. Series numbers come from
/// [`Model::from_load_series`], the one table of them.
pub fn load_model(load: &str) -> Option<Model> {
    use crate::pkg::names::{self, Family as F};
    let name = names::parse(load).or_else(|| names::parse(&format!("{load}.sbin")))?;
    match name.family {
        F::Phone7940_7960 => Some(Model::M7960),
        F::Cp(7905) => Some(Model::M7905),
        F::Cp(7912) => Some(Model::M7912),
        F::Ata => Some(Model::Ata186),
        F::Cnu(series) => Model::from_load_series(series),
        _ => None,
    }
}

/// Whether a load name is for a model: `None` when the name does not say. The 7905G and
/// the 7912G share a family but not their images.
pub fn load_fits(load: &str, model: Model) -> Option<bool> {
    let of = load_model(load)?;
    Some(match of {
        Model::M7905 | Model::M7912 => of == model,
        _ => of.family() == model.family(),
    })
}

/// The header: standard columns, line columns and catalogue parameters; anything else is a
/// typo (with the closest name) or a derived name.
fn header_columns(header: &csv::StringRecord, c: &mut Checker) -> Vec<Column> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut columns = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        let number = i + 1;
        if h.is_empty() {
            c.error(
                "inventory-empty-column-name",
                1,
                format!("column {number} has no name"),
            );
            continue;
        }
        if let Some(first) = seen.insert(h.to_ascii_lowercase(), number) {
            c.error(
                "inventory-duplicate-column",
                1,
                format!("column {h:?} appears twice (columns {first} and {number})"),
            );
            continue;
        }
        let key = match Key::standard(h) {
            Some(k) => k,
            None => {
                let results: Vec<Result<params::Known, Refusal>> =
                    every_kind().iter().map(|&k| params::lookup(k, h)).collect();
                if results.iter().any(Result::is_ok) {
                    Key::Extra(h.to_ascii_lowercase())
                } else if let Some(Err(Refusal::Derived(from))) = results
                    .iter()
                    .find(|r| matches!(r, Err(Refusal::Derived(_))))
                {
                    c.error(
                        "inventory-derived-column",
                        1,
                        format!(
                            "column {h:?}: provision writes it from column {from}; use that column"
                        ),
                    );
                    continue;
                } else {
                    let mut names: Vec<String> = STD.iter().map(|(n, _)| n.to_string()).collect();
                    names.extend(LineField::ALL.iter().map(|f| f.name().to_string()));
                    names.extend(LineField::ALL.iter().map(|f| format!("line2_{}", f.name())));
                    names.extend(params::CNF.iter().map(|p| p.name.to_string()));
                    {
                        names.extend(
                            params::xml_groups(ConfigKind::SipXml)
                                .into_iter()
                                .flatten()
                                .map(|p| p.name.to_string()),
                        );
                    }
                    for k in [ConfigKind::Profile7905, ConfigKind::ProfileAta] {
                        if let Some(t) = params::table(k) {
                            names.extend(t.entries().iter().map(|d| d.name.clone()));
                        }
                    }
                    let hint = params::closest(h, names.iter().map(String::as_str))
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    c.error("inventory-unknown-column", 1, format!("column {h:?} is neither a standard column nor a parameter of any file provision writes{hint}"));
                    continue;
                }
            }
        };
        columns.push(Column {
            header: h.to_string(),
            key,
        });
    }
    columns
}

/// A standard column's value; `kind` is the device's (none for the fleet row).
fn check_standard(
    key: &Key,
    col: &Column,
    v: &str,
    kind: Option<ConfigKind>,
    line: u64,
    c: &mut Checker,
) {
    let name = &col.header;
    if v.contains(['\n', '\r', '\0']) {
        c.error(
            "inventory-bad-value",
            line,
            format!("column {name}: the value spans lines or holds a NUL"),
        );
        return;
    }
    if v.contains('"') && kind == Some(ConfigKind::SipCnf) {
        let what = if key.is_secret() { "the value" } else { v };
        c.error(
            "inventory-bad-value",
            line,
            format!("column {name}: {what:?} holds a double quote, which a .cnf value cannot"),
        );
        return;
    }
    let r = match key {
        Key::Std(Std::Proxy) => params::check_type(Type::Host, v),
        Key::Std(Std::ProxyPort) => params::check_type(Type::Int(1, 65535), v),
        // The profiles' NTPIP and the 7940/7960's sntp_server take a dotted IP only.
        Key::Std(Std::Ntp) => match kind {
            Some(ConfigKind::Profile7905 | ConfigKind::ProfileAta | ConfigKind::SipCnf) => {
                params::check_type(Type::Ip, v)
            }
            _ => params::check_type(Type::Host, v),
        },
        // Line 1's label is also the SIP XML phone's <phoneLabel>, which is short.
        Key::Line(1, LineField::Label) if kind == Some(ConfigKind::SipXml) => {
            match crate::catalogue::Catalogue::builtin()
                .find(ConfigKind::SipXml, "sipProfile/phoneLabel")
            {
                crate::catalogue::Lookup::Exact(p) => p.check(v).map_err(|e| e.message),
                _ => Ok(()),
            }
        }
        Key::Std(Std::Timezone) => match tz::zone(v) {
            Some(z)
                if z.hours().is_none()
                    && matches!(kind, Some(ConfigKind::Profile7905 | ConfigKind::ProfileAta)) =>
            {
                Err(format!(
                    "{v} is not a whole number of hours from UTC, which the profile's TimeZone needs"
                ))
            }
            Some(z) if !z.has_cnf() && kind == Some(ConfigKind::SipCnf) => Err(format!(
                "{v}: the 7940/7960 SIP firmware has no time_zone abbreviation for this offset"
            )),
            Some(_) => Ok(()),
            None => Err(format!(
                "{v:?} is not an IANA time zone provision knows{}",
                tz::suggest(v)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default()
            )),
        },
        Key::Std(Std::Load) => {
            if v.len() > 64 || v.contains(['/', '\\', ' ']) {
                Err(format!("{v:?} is not a load name"))
            } else {
                Ok(())
            }
        }
        Key::Line(_, LineField::Password) => params::check_type(Type::Text(63), v)
            .map_err(|_| "too long (at most 63 bytes) or holds a quote".to_string()),
        Key::Line(_, _) if v.len() > 64 => Err(format!("{} bytes, at most 64", v.len())),
        _ => Ok(()),
    };
    if let Err(why) = r {
        c.error("inventory-bad-value", line, format!("column {name}: {why}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_in_any_case() {
        assert_eq!(Key::standard("MAC"), Some(Key::Std(Std::Mac)));
        assert_eq!(
            Key::standard("Line3_Auth_Name"),
            Some(Key::Line(3, LineField::AuthName))
        );
        assert_eq!(
            Key::standard("number"),
            Some(Key::Line(1, LineField::Number))
        );
        assert_eq!(Key::standard("line0_number"), None);
        assert_eq!(Key::Line(2, LineField::Label).canonical(), "line2_label");
    }

    /// Excel saves "CSV" with semicolons in many locales; batch reads those, so does provision.
    #[test]
    fn a_semicolon_separated_inventory_is_read() {
        let csv = b"mac;model;protocol;number\n0014f28dd38a;7960;sip;2001\n";
        let inv = Inventory::parse(csv, "x.csv").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.devices.len(), 1);
    }

    /// A file that cannot be read says why, naming it once.
    #[test]
    fn an_unreadable_inventory_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.csv");
        let e = Inventory::load(&path).unwrap_err();
        let f = &e.findings[0];
        assert_eq!(f.file, path.display().to_string());
        assert!(f.message.contains("No such file"), "{}", f.message);
        assert!(!f.message.contains("missing.csv"), "{}", f.message);
    }

    /// Loads fit their family; the 7905G and 7912G (one family) each have their own images.
    #[test]
    fn loads_fit_their_models() {
        assert_eq!(load_fits("P0S3-8-12-00", Model::M7940), Some(true));
        assert_eq!(load_fits("SIP41.9-4-2SR1-1S", Model::M7961), Some(true));
        assert_eq!(load_fits("SIP41.9-4-2SR1-1S", Model::M7960), Some(false));
        assert_eq!(
            load_fits("CP7912080000SIP060111A", Model::M7912),
            Some(true)
        );
        assert_eq!(
            load_fits("CP7912080000SIP060111A", Model::M7905),
            Some(false)
        );
        assert_eq!(load_fits("nothing", Model::M7905), None);
    }
}
