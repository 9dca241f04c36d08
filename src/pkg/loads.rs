//! 7940/7960 `.loads` manifest: SGN header + three text lines — the signed loader (`.sbn`), the
//! signed application (`.sb2`) and `LA_VERSION=<tag>`. LF in every sample; CRLF accepted (older
//! loads are guessed to use it).
use super::error::{PkgError, Result};
use super::sgn::{self, SignedFile};
use crate::report::{Span, Status};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Line {
    /// File offset of the line's first byte.
    pub offset: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoadsFile<'a> {
    pub signed: SignedFile<'a>,
    pub loader: Line,
    pub application: Line,
    pub la_version: Line,
    pub crlf: bool,
    pub extra_lines: Vec<Line>,
}

/// Split the body into lines with their file offsets (`\r` before `\n` removed).
fn lines(body: &[u8], base: usize) -> Result<(Vec<Line>, bool)> {
    let mut out = Vec::new();
    let mut crlf = false;
    let mut start = 0usize;
    let mut rest = body;
    while !rest.is_empty() {
        let (line, consumed) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (rest.get(..n).unwrap_or_default(), n + 1),
            None => (rest, rest.len()),
        };
        let line = match line.strip_suffix(b"\r") {
            Some(l) => {
                crlf = true;
                l
            }
            None => line,
        };
        if let Some(bad) = line
            .iter()
            .position(|b| !(b.is_ascii_graphic() || *b == b' ' || *b == b'\t'))
        {
            return Err(PkgError::invalid(
                base + start + bad,
                "non-text byte in .loads body",
            ));
        }
        out.push(Line {
            offset: base + start,
            text: String::from_utf8_lossy(line).into_owned(),
        });
        start += consumed;
        rest = rest.get(consumed..).unwrap_or_default();
    }
    Ok((out, crlf))
}

/// Is this payload a `.loads` body (two file names then `LA_VERSION=`)?
pub fn looks_like_body(payload: &[u8]) -> bool {
    payload.len() < 4096
        && lines(payload, 0).is_ok_and(|(l, _)| l.iter().any(|x| x.text.starts_with("LA_VERSION=")))
}

pub fn parse(bytes: &[u8]) -> Result<LoadsFile<'_>> {
    let signed = sgn::parse(bytes)?;
    from_signed(signed)
}

pub fn from_signed(signed: SignedFile<'_>) -> Result<LoadsFile<'_>> {
    let base = signed.payload_offset();
    let (mut all, crlf) = lines(signed.payload(), base)?;
    // Tolerate blank lines at the end only.
    while all.last().is_some_and(|l| l.text.trim().is_empty()) {
        all.pop();
    }
    let mut it = all.into_iter();
    let missing = |what: &str| {
        PkgError::invalid(
            base + signed.payload().len(),
            format!(".loads body ends before the {what} line"),
        )
    };
    let loader = it.next().ok_or_else(|| missing("loader"))?;
    let application = it.next().ok_or_else(|| missing("application"))?;
    let la_version = it.next().ok_or_else(|| missing("LA_VERSION"))?;
    if !la_version.text.starts_with("LA_VERSION=") {
        return Err(PkgError::invalid(
            la_version.offset,
            format!("expected LA_VERSION=…, found {:?}", la_version.text),
        ));
    }
    Ok(LoadsFile {
        loader,
        application,
        la_version,
        crlf,
        extra_lines: it.collect(),
        signed,
    })
}

impl LoadsFile<'_> {
    pub fn loader_name(&self) -> &str {
        self.loader.text.trim()
    }
    pub fn application_name(&self) -> &str {
        self.application.text.trim()
    }
    pub fn la_version_value(&self) -> &str {
        self.la_version
            .text
            .trim()
            .strip_prefix("LA_VERSION=")
            .unwrap_or("")
    }
    /// Sanity warnings about the body itself.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.loader_name().ends_with(".sbn") {
            w.push(format!(
                "loader {:?} does not end in .sbn",
                self.loader_name()
            ));
        }
        if !self.application_name().ends_with(".sb2") {
            w.push(format!(
                "application {:?} does not end in .sb2",
                self.application_name()
            ));
        }
        if self.la_version_value().len() != 8 {
            w.push(format!(
                "LA_VERSION {:?} is not 8 characters",
                self.la_version_value()
            ));
        }
        if self.crlf {
            w.push(
                "CRLF line ends (Cisco's 8.x samples use LF; CRLF in older loads is a guess)"
                    .into(),
            );
        }
        for l in &self.extra_lines {
            w.push(format!("offset {:#x}: extra line {:?}", l.offset, l.text));
        }
        w
    }
    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.signed.spans();
        let body = [
            ("loader", &self.loader),
            ("application", &self.application),
            ("LA_VERSION", &self.la_version),
        ];
        let end = self.signed.bytes.len();
        let mut all: Vec<(&str, &Line)> = body.to_vec();
        all.extend(self.extra_lines.iter().map(|l| ("extra line", l)));
        for (i, (label, line)) in all.iter().enumerate() {
            let next = all.get(i + 1).map(|(_, l)| l.offset).unwrap_or(end);
            v.push(
                Span::new(
                    line.offset,
                    next - line.offset,
                    *label,
                    format!("{:?}", line.text),
                )
                .with_status(Status::Info),
            );
        }
        v
    }
}

/// Which family's manifest shape a [`FileList`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListStyle {
    /// 79x1 (`SIP41.…loads`, `term41.default.loads`): comment lines, `# RELEASE load version
    /// 9-4-2ES9`, then one file name per line.
    Release,
    /// 69xx (`SIP69xx.….loads`): file names only.
    Names,
    /// 7921G/7925G (`CP7921G-….LOADS`): `#?` properties, then `NAME SIZE MD5` lines.
    Sized,
    /// 78xx (`sip78xx.….loads`): INI sections, `sboot=NAME size=N` entries.
    Platform,
}

impl ListStyle {
    pub fn describe(self) -> &'static str {
        match self {
            ListStyle::Release => "79x1 manifest (# RELEASE load version, file names)",
            ListStyle::Names => "69xx manifest (file names)",
            ListStyle::Sized => "7921G/7925G manifest (file, size, digest)",
            ListStyle::Platform => "78xx manifest (INI sections, file and size)",
        }
    }
}

/// One file a manifest lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListedFile {
    pub offset: usize,
    pub name: String,
    pub size: Option<u64>,
    /// Hex digest (7921G/7925G: 32 hex digits, MD5 by its length).
    pub digest: Option<String>,
    /// Listed on a `#+` line (7925G); meaning inferred: an additional file.
    pub marked: bool,
}

/// A load manifest of the newer phones: a list of files (and some properties).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileList {
    pub style: ListStyle,
    /// `# RELEASE load version X`, or the 78xx `Version=`.
    pub release: Option<String>,
    /// `#? HW_REV 0-4.*`, `#HARDWARE_COMP_1 1`, 78xx `key = value`: (key, value).
    pub properties: Vec<(String, String)>,
    pub files: Vec<ListedFile>,
}

fn plausible_file_name(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
}

fn hex_digest(s: &str) -> bool {
    s.len() >= 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse the text of a file-list manifest (the payload of a signed `.loads`). `base` is the
/// payload's file offset. Fails on the UAL shape (`LA_VERSION=`) and on lines that are neither
/// comments nor file entries.
pub fn parse_file_list(payload: &[u8], base: usize) -> Result<FileList> {
    let (all, _) = lines(payload, base)?;
    if all.iter().any(|l| l.text.trim().starts_with("LA_VERSION=")) {
        return Err(PkgError::invalid(
            base,
            "a 7940/7960 .loads (LA_VERSION), not a file list",
        ));
    }
    let mut out = FileList {
        style: ListStyle::Names,
        release: None,
        properties: Vec::new(),
        files: Vec::new(),
    };
    let mut section: Option<String> = None;
    for l in &all {
        let t = l.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix("#?") {
            out.style = ListStyle::Sized;
            let rest = rest.trim();
            let (k, v) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            out.properties.push((k.to_string(), v.trim().to_string()));
            continue;
        }
        if let Some(rest) = t.strip_prefix("#+") {
            out.files.push(sized_entry(rest.trim(), l, true)?);
            out.style = ListStyle::Sized;
            continue;
        }
        if let Some(rest) = t.strip_prefix('#') {
            let rest = rest.trim();
            if let Some(v) = rest.strip_prefix("RELEASE load version") {
                out.release = Some(v.trim().to_string());
                out.style = ListStyle::Release;
            } else if let Some(v) = rest.strip_prefix("RELEASE ") {
                // 78xx: `# RELEASE Model=78xx Version=11-0-1-11`
                if let Some(ver) = v
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("Version="))
                {
                    out.release = Some(ver.to_string());
                }
            } else if let Some(v) = rest.strip_prefix("HARDWARE_COMP_") {
                let (k, val) = v.split_once(char::is_whitespace).unwrap_or((v, ""));
                out.properties
                    .push((format!("HARDWARE_COMP_{k}"), val.trim().to_string()));
            }
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            out.style = ListStyle::Platform;
            section = Some(name.to_string());
            continue;
        }
        if section.is_some() {
            // `sboot=NAME size=N` lists a file; `key = value` is a property.
            let (k, v) = t.split_once('=').unwrap_or((t, ""));
            let mut words = v.split_whitespace();
            let first = words.next().unwrap_or_default();
            let size = words
                .next()
                .and_then(|w| w.strip_prefix("size="))
                .and_then(|n| n.parse::<u64>().ok());
            if size.is_some() && plausible_file_name(first) {
                out.files.push(ListedFile {
                    offset: l.offset,
                    name: first.to_string(),
                    size,
                    digest: None,
                    marked: false,
                });
            } else {
                let key = format!("{}.{}", section.as_deref().unwrap_or(""), k.trim());
                out.properties.push((key, v.trim().to_string()));
            }
            continue;
        }
        out.files.push(sized_entry(t, l, false)?);
    }
    if out.files.is_empty() {
        return Err(PkgError::invalid(
            base + payload.len(),
            "the manifest lists no file",
        ));
    }
    if out.style == ListStyle::Names && out.files.iter().any(|f| f.size.is_some()) {
        out.style = ListStyle::Sized;
    }
    Ok(out)
}

/// `NAME`, `NAME SIZE` or `NAME SIZE DIGEST`.
fn sized_entry(t: &str, l: &Line, marked: bool) -> Result<ListedFile> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let bad = || {
        PkgError::invalid(
            l.offset,
            format!(
                "expected a file name (NAME [SIZE DIGEST]), found {:?}",
                l.text
            ),
        )
    };
    let (name, size, digest) = match words.as_slice() {
        [n] => (*n, None, None),
        [n, s] => (*n, Some(s.parse::<u64>().map_err(|_| bad())?), None),
        [n, s, d] if hex_digest(d) => (
            *n,
            Some(s.parse::<u64>().map_err(|_| bad())?),
            Some(d.to_string()),
        ),
        _ => return Err(bad()),
    };
    if !plausible_file_name(name) {
        return Err(bad());
    }
    Ok(ListedFile {
        offset: l.offset,
        name: name.to_string(),
        size,
        digest,
        marked,
    })
}

/// Is this payload a file-list manifest?
pub fn looks_like_file_list(payload: &[u8]) -> bool {
    payload.len() < 64 * 1024 && parse_file_list(payload, 0).is_ok()
}
