//! `plan --from LOAD --to LOAD`: the ordered steps of a conversion, following the paths of
//! Cisco's guide (R10–R19 for 7940/7960, R31/R32 for 7905G/7912G), with the exact contents
//! of the files to write at each step and the commands to run.
//!
//! Load names the guide and the fact sheet quote are used as they are; other names are made
//! from the version by the grammar of R5 and marked `derived`. Intermediate loads the guide
//! names only by version ("the latest SCCP 4.x", "SCCP 6.3") are placeholders unless given
//! with `--via`.
use super::upgradecode::{self, PLATFORM_7905, PLATFORM_7912};
use crate::device::{Family as Fam, Model, Protocol};
use crate::pkg::names::{self, Family, Version};
use serde::Serialize;
use std::fmt::Write as _;

/// The phone families a plan can be made for, and how their loads are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 7940/7960: `P0S3…`/`P003…` loads, `OS79XX.TXT`, the guide's paths R10–R19.
    P7940,
    /// 7905G/7912G: `CP79xx….sbin` images, the `upgradecode` of the SIP profile (R31, R32).
    P7905,
    /// 7911G/7906G, 794x/796x, 797x: `SCCP41.…`/`SIP41.…` loads named by `loadInformation`.
    Xml,
}

fn kind(model: Model) -> Option<Kind> {
    match model.family() {
        Fam::P7940 => Some(Kind::P7940),
        Fam::P7905 => Some(Kind::P7905),
        Fam::P7911 | Fam::P7941 | Fam::P7942 | Fam::P7945 | Fam::P7970 => Some(Kind::Xml),
        _ => None,
    }
}

fn is_7940_family(model: Model) -> bool {
    kind(model) == Some(Kind::P7940)
}

/// Profile names of 7905G (ld…) and 7912G (gk…): the text, the compiled file, the prefix.
fn profile(model: Model) -> (&'static str, &'static str, &'static str) {
    match model {
        Model::M7905 => ("lddefault.txt", "lddefault.cfg", "ld"),
        _ => ("gkdefault.txt", "gkdefault.cfg", "gk"),
    }
}

fn platform(model: Model) -> u32 {
    match model {
        Model::M7905 => PLATFORM_7905,
        _ => PLATFORM_7912,
    }
}

/// A 7905G/7912G image Cisco's trees hold, to show what a name looks like.
fn example_image(model: Model, protocol: Protocol) -> &'static str {
    match (model, protocol) {
        (Model::M7905, Protocol::Sccp) => "CP7905080003SCCP070409A.sbin",
        (Model::M7905, Protocol::Sip) => "CP7905<vvrrbb>SIP<yymmdd><letter>.sbin",
        (_, Protocol::Sccp) => "CP7912080004SCCP080108A.sbin",
        (_, Protocol::Sip) => "CP7912080000SIP060111A.sbin",
    }
}

/// The protocol of a load name, if it is one of the two the guide covers.
fn protocol_of(p: names::Protocol) -> Option<Protocol> {
    match p {
        names::Protocol::Sip => Some(Protocol::Sip),
        names::Protocol::Sccp => Some(Protocol::Sccp),
        _ => None,
    }
}

/// What R18 of the guide prints for a 7940/7960, and why this tool does not follow it.
const R18_DOUBT: &str = "The guide's text for this path edits gkdefault.txt (an upgradecode line with the 7912G's platform 0x601, compiled with the 7912G tag table) naming CP7940080001SCCP051117A.sbin. That text looks copied from the 7905G/7912G section: a 7940/7960 never asks for gkdefault.cfg (it asks for OS79XX.TXT, SIPDefault.cnf, SIP<MAC>.cnf and RINGLIST.DAT — see cfgfmt-rs probe), and its SCCP loads are P003… files (.loads/.sbn/.bin), not .sbin images. This plan names the SCCP load where the running SIP phone reads it (OS79XX.TXT, R14; image_version, R19).";

/// A load at one end of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Load {
    pub protocol: Protocol,
    pub version: Version,
    /// "SIP 8.12", "SCCP 8.1(2)", "the latest SCCP 4.x".
    pub label: String,
    /// The load name (`P0S3-8-12-00`), or for 7905G/7912G the image file
    /// (`CP7912080000SIP060111A.sbin`); a `<…>` placeholder when not known.
    pub name: String,
    /// Made from the version by the naming rules (R5), not quoted by a Cisco source.
    pub derived: bool,
    /// Not known: the user must supply it (`--via`).
    pub placeholder: bool,
}

impl Load {
    fn major(&self) -> u16 {
        self.version.major
    }
    fn at_least(&self, major: u16, minor: u16) -> bool {
        (self.version.major, self.version.minor) >= (major, minor)
    }
    fn same(&self, other: &Load) -> bool {
        self.protocol == other.protocol && self.version == other.version
    }
    fn describe(&self) -> String {
        if self.placeholder {
            self.label.clone()
        } else {
            format!("{} ({})", self.label, self.name)
        }
    }
}

/// Names quoted by the guide and the fact sheet (R5, R10, R16, §6.1).
const KNOWN_NAMES: &[&str] = &[
    "P0S30100",
    "P0S30202",
    "P0S30203",
    "P0S3-03-0-00",
    "P0S3-04-4-00",
    "P0S3-05-2-00",
    "P0S3-06-0-00",
    "P0S3-06-3-00",
    "P0S3-07-1-00",
    "P0S3-07-4-00",
    "P0S3-07-5-00",
    "P0S3-08-4-00",
    "P0S3-08-9-00",
    "P0S3-08-11-00",
    "P0S3-8-12-00",
    "P00303030300",
    "P00305000101",
    "P00305000200",
    "P00306000100",
    "P00306000200",
    "P00307020300",
    "P00308000500",
    "P00308010200",
    "P0030801SR02",
];

/// The 7940/7960 name of a version: a quoted one if known, else made by R5's grammar.
fn name_for(protocol: Protocol, v: &Version) -> (String, bool) {
    for k in KNOWN_NAMES {
        if let Some(n) = names::parse(k)
            && protocol_of(n.protocol) == Some(protocol)
            && n.version == *v
        {
            return (n.stem, false);
        }
    }
    let made = match (protocol, v.service_release) {
        (Protocol::Sip, _) if v.major <= 2 => format!("P0S3{:02}{:02}", v.major, v.minor),
        (Protocol::Sip, _) => format!("P0S3-{:02}-{}-{:02}", v.major, v.minor, v.maint),
        (_, Some(sr)) => format!("P003{:02}{:02}SR{sr:02}", v.major, v.minor),
        _ => format!(
            "P003{:02}{:02}{:02}{:02}",
            v.major, v.minor, v.maint, v.build
        ),
    };
    (made, true)
}

/// The universal loader a SIP ≥ 7 load ships with: `P0S3-8-12-00` → `P003-8-12-00`
/// (observed for 8.12, and CME pairs P0S3-08-4-00 with P003-08-4-00; inferred for others).
fn loader_of(load: &Load) -> String {
    match load.name.strip_prefix("P0S3") {
        Some(rest) if !load.placeholder => format!("P003{rest}"),
        _ => format!("<loader of {}, named in its .loads>", load.label),
    }
}

fn parse_version(text: &str) -> Option<Version> {
    let (main, sr) = match text.to_ascii_uppercase().split_once("SR") {
        Some((m, s)) => (m.to_string(), Some(s.parse::<u16>().ok()?)),
        None => (text.to_string(), None),
    };
    let (mm, paren) = match main.split_once('(') {
        Some((a, b)) => (a.to_string(), Some(b.strip_suffix(')')?.to_string())),
        None => (main.clone(), None),
    };
    let mut it = mm.split('.');
    let major = it.next()?.trim().parse().ok()?;
    let minor = match it.next() {
        Some(m) => m.trim().parse().ok()?,
        None => 0,
    };
    if it.next().is_some() {
        return None;
    }
    let (maint, build) = match &paren {
        Some(p) => match p.split_once('.') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => (p.parse().ok()?, 0),
        },
        None => (0, 0),
    };
    let mut v = Version::new(major, minor, maint, build);
    if sr.is_some() {
        // Service-release names drop the maintenance number (P0030801SR02 = 8.1(2)SR2).
        v = Version::new(major, minor, 0, 0);
        v.service_release = sr;
    }
    Some(v)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error(
        "cannot read the load {0:?}: give a load name (P0S3-8-12-00, P00308010200, CP7912080000SIP060111A.sbin) or PROTOCOL-VERSION (SIP-8.12, SCCP-8.1(2))"
    )]
    BadLoad(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{rule}: {message}")]
    Rule { rule: &'static str, message: String },
}

/// Parses `--from`/`--to`/`--via`: any name the load-name parser knows, or `SIP-8.12`,
/// `SCCP-8.1(2)`, `SCCP-5.0(1.1)`, `SCCP-8.1(2)SR2`. Returns the load and the model the
/// name implies, if any (a family's first model: 7940G for `P0S3…`, 7941G for `SIP41.…`).
pub fn parse_load(arg: &str, model: Option<Model>) -> Result<(Load, Option<Model>), PlanError> {
    let arg = arg.trim();
    let bad = || PlanError::BadLoad(arg.to_string());
    if let Some(n) = names::parse(arg) {
        if n.is_loader {
            return Err(PlanError::Unsupported(format!(
                "{arg:?} is a universal loader, not a load; give the load it belongs to (e.g. P0S3-8-12-00 for P003-8-12-00)"
            )));
        }
        let Some(protocol) = protocol_of(n.protocol) else {
            return Err(PlanError::Unsupported(format!(
                "{arg:?} is not an SCCP or SIP load; the guide covers those two only"
            )));
        };
        let label = format!("{} {}", protocol.label(), n.version);
        let load = |name: String| Load {
            protocol,
            version: n.version.clone(),
            label: label.clone(),
            name,
            derived: false,
            placeholder: false,
        };
        return match &n.family {
            Family::Phone7940_7960 => Ok((load(n.stem.clone()), Some(Model::M7940))),
            Family::Cp(m @ (7905 | 7912)) => {
                let file = if n.extension.is_some() {
                    n.raw.clone()
                } else {
                    format!("{}.sbin", n.stem)
                };
                let implied = if *m == 7905 { Model::M7905 } else { Model::M7912 };
                Ok((load(file), Some(implied)))
            }
            Family::Cp(7940 | 7960) => Err(PlanError::Unsupported(format!(
                "{arg:?} is the image name the guide prints for 7940/7960 in its SIP 5.x/6.x → SCCP section (R18), but 7940/7960 loads are P003… (SCCP) and P0S3… (SIP) files, not CP….sbin images; give the SCCP load's name (e.g. P00308010200 or SCCP-8.1(2))"
            ))),
            Family::Cnu(series) if Model::from_load_series(*series).is_some() => Ok((
                load(n.stem.clone()),
                Model::from_load_series(*series),
            )),
            // `SIP8.11` reads as a 79x1 name too: the PROTOCOL-VERSION form wins.
            _ => parse_protocol_version(arg, model)
                .map(|l| (l, None))
                .ok_or_else(|| {
                    PlanError::Unsupported(format!(
                        "{arg:?} is not a load of a phone this tool plans for (7940/7960, 7905G/7912G, 7911G/7906G, 794x/796x, 797x)"
                    ))
                }),
        };
    }
    parse_protocol_version(arg, model)
        .map(|l| (l, None))
        .ok_or_else(bad)
}

/// `SIP-8.12`, `SCCP-8.1(2)`: the load name is made for the model (7940/7960), or left as a
/// placeholder that says what to give (other models: their names carry build and
/// signature suffixes no rule derives).
fn parse_protocol_version(arg: &str, model: Option<Model>) -> Option<Load> {
    let upper = arg.to_ascii_uppercase();
    let (protocol, rest) = if let Some(r) = upper.strip_prefix("SCCP") {
        (Protocol::Sccp, r)
    } else if let Some(r) = upper.strip_prefix("SIP") {
        (Protocol::Sip, r)
    } else {
        return None;
    };
    let rest = rest.trim_start_matches(['-', '_', ' ', ':']);
    let version = parse_version(rest)?;
    let label = format!("{} {}", protocol.label(), version);
    let m = model.unwrap_or(Model::M7940);
    let (name, derived, placeholder) = match (kind(m), m.load_series()) {
        (Some(Kind::P7940) | None, _) => {
            let (n, d) = name_for(protocol, &version);
            (n, d, false)
        }
        (Some(Kind::Xml), Some(series)) => (
            format!(
                "<{label} load of the {}: the name of its .loads file, e.g. {}{series}.{}>",
                m.label(),
                protocol.label(),
                match protocol {
                    Protocol::Sccp => "9-4-2SR1-1S",
                    Protocol::Sip => "8-5-4S",
                }
            ),
            false,
            true,
        ),
        _ => (
            format!(
                "<{} image file of {label}, e.g. {}>",
                m.label(),
                example_image(m, protocol)
            ),
            false,
            true,
        ),
    };
    Some(Load {
        protocol,
        version,
        label,
        name,
        derived,
        placeholder,
    })
}

/// How a stage is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Name the image in OS79XX.TXT (R10, R14, R16; R17's first stage also names it in the
    /// SCCP configuration).
    Os79xxImage,
    /// Name the image in the protocol configuration: image_version / loadInformation (R12, R19).
    ConfigImage,
    /// Unpack the release zip into the TFTP root and reset (R13).
    ReleaseZip,
    /// Edit the upgradecode line of gkdefault.txt and compile it (R31, R32; 7905G/7912G).
    GkdefaultUpgradecode,
    /// Name the load in `loadInformationNNN` of `XMLDefault.cnf.xml` (7911G/7906G, 794x/796x,
    /// 797x: the protocol's own configuration, R19).
    LoadInformation,
}

impl Method {
    pub fn id(self) -> &'static str {
        match self {
            Method::Os79xxImage => "os79xx-image",
            Method::ConfigImage => "config-image",
            Method::ReleaseZip => "release-zip",
            Method::GkdefaultUpgradecode => "gkdefault-upgradecode",
            Method::LoadInformation => "load-information",
        }
    }
}

/// A file to write (whole) or a line to put into a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileContent {
    pub file: String,
    /// The whole file (`true`) or one line to set in it (`false`).
    pub whole: bool,
    pub contents: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Action {
    pub rule: &'static str,
    pub text: String,
    pub content: Option<FileContent>,
    pub command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Note {
    pub rule: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Stage {
    pub from: Load,
    pub to: Load,
    pub method: Method,
    pub rules: Vec<&'static str>,
    pub actions: Vec<Action>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Plan {
    /// The model the plan was made for (the family's first when none was given).
    pub model: Model,
    /// Every model the plan's files name a load for.
    pub models: Vec<Model>,
    pub from: Load,
    pub to: Load,
    pub stages: Vec<Stage>,
    pub before: Vec<Note>,
    /// Placeholders left in the plan, with how to fill them in.
    pub fill_in: Vec<String>,
    pub troubleshooting: Vec<Note>,
}

fn note(rule: &'static str, text: impl Into<String>) -> Note {
    Note {
        rule,
        text: text.into(),
    }
}

fn act(rule: &'static str, text: impl Into<String>) -> Action {
    Action {
        rule,
        text: text.into(),
        content: None,
        command: None,
    }
}

fn write_file(rule: &'static str, text: impl Into<String>, file: &str, contents: String) -> Action {
    Action {
        content: Some(FileContent {
            file: file.into(),
            whole: true,
            contents,
        }),
        ..act(rule, text)
    }
}

fn set_line(rule: &'static str, text: impl Into<String>, file: &str, line: String) -> Action {
    Action {
        content: Some(FileContent {
            file: file.into(),
            whole: false,
            contents: line,
        }),
        ..act(rule, text)
    }
}

fn run(rule: &'static str, text: impl Into<String>, command: String) -> Action {
    Action {
        command: Some(command),
        ..act(rule, text)
    }
}

/// What an intermediate load must be: protocol, major, and minor when the guide names one.
#[derive(Debug, Clone, Copy)]
struct Want {
    protocol: Protocol,
    major: u16,
    minor: Option<u16>,
    label: &'static str,
    example: &'static str,
}

const SCCP4_LATEST: Want = Want {
    protocol: Protocol::Sccp,
    major: 4,
    minor: None,
    label: "the latest SCCP 4.x",
    example: "--via and the name from your SCCP 4.x release (e.g. --via SCCP-4.1(1) or --via P00304010100)",
};
const SCCP5: Want = Want {
    protocol: Protocol::Sccp,
    major: 5,
    minor: None,
    label: "an SCCP 5.x",
    example: "--via P00305000200 (5.0(2)) or another 5.x load",
};
const SCCP63: Want = Want {
    protocol: Protocol::Sccp,
    major: 6,
    minor: Some(3),
    label: "SCCP 6.3",
    example: "--via and the name from your SCCP 6.3 release (e.g. --via SCCP-6.3(1) or --via P00306030100)",
};
const SIP23: Want = Want {
    protocol: Protocol::Sip,
    major: 2,
    minor: Some(3),
    label: "SIP 2.3",
    example: "P0S30203",
};

fn resolve(want: Want, via: &[Load]) -> Load {
    if let Some(v) = via.iter().find(|l| {
        l.protocol == want.protocol
            && l.major() == want.major
            && want.minor.is_none_or(|m| l.version.minor == m)
    }) {
        return v.clone();
    }
    // SIP 2.3's name is quoted by the guide (R5).
    if want.protocol == Protocol::Sip
        && let Some(n) = names::parse(want.example)
    {
        return Load {
            protocol: want.protocol,
            version: n.version,
            label: want.label.into(),
            name: n.stem,
            derived: false,
            placeholder: false,
        };
    }
    Load {
        protocol: want.protocol,
        version: Version::new(want.major, want.minor.unwrap_or(0), 0, 0),
        label: want.label.into(),
        name: format!("<name of {} load>", want.label),
        derived: false,
        placeholder: true,
    }
}

type Hop = (Load, Method, Vec<&'static str>);

fn is_63(l: &Load) -> bool {
    l.protocol == Protocol::Sccp && l.version.major == 6 && l.version.minor == 3
}

/// The guide's path for a 7940/7960 from one load to another, as hops.
fn route_7940(from: &Load, to: &Load, via: &[Load]) -> Result<Vec<Hop>, PlanError> {
    if from.same(to) {
        return Err(PlanError::Unsupported(format!(
            "{} is both the start and the target: nothing to do",
            from.label
        )));
    }
    if from.major() >= 5 && to.major() < 5 {
        return Err(PlanError::Rule {
            rule: "R7",
            message: format!(
                "a phone on {} (5.0 or later, signed) cannot go back to {}, older than 5.0, in either protocol",
                from.label, to.label
            ),
        });
    }
    let mut hops: Vec<Hop> = Vec::new();
    match (from.protocol, to.protocol) {
        (Protocol::Sccp, Protocol::Sip) => {
            if from.major() >= 6 {
                if to.major() >= 7 {
                    hops.push((to.clone(), Method::ReleaseZip, vec!["R13"]));
                } else {
                    return Err(PlanError::Rule {
                        rule: "R13",
                        message: format!(
                            "from SCCP 6.x or later the guide converts to SIP 7.x or later only, not to {}",
                            to.label
                        ),
                    });
                }
            } else if to.major() >= 7 {
                hops.push((to.clone(), Method::ConfigImage, vec!["R12"]));
            } else {
                hops.push((to.clone(), Method::Os79xxImage, vec!["R10"]));
            }
        }
        (Protocol::Sip, Protocol::Sccp) => {
            if from.major() >= 7 {
                hops.push((to.clone(), Method::ConfigImage, vec!["R19"]));
            } else if from.major() >= 5 {
                // The guide's R18 edits gkdefault.txt, which a 7940/7960 never reads
                // (R18_DOUBT): the SCCP load is named where the SIP phone reads it.
                hops.push((to.clone(), Method::ConfigImage, vec!["R18", "R14"]));
            } else {
                // R24: SIP 2.1 and earlier refuse SCCP names longer than eight characters.
                if !from.at_least(2, 2) {
                    let first_sccp = if from.major() <= 3 && to.major() >= 5 {
                        resolve(SCCP4_LATEST, via)
                    } else {
                        to.clone()
                    };
                    if first_sccp.placeholder || first_sccp.name.len() > 8 {
                        hops.push((resolve(SIP23, via), Method::Os79xxImage, vec!["R24"]));
                    }
                }
                if from.major() <= 3 && to.major() >= 5 {
                    hops.push((
                        resolve(SCCP4_LATEST, via),
                        Method::Os79xxImage,
                        vec!["R15", "R16"],
                    ));
                    if to.major() == 5 {
                        hops.push((to.clone(), Method::Os79xxImage, vec!["R15", "R14"]));
                    } else {
                        hops.push((resolve(SCCP5, via), Method::Os79xxImage, vec!["R15", "R14"]));
                        push_via_63(&mut hops, to, via);
                    }
                } else if to.major() <= 5 {
                    hops.push((to.clone(), Method::Os79xxImage, vec!["R16"]));
                } else {
                    push_via_63(&mut hops, to, via);
                }
            }
        }
        (Protocol::Sip, Protocol::Sip) | (Protocol::Sccp, Protocol::Sccp) => {
            let ual = |l: &Load| match l.protocol {
                Protocol::Sip => l.major() >= 7,
                _ => l.major() >= 6,
            };
            if ual(from) && ual(to) {
                hops.push((to.clone(), Method::ReleaseZip, vec!["R13"]));
            } else {
                return Err(PlanError::Unsupported(format!(
                    "{} → {} stays in one protocol; the guide covers such changes only between SCCP 6.x+ / SIP 7.x+ images (R13)",
                    from.label, to.label
                )));
            }
        }
    }
    Ok(hops)
}

/// R17: first SCCP 6.3 (named in OS79XX.TXT and the SCCP configuration), then the target's zip.
fn push_via_63(hops: &mut Vec<Hop>, to: &Load, via: &[Load]) {
    if is_63(to) {
        hops.push((to.clone(), Method::Os79xxImage, vec!["R17"]));
        return;
    }
    hops.push((resolve(SCCP63, via), Method::Os79xxImage, vec!["R17"]));
    hops.push((to.clone(), Method::ReleaseZip, vec!["R17", "R13"]));
}

fn route_79xx_cp(from: &Load, to: &Load) -> Result<Vec<Hop>, PlanError> {
    if from.same(to) {
        return Err(PlanError::Unsupported(format!(
            "{} is both the start and the target: nothing to do",
            from.label
        )));
    }
    match from.protocol {
        Protocol::Sip => Ok(vec![(
            to.clone(),
            Method::GkdefaultUpgradecode,
            vec!["R31", "R32"],
        )]),
        _ => Ok(vec![(to.clone(), Method::ConfigImage, vec!["R31"])]),
    }
}

/// The `loadInformationNNN` lines of `XMLDefault.cnf.xml` naming `name` for each model, as
/// Cisco's release trees write them (one line per device type).
fn loadinfo_lines(models: &[Model], name: &str) -> String {
    models
        .iter()
        .filter_map(|m| {
            let n = m.load_id()?;
            Some(format!(
                "<loadInformation{n} model=\"{}\">{name}</loadInformation{n}>",
                m.xml_model_name()
            ))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_and_reset(actions: &mut Vec<Action>, rule: &'static str, reset: &str) {
    actions.push(run(
        "R25",
        "Check the TFTP root for the guide's traps (run it in the TFTP root):",
        "cfgfmt-rs doctor .".into(),
    ));
    actions.push(act(rule, reset));
}

fn os79xx_contents(name: &str) -> String {
    format!("{name}\r\n")
}

fn image_files(load: &Load) -> String {
    if load.placeholder {
        return format!("the image files of {}", load.label);
    }
    let signed = load.major() >= 5;
    match load.protocol {
        Protocol::Sip if signed => format!("{}.sbn", load.name),
        _ if signed => format!("{0}.bin and {0}.sbn (as the release has them)", load.name),
        _ => format!("{}.bin", load.name),
    }
}

/// What every method's steps are made from.
struct StageInput<'a> {
    model: Model,
    /// Every model the plan is for (7940G and 7960G when no `--model` is given).
    models: &'a [Model],
    from: &'a Load,
    to: &'a Load,
    /// The first rule of the stage, cited by its main action.
    primary: &'static str,
    sip: bool,
    /// `image_version: <name>`.
    cfg_line: String,
    rules: &'a [&'static str],
}

fn stage(
    models: &[Model],
    from: &Load,
    to: &Load,
    method: Method,
    rules: Vec<&'static str>,
) -> Stage {
    let model = models.first().copied().unwrap_or(Model::M7940);
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    let input = StageInput {
        model,
        models,
        from,
        to,
        primary: rules.first().copied().unwrap_or("R14"),
        sip: to.protocol == Protocol::Sip,
        cfg_line: format!("image_version: {}", to.name),
        rules: &rules,
    };
    match method {
        Method::Os79xxImage => stage_os79xx_image(&input, &mut actions, &mut notes),
        Method::ConfigImage if is_7940_family(model) => {
            stage_config_image_7940(&input, &mut actions)
        }
        Method::ConfigImage => stage_config_image(&input, &mut actions, &mut notes),
        Method::ReleaseZip => stage_release_zip(&input, &mut actions),
        Method::GkdefaultUpgradecode => stage_gkdefault_upgradecode(&input, &mut actions),
        Method::LoadInformation => stage_load_information(&input, &mut actions, &mut notes),
    }
    // A 7940/7960 on SCCP reads SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml, never
    // SIPDefault.cnf: the new load must be named there too (R19; Cisco's SIP release tree
    // keeps an XMLDefault.cnf.xml naming P0S3-8-12-00 for exactly this).
    if is_7940_family(model)
        && from.protocol == Protocol::Sccp
        && !actions.iter().any(|a| {
            a.content
                .as_ref()
                .is_some_and(|c| c.file == "XMLDefault.cnf.xml")
        })
    {
        let at = actions.len().min(1);
        actions.insert(
            at,
            set_line(
                "R19",
                format!(
                    "The phone still runs SCCP: it reads SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml — not SIPDefault.cnf. Name {} there, one line per model (where a phone has its own SEP<MAC>.cnf.xml, set its <loadInformation> to the same name):",
                    to.name
                ),
                "XMLDefault.cnf.xml",
                loadinfo_lines(models, &to.name),
            ),
        );
    }
    if rules.first() == Some(&"R18") && is_7940_family(model) {
        notes.push(note("R18", R18_DOUBT));
    }
    if to.protocol == Protocol::Sccp
        && from.protocol == Protocol::Sip
        && is_7940_family(model)
        && matches!(method, Method::Os79xxImage | Method::ReleaseZip)
    {
        notes.push(note(
            "R22",
            "Cisco's SCCP firmware installer copies all files into CallManager's TFTP folder; OS79XX.TXT must still be edited as above.",
        ));
    }
    if is_7940_family(model) && from.major() < 5 && to.major() >= 5 {
        notes.push(note(
            "R7",
            format!(
                "{} is signed (5.0 or later): after this step the phone can no longer load any image older than 5.0.",
                to.label
            ),
        ));
    }
    if to.derived {
        notes.push(note(
            "R5",
            format!(
                "{} was made from the version by the naming rule; check it against the release's file names.",
                to.name
            ),
        ));
    }
    Stage {
        from: from.clone(),
        to: to.clone(),
        method,
        rules,
        actions,
        notes,
    }
}

/// The steps of `Method::Os79xxImage`.
fn stage_os79xx_image(s: &StageInput<'_>, actions: &mut Vec<Action>, notes: &mut Vec<Note>) {
    let rules = s.rules;
    let from = s.from;
    let to = s.to;
    let primary = s.primary;
    let sip = s.sip;
    let cfg_line = &s.cfg_line;
    actions.push(act(
        primary,
        format!(
            "Copy {} into the TFTP root (top level){}.",
            image_files(to),
            if sip {
                ""
            } else {
                " — all of the CallManager load's files, before any phone is reset (R16)"
            }
        ),
    ));
    actions.push(write_file(
        "R4",
        "Write OS79XX.TXT: only the image name, no .bin, case as in the file name:",
        "OS79XX.TXT",
        os79xx_contents(&to.name),
    ));
    if sip {
        if to.major() <= 2 {
            actions.push(write_file(
                "R23",
                "Write SIPDefault.cnf holding only the image line for the upgrade (SIP 2.x fails on a large file); restore the full file afterwards:",
                "SIPDefault.cnf",
                format!("{cfg_line}\r\n"),
            ));
        } else {
            actions.push(set_line(
                "R10",
                "Provide SIPDefault.cnf (settings for all phones) with the image line:",
                "SIPDefault.cnf",
                cfg_line.clone(),
            ));
        }
        actions.push(act(
            "R8",
            "Provide SIP<MAC>.cnf for each phone: SIP and the MAC in upper case, .cnf in lower case (e.g. SIP002094D245CB.cnf); all files readable by the TFTP server.",
        ));
        actions.push(act(
            "R9",
            "If you use RINGLIST.DAT, put every ring file it lists (e.g. ringer1.pcm) into the TFTP root.",
        ));
    } else if rules.contains(&"R17") {
        actions.push(set_line(
            "R17",
            format!(
                "Name it in the SCCP configuration too (SEP<MAC>.cnf.xml, or XMLDefault.cnf.xml for all {} phones; CallManager: the device's phone load name):",
                models_label(s.models)
            ),
            "XMLDefault.cnf.xml",
            loadinfo_lines(s.models, &to.name),
        ));
    }
    check_and_reset(
        actions,
        primary,
        "Reset the phone(s). The phone fetches OS79XX.TXT, then the image it names, then its configuration files (R3).",
    );
    if sip && (3..=4).contains(&to.major()) {
        notes.push(note(
            "R11",
            "If the TFTP log shows the image transfer ending in \"State Error\" and being retried (common with very old SCCP images), convert to SIP 2.3 (P0S30203) first, then to this image.",
        ));
    }
    if from.protocol == Protocol::Sccp && from.major() == 4 && sip {
        notes.push(note(
            "R10",
            "The guide names SCCP ≤ 3.x and 5.x as starting points; SCCP 4.x is treated like ≤ 3.x here (inferred).",
        ));
    }
}

/// The steps of `Method::ConfigImage` (7940/7960).
fn stage_config_image_7940(s: &StageInput<'_>, actions: &mut Vec<Action>) {
    let to = s.to;
    let sip = s.sip;
    let cfg_line = &s.cfg_line;
    if sip {
        actions.push(act(
            "R12",
            format!(
                "Unpack the release zip of {} into the TFTP root, top level: {}.loads, {}.sb2 and the loader {}.sbn/.bin (R6, R29).",
                to.label,
                to.name,
                to.name,
                loader_of(to)
            ),
        ));
        actions.push(set_line(
            "R12",
            "Name the SIP image in SIPDefault.cnf:",
            "SIPDefault.cnf",
            cfg_line.clone(),
        ));
        actions.push(write_file(
            "R6",
            "OS79XX.TXT names the loader, as in the release zip:",
            "OS79XX.TXT",
            os79xx_contents(&loader_of(to)),
        ));
        actions.push(act(
            "R12",
            "Once the phones run SIP, remove their SEP<MAC>.cnf.xml (R12: the SIP phone reads SIPDefault.cnf and SIP<MAC>.cnf). Keep XMLDefault.cnf.xml naming the SIP load while any phone of this TFTP root still runs SCCP, as Cisco's SIP release tree does.",
        ));
        check_and_reset(
            actions,
            "R12",
            "Reset the phone(s): the configured image differs from the running one, so the phone fetches it.",
        );
    } else {
        actions.push(act(
            "R19",
            format!(
                "Put the files of {} into the TFTP root (the release zip, or Cisco's installer on CallManager, R22).",
                to.describe()
            ),
        ));
        actions.push(set_line(
            "R19",
            "In the configuration of the running protocol (SIPDefault.cnf, and SIP<MAC>.cnf where it sets image_version), name the SCCP image:",
            "SIPDefault.cnf",
            cfg_line.clone(),
        ));
        actions.push(write_file(
            "R14",
            "Write OS79XX.TXT naming the SCCP load, so a phone reading it later stays on SCCP:",
            "OS79XX.TXT",
            os79xx_contents(&to.name),
        ));
        check_and_reset(actions, "R19", "Reset the phone(s).");
    }
}

/// The steps of `Method::ConfigImage`.
fn stage_config_image(s: &StageInput<'_>, actions: &mut Vec<Action>, notes: &mut Vec<Note>) {
    let model = s.model;
    let to = s.to;
    // 7905G/7912G from SCCP: not in the guide; CallManager's load setting.
    actions.push(act("R31", format!("Copy {} into the TFTP root.", to.name)));
    actions.push(set_line(
        "R31",
        "Name the image in the SCCP configuration (XMLDefault.cnf.xml, or the device's phone load in CallManager):",
        "XMLDefault.cnf.xml",
        loadinfo_lines(
            s.models,
            to.name
                .strip_suffix(".sbin")
                .or_else(|| to.name.strip_suffix(".zup"))
                .unwrap_or(&to.name),
        ),
    ));
    let (txt, cfg, _) = profile(model);
    actions.push(run(
        "R31",
        format!("Have the SIP profile ready: {txt} compiled to {cfg}:"),
        format!("cfgfmt-rs -tbuiltin:7912 {txt} {cfg}"),
    ));
    check_and_reset(actions, "R31", "Reset the phone(s).");
    notes.push(note(
        "R31",
        "The guide covers 7905G/7912G conversions through the SIP profile only; this SCCP-side step (loadInformation, device type from the fact sheet) is inferred. Some CallManager Express versions want the file name with .sbin here.",
    ));
}

/// The steps of `Method::ReleaseZip`.
fn stage_release_zip(s: &StageInput<'_>, actions: &mut Vec<Action>) {
    let from = s.from;
    let to = s.to;
    let sip = s.sip;
    let cfg_line = &s.cfg_line;
    let files = if to.placeholder {
        format!("the files of {}", to.label)
    } else if sip {
        format!(
            "{0}.loads, {0}.sb2, {1}.sbn, {1}.bin and OS79XX.TXT",
            to.name,
            loader_of(to)
        )
    } else {
        format!("{0}.loads, {0}.sb2, {0}.sbn and {0}.bin", to.name)
    };
    actions.push(act(
        "R13",
        format!(
            "Unpack the release zip of {} into the TFTP root, top level (not a subfolder), as it is — do not copy images by hand (R29): {files}.",
            to.label
        ),
    ));
    let os_name = if sip { loader_of(to) } else { to.name.clone() };
    actions.push(write_file(
        if sip { "R6" } else { "R14" },
        if sip {
            "OS79XX.TXT names the loader (the zip's own file does):"
        } else {
            "Write OS79XX.TXT naming the SCCP load:"
        },
        "OS79XX.TXT",
        os79xx_contents(&os_name),
    ));
    if sip {
        actions.push(set_line(
            "R13",
            "Name the load in SIPDefault.cnf:",
            "SIPDefault.cnf",
            cfg_line.clone(),
        ));
    } else {
        actions.push(set_line(
            "R13",
            "Name the load in the SCCP configuration (SEP<MAC>.cnf.xml or XMLDefault.cnf.xml; CallManager: the phone load name):",
            "XMLDefault.cnf.xml",
            loadinfo_lines(s.models, &to.name),
        ));
    }
    if from.protocol != to.protocol {
        actions.push(act(
            "R12",
            if sip {
                "Once the phones run SIP, remove their SEP<MAC>.cnf.xml (R12: the SIP phone reads SIPDefault.cnf and SIP<MAC>.cnf). Keep XMLDefault.cnf.xml naming the SIP load while any phone of this TFTP root still runs SCCP, as Cisco's SIP release tree does."
            } else {
                "Remove the SIP configuration files of these phones (SIP<MAC>.cnf; SIPDefault.cnf if no SIP phone uses this TFTP root)."
            },
        ));
    }
    check_and_reset(
        actions,
        "R13",
        "Reset the phone(s): each compares the images named with its flash, downloads what differs, writes it and reboots.",
    );
}

/// The steps of `Method::GkdefaultUpgradecode`.
fn stage_gkdefault_upgradecode(s: &StageInput<'_>, actions: &mut Vec<Action>) {
    let model = s.model;
    let to = s.to;
    let primary = s.primary;
    let (txt, cfg, prefix) = profile(model);
    let is_cp = !to.placeholder
        && names::parse(&to.name).is_some_and(|n| matches!(n.family, Family::Cp(_)));
    let file = to.name.clone();
    let date = if is_cp {
        upgradecode::date_code_of(&file).map(|d| format!("{d:#09x}"))
    } else {
        None
    }
    .unwrap_or_else(|| "<its date code: 0x + yymmdd + build letter, e.g. 0x051117a>".into());
    let platform = platform(model);
    let line = format!("upgradecode:3,{platform:#x},0x0400,0x0100,0.0.0.0,69,{date},{file}");
    actions.push(act("R32", format!("Copy {file} into the TFTP root.")));
    actions.push(set_line(
        "R32",
        format!("Set the upgradecode line in {txt} (platform {platform:#x} = {}, fixed fields of the guide, 0.0.0.0 = the server that served the profile):", model.label()),
        txt,
        line,
    ));
    if is_cp {
        actions.push(run(
            "R32",
            "or let the tool write it from the image's header and name:",
            format!("cfgfmt-rs upgradecode {file} --write {txt}"),
        ));
    }
    actions.push(run(
        "R31",
        "Compile it with the built-in 7905G/7912G tag table (or with the table the SIP release ships, e.g. -tsip_ptag7912.dat):",
        format!("cfgfmt-rs -tbuiltin:7912 {txt} {cfg}"),
    ));
    actions.push(act(
        "R31",
        format!("To upgrade one phone only, copy {cfg} to {prefix}<mac> (MAC in lower case) instead of replacing {cfg}."),
    ));
    check_and_reset(
        actions,
        primary,
        format!("Make sure the phone can reach the TFTP server and reset it: it downloads {cfg} and the image it names.").as_str(),
    );
}

/// The steps of `Method::LoadInformation` (7911G/7906G, 794x/796x, 797x).
fn stage_load_information(s: &StageInput<'_>, actions: &mut Vec<Action>, notes: &mut Vec<Note>) {
    let (from, to) = (s.from, s.to);
    let files = if to.placeholder {
        format!("the files of {}", to.label)
    } else {
        format!(
            "{0}.loads and every file it lists (cfgfmt-rs inspect {0}.loads shows them)",
            to.name
        )
    };
    actions.push(act(
        "R29",
        format!(
            "Unpack the release of {} into the TFTP root, top level, as it is: {files}.",
            to.label
        ),
    ));
    actions.push(set_line(
        "R19",
        format!(
            "Name it in XMLDefault.cnf.xml, one line per model ({}); a phone with its own SEP<MAC>.cnf.xml reads <loadInformation>{}</loadInformation> there instead:",
            models_label(s.models),
            to.name
        ),
        "XMLDefault.cnf.xml",
        loadinfo_lines(s.models, &to.name),
    ));
    if from.protocol != to.protocol {
        actions.push(act(
            "R1",
            match to.protocol {
                Protocol::Sip => "Give each phone a SEP<MAC>.cnf.xml for SIP: <deviceProtocol>SIP</deviceProtocol> and a <sipProfile> with its lines and proxy (Cisco's sip/ tree ships templates such as 7941_7961_TEMPL.cnf.xml); without one the SIP load has no lines.",
                Protocol::Sccp => "Give each phone what CallManager needs: a SEP<MAC>.cnf.xml with its <callManagerGroup> (CallManager writes it), or let the phone auto-register.",
            },
        ));
    }
    check_and_reset(
        actions,
        "R19",
        "Reset the phone(s): each compares the load named with the one it runs, fetches the .loads file and the files it lists, and reboots.",
    );
    notes.push(note(
        "R19",
        format!(
            "Cisco's guide covers 7940/7960 and 7905G/7912G only; for the {} this step follows Cisco's release trees (their XMLDefault.cnf.xml names each model's load in loadInformationNNN, for SIP and SCCP alike).",
            models_label(s.models)
        ),
    ));
}

/// `7940G/7960G`, `7912G`: the models a plan is for.
fn models_label(models: &[Model]) -> String {
    models
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join("/")
}

/// Builds the plan. `model` defaults to what the names imply, else 7940/7960. Without
/// `--model`, a plan is for every model that shares the load (7940G and 7960G; 7941G,
/// 7941G-GE, 7961G and 7961G-GE …), and names the load for each of them.
pub fn plan(from: &str, to: &str, model: Option<Model>, via: &[String]) -> Result<Plan, PlanError> {
    let given = model;
    let model = plan_model(from, to, model)?;
    // Version-only arguments were read before the model was known.
    let (from_load, _) = parse_load(from, Some(model))?;
    let (to_load, _) = parse_load(to, Some(model))?;
    for l in [&from_load, &to_load] {
        if !model.supports(l.protocol) {
            return Err(PlanError::Unsupported(format!(
                "the {} has no {} firmware",
                model.label(),
                l.protocol.label()
            )));
        }
    }
    let mut via_loads = Vec::new();
    for v in via {
        via_loads.push(parse_load(v, Some(model))?.0);
    }
    let hops = match kind(model) {
        Some(Kind::P7940) => route_7940(&from_load, &to_load, &via_loads)?,
        Some(Kind::P7905) => route_79xx_cp(&from_load, &to_load)?,
        Some(Kind::Xml) => route_xml(&from_load, &to_load)?,
        None => return Err(no_path(model)),
    };
    let models = match (given, kind(model)) {
        (None, Some(Kind::P7940 | Kind::Xml)) => model.siblings(),
        _ => vec![model],
    };
    let mut stages = Vec::new();
    let mut cur = from_load.clone();
    for (target, method, rules) in hops {
        stages.push(stage(&models, &cur, &target, method, rules));
        cur = target;
    }
    let before = notes_before(model, &from_load, &to_load);
    let fill_in = fill_in(model, &stages);
    let troubleshooting = troubleshooting(model);
    Ok(Plan {
        model,
        models,
        from: from_load,
        to: to_load,
        stages,
        before,
        fill_in,
        troubleshooting,
    })
}

/// Why no plan is made for a model device::Model knows: where its path is not defined.
fn no_path(model: Model) -> PlanError {
    let how = match (model.family(), model.load_id()) {
        (Fam::Ata, _) => "an ATA's firmware is named by the upgradecode line of its ata<mac>/atadefault.cfg profile (cfgfmt-rs upgradecode writes one); no conversion path is defined for it".to_string(),
        (_, Some(id)) => format!(
            "name its load in XMLDefault.cnf.xml (<loadInformation{id} model=\"{}\">…</loadInformation{id}>) or in SEP<MAC>.cnf.xml, with the load's .loads file and every file it lists in the TFTP root; cfgfmt-rs doctor checks that the load is complete",
            model.xml_model_name()
        ),
        (_, None) => "no conversion path is defined for it".to_string(),
    };
    PlanError::Unsupported(format!(
        "no conversion path is defined for the {}: Cisco's guide covers 7940/7960 and 7905G/7912G, and this tool also plans 7911G/7906G, 794x/796x and 797x; for the {}, {how}",
        model.label(),
        model.label()
    ))
}

/// The phone model: `--model`, else what the load names imply (they must agree), else 7940.
fn plan_model(from: &str, to: &str, model: Option<Model>) -> Result<Model, PlanError> {
    if let Some(m) = model
        && kind(m).is_none()
    {
        return Err(no_path(m));
    }
    let (_, from_model) = parse_load(from, model)?;
    let implied = model.or(from_model);
    let (_, to_model) = parse_load(to, implied)?;
    let family = |m: Option<Model>| m.map(Model::family);
    Ok(match (model, from_model, to_model) {
        (Some(m), f, t) => {
            for (arg, im) in [(from, f), (to, t)] {
                if im.is_some() && family(im) != Some(m.family()) {
                    return Err(PlanError::Unsupported(format!(
                        "{arg:?} is not a load for the {} given with --model",
                        m.label()
                    )));
                }
            }
            m
        }
        (None, Some(f), Some(t)) if f.family() != t.family() => {
            return Err(PlanError::Unsupported(format!(
                "{from:?} and {to:?} are loads of different phone models"
            )));
        }
        (None, f, t) => f.or(t).unwrap_or(Model::M7940),
    })
}

/// 7911G/7906G, 794x/796x, 797x: one step, the load named by `loadInformation`.
fn route_xml(from: &Load, to: &Load) -> Result<Vec<Hop>, PlanError> {
    if from.same(to) && from.name == to.name {
        return Err(PlanError::Unsupported(format!(
            "{} is both the start and the target: nothing to do",
            from.label
        )));
    }
    Ok(vec![(to.clone(), Method::LoadInformation, vec!["R19"])])
}

/// The notes before the stages: one phone through an alternate server, protocol changes.
fn notes_before(model: Model, from_load: &Load, to_load: &Load) -> Vec<Note> {
    let mut before = vec![note(
        "R21",
        "To convert one phone only, serve these files from a TFTP server other than the one DHCP hands out and set it as that phone's alternate TFTP server; files on the shared server convert every phone that fetches them.",
    )];
    if from_load.protocol != to_load.protocol {
        before.push(note(
            "R1",
            format!(
                "The phone runs one protocol at a time; loading the {} image is what converts it.",
                to_load.protocol.label()
            ),
        ));
        before.push(note(
            "R2",
            "SIP phones learn the TFTP server from DHCP option 66, CallManager (SCCP) phones from option 150: make sure the option the target protocol reads points to this TFTP server, or set the alternate TFTP server on the phone.",
        ));
        if is_7940_family(model) && to_load.major() >= 6 && from_load.major() >= 6 {
            before.push(note(
                "R20",
                "With CallManager 5.x/6.x: Bulk Administration can migrate the phone records from SCCP to SIP (reset the phones afterwards); back to SCCP, delete the SIP phone, set the auto-registration protocol to SCCP and let the phone re-register.",
            ));
        }
    }
    before
}

/// What the user must fill in: loads this tool does not know, upgradecode placeholders.
fn fill_in(model: Model, stages: &[Stage]) -> Vec<String> {
    let mut fill_in = Vec::new();
    for s in stages {
        if s.to.placeholder && !fill_in.iter().any(|f: &String| f.contains(&s.to.name)) {
            let hint = [SCCP4_LATEST, SCCP5, SCCP63]
                .iter()
                .find(|w| w.label == s.to.label)
                .map(|w| w.example)
                .unwrap_or(if kind(model) == Some(Kind::Xml) {
                    "--from/--to with the load's name (the .loads file without its extension)"
                } else {
                    "--to with the image file name"
                });
            fill_in.push(format!(
                "{}: the guide names this load by its version only, and this tool knows no release name for it; run the plan again with {hint}",
                s.to.name
            ));
        }
        for a in &s.actions {
            if let Some(c) = &a.content
                && c.contents.contains("<")
                && !c.contents.contains("<loadInformation")
                && s.method == Method::GkdefaultUpgradecode
                && !fill_in.iter().any(|f| f.starts_with("upgradecode"))
            {
                fill_in.push(format!(
                    "upgradecode image and date code: give the image file with --to (e.g. --to {}); the date code is yymmdd and build letter of its name",
                    example_image(model, s.to.protocol)
                ));
            }
        }
    }
    fill_in
}

/// The troubleshooting notes of the model's family.
fn troubleshooting(model: Model) -> Vec<Note> {
    if kind(model) == Some(Kind::Xml) {
        vec![
            note(
                "R29",
                "The phone keeps its load: the .loads file named in loadInformation, or a file it lists, is not in the TFTP root (or not readable) — unpack the whole release there and run cfgfmt-rs doctor on the TFTP root.",
            ),
            note(
                "R30",
                "Most failures come from old firmware; converting to the newest firmware first solves many problems.",
            ),
        ]
    } else if !is_7940_family(model) {
        vec![
            note(
                "R32",
                "The phone stays on its old image: the upgradecode line names a file that is not on the server, or its platform, date code or fixed fields are not the image's — run cfgfmt-rs doctor on the TFTP root.",
            ),
            note(
                "R31",
                "Changes to gkdefault.txt do nothing until it is compiled again to gkdefault.cfg (lddefault for 7905G).",
            ),
            note(
                "R30",
                "Most failures come from old firmware; converting to the newest firmware first solves many problems.",
            ),
        ]
    } else {
        vec![
            note(
                "R25",
                "\"Protocol Application Invalid\": the application image could not be written or is missing — the zip was not unpacked into the TFTP root, files were copied by hand, the loader could not fetch or authenticate the image, OS79XX.TXT holds more than the bare name, or image_version does not name the image. Run cfgfmt-rs doctor on the TFTP root.",
            ),
            note(
                "R26",
                "\"Image Authentication Failed\": the new image's signature check failed — unpack it from the release zip again.",
            ),
            note(
                "R27",
                "\"No Load Specified\": no image in flash and no configuration file names one — name it in OS79XX.TXT or the protocol configuration.",
            ),
            note(
                "R28",
                "The phone goes \"unprovisioned\": most often OS79XX.TXT syntax — only the file name: SIP ≤ 2.3 P0S3xxyy, SIP ≥ 3.0 P0S3-xx-y-zz, SCCP P003aabbccdd.",
            ),
            note(
                "R29",
                "To fix application-image problems, name the image in the configuration file and restart the phone.",
            ),
            note(
                "R30",
                "Most failures come from old firmware or bad OS79XX.TXT syntax; converting to the newest firmware first solves many problems.",
            ),
        ]
    }
}

impl Plan {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn render_text(&self) -> String {
        let mut o = String::new();
        let models = models_label(&self.models);
        let _ = writeln!(
            o,
            "Plan: {} → {} on a {models}",
            self.from.describe(),
            self.to.describe()
        );
        let mut path = vec![self.from.label.clone()];
        path.extend(self.stages.iter().map(|s| s.to.label.clone()));
        let _ = writeln!(o, "Path: {}", path.join(" → "));
        if !self.fill_in.is_empty() {
            o.push_str("\nFill in (the plan is incomplete until you do)\n");
            for f in &self.fill_in {
                let _ = writeln!(o, "  - {f}");
            }
        }
        o.push_str("\nBefore you start\n");
        for n in &self.before {
            let _ = writeln!(o, "  [{}] {}", n.rule, n.text);
        }
        let count = self.stages.len();
        for (i, s) in self.stages.iter().enumerate() {
            let _ = writeln!(
                o,
                "\nStep {} of {count}: {} → {}  ({}; {})",
                i + 1,
                s.from.label,
                s.to.label,
                s.method.id(),
                s.rules.join(", ")
            );
            for (j, a) in s.actions.iter().enumerate() {
                let _ = writeln!(o, "  {}.{} [{}] {}", i + 1, j + 1, a.rule, a.text);
                if let Some(c) = &a.content {
                    let what = if c.whole { "whole file" } else { "line" };
                    let _ = writeln!(o, "        {} ({what}):", c.file);
                    for l in c.contents.lines() {
                        let _ = writeln!(o, "          {l}");
                    }
                }
                if let Some(cmd) = &a.command {
                    let _ = writeln!(o, "          $ {cmd}");
                }
            }
            for n in &s.notes {
                let _ = writeln!(o, "  note [{}] {}", n.rule, n.text);
            }
        }
        o.push_str("\nIf something goes wrong\n");
        for n in &self.troubleshooting {
            let _ = writeln!(o, "  [{}] {}", n.rule, n.text);
        }
        o
    }
}
