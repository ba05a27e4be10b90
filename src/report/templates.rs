//! Stage: report (rendering helpers). The Tera templates that Markdown and DOT are rendered from.
//!
//! Input: the templates embedded in the binary (`src/report/templates/*.tera`) and, optionally,
//! (file name, content) pairs that replace some of them — the CLI reads those from
//! `--templates DIR`; this module never touches the disk. Output: a [`Templates`] value ready to
//! render. Invariants: only the known template names can be overridden (anything else is an
//! error); the escaping filters below are registered for every template; autoescaping is on for
//! the HTML templates (`*.html.tera`, with [`escape::html`]) and off for the others.

use super::escape;
use super::template_checks;
use super::RenderError;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use tera::{Tera, Value};

/// The Markdown threat model; includes [`THREAT_TABLE`].
pub const THREAT_MODEL: &str = "threat-model.md.tera";
/// One table of threats (a flow's, an element's, the hand-written ones).
pub const THREAT_TABLE: &str = "threat-table.md.tera";
/// The Graphviz data-flow diagram.
pub const DFD: &str = "dfd.dot.tera";
/// The HTML threat model: one self-contained page.
pub const THREAT_MODEL_HTML: &str = "threat-model.html.tera";
/// The index of a folder build, in Markdown.
pub const INDEX_MD: &str = "index.md.tera";
/// The index of a folder build, as a page.
pub const INDEX_HTML: &str = "index.html.tera";

/// The embedded HTML page with its threat-row loop cut out (see [`html_page_without_rows`]):
/// the rows of a large model are written by Rust code instead. Internal: not a name users can
/// override.
pub const THREAT_MODEL_HTML_PAGE: &str = "threat-model.page.html.tera";
/// What stands in the page for its threat rows, and for its flow rows.
pub const THREAT_ROWS_MARKER: &str = "\u{1}tmc-threat-rows\u{1}";
pub const FLOW_ROWS_MARKER: &str = "\u{1}tmc-flow-rows\u{1}";
/// What stands in the page for the threats' data, on a page that carries them as data.
pub const THREAT_DATA_MARKER: &str = "\u{1}tmc-threat-data\u{1}";
/// The row loops of the embedded `threat-model.html.tera`, as they open, and the variable
/// that replaces each.
const ROW_LOOPS: [(&str, &str); 2] = [
    ("{% for t in threats -%}\n", "{{ threat_rows | safe }}"),
    ("{% for f in flows -%}\n", "{{ flow_rows | safe }}"),
];
const ROW_LOOP_END: &str = "{% endfor -%}\n";

/// The embedded HTML page with its threat-row and flow-row loops replaced by the marker
/// variables, printed unescaped; `None` when the template lacks either loop.
fn html_page_without_rows(page: &str) -> Option<String> {
    let mut cut = page.to_string();
    for (opening, variable) in ROW_LOOPS {
        let start = cut.find(opening)?;
        let end = start + cut.get(start..)?.find(ROW_LOOP_END)? + ROW_LOOP_END.len();
        cut.replace_range(start..end, variable);
    }
    Some(cut)
}

/// Templates whose names end with this are autoescaped with [`escape::html`].
const HTML_SUFFIX: &str = ".html.tera";

const EMBEDDED: &[(&str, &str)] = &[
    (THREAT_MODEL, include_str!("templates/threat-model.md.tera")),
    (THREAT_TABLE, include_str!("templates/threat-table.md.tera")),
    (DFD, include_str!("templates/dfd.dot.tera")),
    (
        THREAT_MODEL_HTML,
        include_str!("templates/threat-model.html.tera"),
    ),
    (INDEX_MD, include_str!("templates/index.md.tera")),
    (INDEX_HTML, include_str!("templates/index.html.tera")),
];

/// The templates to render with: the embedded ones, some perhaps replaced by the user's.
///
/// The embedded templates are parsed the first time one is rendered: most builds write
/// everything with the direct writers and never need Tera (parsing them was 7% of
/// `tmc build --emit json` at 1,000 elements). The user's are parsed at once, so that a broken
/// one is reported before anything is compiled.
#[derive(Debug, Clone)]
pub struct Templates {
    tera: OnceLock<Tera>,
    /// Names of the templates replaced by the user's, in [`Templates::NAMES`] order.
    overridden: Vec<&'static str>,
}

impl Templates {
    /// The names of the templates that exist (and may be overridden), in a fixed order.
    pub const NAMES: &'static [&'static str] = &[
        THREAT_MODEL,
        THREAT_TABLE,
        DFD,
        THREAT_MODEL_HTML,
        INDEX_MD,
        INDEX_HTML,
    ];

    /// The templates embedded in the binary.
    pub fn embedded() -> Result<Templates, RenderError> {
        Templates::with_overrides(Vec::new())
    }

    /// The embedded templates with some replaced: `files` holds (template file name, content)
    /// pairs, e.g. `("threat-model.md.tera", "...")`. A name that is not in [`Templates::NAMES`]
    /// is an error, and so is a template that does not parse.
    pub fn with_overrides(files: Vec<(String, String)>) -> Result<Templates, RenderError> {
        if files.is_empty() {
            return Ok(Templates {
                tera: OnceLock::new(),
                overridden: Vec::new(),
            });
        }
        let (tera, overridden) = parse(files)?;
        Ok(Templates {
            tera: OnceLock::from(tera),
            overridden,
        })
    }

    /// The parsed templates: parsed now if they were not yet (only the embedded ones can be
    /// unparsed, and those parse: a test says so).
    fn tera(&self) -> Result<&Tera, RenderError> {
        if let Some(tera) = self.tera.get() {
            return Ok(tera);
        }
        let (tera, _) = parse(Vec::new())?;
        Ok(self.tera.get_or_init(|| tera))
    }

    /// Whether `name` is the user's template rather than the embedded one.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overridden.contains(&name)
    }

    /// Whether the internal template `name` (such as [`THREAT_MODEL_HTML_PAGE`]) was made.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.tera()
            .is_ok_and(|tera| tera.get_template_names().any(|known| known == name))
    }

    /// Renders template `name` over `context` (any serializable value whose fields become the
    /// template's variables); the text always ends with a newline.
    pub(crate) fn render(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, RenderError> {
        let mut text = self.render_as_written(name, context)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }

    /// [`Templates::render`] without the final newline added: for a page whose last part is
    /// written by the caller.
    pub(crate) fn render_as_written(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, RenderError> {
        let context =
            tera::Context::from_serialize(context).map_err(|e| RenderError::template(name, &e))?;
        let tera = self.tera()?;
        caught(name, || {
            tera.render(name, &context)
                .map_err(|e| RenderError::template(name, &e))
        })
    }
}

thread_local! {
    /// Whether this thread is inside Tera, where a panic is a template's error.
    static IN_TERA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `render`, a panic inside it turned into an error about template `name`: Tera 1.x panics on
/// some values a template computes (`i64::MIN % -1`, a float literal too large to be finite)
/// instead of returning an error. The panic message is not printed: the error says it.
fn caught(
    name: &str,
    render: impl FnOnce() -> Result<String, RenderError>,
) -> Result<String, RenderError> {
    static QUIET_IN_TERA: std::sync::Once = std::sync::Once::new();
    QUIET_IN_TERA.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_TERA.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    IN_TERA.with(|inside| inside.set(true));
    let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(render));
    IN_TERA.with(|inside| inside.set(false));
    rendered.unwrap_or_else(|payload| {
        let reason = (payload.downcast_ref::<&str>().copied())
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("an internal error");
        Err(RenderError::Template {
            name: name.to_string(),
            message: format!("Tera stopped rendering it: {reason}"),
        })
    })
}

/// Parses the embedded templates with `files` (name, content) in place of some: the Tera
/// instance and the names replaced.
fn parse(files: Vec<(String, String)>) -> Result<(Tera, Vec<&'static str>), RenderError> {
    let mut sources: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let mut overridden = Vec::new();
    for (name, text) in files {
        match sources.iter_mut().find(|(known, _)| *known == name) {
            Some(slot) => {
                slot.1 = text;
                overridden.extend(Templates::NAMES.iter().find(|known| **known == name));
            }
            None => {
                return Err(RenderError::UnknownTemplate {
                    name,
                    expected: Templates::NAMES.join(", "),
                })
            }
        }
    }
    for (name, text) in &sources {
        template_checks::refuse_deep_text(name, text)?;
    }
    let mut tera = Tera::default();
    // Everything the HTML templates print is escaped unless marked `safe`.
    tera.autoescape_on(vec![HTML_SUFFIX]);
    tera.set_escape_fn(escape::html);
    register_filters(&mut tera);
    // All at once, so that an override may extend any other template whatever their order.
    let added = tera.add_raw_templates(sources.iter().map(|(name, text)| (name, text)));
    if let Err(error) = added {
        return Err(name_the_broken(&sources, &error));
    }
    if !overridden.contains(&THREAT_MODEL_HTML) {
        let page = EMBEDDED
            .iter()
            .find(|(name, _)| *name == THREAT_MODEL_HTML)
            .and_then(|(_, text)| html_page_without_rows(text));
        if let Some(page) = page {
            tera.add_raw_template(THREAT_MODEL_HTML_PAGE, &page)
                .map_err(|e| RenderError::template(THREAT_MODEL_HTML_PAGE, &e))?;
        }
    }
    overridden.sort_by_key(|name| Templates::NAMES.iter().position(|known| known == name));
    overridden.dedup();
    template_checks::refuse_cycles(&tera)?;
    template_checks::refuse_deep_rendering(&tera)?;
    Ok((tera, overridden))
}

/// The error of a set of templates that did not parse, naming the template at fault: each is
/// parsed alone (where extending another is not an error of its own).
fn name_the_broken(sources: &[(String, String)], error: &tera::Error) -> RenderError {
    for (name, text) in sources {
        let mut alone = Tera::default();
        match alone.add_raw_template(name, text) {
            Err(own) if !matches!(own.kind, tera::ErrorKind::MissingParent { .. }) => {
                return RenderError::template(name, &own);
            }
            _ => {}
        }
    }
    // Only the set fails (a template extends one that does not exist): Tera's error names it.
    let name = match &error.kind {
        tera::ErrorKind::MissingParent { current, .. } => current.as_str(),
        _ => "templates",
    };
    RenderError::template(name, error)
}

type Filter = fn(&str) -> String;

/// A filter's escape for any template value: a list is escaped item by item and joined by the
/// separator (the `sep` argument or the filter's default).
type ValueFilter = fn(&Value, &str) -> String;

/// Filters that escape a string for one syntax, with the separator a list is joined by.
const FILTERS: &[(&str, ValueFilter, &str)] = &[
    // Markdown inline text (table cells, paragraphs); line breaks become `<br>`.
    ("md", |v, sep| escape_value(v, escape::md, sep), "<br>"),
    // Markdown inline text and the period ending its sentence (escaped after digits alone).
    (
        "md_sentence",
        |v, sep| escape_value(v, escape::md_sentence, sep),
        " ",
    ),
    // Markdown inline text on one line (headings).
    (
        "md_line",
        |v, sep| escape_value(v, escape::md_line, sep),
        " ",
    ),
    // A Markdown code span (in a table cell).
    (
        "md_code",
        |v, sep| escape_value(v, escape::md_code, sep),
        ", ",
    ),
    // A Markdown code span outside tables.
    (
        "md_code_text",
        |v, sep| escape_value(v, escape::md_code_text, sep),
        ", ",
    ),
    // The inside of a Graphviz "string": the pieces a long text is cut into are counted across
    // a list's items, so the joined list is cut as one text would be.
    (
        "dot",
        |v, sep| {
            let mut out = String::new();
            dot_value(&mut escape::DotPieces::default(), &mut out, v, sep);
            out
        },
        "\\n",
    ),
    // The inside of a Mermaid "label".
    (
        "mermaid",
        |v, sep| escape_value(v, escape::mermaid, sep),
        "<br>",
    ),
];

fn register_filters(tera: &mut Tera) {
    for &(name, escape, separator) in FILTERS {
        tera.register_filter(name, move |value: &Value, args: &HashMap<String, Value>| {
            let separator = match args.get("sep") {
                Some(Value::String(sep)) => sep.as_str(),
                Some(_) => return Err(tera::Error::msg("the `sep` argument must be a string")),
                None => separator,
            };
            Ok(Value::String(escape(value, separator)))
        });
    }
}

/// [`escape_value`] for the `dot` filter, with one count of pieces over the whole value.
fn dot_value(pieces: &mut escape::DotPieces, out: &mut String, value: &Value, separator: &str) {
    match value {
        Value::String(text) => pieces.text(out, text),
        Value::Null => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pieces.raw(out, separator);
                }
                dot_value(pieces, out, item, separator);
            }
        }
        Value::Bool(_) | Value::Number(_) | Value::Object(_) => {
            pieces.text(out, &value.to_string())
        }
    }
}

fn escape_value(value: &Value, escape: Filter, separator: &str) -> String {
    match value {
        Value::String(text) => escape(text),
        Value::Null => String::new(),
        Value::Array(items) => {
            let escaped: Vec<String> = items
                .iter()
                .map(|item| escape_value(item, escape, separator))
                .collect();
            escaped.join(separator)
        }
        Value::Bool(_) | Value::Number(_) => escape(&value.to_string()),
        Value::Object(_) => escape(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_filter_cuts_a_long_list_as_one_text() {
        let mut tera = Tera::default();
        register_filters(&mut tera);
        let template = "\"{{ names | dot(sep=\" \") }}\"";
        tera.add_raw_template("t", template)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut context = tera::Context::new();
        let names: Vec<String> = (0..6).map(|i| format!("{i}{}", "&".repeat(700))).collect();
        context.insert("names", &names);
        let written = tera.render("t", &context).unwrap_or_else(|e| panic!("{e}"));
        let pieces: Vec<&str> = written.split("\" + \"").collect();
        assert!(pieces.len() > 1, "{}", written.len());
        assert!(
            pieces.iter().all(|piece| piece.len() <= 4096 + 2),
            "{pieces:?}"
        );
        let joined = names.join(" ").replace('&', "&amp;");
        assert_eq!(pieces.concat(), format!("\"{joined}\""));
    }

    #[test]
    fn the_html_page_has_its_row_loop_cut_out() {
        let templates = Templates::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            templates.has(THREAT_MODEL_HTML_PAGE),
            "the loop was not found"
        );
        let overridden = Templates::with_overrides(vec![(
            THREAT_MODEL_HTML.to_string(),
            "<p>{{ model.name }}</p>".to_string(),
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!overridden.has(THREAT_MODEL_HTML_PAGE));
        assert_eq!(
            html_page_without_rows(
                "a{% for t in threats -%}\nrow{% endfor -%}\nb{% for f in flows -%}\nf{% endfor -%}\nc"
            )
            .as_deref(),
            Some("a{{ threat_rows | safe }}b{{ flow_rows | safe }}c")
        );
        assert_eq!(
            html_page_without_rows("a{% for t in threats -%}\nrow{% endfor -%}\nb"),
            None
        );
        assert_eq!(html_page_without_rows("no loop"), None);
    }

    #[test]
    fn embedded_templates_parse() {
        // `Templates::embedded` parses them only when one is first rendered.
        let (tera, overridden) = parse(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
        assert!(overridden.is_empty());
        let names: Vec<&str> = tera.get_template_names().collect();
        for name in Templates::NAMES.iter().chain([&THREAT_MODEL_HTML_PAGE]) {
            assert!(names.contains(name), "{name} is missing");
        }
        let templates = Templates::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            templates.tera.get().is_none(),
            "parsed before it was needed"
        );
        assert!(templates.has(THREAT_MODEL_HTML_PAGE));
        assert!(templates.tera.get().is_some());
    }

    #[test]
    fn unknown_override_is_an_error() {
        let error = Templates::with_overrides(vec![("nope.tera".into(), "x".into())]).unwrap_err();
        assert!(
            error.to_string().contains("unknown template `nope.tera`"),
            "{error}"
        );
    }

    #[test]
    fn broken_override_names_the_template() {
        let error = Templates::with_overrides(vec![(DFD.into(), "{% if %}".into())]).unwrap_err();
        assert!(
            error.to_string().starts_with("template `dfd.dot.tera`"),
            "{error}"
        );
    }

    #[test]
    fn html_templates_are_autoescaped_and_the_others_are_not() {
        let templates = Templates::with_overrides(vec![
            (
                INDEX_HTML.into(),
                "<p title=\"{{ a }}\">{{ a }}|{{ n }}</p>".into(),
            ),
            (INDEX_MD.into(), "{{ a }}".into()),
        ])
        .unwrap();
        let context = serde_json::json!({ "a": "<b>\"x\" & 'y'\u{1}</b>", "n": 3 });
        assert_eq!(
            templates.render(INDEX_HTML, &context).unwrap(),
            "<p title=\"&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;\u{FFFD}&lt;/b&gt;\">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;\u{FFFD}&lt;/b&gt;|3</p>\n"
        );
        assert_eq!(
            templates.render(INDEX_MD, &context).unwrap(),
            "<b>\"x\" & 'y'\u{1}</b>\n"
        );
    }

    #[test]
    fn filters_escape_strings_and_lists() {
        let templates = Templates::with_overrides(vec![(
            DFD.into(),
            "{{ a | md }}/{{ l | md }}/{{ l | md(sep=\"; \") }}/{{ a | dot }}/{{ n | md }}".into(),
        )])
        .unwrap();
        let context = serde_json::json!({ "a": "x|\"y\"", "l": ["a|b", "c"], "n": null });
        assert_eq!(
            templates.render(DFD, &context).unwrap(),
            "x\\|\"y\"/a\\|b<br>c/a\\|b; c/x|\\\"y\\\"/\n"
        );
    }
}
