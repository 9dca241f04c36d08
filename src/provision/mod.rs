//! `provision`: one inventory (a CSV row per device) in, every file each phone reads out —
//! rendered in memory, compared with a TFTP root, written atomically with an undo journal.
//!
//! The library returns data: an [`Inventory`] (parsed and checked), its [`Rendered`]
//! files (name → bytes, and which devices read each), a [`plan::Plan`] against a root
//! (per-file, per-parameter changes; files provision did not write), and the journal
//! operations of [`journal`]. The binary prints.
//!
//! ```
//! use cfgfmt::provision::Inventory;
//! let csv = b"mac,model,protocol,number,password,proxy\n\
//!             0014f28dd38a,7960,sip,2001,secret,pbx.example.com\n";
//! let inv = Inventory::parse(csv, "inventory.csv").unwrap();
//! let files = inv.render().unwrap();
//! let mine = files.get("sip0014f28dd38a.CNF").unwrap();
//! assert_eq!(mine.name, "SIP0014F28DD38A.cnf");
//! assert!(String::from_utf8_lossy(&mine.bytes).contains("line1_name: \"2001\""));
//! assert!(files.get("SIPDefault.cnf").unwrap().shared);
//! ```

pub mod checks;
pub mod diff;
pub mod import;
pub mod inventory;
pub mod journal;
pub mod loads;
pub mod params;
pub mod plan;
pub mod render;
pub mod tz;
pub mod xml;

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

pub use inventory::{Device, FLEET_MAC, Inventory, InventoryErrors, Key, Source};
pub use render::Placed;

use crate::device::{BootFileKind, ConfigKind, Family, Mac, Model, classify_boot_file};
use crate::finding::Finding;
use inventory::Std;
use render::Trace;

/// One file provision writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct File {
    /// The exact name the phones ask for.
    pub name: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub kind: BootFileKind,
    /// Read by every device of its audience (a change reaches them all).
    pub shared: bool,
    /// The devices of the inventory that read it.
    pub devices: Vec<Mac>,
}

/// Every file of an inventory, by name.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    files: Vec<File>,
    /// Lower-case name → index.
    index: HashMap<String, usize>,
    /// Warnings about what was not written (no shared load …).
    pub notes: Vec<Finding>,
}

impl Rendered {
    fn new(mut files: Vec<File>, notes: Vec<Finding>) -> Rendered {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let index = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.to_ascii_lowercase(), i))
            .collect();
        Rendered {
            files,
            index,
            notes,
        }
    }

    /// The file of that name, any case (`sep0014f28dd38a.CNF.XML` finds `SEP0014F28DD38A.cnf.xml`).
    pub fn get(&self, name: &str) -> Option<&File> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        self.index
            .get(&base.to_ascii_lowercase())
            .and_then(|&i| self.files.get(i))
    }

    /// Every file, sorted by name.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Files that could not be rendered: each finding names the row.
#[derive(Debug, Clone)]
pub struct RenderErrors {
    pub findings: Vec<Finding>,
}

impl fmt::Display for RenderErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} file(s) could not be rendered", self.findings.len())?;
        for x in &self.findings {
            write!(f, "\n  {}: {}", x.place(), x.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderErrors {}

/// Which shared file a group of devices reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Audience {
    Cnf,
    Xml,
    Gk,
    Ld,
    Ata,
}

fn audience_of(dev: &Device) -> Audience {
    match dev.kind() {
        ConfigKind::SipCnf => Audience::Cnf,
        ConfigKind::SipXml | ConfigKind::SccpXml => Audience::Xml,
        ConfigKind::Profile7905 if dev.model == Model::M7905 => Audience::Ld,
        ConfigKind::Profile7905 => Audience::Gk,
        _ => Audience::Ata,
    }
}

impl Inventory {
    fn audience(&self, a: Audience) -> Vec<&Device> {
        self.devices
            .iter()
            .filter(|d| audience_of(d) == a)
            .collect()
    }

    /// Renders every file. Touches no disk.
    pub fn render(&self) -> Result<Rendered, RenderErrors> {
        // What SIPDefault.cnf holds, once: each SIP<MAC>.cnf holds only what differs.
        let cnf_audience = self.audience(Audience::Cnf);
        let shared = render::CnfShared::new(self, &cnf_audience);
        let results: Vec<Result<Vec<File>, Box<Finding>>> = self
            .devices
            .par_iter()
            .map(|d| {
                self.device_file_with(d, Some(&shared), &mut Trace::default())
                    .map(|f| vec![f])
            })
            .collect();
        let mut files = Vec::with_capacity(self.devices.len() + 8);
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(f) => files.extend(f),
                Err(e) => errors.push(*e),
            }
        }
        let mut notes = Vec::new();
        for a in [
            Audience::Cnf,
            Audience::Xml,
            Audience::Gk,
            Audience::Ld,
            Audience::Ata,
        ] {
            for name in shared_names(a) {
                match self.shared_file(a, name, &mut Trace::default()) {
                    Ok(Some(f)) => files.push(f),
                    Ok(None) => {}
                    Err(e) => errors.push(*e),
                }
            }
            if a == Audience::Cnf {
                let audience = self.audience(a);
                if !audience.is_empty()
                    && self.shared_value(&audience, &Key::Std(Std::Load)).is_none()
                {
                    notes.push(Finding::warning("provision-no-os79xx", "OS79XX.TXT not written: the 7940/7960 SIP rows have no common load (set `load` in the fleet row `*`)").in_file(&self.path));
                }
            }
        }
        if errors.is_empty() {
            Ok(Rendered::new(files, notes))
        } else {
            Err(RenderErrors { findings: errors })
        }
    }

    /// Renders the one file of that name (any case), as [`Inventory::render`] would: `None`
    /// when no device of the inventory reads a file of that name.
    pub fn render_file(&self, name: &str) -> Result<Option<File>, RenderErrors> {
        let err = |e: Box<Finding>| RenderErrors { findings: vec![*e] };
        let Some((kind, mac)) = classify_boot_file(name) else {
            return Ok(None);
        };
        if let Some(mac) = mac {
            let Some(dev) = self.device(&mac) else {
                return Ok(None);
            };
            let f = self.device_file(dev, &mut Trace::default()).map_err(err)?;
            let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
            return Ok(f.name.eq_ignore_ascii_case(base).then_some(f));
        }
        for a in [
            Audience::Cnf,
            Audience::Xml,
            Audience::Gk,
            Audience::Ld,
            Audience::Ata,
        ] {
            for n in shared_names(a) {
                if n.eq_ignore_ascii_case(name.rsplit(['/', '\\']).next().unwrap_or(name)) {
                    let _ = kind;
                    return self.shared_file(a, n, &mut Trace::default()).map_err(err);
                }
            }
        }
        Ok(None)
    }

    /// The device's own file.
    fn device_file(&self, dev: &Device, trace: &mut Trace) -> Result<File, Box<Finding>> {
        self.device_file_with(dev, None, trace)
    }

    fn device_file_with(
        &self,
        dev: &Device,
        shared: Option<&render::CnfShared>,
        trace: &mut Trace,
    ) -> Result<File, Box<Finding>> {
        let (name, kind) = render::device_files(dev)
            .into_iter()
            .find(|(_, k)| !k.is_shared())
            .ok_or_else(|| render::row_error(self, Some(dev), "?", "no file of its own".into()))?;
        let bytes = match dev.kind() {
            ConfigKind::SipCnf => match shared {
                Some(shared) => render::sip_mac(self, dev, shared, &name, trace),
                None => {
                    let audience = self.audience(Audience::Cnf);
                    let shared = render::CnfShared::new(self, &audience);
                    render::sip_mac(self, dev, &shared, &name, trace)
                }
            },
            ConfigKind::SipXml | ConfigKind::SccpXml => render::sep(self, dev, &name, trace),
            k => render::profile(self, k, dev.model.family(), Some(dev), &[], &name, trace)
                .map_err(|e| render::row_error(self, Some(dev), &name, e))?,
        };
        Ok(File {
            name,
            bytes,
            kind,
            shared: false,
            devices: vec![dev.mac],
        })
    }

    fn shared_file(
        &self,
        a: Audience,
        name: &str,
        trace: &mut Trace,
    ) -> Result<Option<File>, Box<Finding>> {
        let audience = self.audience(a);
        if audience.is_empty() {
            return Ok(None);
        }
        let (kind, bytes) = match (a, name) {
            (Audience::Cnf, "OS79XX.TXT") => {
                match self.shared_value(&audience, &Key::Std(Std::Load)) {
                    Some((load, src)) => {
                        trace.put_pub(name, "OS79XX.TXT", load, &src);
                        (BootFileKind::Os79xx, render::os79xx(load))
                    }
                    None => return Ok(None),
                }
            }
            (Audience::Cnf, _) => {
                let shared = render::CnfShared::new(self, &audience);
                (
                    BootFileKind::SipDefault,
                    render::sip_default(self, &shared, trace),
                )
            }
            (Audience::Xml, _) => (
                BootFileKind::XmlDefault,
                render::xml_default(self, &audience, trace),
            ),
            (Audience::Ata, _) => (
                BootFileKind::AtaDefault,
                render::profile(
                    self,
                    ConfigKind::ProfileAta,
                    Family::Ata,
                    None,
                    &audience,
                    name,
                    trace,
                )
                .map_err(|e| render::row_error(self, None, name, e))?,
            ),
            (_, _) => (
                BootFileKind::ProfileDefault,
                render::profile(
                    self,
                    ConfigKind::Profile7905,
                    Family::P7905,
                    None,
                    &audience,
                    name,
                    trace,
                )
                .map_err(|e| render::row_error(self, None, name, e))?,
            ),
        };
        Ok(Some(File {
            name: name.to_string(),
            bytes,
            kind,
            shared: true,
            devices: audience.iter().map(|d| d.mac).collect(),
        }))
    }

    /// Where each value of a device's files came from: every parameter of its own file and
    /// of the shared files it reads whose name (or whose inventory column) is `key`, any
    /// case. Secrets show as `***`.
    pub fn explain(&self, mac: &Mac, key: &str) -> Result<Vec<Placed>, RenderErrors> {
        let Some(dev) = self.device(mac) else {
            return Ok(Vec::new());
        };
        let mut trace = Trace {
            on: true,
            placed: Vec::new(),
        };
        self.device_file(dev, &mut trace)
            .map_err(|e| RenderErrors { findings: vec![*e] })?;
        let a = audience_of(dev);
        for name in shared_names(a) {
            if render::device_files(dev).iter().any(|(n, _)| n == name) {
                self.shared_file(a, name, &mut trace)
                    .map_err(|e| RenderErrors { findings: vec![*e] })?;
            }
        }
        let column = Key::standard(key).map(|k| k.canonical());
        Ok(trace
            .placed
            .into_iter()
            .filter(|p| {
                p.key.eq_ignore_ascii_case(key)
                    || match &p.source {
                        Source::Row { column: c, .. } | Source::Fleet { column: c, .. } => {
                            c.eq_ignore_ascii_case(key)
                        }
                        Source::Shared { column: c } => {
                            c.eq_ignore_ascii_case(key) || column.as_deref() == Some(c.as_str())
                        }
                        _ => false,
                    }
            })
            .collect())
    }
}

impl Trace {
    fn put_pub(&mut self, file: &str, key: &str, value: &str, src: &Source) {
        if self.on {
            self.placed.push(Placed {
                file: file.into(),
                key: key.into(),
                value: value.into(),
                source: src.clone(),
            });
        }
    }
}

/// The shared files of an audience, by name.
fn shared_names(a: Audience) -> &'static [&'static str] {
    match a {
        Audience::Cnf => &["OS79XX.TXT", "SIPDefault.cnf"],
        Audience::Xml => &["XMLDefault.cnf.xml"],
        Audience::Gk => &["gkdefault.cfg"],
        Audience::Ld => &["lddefault.cfg"],
        Audience::Ata => &["atadefault.cfg"],
    }
}

#[cfg(test)]
mod tests;
