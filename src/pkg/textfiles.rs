//! Text files met beside firmware: `OS79XX.TXT`, `image_version` in `SIPDefault.cnf` /
//! `SIP<MAC>.cnf`, and `<loadInformation…>` in `XMLDefault.cnf.xml` / `SEP<MAC>.cnf.xml`.
use super::error::{PkgError, Result};
use super::names::{self, LoadName};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Os79xx {
    /// The name with surrounding whitespace removed.
    pub name: String,
    pub parsed: Option<LoadName>,
    pub warnings: Vec<String>,
}

fn text(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| PkgError::invalid(e.valid_up_to(), "not UTF-8 text"))
}

/// `OS79XX.TXT`: one load name, no extension. Trailing whitespace (Cisco's own file has
/// `P003-8-12-00 \r\n`) is warned about, not rejected.
pub fn parse_os79xx(bytes: &[u8]) -> Result<Os79xx> {
    let s = text(bytes)?;
    let mut lines = s.split('\n');
    let first = lines.next().unwrap_or("");
    let mut warnings = Vec::new();
    let first_trim_cr = first.strip_suffix('\r').unwrap_or(first);
    let name = first_trim_cr.trim().to_string();
    if name.is_empty() {
        return Err(PkgError::invalid(0, "OS79XX.TXT holds no load name"));
    }
    if first_trim_cr.len() != first_trim_cr.trim_end().len() {
        warnings.push("trailing whitespace after the name (Cisco's file has one; bug CSCdv19260 shows editors adding more)".into());
    }
    if first_trim_cr.len() != first_trim_cr.trim_start().len() {
        warnings.push("leading whitespace before the name".into());
    }
    if name.contains(char::is_whitespace) {
        warnings.push(format!("name {name:?} contains whitespace"));
    }
    let mut offset = first.len() + 1;
    for l in lines {
        if !l.trim().is_empty() {
            warnings.push(format!(
                "offset {offset:#x}: extra line {l:?} (the file must hold only the name)"
            ));
        }
        offset += l.len() + 1;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".bin")
        || lower.ends_with(".sbn")
        || lower.ends_with(".loads")
        || lower.ends_with(".sb2")
    {
        warnings.push(format!(
            "{name:?} carries an extension; OS79XX.TXT must name the load without .bin"
        ));
    }
    let parsed = names::parse(&name);
    if parsed.is_none() {
        warnings.push(format!("{name:?} is not a known load-name form"));
    }
    Ok(Os79xx {
        name,
        parsed,
        warnings,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImageVersion {
    pub line: usize,
    /// Byte offset of the line.
    pub offset: usize,
    pub value: String,
    pub parsed: Option<LoadName>,
    pub warnings: Vec<String>,
}

/// Every `image_version` setting in a SIP `.cnf` (lenient: key case, spaces, quotes, `;`).
pub fn parse_image_version(bytes: &[u8]) -> Vec<ImageVersion> {
    let s = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in s.split('\n').enumerate() {
        let line_off = offset;
        offset += raw.len() + 1;
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("image_version") {
            continue;
        }
        let mut warnings = Vec::new();
        if key.trim() != "image_version" {
            warnings.push(format!("key spelled {:?}", key.trim()));
        }
        // `;` starts a trailing comment, unless inside quotes.
        let rest = rest.trim();
        let value = if let Some(q) = rest.strip_prefix('"') {
            match q.split_once('"') {
                Some((inside, _)) => {
                    if inside != inside.trim() {
                        warnings.push(format!("spaces inside the quotes: {inside:?}"));
                    }
                    inside.trim().to_string()
                }
                None => {
                    warnings.push("unterminated quote".into());
                    q.trim().to_string()
                }
            }
        } else {
            rest.split(';').next().unwrap_or("").trim().to_string()
        };
        let parsed = names::parse(&value);
        if parsed.is_none() {
            warnings.push(format!("{value:?} is not a known load-name form"));
        }
        out.push(ImageVersion {
            line: i + 1,
            offset: line_off,
            value,
            parsed,
            warnings,
        });
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoadInformation {
    pub offset: usize,
    /// Device-type number N of `<loadInformationN>` (None for plain `<loadInformation>`).
    pub device_type: Option<u32>,
    pub model: Option<String>,
    pub value: String,
    pub parsed: Option<LoadName>,
}

/// All `<loadInformation…>` elements (a plain text scan: the files are small and regular).
pub fn parse_load_information(bytes: &[u8]) -> Vec<LoadInformation> {
    let s = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(found) = s.get(from..).and_then(|t| t.find("<loadInformation")) {
        let start = from + found;
        from = start + 1;
        let Some(rest) = s.get(start + "<loadInformation".len()..) else {
            break;
        };
        let Some(gt) = rest.find('>') else { break };
        let attrs = rest.get(..gt).unwrap_or("");
        let digits: String = attrs.chars().take_while(char::is_ascii_digit).collect();
        let after_digits = attrs.get(digits.len()..).unwrap_or("");
        if !(after_digits.is_empty()
            || after_digits.starts_with(char::is_whitespace)
            || after_digits.starts_with('/'))
        {
            continue; // some other element, e.g. <loadInformationFoo>
        }
        if after_digits.trim_end().ends_with('/') {
            continue; // empty element
        }
        let model = after_digits.split_once("model=").and_then(|(_, m)| {
            let m = m.trim_start();
            let q = m.chars().next()?;
            m.get(1..)?.split(q).next().map(str::to_string)
        });
        let body = rest.get(gt + 1..).unwrap_or("");
        let value = body.split('<').next().unwrap_or("").trim().to_string();
        let parsed = names::parse(&value);
        out.push(LoadInformation {
            offset: start,
            device_type: digits.parse().ok(),
            model,
            value,
            parsed,
        });
    }
    out
}
