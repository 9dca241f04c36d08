//! The template every device starts from, compiled once.

use std::path::Path;

use super::BatchError;
use crate::diag::Diagnostic;
use crate::profile::{CompileOptions, compile_items};
use crate::table::TagTable;
use crate::text::{self, FsLoader, IncludeLoader, Item, TEXT_MAGIC};

/// The compiled template: its items (shared by every row) and what compiling it alone said.
#[derive(Debug, Clone)]
pub struct Template {
    /// How messages name the template.
    pub name: String,
    pub(super) items: Vec<Item>,
    /// Every diagnostic of the template alone, in the compiler's order.
    diagnostics: Vec<Diagnostic>,
    /// The located ones: they come first in every row's diagnostics, which drop them.
    pub(super) item_diagnostics: Vec<Diagnostic>,
}

impl Template {
    /// Reads a template file and everything it includes.
    pub fn load(
        path: &Path,
        table: &TagTable,
        opts: &CompileOptions,
    ) -> Result<Template, BatchError> {
        let name = path.display().to_string();
        let bytes = text::read_bounded(path, crate::io::Limit::TEXT_PROFILE).map_err(|e| {
            BatchError::Template {
                path: name.clone(),
                source: e,
            }
        })?;
        Template::from_bytes(&bytes, &name, path, &mut FsLoader, table, opts)
    }

    /// A template from memory; includes come from `loader`.
    pub fn from_bytes<L: IncludeLoader>(
        bytes: &[u8],
        name: &str,
        path: &Path,
        loader: &mut L,
        table: &TagTable,
        opts: &CompileOptions,
    ) -> Result<Template, BatchError> {
        let err = |source| BatchError::Template {
            path: name.to_string(),
            source,
        };
        if !bytes.starts_with(TEXT_MAGIC) {
            return Err(BatchError::TemplateNotText {
                path: name.to_string(),
            });
        }
        let items = text::read_profile(bytes, path, loader).map_err(err)?;
        // Compiling the template alone catches its fatal errors once, not once per row.
        let out = compile_items(&items, table, &row_options(opts, "template")).map_err(err)?;
        let item_diagnostics = out
            .diagnostics
            .iter()
            .filter(|d| d.location.is_some())
            .cloned()
            .collect();
        Ok(Template {
            name: name.to_string(),
            items,
            diagnostics: out.diagnostics,
            item_diagnostics,
        })
    }

    /// What compiling the template alone reported (warnings are shown once, not per row).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// The per-row compile options: the caller's, named for the device, never verbose (the
/// compiler's progress lines would repeat for every row).
pub(super) fn row_options(base: &CompileOptions, output_name: &str) -> CompileOptions {
    CompileOptions {
        output_name: output_name.to_string(),
        verbose: false,
        ..base.clone()
    }
}
