//! Text made once for what many threats share: mitigation lists, and the literal text of
//! the rules' templates.
//!
//! A rule's mitigations without `{{ }}` holes are one list shared by all its threats (about
//! 60% of a large report's threats). Escaping such a list for Markdown or JSON gives the same
//! bytes every time, so the writers make them once per list and copy them after: at 170,000
//! threats the escaping checks were a tenth of writing each output. Titles and explanations
//! are rendered as each output writes them, and most of their text is the template's own,
//! the same for every threat of the rule: each output works out once how to escape it.

use super::escape;
use super::view::{MitigationList, Mitigations, Text as ThreatText};
use crate::rules::text::Origin;
use crate::Map;
use std::sync::Arc;

/// Each shared list's text in one output syntax, keyed by the list's address (a list lives as
/// long as the report, so no other list can take its address while this exists).
pub(crate) struct PerList<T> {
    made: Map<usize, T>,
    /// Where a list rendered from its rule's templates is put together.
    rendered: Vec<String>,
}

impl<T> Default for PerList<T> {
    fn default() -> Self {
        PerList {
            made: Map::default(),
            rendered: Vec::new(),
        }
    }
}

/// Text a list can be written into and appended to: `String` for Markdown and HTML, `Vec<u8>`
/// for JSON.
pub(crate) trait Text: Default {
    fn append(&mut self, text: &Self);
}

impl Text for String {
    fn append(&mut self, text: &Self) {
        self.push_str(text);
    }
}

impl Text for Vec<u8> {
    fn append(&mut self, text: &Self) {
        self.extend_from_slice(text);
    }
}

impl<T: Text> PerList<T> {
    /// Writes `mitigations` into `out` as `write` does. A list no other threat holds is
    /// written in place; a shared one is written once, the first time, and copied after.
    pub(crate) fn write(
        &mut self,
        mitigations: &Mitigations,
        out: &mut T,
        write: impl Fn(&mut T, &MitigationList<'_>),
    ) {
        let Some(list) = mitigations
            .kept()
            .filter(|list| Arc::strong_count(list) >= 2)
        else {
            return write(out, &mitigations.as_list(&mut self.rendered));
        };
        let key = Arc::as_ptr(list).cast::<u8>() as usize;
        let made = self.made.entry(key).or_insert_with(|| {
            let mut text = T::default();
            write(&mut text, &MitigationList::Kept(list));
            text
        });
        out.append(made);
    }
}

/// Each template literal's escaped text, keyed by its address and length (the rules' templates
/// live as long as the report, which outlives an output's writing).
#[derive(Default)]
pub(crate) struct PerLiteral<T> {
    made: Map<(usize, usize), T>,
}

impl PerLiteral<Vec<u8>> {
    /// `text` as a JSON string, escaped as it is rendered.
    pub(crate) fn json_string(&mut self, out: &mut Vec<u8>, text: &ThreatText) {
        out.push(b'"');
        self.json_into(out, text);
        out.push(b'"');
    }

    /// `text` escaped for inside a JSON string, as it is rendered.
    pub(crate) fn json_into(&mut self, out: &mut Vec<u8>, text: &ThreatText) {
        text.pieces_marked(|piece, origin| match origin {
            Origin::Template => {
                let key = (piece.as_ptr() as usize, piece.len());
                let made = self.made.entry(key).or_insert_with(|| {
                    let mut escaped = Vec::new();
                    escape::json_into(&mut escaped, piece);
                    escaped
                });
                out.extend_from_slice(made);
            }
            Origin::Model => escape::json_into(out, piece),
        });
    }
}

impl PerLiteral<String> {
    /// `text` escaped as `escape::html_to` escapes its whole text, as it is rendered. HTML
    /// escapes each character on its own, so escaping the pieces is escaping the whole.
    pub(crate) fn html_to(&mut self, out: &mut String, text: &ThreatText) {
        text.pieces_marked(|piece, origin| match origin {
            Origin::Template => {
                let key = (piece.as_ptr() as usize, piece.len());
                out.push_str(self.made.entry(key).or_insert_with(|| escape::html(piece)));
            }
            Origin::Model => escape::html_to(out, piece),
        });
    }
}

impl PerLiteral<bool> {
    /// `text` escaped as `escape::md_to` does: written as it is rendered when no piece needs
    /// escaping (nearly always), else rendered into `scratch` and escaped whole, since Markdown
    /// escaping looks at neighbouring characters.
    pub(crate) fn md_to(&mut self, out: &mut String, text: &ThreatText, scratch: &mut String) {
        let start = out.len();
        let mut plain = true;
        text.pieces_marked(|piece, origin| {
            if !plain {
                return;
            }
            plain = match origin {
                Origin::Template => *self
                    .made
                    .entry((piece.as_ptr() as usize, piece.len()))
                    .or_insert_with(|| escape::md_plain(piece)),
                Origin::Model => escape::md_plain(piece),
            };
            if plain {
                out.push_str(piece);
            }
        });
        if plain && out.get(start..).is_some_and(escape::md_plain_start) {
            return;
        }
        out.truncate(start);
        escape::md_to(out, text.as_str(scratch), "<br>");
    }
}

#[cfg(test)]
mod tests {
    use super::{MitigationList, Mitigations, PerList, PerLiteral};
    use crate::compile::{compile, Options};
    use crate::load::MemoryLoader;
    use crate::report::escape;
    use std::sync::Arc;

    /// Written as it is rendered, a piece at a time and with each template literal escaped
    /// once, every title and explanation is escaped exactly as its whole text would be: with
    /// specials in the literals, in the names, across the boundary between them (`_` between
    /// letters), at the start (a number, `#`), and in the sentence about declared controls.
    #[test]
    fn text_escaped_as_rendered_is_the_whole_text_escaped() {
        let model = r##"
process api "API_gateway | \"edge\"" { controls [authentication] }
process w2 "2. worker"
process hash "# heading"
external partner "partner_"
api -> w2 "call"
partner -> api "push"
w2 -> hash "store"
rule t.flow {
  category tampering
  on flow
  title "{{ flow.number }}. {{ source.name }}_{{ target.name }} <b>"
  explanation "x_{{ target.name }} | {{ source.name }}\n\"quoted\"\tend"
}
rule t.target {
  category spoofing
  on target process
  title "{{ target.name }}"
  explanation "Reach {{ target.name }}"
  mitigated_by [authentication]
}
rule t.element { category denial_of_service; on element process; title "#{{ element.name }}"; explanation "" }
"##;
        let loader = MemoryLoader::new().with("m.tm", model);
        let compilation = compile(std::path::Path::new("m.tm"), &loader, &Options::default());
        let compilation = compilation.unwrap_or_else(|e| panic!("{e}"));
        let report = compilation
            .report
            .unwrap_or_else(|| panic!("the model has errors"));
        let (mut json, mut markdown) = (PerLiteral::default(), PerLiteral::default());
        let mut html = PerLiteral::default();
        let mut scratch = String::new();
        let mut declared = false;
        // Twice, so the second time reads the literals made the first.
        for _ in 0..2 {
            for threat in &report.threats {
                for text in [&threat.title, &threat.explanation] {
                    let whole = text.to_string();
                    declared |= whole.contains("already declares");
                    let mut expected = Vec::new();
                    escape::json_into(&mut expected, &whole);
                    let mut got = Vec::new();
                    json.json_into(&mut got, text);
                    assert_eq!(
                        String::from_utf8_lossy(&got),
                        String::from_utf8_lossy(&expected)
                    );
                    let mut expected = String::from("| ");
                    escape::md_to(&mut expected, &whole, "<br>");
                    let mut got = String::from("| ");
                    markdown.md_to(&mut got, text, &mut scratch);
                    assert_eq!(got, expected, "{whole:?}");
                    let mut got = String::new();
                    html.html_to(&mut got, text);
                    assert_eq!(got, escape::html(&whole), "{whole:?}");
                }
            }
        }
        assert!(
            declared && report.threats.len() >= 7,
            "{}",
            report.threats.len()
        );
    }

    #[test]
    fn a_shared_list_is_written_once_and_a_lone_one_every_time() {
        let shared: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("a"), Arc::from("b")]);
        let again = shared.clone();
        let lone: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("c")]);
        let made = std::cell::Cell::new(0);
        let write = |out: &mut String, items: &MitigationList<'_>| {
            made.set(made.get() + 1);
            out.push_str(&items.iter().collect::<Vec<_>>().join("; "));
            out.push('|');
        };
        let mut lists = PerList::default();
        let mut out = String::new();
        let [shared, again, lone] = [shared, again, lone].map(Mitigations::from);
        for list in [&shared, &again, &lone, &shared, &lone] {
            lists.write(list, &mut out, write);
        }
        assert_eq!(out, "a; b|a; b|c|a; b|c|");
        assert_eq!(made.get(), 3);
    }
}
