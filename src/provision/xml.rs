//! A small XML writer: elements in the order they are written, text and attribute values
//! escaped, two-space indentation. Everything provision writes as XML goes through it.

/// An XML document being written.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    open: Vec<&'static str>,
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped; control characters other than TAB, LF
/// and CR (which XML 1.0 cannot hold at all) dropped.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape(v, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Opens an element; [`Writer::close`] ends it.
    pub fn open(&mut self, name: &'static str) -> &mut Self {
        self.open_with(name, &[])
    }

    pub fn open_with(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('\n');
        self.open.push(name);
        self
    }

    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self
    }

    /// `<name>text</name>` on one line.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.leaf_with(name, &[], text)
    }

    pub fn leaf_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.start_tag(name, attrs);
        escape(text, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    /// A comment; `--` (which a comment cannot hold) becomes `- -`.
    pub fn comment(&mut self, text: &str) -> &mut Self {
        self.indent();
        self.out.push_str("<!-- ");
        self.out.push_str(&text.replace("--", "- -"));
        self.out.push_str(" -->\n");
        self
    }

    /// The document, every open element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_parses() {
        let mut w = Writer::new();
        w.open("device")
            .leaf("displayName", "Tom & \"Jerry\" <it's>\u{1}")
            .leaf_with("loadInformation7", &[("model", "a\"b")], "x")
            .comment("a -- b");
        let text = w.finish();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let names: Vec<_> = doc
            .root_element()
            .children()
            .filter(|n| n.is_element())
            .collect();
        assert_eq!(names[0].text(), Some("Tom & \"Jerry\" <it's>"));
        assert_eq!(names[1].attribute("model"), Some("a\"b"));
        assert!(text.ends_with("</device>\n"));
    }
}
