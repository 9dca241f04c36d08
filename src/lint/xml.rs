//! `SEP<MAC>.cnf.xml` and `XMLDefault.cnf.xml`. Parsed with `roxmltree`: no DTD (so no entity
//! is ever defined or expanded), at most [`super::MAX_XML_NODES`] nodes, elements walked
//! at most [`MAX_DEPTH`] deep.
use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

use super::checks;
use super::{check_name_value, check_value, finding, is_placeholder, unknown_name};
use crate::catalogue::{Catalogue, Param, ValueType};
use crate::device::{ConfigKind, Model};
use crate::finding::{Finding, Severity};

/// Deeper than any Cisco file (7 levels); deeper elements are not looked at.
const MAX_DEPTH: usize = 24;
/// Elements that repeat by design.
const REPEATED: &[&str] = &["member", "line", "ntp", "capf", "addOnModule"];

/// Which document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Sep(ConfigKind),
    XmlDefault,
}

fn line_of(doc: &Document, node: Node) -> usize {
    doc.text_pos_at(node.range().start).row as usize
}

/// The element's own text (its text children), trimmed.
fn text_of(node: Node) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect::<String>()
        .trim()
        .to_string()
}

pub(crate) fn lint(file: &str, bytes: &[u8], out: &mut Vec<Finding>) {
    let text = String::from_utf8_lossy(bytes);
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: super::MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(&text, opts) {
        Ok(d) => d,
        Err(e) => {
            out.push(finding(
                &checks::CONFIG_SYNTAX,
                file,
                Some(e.pos().row as usize),
                format!("not well-formed XML: {e}"),
                "Fix the XML; the phone refuses the whole file.".into(),
            ));
            return;
        }
    };
    let root = doc.root_element();
    let kind = match root.tag_name().name() {
        "device" => {
            let sip = root.children().any(|c| {
                c.has_tag_name("sipProfile")
                    || (c.has_tag_name("deviceProtocol") && text_of(c).eq_ignore_ascii_case("SIP"))
            });
            Doc::Sep(if sip {
                ConfigKind::SipXml
            } else {
                ConfigKind::SccpXml
            })
        }
        "Default" => Doc::XmlDefault,
        other => {
            out.push(finding(
&checks::CONFIG_SYNTAX,
                file,
                Some(line_of(&doc, root)),
                format!(
                    "the root element is <{other}>: a phone's configuration starts with <device> (SEP<MAC>.cnf.xml) or <Default> (XMLDefault.cnf.xml)"
                ),
                "Check that this is a phone configuration file.".into(),
            ));
            return;
        }
    };
    let mut w = Walker {
        cat: Catalogue::builtin(),
        doc: &doc,
        file,
        kind,
        out,
    };
    w.children(root, "", 0);
}

struct Walker<'a, 'd> {
    cat: &'static Catalogue,
    doc: &'a Document<'d>,
    file: &'a str,
    kind: Doc,
    out: &'a mut Vec<Finding>,
}

impl Walker<'_, '_> {
    fn line(&self, n: Node) -> Option<usize> {
        Some(line_of(self.doc, n))
    }

    fn children(&mut self, parent: Node, prefix: &str, depth: usize) {
        if depth >= MAX_DEPTH {
            return;
        }
        // name -> (line, value) of the first such child.
        let mut seen: HashMap<String, (usize, String)> = HashMap::new();
        for child in parent.children().filter(Node::is_element) {
            let name = child.tag_name().name();
            let path = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            };
            let value = text_of(child);
            let line = line_of(self.doc, child);
            if !REPEATED.contains(&name) {
                match seen.get(name) {
                    Some((first, v0)) => self.duplicate(&path, *first, v0, &value, line),
                    None => {
                        seen.insert(name.to_string(), (line, value.clone()));
                    }
                }
            }
            let Some(p) = self.element(child, &path, &value) else {
                continue;
            };
            let p = p.clone();
            self.attributes(child, &p.name);
            let has_elements = child.children().any(|c| c.is_element());
            if p.kind == ValueType::Node {
                self.children(child, &p.name, depth + 1);
            } else if has_elements {
                self.out.push(finding(
                    &checks::VALUE_NOT_ALLOWED,
                    self.file,
                    Some(line),
                    format!(
                        "<{name}> holds elements; {} takes {}",
                        p.name,
                        p.kind.describe()
                    ),
                    format!("Write a value in <{name}>."),
                ));
            }
        }
    }

    fn duplicate(&mut self, path: &str, first: usize, v0: &str, value: &str, line: usize) {
        let secret = self.param(path).is_some_and(Param::is_secret)
            || crate::catalogue::looks_secret(path.rsplit('/').next().unwrap_or(path));
        let (id, msg) = if v0 == value {
            (
                &checks::DUPLICATE_KEY,
                format!("<{path}> appears again, with the same value as at line {first}"),
            )
        } else if secret {
            (
                &checks::CONFLICTING_DUPLICATE,
                format!("<{path}> appears again, with another value than at line {first}"),
            )
        } else {
            (
                &checks::CONFLICTING_DUPLICATE,
                format!("<{path}> is \"{value}\" here and \"{v0}\" at line {first}"),
            )
        };
        self.out.push(finding(
            id,
            self.file,
            Some(line),
            msg,
            format!(
                "Keep one <{}> element.",
                path.rsplit('/').next().unwrap_or(path)
            ),
        ));
    }

    fn param(&self, path: &str) -> Option<&'static Param> {
        match self.kind {
            Doc::Sep(k) => self.cat.lookup(k, path),
            Doc::XmlDefault => self.cat.xml_default_param(path),
        }
    }

    /// Checks one element's name and value; the catalogue entry when it is known.
    fn element(&mut self, node: Node, path: &str, value: &str) -> Option<&'static Param> {
        let line = self.line(node);
        let file = self.file;
        match self.kind {
            Doc::Sep(kind) => {
                let before = self.out.len();
                let p = check_name_value(self.cat, kind, path, None, file, line, self.out);
                if p.is_none() && path.starts_with("vendorConfig/") {
                    // Each model has its own vendorConfig elements; an unknown one is a note.
                    for f in self.out.iter_mut().skip(before) {
                        f.severity = Severity::Info;
                    }
                }
                if let Some(p) = p.filter(|p| p.kind != ValueType::Node) {
                    check_value(p, value, file, line, self.out);
                }
                p
            }
            Doc::XmlDefault => self.default_element(node, path, value),
        }
    }

    fn default_element(&mut self, node: Node, path: &str, value: &str) -> Option<&'static Param> {
        let line = self.line(node);
        let file = self.file;
        if let Some(id) = path
            .strip_prefix("loadInformation")
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        {
            self.model_id(node, id, value);
        }
        let p = match self.cat.xml_default_param(path) {
            Some(p) => p,
            None => {
                let other = self
                    .cat
                    .xml_default
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(path));
                match other {
                    Some(p) => {
                        self.out.push(finding(
                            &checks::PARAMETER_NAME_CASE,
                            file,
                            line,
                            format!(
                                "<{path}> is written in another case than the phone's <{}>",
                                p.name
                            ),
                            format!("Write <{}>.", p.name),
                        ));
                        p
                    }
                    None => {
                        if !path.starts_with("loadInformation") {
                            let mut f = unknown_name(
                                self.cat,
                                ConfigKind::SccpXml,
                                path,
                                file,
                                line,
                                false,
                            );
                            let near: Vec<String> = crate::catalogue::nearest(
                                path,
                                self.cat.xml_default.iter().map(|p| p.name.as_str()),
                            )
                            .map(|n| vec![n.to_string()])
                            .unwrap_or_default();
                            if near.is_empty() {
                                f.message = format!("unknown element \"{path}\"");
                                f.fix = "Remove it, or check its name (docs/lint.md).".into();
                            } else {
                                f.message = format!(
                                    "unknown element \"{path}\" (did you mean \"{}\"?)",
                                    near.concat()
                                );
                                f.fix = format!("Rename it to \"{}\".", near.concat());
                            }
                            self.out.push(f);
                        }
                        return None;
                    }
                }
            }
        };
        if p.kind != ValueType::Node {
            check_value(p, value, file, line, self.out);
        }
        Some(p)
    }

    /// `loadInformation<ID>`: the ID must be a model's, and the `model` attribute (when it
    /// names a model) the same one.
    fn model_id(&mut self, node: Node, id: &str, value: &str) {
        let line = self.line(node);
        let named = node
            .attribute("model")
            .and_then(|m| m.split([' ', ':']).rev().find_map(Model::parse));
        let known = id.parse::<u32>().ok().and_then(|n| self.cat.model_id(n));
        match (known, named) {
            (None, named) => {
                let hint = named
                    .and_then(|m| m.load_id().map(|i| (m, i)))
                    .map(|(m, i)| format!(" (the {m} is loadInformation{i})"))
                    .unwrap_or_default();
                let shown = if is_placeholder(value) { "" } else { value };
                self.out.push(finding(
&checks::UNKNOWN_MODEL_ID,
                    self.file,
                    line,
                    format!("loadInformation{id} is no model's ID{hint}; no phone reads its load {shown:?}"),
                    named
                        .and_then(Model::load_id)
                        .map(|i| format!("Write <loadInformation{i}>."))
                        .unwrap_or_else(|| "Use the model's ID (formats/params/model-ids.tsv).".into()),
                ));
            }
            (Some(k), Some(m)) if Model::parse(&k.model) != Some(m) => {
                let fix = m
                    .load_id()
                    .map(|i| {
                        format!(
                            "Write <loadInformation{i}> for the {m}, or fix the model attribute."
                        )
                    })
                    .unwrap_or_else(|| "Fix the model attribute.".into());
                self.out.push(finding(
                    &checks::MODEL_ID_MISMATCH,
                    self.file,
                    line,
                    format!(
                        "loadInformation{id} is the {}'s ID, but its model attribute names the {m}",
                        k.model
                    ),
                    fix,
                ));
            }
            _ => {}
        }
    }

    fn attributes(&mut self, node: Node, path: &str) {
        for a in node.attributes() {
            let apath = format!("{path}@{}", a.name());
            if let Some(p) = self.param(&apath) {
                check_value(p, a.value(), self.file, self.line(node), self.out);
            }
        }
    }
}

/// Load names an XML configuration asks for (`loadInformation…` values), with their lines.
pub(crate) fn load_names(bytes: &[u8]) -> Vec<(String, usize)> {
    let text = String::from_utf8_lossy(bytes);
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: super::MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    let Ok(doc) = Document::parse_with_options(&text, opts) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name().starts_with("loadInformation"))
        .filter_map(|n| {
            let v = text_of(n);
            (!v.is_empty() && !is_placeholder(&v)).then(|| (v, line_of(&doc, n)))
        })
        .collect()
}
