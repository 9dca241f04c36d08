//! `plan`: a table of the guide's paths (R10–R19, R24, R7; R31/R32 for 7905G/7912G), the
//! argument forms, and snapshots of the human plans.

use cfgfmt::assist::plan::{self, Method, PlanError};
use cfgfmt::device::Model;

struct Case {
    from: &'static str,
    to: &'static str,
    model: Option<Model>,
    via: &'static [&'static str],
    /// Load names (or labels of placeholders) after each stage.
    path: &'static [&'static str],
    methods: &'static [Method],
    /// The rules of each stage, joined with "+".
    rules: &'static [&'static str],
}

use Method::*;

const CASES: &[Case] = &[
    // R10: SCCP ≤ 3.x → SIP ≤ 6.x, SCCP 5.x → SIP 5.x/6.x.
    Case {
        from: "SCCP-3.3(3)",
        to: "SIP-6.3",
        model: None,
        via: &[],
        path: &["P0S3-06-3-00"],
        methods: &[Os79xxImage],
        rules: &["R10"],
    },
    Case {
        from: "P00305000200",
        to: "P0S3-05-2-00",
        model: None,
        via: &[],
        path: &["P0S3-05-2-00"],
        methods: &[Os79xxImage],
        rules: &["R10"],
    },
    Case {
        from: "SCCP-3.3(3)",
        to: "SIP-4.4",
        model: None,
        via: &[],
        path: &["P0S3-04-4-00"],
        methods: &[Os79xxImage],
        rules: &["R10"],
    },
    Case {
        from: "SCCP-3.3(3)",
        to: "SIP-2.3",
        model: None,
        via: &[],
        path: &["P0S30203"],
        methods: &[Os79xxImage],
        rules: &["R10"],
    },
    // R12: SCCP ≤ 3.x or 5.x → SIP 7.x (and later).
    Case {
        from: "SCCP-5.0(1.1)",
        to: "SIP-7.4",
        model: None,
        via: &[],
        path: &["P0S3-07-4-00"],
        methods: &[ConfigImage],
        rules: &["R12"],
    },
    Case {
        from: "SCCP-3.3(3)",
        to: "SIP-8.12",
        model: None,
        via: &[],
        path: &["P0S3-8-12-00"],
        methods: &[ConfigImage],
        rules: &["R12"],
    },
    // R13: SCCP 6.x+ → SIP 7.x+, and changes between those.
    Case {
        from: "SCCP-8.1(2)SR2",
        to: "SIP-8.12",
        model: None,
        via: &[],
        path: &["P0S3-8-12-00"],
        methods: &[ReleaseZip],
        rules: &["R13"],
    },
    Case {
        from: "SIP-8.12",
        to: "SIP-7.4",
        model: None,
        via: &[],
        path: &["P0S3-07-4-00"],
        methods: &[ReleaseZip],
        rules: &["R13"],
    },
    Case {
        from: "SCCP-6.0(1)",
        to: "SCCP-8.1(2)",
        model: Some(Model::M7960),
        via: &[],
        path: &["P00308010200"],
        methods: &[ReleaseZip],
        rules: &["R13"],
    },
    // R16: SIP ≤ 4.x → SCCP ≤ 5.x.
    Case {
        from: "SIP-4.4",
        to: "SCCP-5.0(1.1)",
        model: None,
        via: &[],
        path: &["P00305000101"],
        methods: &[Os79xxImage],
        rules: &["R16"],
    },
    // R17: SIP ≤ 4.x → SCCP ≥ 6.x goes through SCCP 6.3.
    Case {
        from: "SIP-4.4",
        to: "SCCP-8.1(2)",
        model: None,
        via: &[],
        path: &["<name of SCCP 6.3 load>", "P00308010200"],
        methods: &[Os79xxImage, ReleaseZip],
        rules: &["R17", "R17+R13"],
    },
    Case {
        from: "SIP-4.4",
        to: "SCCP-8.1(2)",
        model: None,
        via: &["SCCP-6.3(1)"],
        path: &["P00306030100", "P00308010200"],
        methods: &[Os79xxImage, ReleaseZip],
        rules: &["R17", "R17+R13"],
    },
    Case {
        from: "SIP-4.4",
        to: "SCCP-6.3(1)",
        model: None,
        via: &[],
        path: &["P00306030100"],
        methods: &[Os79xxImage],
        rules: &["R17"],
    },
    // R15: SIP ≤ 3.x → SCCP ≥ 5.x through the latest 4.x, then 5.x.
    Case {
        from: "SIP-3.0",
        to: "SCCP-5.0(2)",
        model: None,
        via: &[],
        path: &["<name of the latest SCCP 4.x load>", "P00305000200"],
        methods: &[Os79xxImage, Os79xxImage],
        rules: &["R15+R16", "R15+R14"],
    },
    Case {
        from: "P0S3-03-0-00",
        to: "SCCP-8.1(2)",
        model: None,
        via: &["SCCP-4.1(1)", "P00305000200", "SCCP-6.3(1)"],
        path: &[
            "P00304010100",
            "P00305000200",
            "P00306030100",
            "P00308010200",
        ],
        methods: &[Os79xxImage, Os79xxImage, Os79xxImage, ReleaseZip],
        rules: &["R15+R16", "R15+R14", "R17", "R17+R13"],
    },
    Case {
        from: "SIP-3.0",
        to: "SCCP-3.3(3)",
        model: None,
        via: &[],
        path: &["P00303030300"],
        methods: &[Os79xxImage],
        rules: &["R16"],
    },
    // R24: SIP ≤ 2.1 first upgrades SIP (to 2.3) before a long SCCP name.
    Case {
        from: "P0S30201",
        to: "SCCP-5.0(2)",
        model: None,
        via: &[],
        path: &[
            "P0S30203",
            "<name of the latest SCCP 4.x load>",
            "P00305000200",
        ],
        methods: &[Os79xxImage, Os79xxImage, Os79xxImage],
        rules: &["R24", "R15+R16", "R15+R14"],
    },
    Case {
        from: "SIP-2.1",
        to: "SCCP-3.3(3)",
        model: None,
        via: &[],
        path: &["P0S30203", "P00303030300"],
        methods: &[Os79xxImage, Os79xxImage],
        rules: &["R24", "R16"],
    },
    // R18: SIP 5.x/6.x → SCCP ≥ 5.x. The guide edits gkdefault.txt, which a 7940/7960
    // never reads (issue 19.3): the SCCP load is named where the SIP phone reads it (R14).
    Case {
        from: "SIP-6.3",
        to: "SCCP-8.1(2)",
        model: None,
        via: &[],
        path: &["P00308010200"],
        methods: &[ConfigImage],
        rules: &["R18+R14"],
    },
    // R19: SIP ≥ 7.x → SCCP ≥ 5.x by image_version.
    Case {
        from: "SIP-8.12",
        to: "SCCP-6.0(2)",
        model: None,
        via: &[],
        path: &["P00306000200"],
        methods: &[ConfigImage],
        rules: &["R19"],
    },
    Case {
        from: "P0S3-07-5-00",
        to: "P0030801SR02",
        model: None,
        via: &[],
        path: &["P0030801SR02"],
        methods: &[ConfigImage],
        rules: &["R19"],
    },
    // 7905G/7912G: the upgradecode line (R31, R32).
    Case {
        from: "CP7912080000SIP060111A.sbin",
        to: "CP7912080004SCCP080108A.sbin",
        model: None,
        via: &[],
        path: &["CP7912080004SCCP080108A.sbin"],
        methods: &[GkdefaultUpgradecode],
        rules: &["R31+R32"],
    },
    Case {
        from: "SIP-8.0",
        to: "CP7905080003SCCP070409A",
        model: Some(Model::M7905),
        via: &[],
        path: &["CP7905080003SCCP070409A.sbin"],
        methods: &[GkdefaultUpgradecode],
        rules: &["R31+R32"],
    },
    Case {
        from: "CP7912080004SCCP080108A.sbin",
        to: "CP7912080000SIP060111A.sbin",
        model: None,
        via: &[],
        path: &["CP7912080000SIP060111A.sbin"],
        methods: &[ConfigImage],
        rules: &["R31"],
    },
];

#[test]
fn the_guides_paths() {
    for c in CASES {
        let via: Vec<String> = c.via.iter().map(|s| s.to_string()).collect();
        let p = plan::plan(c.from, c.to, c.model, &via)
            .unwrap_or_else(|e| panic!("{} → {}: {e}", c.from, c.to));
        let path: Vec<&str> = p.stages.iter().map(|s| s.to.name.as_str()).collect();
        let methods: Vec<Method> = p.stages.iter().map(|s| s.method).collect();
        let rules: Vec<String> = p.stages.iter().map(|s| s.rules.join("+")).collect();
        assert_eq!(path, c.path, "{} → {}", c.from, c.to);
        assert_eq!(methods, c.methods, "{} → {}", c.from, c.to);
        assert_eq!(rules, c.rules, "{} → {}", c.from, c.to);
        // Stages chain, and no stage goes below 5.0 once on 5.0+ (R7).
        let mut cur = &p.from;
        for s in &p.stages {
            assert_eq!(&s.from, cur);
            if p.model != Model::M7905 && p.model != Model::M7912 {
                assert!(
                    !(s.from.version.major >= 5 && s.to.version.major < 5),
                    "{c:?}",
                    c = c.from
                );
            }
            cur = &s.to;
        }
        // Every placeholder left is listed under "Fill in".
        for s in p.stages.iter().filter(|s| s.to.placeholder) {
            assert!(
                p.fill_in.iter().any(|f| f.contains(&s.to.name)),
                "{:?}",
                p.fill_in
            );
        }
    }
}

#[test]
fn refusals() {
    let rule = |from: &str, to: &str| match plan::plan(from, to, None, &[]) {
        Err(PlanError::Rule { rule, .. }) => rule,
        other => panic!("{from} → {to}: {other:?}"),
    };
    // R7: nothing below 5.0 once on 5.0+, either protocol.
    assert_eq!(rule("SCCP-5.0(2)", "SIP-4.4"), "R7");
    assert_eq!(rule("SIP-7.4", "SCCP-4.1(1)"), "R7");
    assert_eq!(rule("SIP-8.12", "SIP-2.3"), "R7");
    // R13: from SCCP 6.x+ only to SIP 7.x+.
    assert_eq!(rule("SCCP-6.0(1)", "SIP-6.3"), "R13");
    let unsupported = |from: &str, to: &str| {
        matches!(
            plan::plan(from, to, None, &[]),
            Err(PlanError::Unsupported(_))
        )
    };
    assert!(unsupported("SIP-8.12", "SIP-8.12"));
    assert!(unsupported("SIP-4.4", "SIP-6.3"));
    assert!(
        unsupported("P003-8-12-00", "SCCP-8.1(2)"),
        "a loader is not a load"
    );
    assert!(unsupported("P0M3-08-0-00", "SCCP-8.1(2)"), "MGCP");
    assert!(unsupported("CP7912080000SIP060111A.sbin", "P00308010200"));
    // A version on a 7912G: the image file is left to fill in.
    let p = plan::plan("CP7912080000SIP060111A.sbin", "SCCP-8.0(4)", None, &[]).unwrap();
    assert!(p.stages[0].to.placeholder && !p.fill_in.is_empty(), "{p:?}");
    assert!(matches!(
        plan::plan(
            "SIP-8.12",
            "CP7912080004SCCP080108A.sbin",
            Some(Model::M7940),
            &[]
        ),
        Err(PlanError::Unsupported(_))
    ));
    assert!(matches!(
        plan::plan("SIPX", "SCCP-8.1(2)", None, &[]),
        Err(PlanError::BadLoad(_))
    ));
}

#[test]
fn argument_forms() {
    let name = |arg: &str| plan::parse_load(arg, None).unwrap().0.name;
    assert_eq!(name("SIP-8.12"), "P0S3-8-12-00");
    assert_eq!(name("sip 7.4"), "P0S3-07-4-00");
    assert_eq!(name("SIP8.11"), "P0S3-08-11-00");
    assert_eq!(name("SIP-2.2"), "P0S30202");
    assert_eq!(name("SCCP-8.1(2)"), "P00308010200");
    assert_eq!(name("SCCP-8.1(2)SR2"), "P0030801SR02");
    assert_eq!(name("SCCP-5.0(1.1)"), "P00305000101");
    assert_eq!(name("P0S3-08-4-00"), "P0S3-08-4-00");
    // Names not quoted by any source are made by the rule and marked.
    let (l, _) = plan::parse_load("SIP-8.5", None).unwrap();
    assert_eq!((l.name.as_str(), l.derived), ("P0S3-08-5-00", true));
    let (l, _) = plan::parse_load("SIP-8.12", None).unwrap();
    assert!(!l.derived);
    // The loader a SIP ≥ 7 load ships with is named after it (observed for 8.12, CME pairs
    // P0S3-08-4-00 with P003-08-4-00; inferred for the rest).
    let p = plan::plan("SCCP-5.0(2)", "SIP-8.12", None, &[]).unwrap();
    let os = p.stages[0]
        .actions
        .iter()
        .find_map(|a| a.content.as_ref().filter(|c| c.file == "OS79XX.TXT"))
        .unwrap();
    assert_eq!(os.contents, "P003-8-12-00\r\n");
}

#[test]
fn file_contents_per_method() {
    let content = |p: &plan::Plan, stage: usize, file: &str| -> String {
        p.stages[stage]
            .actions
            .iter()
            .find_map(|a| a.content.as_ref().filter(|c| c.file == file))
            .map(|c| c.contents.clone())
            .unwrap_or_else(|| panic!("no {file} in stage {stage}"))
    };
    // R10: OS79XX.TXT and image_version.
    let p = plan::plan("SCCP-5.0(2)", "SIP-6.3", None, &[]).unwrap();
    assert_eq!(content(&p, 0, "OS79XX.TXT"), "P0S3-06-3-00\r\n");
    assert_eq!(
        content(&p, 0, "SIPDefault.cnf"),
        "image_version: P0S3-06-3-00"
    );
    // R23: a SIP 2.x target gets a SIPDefault.cnf of one line.
    let p = plan::plan("SCCP-3.3(3)", "SIP-2.3", None, &[]).unwrap();
    assert_eq!(
        content(&p, 0, "SIPDefault.cnf"),
        "image_version: P0S30203\r\n"
    );
    // R19: image_version naming the SCCP load (the guide's example).
    let p = plan::plan("SIP-8.12", "SCCP-6.0(2)", None, &[]).unwrap();
    assert_eq!(
        content(&p, 0, "SIPDefault.cnf"),
        "image_version: P00306000200"
    );
    // R18 on a 7940/7960: the SCCP load in OS79XX.TXT and image_version (the files the SIP
    // phone reads), never gkdefault (issue 19.3); the guide's text is called doubtful.
    let p = plan::plan("SIP-6.3", "SCCP-8.1(2)", None, &[]).unwrap();
    assert_eq!(content(&p, 0, "OS79XX.TXT"), "P00308010200\r\n");
    assert_eq!(
        content(&p, 0, "SIPDefault.cnf"),
        "image_version: P00308010200"
    );
    let text = p.render_text();
    for a in &p.stages[0].actions {
        let file = a.content.as_ref().map_or("", |c| c.file.as_str());
        assert!(!file.starts_with("gk"), "{a:?}");
        assert!(
            a.command
                .as_deref()
                .is_none_or(|c| !c.contains("gkdefault")),
            "{a:?}"
        );
    }
    assert!(
        text.contains("looks copied from the 7905G/7912G section"),
        "{text}"
    );
    // The 7912G's R32 line, with the date code from the file name.
    let p = plan::plan(
        "CP7912080000SIP060111A.sbin",
        "CP7912080004SCCP080108A.sbin",
        None,
        &[],
    )
    .unwrap();
    assert_eq!(
        content(&p, 0, "gkdefault.txt"),
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x080108a,CP7912080004SCCP080108A.sbin"
    );
    let cmd: Vec<_> = p.stages[0]
        .actions
        .iter()
        .filter_map(|a| a.command.clone())
        .collect();
    assert!(cmd.contains(&"cfgfmt-rs -tbuiltin:7912 gkdefault.txt gkdefault.cfg".to_string()));
    assert!(cmd.iter().all(|c| !c.contains("sip_ptag.dat")), "{cmd:?}");
    // R32: 7905G uses lddefault and platform 0x501.
    let p = plan::plan(
        "SIP-8.0",
        "CP7905080003SCCP070409A.sbin",
        Some(Model::M7905),
        &[],
    )
    .unwrap();
    assert_eq!(
        content(&p, 0, "lddefault.txt"),
        "upgradecode:3,0x501,0x0400,0x0100,0.0.0.0,69,0x070409a,CP7905080003SCCP070409A.sbin"
    );
    // R17 first stage names 6.3 in the SCCP configuration too.
    let p = plan::plan(
        "SIP-4.4",
        "SCCP-8.1(2)",
        Some(Model::M7960),
        &["SCCP-6.3(1)".into()],
    )
    .unwrap();
    assert_eq!(
        content(&p, 0, "XMLDefault.cnf.xml"),
        "<loadInformation7 model=\"IP Phone 7960\">P00306030100</loadInformation7>"
    );
}

#[test]
fn plan_snapshots() {
    let text = |from: &str, to: &str, model: Option<Model>| {
        plan::plan(from, to, model, &[]).unwrap().render_text()
    };
    insta::assert_snapshot!("sip44_to_sccp812", text("SIP-4.4", "SCCP-8.1(2)", None));
    insta::assert_snapshot!("sip30_to_sccp50", text("SIP-3.0", "SCCP-5.0(2)", None));
    insta::assert_snapshot!("sccp50_to_sip63", text("SCCP-5.0(2)", "SIP-6.3", None));
    insta::assert_snapshot!(
        "sccp812_to_sip812",
        text("SCCP-8.1(2)SR2", "SIP-8.12", None)
    );
    insta::assert_snapshot!(
        "sip63_to_sccp_gkdefault",
        text("SIP-6.3", "SCCP-8.1(2)", None)
    );
    insta::assert_snapshot!("sip812_to_sccp602", text("SIP-8.12", "SCCP-6.0(2)", None));
    insta::assert_snapshot!(
        "7912_sip_to_sccp",
        text(
            "CP7912080000SIP060111A.sbin",
            "CP7912080004SCCP080108A.sbin",
            None
        )
    );
}

#[test]
fn plan_json_is_stable() {
    let p = plan::plan("SIP-8.12", "SCCP-6.0(2)", None, &[]).unwrap();
    insta::assert_snapshot!("sip812_to_sccp602_json", p.to_json());
}

/// The XMLDefault.cnf.xml lines of a stage, as (device type, load).
fn load_lines(s: &plan::Stage) -> Vec<(u32, String)> {
    s.actions
        .iter()
        .filter_map(|a| a.content.as_ref())
        .filter(|c| c.file == "XMLDefault.cnf.xml")
        .flat_map(|c| cfgfmt::pkg::textfiles::parse_load_information(c.contents.as_bytes()))
        .map(|li| (li.device_type.unwrap(), li.value))
        .collect()
}

/// Issue 19.1: a phone still on SCCP learns the SIP load from its own protocol's file
/// (XMLDefault.cnf.xml), which the plan keeps.
#[test]
fn sccp_to_sip_names_the_sip_load_in_the_sccp_configuration() {
    for (from, to) in [
        ("SCCP-8.1(2)", "SIP-8.12"),
        ("SCCP-5.0(2)", "SIP-8.12"),
        ("SCCP-5.0(2)", "SIP-6.3"),
    ] {
        let p = plan::plan(from, to, Some(Model::M7960), &[]).unwrap();
        assert_eq!(
            load_lines(&p.stages[0]),
            [(7, p.to.name.clone())],
            "{from} → {to}"
        );
        let text = p.render_text();
        assert!(
            !text.contains("XMLDefault.cnf.xml if no SCCP phone"),
            "{text}"
        );
        if p.stages[0].method != Os79xxImage {
            assert!(text.contains("Keep XMLDefault.cnf.xml"), "{text}");
        }
    }
}

/// Issue 19.2: without --model the plan is for 7940 and 7960 and names the load for both;
/// with --model the heading says the one model; an unknown intermediate is asked for first.
#[test]
fn plans_name_the_load_for_every_model_they_are_for() {
    let p = plan::plan("SIP-4.4", "SCCP-8.1(2)SR2", None, &[]).unwrap();
    assert_eq!(p.models, [Model::M7940, Model::M7960]);
    let last = p.stages.last().unwrap();
    assert_eq!(
        load_lines(last),
        [(8, "P0030801SR02".into()), (7, "P0030801SR02".into())]
    );
    let text = p.render_text();
    assert!(
        text.starts_with(
            "Plan: SIP 4.4 (P0S3-04-4-00) → SCCP 8.1SR2 (P0030801SR02) on a 7940G/7960G\n"
        ),
        "{text}"
    );
    // The 6.3 load is asked for before anything else, with the option that gives it.
    let fill = text.find("Fill in").unwrap();
    assert!(fill < text.find("Before you start").unwrap(), "{text}");
    assert!(text[fill..].contains("--via SCCP-6.3(1)"), "{text}");
    let p = plan::plan("SIP-4.4", "SCCP-8.1(2)SR2", Some(Model::M7960), &[]).unwrap();
    assert!(p.render_text().contains(" on a 7960G\n"));
    assert_eq!(
        load_lines(p.stages.last().unwrap()),
        [(7, "P0030801SR02".into())]
    );
}

/// Issue 19.3: the R18 text of the guide is not followed on a 7940/7960 (and said so); the
/// 7912G plan's hints cite 7912G images.
#[test]
fn r18_is_planned_where_the_phone_reads_and_hints_fit_the_model() {
    let p = plan::plan("SIP-6.3", "SCCP-8.1(2)", None, &[]).unwrap();
    assert_eq!(p.stages[0].method, ConfigImage);
    assert!(
        p.stages[0]
            .notes
            .iter()
            .any(|n| n.rule == "R18" && n.text.contains("0x601"))
    );
    match plan::plan("SIP-5.2", "CP7940080001SCCP051117A.sbin", None, &[]) {
        Err(PlanError::Unsupported(m)) => assert!(m.contains("not CP….sbin images"), "{m}"),
        other => panic!("{other:?}"),
    }
    let p = plan::plan("CP7912080000SIP060111A.sbin", "SCCP-8.0(4)", None, &[]).unwrap();
    let text = p.render_text();
    assert!(!text.contains("CP7940"), "{text}");
    assert!(text.contains("CP7912080004SCCP080108A.sbin"), "{text}");
}

/// A sample conversion for each model with a defined path; `None` where none is defined.
fn sample(m: Model) -> Option<(String, String)> {
    use cfgfmt::device::Family;
    Some(match m.family() {
        Family::P7940 => ("SCCP-8.1(2)SR2".into(), "SIP-8.12".into()),
        Family::P7905 if m == Model::M7905 => {
            ("SIP-8.0".into(), "CP7905080003SCCP070409A.sbin".into())
        }
        Family::P7905 => (
            "CP7912080000SIP060111A.sbin".into(),
            "CP7912080004SCCP080108A.sbin".into(),
        ),
        _ => {
            let s = m.load_series()?;
            (format!("SIP{s}.8-5-4S"), format!("SCCP{s}.9-4-2SR1-1S"))
        }
    })
}

/// Issue 18/19: plan works for every model that has loads, and says where no path is
/// defined.
#[test]
fn plan_for_every_model() {
    for &m in Model::ALL {
        match sample(m) {
            Some((from, to)) => {
                let p = plan::plan(&from, &to, Some(m), &[]).unwrap_or_else(|e| panic!("{m}: {e}"));
                assert_eq!(p.models, [m]);
                assert!(p.render_text().contains(&format!(" on a {}\n", m.label())));
                if m.load_series().is_some() {
                    assert_eq!(p.stages[0].method, LoadInformation);
                    assert_eq!(
                        load_lines(&p.stages[0]),
                        [(m.load_id().unwrap(), to.clone())]
                    );
                    // Without --model: every model sharing the load.
                    let all = plan::plan(&from, &to, None, &[]).unwrap();
                    assert_eq!(all.models, m.siblings(), "{m}");
                    assert_eq!(load_lines(&all.stages[0]).len(), m.siblings().len());
                }
            }
            None => match plan::plan("SIP-8.12", "SCCP-8.1(2)", Some(m), &[]) {
                Err(PlanError::Unsupported(msg)) => {
                    assert!(
                        msg.starts_with(&format!(
                            "no conversion path is defined for the {}",
                            m.label()
                        )),
                        "{msg}"
                    );
                    if let Some(id) = m.load_id() {
                        assert!(msg.contains(&format!("loadInformation{id}")), "{msg}");
                    }
                }
                other => panic!("{m}: {other:?}"),
            },
        }
    }
    // A model without the protocol's firmware.
    assert!(matches!(
        plan::plan(
            "SCCP41.9-4-2SR1-1S",
            "SIP41.8-5-4S",
            Some(Model::M7920),
            &[]
        ),
        Err(PlanError::Unsupported(_))
    ));
}

/// Every stage names its target load in a file the phone reads while it still runs the
/// stage's starting protocol, in `device::Model::boot_files` — the order `probe` follows.
#[test]
fn every_stage_names_the_load_in_a_file_the_running_phone_reads() {
    let mac = cfgfmt::device::Mac::parse("0014f28dd38a").unwrap();
    let mut plans: Vec<plan::Plan> = CASES
        .iter()
        .map(|c| {
            let via: Vec<String> = c.via.iter().map(|s| s.to_string()).collect();
            plan::plan(c.from, c.to, c.model, &via).unwrap()
        })
        .collect();
    for &m in Model::ALL {
        if let Some((from, to)) = sample(m) {
            plans.push(plan::plan(&from, &to, Some(m), &[]).unwrap());
            plans.push(plan::plan(&to, &from, Some(m), &[]).unwrap());
        }
    }
    for p in &plans {
        for s in &p.stages {
            let stem = s.to.name.trim_end_matches(".sbin");
            // The files this stage writes that name the load (a profile's text stands for
            // the file it is compiled to).
            let named: Vec<String> = s
                .actions
                .iter()
                .filter_map(|a| a.content.as_ref())
                .filter(|c| c.contents.contains(stem))
                .map(|c| c.file.replace(".txt", ".cfg"))
                .collect();
            for m in &p.models {
                let read: Vec<String> = m
                    .boot_files(s.from.protocol, &mac)
                    .into_iter()
                    .map(|f| f.name)
                    .collect();
                assert!(
                    named.iter().any(|n| read.contains(n)),
                    "{} → {} on a {m}: the load is named in {named:?}, the phone reads {read:?}",
                    s.from.label,
                    s.to.label
                );
                if named.iter().any(|n| n == "XMLDefault.cnf.xml") {
                    assert!(
                        load_lines(s).iter().any(|(id, _)| Some(*id) == m.load_id()),
                        "{m}: {:?}",
                        load_lines(s)
                    );
                }
            }
        }
    }
}
