//! Per-parameter differences between a file on disk and the one provision renders: `.cnf`
//! lines, XML leaf elements (by path), profile parameters (decoded). Secrets never appear:
//! their values are `***` and a changed secret says only that it changed.

use serde::Serialize;

use super::params;
use crate::device::{BootFileKind, ConfigKind};
use crate::profile::{DecodeOptions, decode};

/// One parameter of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub key: String,
    pub value: String,
    pub secret: bool,
}

/// How one parameter changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
pub enum Change {
    Added {
        key: String,
        new: String,
    },
    Removed {
        key: String,
        old: String,
    },
    Changed {
        key: String,
        old: String,
        new: String,
    },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added { key, new } => write!(f, "+ {key} = {new}"),
            Change::Removed { key, old } => write!(f, "- {key} (was {old})"),
            Change::Changed { key, old, new } if old == "***" && new == "***" => {
                write!(f, "~ {key}: changed (secret)")
            }
            Change::Changed { key, old, new } => write!(f, "~ {key}: {old} -> {new}"),
        }
    }
}

const MASK: &str = "***";

use crate::catalogue::looks_secret as is_secret_name;

/// A `.cnf` file's `name: value` lines (comments and blank lines skipped, quotes and a
/// trailing `;` removed).
pub fn cnf_params(text: &str) -> Vec<Param> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                return None;
            }
            let (k, v) = l.split_once(':')?;
            let v = v.trim();
            let v = v.split_once(';').map_or(v, |(a, _)| a).trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            Some(Param {
                key: k.trim().to_string(),
                value: v.to_string(),
                secret: is_secret_name(k),
            })
        })
        .collect()
}

/// An XML file's leaf elements as `path/to/leaf` (a `line` element is named by its
/// `button`), attributes as `element@name`.
pub fn xml_params(text: &str) -> Option<Vec<Param>> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let mut out = Vec::new();
    /// Deeper than any phone's file (Cisco's go 6 deep): a file nested further is not
    /// compared (the walk recurses, and a root's file is untrusted).
    const MAX_DEPTH: usize = 32;
    fn walk(node: roxmltree::Node, path: &str, depth: usize, out: &mut Vec<Param>) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        for child in node.children().filter(|c| c.is_element()) {
            let mut name = child.tag_name().name().to_string();
            if let Some(b) = child.attribute("button") {
                name = format!("{name}[{b}]");
            }
            let here = if path.is_empty() {
                name
            } else {
                format!("{path}/{name}")
            };
            for a in child
                .attributes()
                .filter(|a| a.name() != "button" && a.name() != "priority")
            {
                out.push(Param {
                    key: format!("{here}@{}", a.name()),
                    value: a.value().to_string(),
                    secret: false,
                });
            }
            if child.children().any(|c| c.is_element()) {
                walk(child, &here, depth + 1, out)?;
            } else {
                let secret = is_secret_name(child.tag_name().name());
                out.push(Param {
                    key: here,
                    value: child.text().unwrap_or_default().trim().to_string(),
                    secret,
                });
            }
        }
        Some(())
    }
    walk(doc.root_element(), "", 0, &mut out)?;
    Some(out)
}

/// A binary profile's parameters, decoded with the kind's table.
pub fn profile_params(kind: ConfigKind, bytes: &[u8]) -> Option<Vec<Param>> {
    let table = params::table(kind)?;
    let opts = DecodeOptions {
        protocols: params::profile_protocols(),
        reencodable: true,
        ..Default::default()
    };
    let text = decode(bytes, table, &opts).ok()?.text;
    let text = String::from_utf8_lossy(&text);
    Some(
        text.lines()
            .filter_map(|l| {
                if l.starts_with('#') || l.trim().is_empty() {
                    return None;
                }
                let (k, v) = l.split_once(':')?;
                let secret = table
                    .by_name(k, params::profile_protocols())
                    .is_some_and(|d| d.is_sensitive())
                    || is_secret_name(k);
                Some(Param {
                    key: k.to_string(),
                    value: v.to_string(),
                    secret,
                })
            })
            .collect(),
    )
}

/// The parameters of a file of that kind; `None` when it cannot be read as one.
pub fn file_params(kind: BootFileKind, bytes: &[u8]) -> Option<Vec<Param>> {
    // Larger than any configuration file (lint's bound): not compared parameter by
    // parameter, which would cost time and memory in proportion to an untrusted file.
    if bytes.len() as u64 > crate::io::Limit::CONFIG.bytes {
        return None;
    }
    match kind {
        BootFileKind::Os79xx => {
            let t = String::from_utf8_lossy(bytes);
            Some(vec![Param {
                key: "image".into(),
                value: t.trim().to_string(),
                secret: false,
            }])
        }
        BootFileKind::SipDefault | BootFileKind::SipMac => {
            Some(cnf_params(std::str::from_utf8(bytes).ok()?))
        }
        BootFileKind::SepMac | BootFileKind::XmlDefault => {
            xml_params(std::str::from_utf8(bytes).ok()?)
        }
        BootFileKind::ProfileMac | BootFileKind::ProfileDefault => {
            profile_params(ConfigKind::Profile7905, bytes)
        }
        BootFileKind::AtaMac | BootFileKind::AtaDefault => {
            profile_params(ConfigKind::ProfileAta, bytes)
        }
        _ => None,
    }
}

/// Makes keys unique (`key#2` for the second of a name), keeping order.
fn unique(params: Vec<Param>) -> Vec<Param> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    params
        .into_iter()
        .map(|mut p| {
            let n = seen.entry(p.key.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                p.key = format!("{}#{n}", p.key);
            }
            p
        })
        .collect()
}

fn shown(p: &Param) -> String {
    if p.secret {
        MASK.into()
    } else if p.value.is_empty() {
        "\"\"".into()
    } else {
        p.value.clone()
    }
}

/// The changes from `old` to `new`; `None` when either cannot be read as its kind.
pub fn diff(kind: BootFileKind, old: &[u8], new: &[u8]) -> Option<Vec<Change>> {
    let old = unique(file_params(kind, old)?);
    let new = unique(file_params(kind, new)?);
    let mut out = Vec::new();
    for n in &new {
        match old.iter().find(|o| o.key == n.key) {
            None => out.push(Change::Added {
                key: n.key.clone(),
                new: shown(n),
            }),
            Some(o) if o.value != n.value => out.push(Change::Changed {
                key: n.key.clone(),
                old: if n.secret { MASK.into() } else { shown(o) },
                new: shown(n),
            }),
            Some(_) => {}
        }
    }
    for o in &old {
        if !new.iter().any(|n| n.key == o.key) {
            out.push(Change::Removed {
                key: o.key.clone(),
                old: shown(o),
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root's file nested deeper than any phone's, or larger than any configuration
    /// file, is not compared parameter by parameter (the walk used to overflow the stack).
    #[test]
    fn deep_or_huge_files_are_not_walked() {
        let n = 100_000;
        let deep = format!("<device>{}{}</device>", "<a>".repeat(n), "</a>".repeat(n));
        assert!(xml_params(&deep).is_none());
        let shallow = "<device><a><b>1</b></a></device>";
        assert_eq!(xml_params(shallow).map(|p| p.len()), Some(1));
        let huge = "a: 1\n".repeat(300_000);
        assert!(file_params(BootFileKind::SipMac, huge.as_bytes()).is_none());
    }

    #[test]
    fn cnf_diff_masks_passwords() {
        let old = b"# x\nproxy1_address: \"a\"\nline1_password: \"old-secret\"\ngone: 1 ; note\n";
        let new = b"proxy1_address: \"b\"\nline1_password: \"new-secret\"\nnat_enable: \"1\"\n";
        let d = diff(BootFileKind::SipMac, old, new).unwrap();
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "~ proxy1_address: a -> b",
                "~ line1_password: changed (secret)",
                "+ nat_enable = 1",
                "- gone (was 1)"
            ]
        );
        assert!(!format!("{d:?}").contains("secret\""));
        assert!(!serde_json::to_string(&d).unwrap().contains("-secret"));
    }

    #[test]
    fn xml_diff_by_path() {
        let old = b"<device><sipLines><line button=\"1\"><name>1</name><authPassword>pw1</authPassword></line></sipLines></device>";
        let new = b"<device><sipLines><line button=\"1\"><name>2</name><authPassword>pw2</authPassword></line></sipLines></device>";
        let d = diff(BootFileKind::SepMac, old, new).unwrap();
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "~ sipLines/line[1]/name: 1 -> 2",
                "~ sipLines/line[1]/authPassword: changed (secret)"
            ]
        );
        assert_eq!(diff(BootFileKind::SepMac, b"<oops", new), None);
    }
}
