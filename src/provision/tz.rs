//! IANA time zones in the encodings the phones read, from the shared catalogue
//! ([`crate::catalogue`]): the 7940/7960 SIP `.cnf` abbreviation with its daylight-saving
//! rule, the `<timeZone>` name of the XML phones, and the whole-hour offset the binary
//! profiles' `TimeZone` takes.

use crate::catalogue::{Catalogue, nearest};

/// One IANA zone as the phones spell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub iana: String,
    /// `time_zone` and the `dst_*` lines (empty: the 7940/7960 has no abbreviation for it).
    cnf: Vec<(&'static str, String)>,
    /// `<timeZone>` of the XML phones.
    pub xml: String,
    /// Standard offset from UTC, minutes (from the XML name's entry).
    pub offset_minutes: Option<i32>,
}

/// The zone for an IANA name (any case).
pub fn zone(iana: &str) -> Option<Zone> {
    let c = Catalogue::builtin();
    let z = c.zone(iana)?;
    Some(Zone {
        iana: z.zone.clone(),
        cnf: z.cnf_params(),
        xml: z.xml_name.clone(),
        offset_minutes: c.cisco_zone(&z.xml_name).map(|cz| cz.utc_offset_minutes),
    })
}

/// The closest known name, for a message.
pub fn suggest(iana: &str) -> Option<&'static str> {
    nearest(
        iana,
        Catalogue::builtin().zones.iter().map(|z| z.zone.as_str()),
    )
}

impl Zone {
    /// The `.cnf` lines for this zone, in the catalogue's order.
    pub fn cnf_params(&self) -> Vec<(&'static str, String)> {
        self.cnf.clone()
    }

    /// Whether the 7940/7960 SIP firmware can be given this zone.
    pub fn has_cnf(&self) -> bool {
        !self.cnf.is_empty()
    }

    /// Whole hours east of UTC, for the binary profiles' `TimeZone`; `None` for zones a
    /// half hour off.
    pub fn hours(&self) -> Option<i32> {
        self.offset_minutes.filter(|m| m % 60 == 0).map(|m| m / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_encodings_and_the_offset() {
        let paris = zone("europe/paris").unwrap();
        assert_eq!(paris.xml, "Romance Standard/Daylight Time");
        assert!(
            paris
                .cnf_params()
                .contains(&("time_zone", "CET".to_string()))
        );
        assert_eq!(paris.hours(), Some(1));
        assert_eq!(zone("America/Chicago").and_then(|z| z.hours()), Some(-6));
        assert_eq!(zone("Asia/Kolkata").and_then(|z| z.hours()), None);
        assert_eq!(suggest("Europe/Pariss"), Some("Europe/Paris"));
        assert!(zone("Mars/Olympus").is_none());
    }
}
