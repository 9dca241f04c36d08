//! SIP and SCCP configurations, both at once, and the ring list.
use super::*;

impl Doctor<'_> {
    pub(super) fn sip_configs(&mut self) -> Vec<String> {
        let configs = self.sip_config_names();
        for name in configs.clone() {
            self.refer(&name);
            let Some(e) = self.folder.exact(&name).cloned() else {
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
                continue;
            };
            self.check_sip_image_versions(&name, &bytes);
        }
        configs
    }

    /// SIPDefault.cnf and the SIP<MAC>.cnf files, remarking on a MAC file
    /// whose name is not in the case the phone asks for.
    fn sip_config_names(&mut self) -> Vec<String> {
        let mut configs = Vec::new();
        if let Some(e) = self.folder.any_case("SIPDefault.cnf") {
            configs.push(e.name.clone());
        }
        let macs: Vec<(String, String)> = self
            .folder
            .files()
            .filter_map(|e| sip_mac_cnf(&e.name).map(|m| (e.name.clone(), m.to_string())))
            .collect();
        for (name, mac) in macs {
            let canonical = format!("SIP{}.cnf", mac.to_ascii_uppercase());
            if name != canonical {
                self.push(
                    &check::SIP_MAC_CNF_CASE,
                    "R8",
                    &name,
                    None,
                    format!("the phone asks for \"{canonical}\" (SIP and the MAC in upper case, .cnf in lower case)"),
                    format!("Rename \"{name}\" to \"{canonical}\"."),
                );
            }
            configs.push(name);
        }
        configs
    }

    /// Each image_version line of one SIP configuration: its syntax, then
    /// the load it names.
    fn check_sip_image_versions(&mut self, name: &str, bytes: &[u8]) {
        let raw_lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        for iv in textfiles::parse_image_version(bytes) {
            self.any_image_version = true;
            let raw = raw_lines
                .get(iv.line.saturating_sub(1))
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .unwrap_or_default();
            let problems = image_version_problems(&raw, &iv);
            if !problems.is_empty() {
                self.push(
                    &check::IMAGE_VERSION_SYNTAX,
                    "R25",
                    name,
                    Some(iv.line),
                    format!("image_version: {}", problems.join("; ")),
                    "Write the bare load name: image_version: P0S3-8-12-00 (quotes optional, no spaces inside them, no extension).".into(),
                );
                continue;
            }
            if let Some(p) = iv.parsed.clone() {
                self.named.push(p.clone());
                self.named_load(
                    &check::IMAGE_VERSION_MISSING_FILE,
                    name,
                    iv.line,
                    &iv.value,
                    &p,
                    "R25",
                );
            }
        }
    }

    pub(super) fn sccp_configs(&mut self) -> Vec<String> {
        let mut configs: Vec<String> = Vec::new();
        if let Some(e) = self.folder.any_case("XMLDefault.cnf.xml") {
            configs.push(e.name.clone());
        }
        configs.extend(
            self.folder
                .files()
                .filter(|e| sep_mac_xml(&e.name))
                .map(|e| e.name.clone()),
        );
        let mut sccp = Vec::new();
        for name in configs {
            self.refer(&name);
            let Some(e) = self.folder.exact(&name).cloned() else {
                sccp.push(name);
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
                sccp.push(name);
                continue;
            };
            // XMLDefault.cnf.xml / SEP<MAC>.cnf.xml also configure SIP phones (79x1 and later:
            // <sipProfile>, or only SIP loads named): those are not the SCCP side of R12.
            if !crate::pkg::detect::xml_is_sip(&String::from_utf8_lossy(&bytes)) {
                sccp.push(name.clone());
            }
            for li in textfiles::parse_load_information(&bytes) {
                self.any_load_information = true;
                if li.value.is_empty() {
                    continue;
                }
                // Every model's load: a phone asks for the file named here, whatever its
                // model (Cisco's sccp/ tree names SCCP11.9-4-2-1S, which it does not hold).
                let stem = li
                    .parsed
                    .as_ref()
                    .map_or(li.value.as_str(), |p| p.stem.as_str())
                    .to_string();
                let line = line_of(&bytes, li.offset);
                let model = li
                    .device_type
                    .and_then(crate::device::load_id_name)
                    .map(|m| format!(" (the {m}'s load)"))
                    .unwrap_or_default();
                self.named_stem(
                    &check::LOAD_INFORMATION_MISSING_FILE,
                    &name,
                    line,
                    &format!("{:?}{model}", li.value),
                    &stem,
                    "R12",
                );
            }
        }
        sccp
    }

    pub(super) fn cross_config(&mut self, sip: &[String], sccp: &[String]) {
        if !sip.is_empty() && !sccp.is_empty() {
            let list = |v: &[String]| {
                let mut s = v.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
                if v.len() > 3 {
                    s.push_str(&format!(" and {} more", v.len() - 3));
                }
                s
            };
            self.push(
                &check::BOTH_PROTOCOL_CONFIGS,
                "R12",
                ".",
                None,
                format!("SIP configuration ({}) and SCCP configuration ({}) are both here", list(sip), list(sccp)),
                "When converting, remove the configuration files of the protocol you are leaving (or serve the two kinds of phone from different TFTP roots).".into(),
            );
        }
        let os = self.folder.any_case("OS79XX.TXT").is_some();
        if !sip.is_empty() && !os {
            self.push(
                &check::OS79XX_MISSING,
                "R10",
                ".",
                None,
                "SIP configuration files are here but OS79XX.TXT is not".into(),
                "Write OS79XX.TXT holding the bare name of the SIP image (for SIP ≥ 7.x, the loader, as in the release zip).".into(),
            );
        }
        if (!sip.is_empty() || !sccp.is_empty())
            && !os
            && !self.any_image_version
            && !self.any_load_information
        {
            self.push(
                &check::NO_LOAD_SPECIFIED,
                "R27",
                ".",
                None,
                "7940/7960 configuration files are here, but no OS79XX.TXT, image_version or loadInformation names an image".into(),
                "Name the image: OS79XX.TXT, image_version in SIPDefault.cnf (SIP), or loadInformation (SCCP).".into(),
            );
        }
        let os_is_sip = self.os79xx.as_ref().is_some_and(|n| self.is_sip_load(n));
        if os_is_sip && self.folder.any_case("SIPDefault.cnf").is_none() {
            let name = self
                .os79xx
                .as_ref()
                .map(|n| n.stem.clone())
                .unwrap_or_default();
            self.push(
                &check::SIPDEFAULT_MISSING,
                "R10",
                "OS79XX.TXT",
                Some(1),
                format!("OS79XX.TXT names the SIP image {name:?} but there is no SIPDefault.cnf"),
                "Provide SIPDefault.cnf (and SIP<MAC>.cnf per phone), with image_version naming the SIP load.".into(),
            );
        }
        let sip2 = self
            .named
            .iter()
            .find(|n| {
                n.protocol == Protocol::Sip
                    && n.family == Family::Phone7940_7960
                    && n.version.major <= 2
            })
            .map(|n| n.stem.clone());
        if let (Some(load), Some(e)) = (sip2, self.folder.any_case("SIPDefault.cnf"))
            && e.len > SIP2_CNF_LIMIT
        {
            let (name, len) = (e.name.clone(), e.len);
            self.push(
                &check::SIPDEFAULT_TOO_LARGE_FOR_SIP2,
                "R23",
                &name,
                None,
                format!("{name} is {len} bytes and the SIP 2.x image {load:?} is named; SIP 2.x phones fail on large files (the exact limit is not published; doctor warns above {SIP2_CNF_LIMIT} bytes, an inferred threshold)"),
                format!("For the upgrade, reduce SIPDefault.cnf to the single line \"image_version: {load}\" (and OS79XX.TXT to the bare name); restore the full file afterwards."),
            );
        }
    }

    /// SIP protocol, or a loader whose `.loads` in the folder is a SIP load.
    pub(super) fn is_sip_load(&self, n: &LoadName) -> bool {
        if n.protocol == Protocol::Sip {
            return true;
        }
        if !n.is_loader {
            return false;
        }
        let loader = format!("{}.sbn", n.stem);
        self.folder
            .files()
            .filter(|e| e.name.ends_with(".loads"))
            .any(|e| {
                names::parse(&e.name).is_some_and(|l| l.protocol == Protocol::Sip)
                    && self
                        .folder
                        .read(e, MAX_TEXT)
                        .ok()
                        .and_then(|b| loads::parse(&b).ok().map(|lf| lf.loader_name() == loader))
                        .unwrap_or(false)
            })
    }

    pub(super) fn ringlist(&mut self) {
        let Some(e) = self.folder.any_case("RINGLIST.DAT").cloned() else {
            return;
        };
        self.refer(&e.name);
        let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // "<display name><tab><file>": the file is the last field.
            let Some(ring) = line.split_whitespace().last() else {
                continue;
            };
            if self.folder.exact(ring).is_some() {
                self.refer(ring);
            } else {
                let detail = self.folder.missing_detail(ring);
                self.push(
                    &check::RINGLIST_FILE_MISSING,
                    "R9",
                    &e.name,
                    Some(i + 1),
                    format!("RINGLIST.DAT lists {ring:?}, which is not in the folder{detail}"),
                    format!("Copy {ring} into the TFTP root, or remove the line."),
                );
            }
        }
    }
}

/// What is wrong with one image_version line (`raw` is the line as
/// written): its quoting, then its value.
fn image_version_problems(raw: &str, iv: &textfiles::ImageVersion) -> Vec<String> {
    let mut problems = Vec::new();
    let after = raw.split_once(':').map_or("", |(_, v)| v);
    let quotes = after
        .split(';')
        .next()
        .unwrap_or_default()
        .matches('"')
        .count();
    if let Some(inner) = after.trim().strip_prefix('"') {
        match inner.split_once('"') {
            Some((q, _)) if q != q.trim() => {
                problems.push(format!("spaces inside the quotes ({q:?})"))
            }
            None => problems.push("an unterminated quote".to_string()),
            _ => {}
        }
    } else if quotes % 2 == 1 {
        problems.push("an unterminated quote".to_string());
    }
    let value = &iv.value;
    match &iv.parsed {
        _ if value.is_empty() => problems.push("no value".to_string()),
        None => match names::parse(&value.to_ascii_uppercase()) {
            Some(u) => problems.push(format!(
                "{value:?} is a load name in the wrong case (write {})",
                u.stem
            )),
            None => problems.push(format!("{value:?} is not a load name")),
        },
        Some(p) if p.extension.is_some() => problems.push(format!(
            "{value:?} carries an extension (name the load without it: {})",
            p.stem
        )),
        Some(p) => {
            if let Some(why) = expected_form(p) {
                problems.push(why);
            }
        }
    }
    problems
}
