//! What a batch run did: one report per row, and their counts.

use serde::Serialize;

/// One row's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// Compiled and at least one file written.
    Written,
    /// Compiled; every file on disk already held the same profile.
    Unchanged,
    /// Compiled without writing (a check pass).
    Checked,
    /// Not compiled, or compiled with errors: nothing written for this device.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowReport {
    /// Line of the devices file where the row starts.
    pub line: u64,
    /// The normalised MAC, when the row has a valid one.
    pub mac: Option<String>,
    pub status: RowStatus,
    /// File names (in the output folder) this device compiles to.
    pub files: Vec<String>,
    pub warnings: usize,
    pub errors: usize,
    /// Diagnostics and errors, one line each; they never contain a value.
    pub messages: Vec<String>,
    /// Informational lines (splitting), shown with `-v`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<String>,
}

/// What a run did, row by row in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub rows: Vec<RowReport>,
    /// Temporary files and folders of killed runs removed before this one started.
    #[serde(skip_serializing_if = "is_zero")]
    pub leftovers_removed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Written + unchanged + checked.
    pub compiled: usize,
    pub written: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Rows that compiled with warnings.
    pub with_warnings: usize,
}

impl BatchReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.status {
                RowStatus::Written => c.written += 1,
                RowStatus::Unchanged => c.unchanged += 1,
                RowStatus::Checked => {}
                RowStatus::Failed => c.failed += 1,
            }
            if r.status != RowStatus::Failed {
                c.compiled += 1;
                if r.warnings > 0 {
                    c.with_warnings += 1;
                }
            }
        }
        c
    }

    /// Rows with any warning or error: what `--strict` refuses.
    pub fn strict_problems(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status == RowStatus::Failed || r.warnings > 0 || r.errors > 0)
            .count()
    }

    /// `batch: 998 compiled (10 unchanged), 2 failed`.
    pub fn summary(&self) -> String {
        let c = self.counts();
        let mut s = format!(
            "batch: {} compiled ({} unchanged), {} failed",
            c.compiled, c.unchanged, c.failed
        );
        if c.with_warnings > 0 {
            s.push_str(&format!(", {} with warnings", c.with_warnings));
        }
        s
    }
}
