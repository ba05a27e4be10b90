//! Checking rules, once each: the header (`category`, `on`), the block's fields, the `when`
//! expression and every template. A rule that checks clean becomes a `CompiledRule`; one with
//! errors is reported and left out, and its id is remembered so decisions about it do not
//! pile a second error on the first.

use super::eval::Cond;
use super::path::{Role, SetProperties};
use super::template::Template;
use super::when;
use super::RuleInfo;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{Model, RuleSource};
use crate::resolve::props::{self, Props};
use crate::source::Span;
use crate::syntax::ast::{Property, RuleDecl};
use crate::vocab::{Category, ElementKind, Level};
use crate::Map;

/// The element kinds a rule fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u8);

impl Kinds {
    const FIRABLE: [ElementKind; 4] = [
        ElementKind::Actor,
        ElementKind::External,
        ElementKind::Process,
        ElementKind::Store,
    ];

    fn bit(kind: ElementKind) -> u8 {
        match kind {
            ElementKind::Actor => 1,
            ElementKind::External => 2,
            ElementKind::Process => 4,
            ElementKind::Store => 8,
            ElementKind::Boundary => 0,
        }
    }

    pub fn all() -> Kinds {
        Kinds(15)
    }

    pub fn contains(self, kind: ElementKind) -> bool {
        self.0 & Kinds::bit(kind) != 0
    }

    fn insert(&mut self, kind: ElementKind) {
        self.0 |= Kinds::bit(kind);
    }
}

/// A rule ready to apply.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub info: RuleInfo,
    /// `info.id` and `info.references`, shared by every threat the rule produces.
    pub shared_id: std::sync::Arc<str>,
    pub shared_references: std::sync::Arc<[String]>,
    /// The rule's id where it is declared.
    pub id_span: Span,
    pub role: Role,
    pub kinds: Kinds,
    pub when: Option<Cond>,
    pub title: Template,
    pub explanation: Template,
    pub mitigations: Vec<Template>,
    /// The rendered mitigations and their length in bytes, shared by every threat the rule
    /// produces, when none has a `{{ }}` hole.
    pub shared_mitigations: Option<(std::sync::Arc<[std::sync::Arc<str>]>, usize)>,
    pub likelihood: Level,
    pub impact: Level,
    pub severity: Option<Level>,
}

/// Every rule of the model, checked.
#[derive(Debug, Default)]
pub struct Checked {
    /// Rules that checked clean, sorted by id.
    pub rules: Vec<CompiledRule>,
    /// Ids of rules with errors.
    pub broken: Vec<String>,
}

/// True for the packs embedded in the compiler.
fn is_builtin(pack: &str) -> bool {
    crate::load::STDLIB.iter().any(|(name, _)| *name == pack)
}

/// Checks every rule once. A rule of the model or of a user's pack with the id of a built-in
/// rule replaces the built-in one (that is how a team tailors the stdlib); other duplicate ids
/// are reported at the later declaration, and the first wins.
pub fn check_all(model: &Model, sink: &mut Diagnostics) -> Checked {
    let mut checked = Checked::default();
    let mut first: Map<&str, &RuleSource> = Map::default();
    let set = SetProperties::of(model);
    let overridden: crate::Set<&str> = model
        .rules
        .iter()
        .filter(|source| !is_builtin(&source.pack))
        .map(|source| source.decl.id.text.as_str())
        .collect();
    for source in &model.rules {
        let id = source.decl.id.text.as_str();
        if is_builtin(&source.pack) && overridden.contains(id) {
            continue;
        }
        let compiled = check(source, &set, sink);
        if let Some(earlier) = first.get(id) {
            sink.push(
                Diagnostic::new(
                    codes::E0104,
                    source.decl.id.span,
                    format!("the rule `{id}` is declared twice"),
                )
                .label(format!(
                    "second declaration (in {})",
                    pack_name(&source.pack)
                ))
                .with_secondary(
                    earlier.decl.id.span,
                    format!("first declared here (in {})", pack_name(&earlier.pack)),
                )
                .with_help(
                    "rule ids are unique across every pack a model uses; rename one of them",
                ),
            );
            continue;
        }
        first.insert(id, source);
        match compiled {
            Some(rule) => checked.rules.push(rule),
            None => checked.broken.push(id.to_string()),
        }
    }
    checked.rules.sort_by(|a, b| a.info.id.cmp(&b.info.id));
    checked
}

fn pack_name(pack: &str) -> String {
    match pack {
        "model" => "the model".to_string(),
        "stride" | "llm" => format!("the built-in pack `{pack}`"),
        path => format!("`{path}`"),
    }
}

/// Keys a rule block knows besides the property schema: written as their own statements.
const HEADER_KEYS: &[&str] = &["on", "when"];

/// Checks one rule; `None` when it has errors.
pub fn check(
    source: &RuleSource,
    set: &SetProperties,
    sink: &mut Diagnostics,
) -> Option<CompiledRule> {
    let decl = &source.decl;
    let id = decl.id.text.as_str();
    let errors_before = sink.error_count();
    let (known, unknown): (Vec<Property>, Vec<Property>) = decl
        .properties
        .iter()
        .cloned()
        .partition(|p| props::RULE.iter().any(|(key, _)| *key == p.key.text));
    for property in &unknown {
        let key = property.key.text.as_str();
        if HEADER_KEYS.contains(&key) {
            // `on "target process"`, `when [..]`: the statement, written as a property.
            let example = match property.value.as_text() {
                Some(text) => format!("{key} {text}"),
                None if key == "on" => "on target process, store".to_string(),
                None => "when flow.crosses_boundary".to_string(),
            };
            sink.push(
                Diagnostic::new(
                    codes::E0101,
                    property.value.span,
                    format!("`{key}` is followed by words, not a string or a list"),
                )
                .label("not quoted, not in brackets")
                .with_help(format!("write it without quotes or brackets: `{example}`")),
            );
            continue;
        }
        let candidates = props::RULE
            .iter()
            .map(|(key, _)| *key)
            .chain(HEADER_KEYS.iter().copied());
        sink.push(
            Diagnostic::new(
                codes::E0102,
                property.key.span,
                format!("unknown field `{key}` in rule `{id}`"),
            )
            .label("not a rule field")
            .with_suggestion(key, candidates)
            .or_help(format!(
                "a rule has {}, `on` and `when`",
                props::RULE
                    .iter()
                    .map(|(key, _)| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    let p = Props::check(&known, props::RULE, &format_args!("rule `{id}`"), sink);
    let category = word(
        &p,
        "category",
        Category::from_word,
        &Category::words(),
        sink,
    );
    if p.get("category").is_none() {
        sink.push(missing(decl, "category", "category spoofing"));
    }
    let likelihood = word(&p, "likelihood", Level::from_word, &Level::words(), sink);
    let impact = word(&p, "impact", Level::from_word, &Level::words(), sink);
    let severity = word(&p, "severity", Level::from_word, &Level::words(), sink);
    let header = on(decl, sink);
    let title_source = text_property(&p, "title");
    if p.get("title").is_none() {
        sink.push(missing(
            decl,
            "title",
            "title \"Attacker spoofs {{ source.name }}\"",
        ));
    }
    if let (Some(explanation), Some(description)) = (p.get("explanation"), p.get("description")) {
        sink.push(
            Diagnostic::new(
                codes::W0002,
                description.key.span,
                "`description` is another name for `explanation`, which is set too",
            )
            .label("ignored")
            .with_secondary(explanation.key.span, "this one is used")
            .with_help("keep one of them"),
        );
    }
    for (key, text, span) in text_property(&p, "title")
        .map(|(text, span)| ("title", text, span))
        .into_iter()
        .chain(
            p.list("mitigations")
                .into_iter()
                .map(|(text, span)| ("mitigations", text, span)),
        )
    {
        if text.trim().is_empty() {
            sink.push(props::empty_text(
                key,
                span,
                if key == "title" {
                    "write what goes wrong: `title \"Attacker spoofs {{ source.name }}\"`"
                } else {
                    "remove the empty item, or write the mitigation"
                },
            ));
        }
    }
    let explanation_source = text_property(&p, "explanation").or(text_property(&p, "description"));
    let mitigation_sources = p.list("mitigations");

    // Names in `when` and templates depend on the role; without one they cannot be checked.
    let (role, kinds, applies_to) = header?;
    let when = decl
        .when
        .as_ref()
        .map(|w| when::compile(w, role, set, sink));
    let title = title_source.map(|(text, span)| Template::compile(&text, span, role, set, sink));
    let explanation =
        explanation_source.map(|(text, span)| Template::compile(&text, span, role, set, sink));
    let mitigations: Vec<Option<Template>> = mitigation_sources
        .iter()
        .map(|(text, span)| Template::compile(text, *span, role, set, sink))
        .collect();
    if sink.error_count() > errors_before {
        return None;
    }
    let info = RuleInfo {
        id: id.to_string(),
        pack: source.pack.clone(),
        category: category?,
        applies_to,
        title: p.text("title").unwrap_or_default(),
        explanation: p
            .text("explanation")
            .or_else(|| p.text("description"))
            .unwrap_or_default(),
        mitigations: p.words("mitigations"),
        // Each control lowers the severity once, however often the rule names it.
        mitigated_by: {
            let mut controls = p.words("mitigated_by");
            let mut seen = std::collections::BTreeSet::new();
            controls.retain(|control| seen.insert(control.clone()));
            controls
        },
        references: p.words("references"),
        span: decl.span,
    };
    let mitigations = mitigations.into_iter().collect::<Option<Vec<Template>>>()?;
    let shared_mitigations = mitigations
        .iter()
        .map(|m| m.constant().cloned())
        .collect::<Option<Vec<_>>>()
        .map(|texts| {
            let length = texts.iter().map(|t| t.len()).sum();
            (texts.into(), length)
        });
    Some(CompiledRule {
        shared_id: info.id.as_str().into(),
        shared_references: info.references.as_slice().into(),
        info,
        id_span: decl.id.span,
        role,
        kinds,
        when: when.flatten(),
        title: title.flatten()?,
        explanation: explanation.flatten().unwrap_or_default(),
        mitigations,
        shared_mitigations,
        likelihood: likelihood.unwrap_or(Level::Medium),
        impact: impact.unwrap_or(Level::Medium),
        severity,
    })
}

/// A word from a closed vocabulary (`category`, the levels); anything else is E0101.
fn word<T>(
    p: &Props,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &[&str],
    sink: &mut Diagnostics,
) -> Option<T> {
    let property = p.get(key)?;
    let text = property.value.as_text()?;
    let parsed = parse(text);
    if parsed.is_none() {
        let article = if key.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        sink.push(
            Diagnostic::new(
                codes::E0101,
                property.value.span,
                format!("`{text}` is not {article} {key}"),
            )
            .label(format!("expected one of {}", allowed.join(", ")))
            .with_suggestion(text, allowed.iter().copied()),
        );
    }
    parsed
}

fn text_property(p: &Props, key: &str) -> Option<(String, Span)> {
    let property = p.get(key)?;
    Some((property.value.as_text()?.to_string(), property.value.span))
}

fn missing(decl: &RuleDecl, key: &str, example: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0017,
        decl.id.span,
        format!("rule `{}` has no `{key}`", decl.id.text),
    )
    .label(format!("`{key}` is required"))
    .with_help(format!("add `{example}`"))
}

/// Checks `on ROLE KINDS`: the role, the kinds, and what the rule applies to in words.
fn on(decl: &RuleDecl, sink: &mut Diagnostics) -> Option<(Role, Kinds, String)> {
    let Some(on) = &decl.on else {
        // `on "..."` was reported as written wrongly: it is not missing.
        if !decl.properties.iter().any(|p| p.key.text == "on") {
            sink.push(missing(decl, "on", "on target process, store"));
        }
        return None;
    };
    let role_word = on.role.text.as_str();
    let role = Role::from_word(role_word);
    if role.is_none() {
        sink.push(
            Diagnostic::new(
                codes::E0101,
                on.role.span,
                format!("`{role_word}` is not a rule role"),
            )
            .label("expected element, source, target or flow")
            .with_suggestion(role_word, Role::WORDS.iter().copied())
            .or_help("write `on target process, store`, `on source actor`, `on element store` or `on flow`"),
        );
    }
    let mut kinds = Kinds::default();
    let mut written = Vec::new();
    let mut ok = role.is_some();
    for kind in &on.kinds {
        let word = kind.text.as_str();
        match ElementKind::from_word(word) {
            Some(ElementKind::Boundary) => {
                ok = false;
                sink.push(
                    Diagnostic::new(codes::E0101, kind.span, "rules do not fire on boundaries")
                        .label("not an element kind a rule can fire on")
                        .with_help("to react to a boundary crossing, write `on flow` with `when flow.crosses_boundary`"),
                );
            }
            Some(parsed) => {
                if !kinds.contains(parsed) {
                    kinds.insert(parsed);
                    written.push(word);
                }
            }
            None => {
                ok = false;
                let words: Vec<&str> = Kinds::FIRABLE.iter().map(|k| k.word()).collect();
                sink.push(
                    Diagnostic::new(
                        codes::E0101,
                        kind.span,
                        format!("`{word}` is not an element kind"),
                    )
                    .label("expected actor, external, process or store")
                    .with_suggestion(word, words),
                );
            }
        }
    }
    let role = role?;
    if role == Role::Flow {
        if let Some(first) = on.kinds.first() {
            sink.push(
                Diagnostic::new(
                    codes::E0101,
                    first
                        .span
                        .to(on.kinds.last().map_or(first.span, |k| k.span)),
                    "`on flow` takes no element kinds",
                )
                .label("a flow rule fires once per flow")
                .with_help(
                    "write `on flow`, or `on source KIND` / `on target KIND` to fire on one end",
                ),
            );
            return None;
        }
    }
    if !ok {
        return None;
    }
    let applies_to = if written.is_empty() {
        role.word().to_string()
    } else {
        format!("{} {}", role.word(), written.join(", "))
    };
    if written.is_empty() {
        kinds = Kinds::all();
    }
    Some((role, kinds, applies_to))
}
