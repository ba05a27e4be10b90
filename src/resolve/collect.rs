//! Walks the loaded files in reading order and gathers every declaration; assigns element and
//! data ids and checks them unique.

use super::props::{self, Props};
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::load::{Loaded, Origin};
use crate::model::{Data, Element, ElementIdx, Model, ModelInfo, Properties, PropertyValues};
use crate::source::{FileId, Span};
use crate::syntax::{ast, derive_id};
use crate::vocab::{Classification, ElementKind};
use crate::{Map, Set};

/// An element declaration with the boundaries around it (innermost last while collecting).
pub struct ElementDecl<'a> {
    pub decl: &'a ast::Element,
    pub parent: Option<usize>,
}

/// Every declaration of the model, in reading order.
#[derive(Default)]
pub struct Decls<'a> {
    pub models: Vec<&'a ast::ModelDecl>,
    pub elements: Vec<ElementDecl<'a>>,
    pub data: Vec<&'a ast::DataDecl>,
    pub flows: Vec<&'a ast::FlowDecl>,
    pub threats: Vec<&'a ast::ThreatDecl>,
    pub decisions: Vec<&'a ast::Decision>,
    pub rules: Vec<(String, &'a ast::RuleDecl)>,
    /// Packs named by `use`, in order, stdlib names or paths.
    pub packs: Vec<String>,
}

pub fn collect<'a>(loaded: &'a Loaded, sink: &mut Diagnostics) -> Decls<'a> {
    let mut walker = Walker {
        loaded,
        decls: Decls::default(),
        seen: Set::default(),
    };
    if let Some(root) = loaded.root() {
        walker.file(root.id, None, sink);
    }
    // Packs the model did not reach by `use` (the defaults) still contribute their rules.
    for file in &loaded.files {
        if let Origin::Pack(name) = &file.origin {
            if !walker.seen.contains(&file.id) {
                walker.file(file.id, Some(name.clone()), sink);
            }
            if !walker.decls.packs.contains(name) {
                walker.decls.packs.push(name.clone());
            }
        }
    }
    walker.decls
}

struct Walker<'a> {
    loaded: &'a Loaded,
    decls: Decls<'a>,
    seen: Set<FileId>,
}

impl<'a> Walker<'a> {
    /// Walks file `id`: a rule pack's when `pack` is its name (given for a file a pack
    /// includes, which is part of the pack and may declare only rules as well).
    fn file(&mut self, id: FileId, pack: Option<String>, sink: &mut Diagnostics) {
        if !self.seen.insert(id) {
            return;
        }
        let Some(file) = self.loaded.file(id) else {
            return;
        };
        let in_pack = pack.is_some() || matches!(file.origin, Origin::Pack(_));
        let pack_name = pack.unwrap_or_else(|| match &file.origin {
            Origin::Pack(name) => name.clone(),
            _ => String::new(),
        });
        self.items(&file.ast.items, None, &pack_name, in_pack, sink);
    }

    fn items(
        &mut self,
        items: &'a [ast::Item],
        parent: Option<usize>,
        pack: &str,
        in_pack: bool,
        sink: &mut Diagnostics,
    ) {
        for item in items {
            if in_pack
                && !matches!(
                    item,
                    ast::Item::Rule(_) | ast::Item::Use(_) | ast::Item::Include(_)
                )
            {
                sink.push(
                    Diagnostic::new(
                        codes::E0018,
                        item.span(),
                        "a rule pack may only declare rules",
                    )
                    .label("not a rule")
                    .with_help(
                        "move model declarations to the model, and `include` them from there",
                    ),
                );
                continue;
            }
            match item {
                ast::Item::Model(m) => self.decls.models.push(m),
                ast::Item::Include(include) => {
                    if let Some(target) = self.loaded.includes.get(&include.span) {
                        let pack = in_pack.then(|| pack.to_string());
                        self.file(*target, pack, sink);
                    }
                }
                ast::Item::Use(usage) => {
                    let name = match &usage.target {
                        ast::UseTarget::Builtin(name) => name.text.clone(),
                        ast::UseTarget::File(path) => path.value.clone(),
                    };
                    if !self.decls.packs.contains(&name) {
                        self.decls.packs.push(name.clone());
                    }
                    if let Some(target) = self.loaded.includes.get(&usage.span) {
                        self.file(*target, Some(name), sink);
                    }
                }
                ast::Item::Element(element) => {
                    let index = self.decls.elements.len();
                    self.decls.elements.push(ElementDecl {
                        decl: element,
                        parent,
                    });
                    if element.kind != ElementKind::Boundary {
                        if let Some(first) = element.children.first() {
                            sink.push(
                                Diagnostic::new(
                                    codes::E0018,
                                    first.span(),
                                    format!(
                                        "only a boundary can contain declarations, not {} `{}`",
                                        element.kind.word(),
                                        display_of(element)
                                    ),
                                )
                                .label("declared inside a non-boundary")
                                .with_help(
                                    "move it out of the block, or make the container a `boundary`",
                                ),
                            );
                            continue;
                        }
                    }
                    self.items(&element.children, Some(index), pack, in_pack, sink);
                }
                ast::Item::Data(data) => self.decls.data.push(data),
                ast::Item::Flow(flow) => self.decls.flows.push(flow),
                ast::Item::Threat(threat) => self.decls.threats.push(threat),
                ast::Item::Decision(decision) => self.decls.decisions.push(decision),
                ast::Item::Rule(rule) => {
                    let pack = if pack.is_empty() {
                        "model".to_string()
                    } else {
                        pack.to_string()
                    };
                    self.decls.rules.push((pack, rule));
                }
            }
        }
    }
}

fn display_of(element: &ast::Element) -> String {
    element
        .id
        .as_ref()
        .map(|i| i.text.clone())
        .or_else(|| element.name.as_ref().map(|n| n.value.clone()))
        .unwrap_or_default()
}

pub fn model_info(decls: &Decls, root_name: &str, sink: &mut Diagnostics) -> ModelInfo {
    let mut info = ModelInfo {
        name: std::path::Path::new(root_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| root_name.to_string()),
        file: root_name.to_string(),
        ..ModelInfo::default()
    };
    if let Some((first, rest)) = decls.models.split_first() {
        for extra in rest {
            sink.push(
                Diagnostic::new(
                    codes::E0013,
                    extra.span,
                    "a model has at most one `model` block",
                )
                .label("second `model` block")
                .with_secondary(first.span, "first declared here")
                .with_help("merge the two blocks, or remove the one in the included file"),
            );
        }
        let p = Props::check(&first.properties, props::MODEL, &"the model", sink);
        // A blank name leaves the file's: an empty heading and index link cannot be clicked.
        if !first.name.value.trim().is_empty() {
            info.name = first.name.value.clone();
        }
        info.description = p.text("description");
        info.version = p.text("version");
        info.owner = p.text("owner");
        info.extra = p.extra();
    }
    info
}

/// The name a declaration is shown by: its display name, or its id when it has none or a blank
/// one (`process api ""` drew as `n0("")`, which Mermaid cannot parse, and as empty headings).
fn shown_name(name: Option<&ast::Str>, id: &str) -> String {
    match name {
        Some(name) if !name.value.trim().is_empty() => name.value.clone(),
        _ => id.to_string(),
    }
}

/// The id a declaration has: written, or derived from its display name.
pub fn declared_id(id: Option<&ast::Ident>, name: Option<&ast::Str>) -> (String, Span) {
    match (id, name) {
        (Some(id), _) => (id.text.clone(), id.span),
        (None, Some(name)) => (derive_id(&name.value), name.span),
        (None, None) => ("_".to_string(), Span::new(FileId(0), 0, 0)),
    }
}

pub fn elements(decls: &Decls, model: &mut Model, sink: &mut Diagnostics) {
    // Data first: stores refer to it.
    let mut data_ids: Map<String, usize> = Map::default();
    // Room for all at once: a list grown by doubling copies itself into fresh memory each
    // time (at N = 100,000 the elements' list was 8% of a compile's samples).
    model.data.reserve(decls.data.len());
    model.elements.reserve(decls.elements.len());
    model.element_ids.reserve(decls.elements.len());
    for data in &decls.data {
        let (id, id_span) = declared_id(data.id.as_ref(), data.name.as_ref());
        if let Some(&earlier) = data_ids.get(&id) {
            if let Some(first) = model.data.get(earlier) {
                let derived = derived_from("data", data.id.as_ref(), data.name.as_ref());
                sink.push(duplicate(&id, "data", id_span, first.span, derived));
            }
            continue;
        }
        let p = Props::check(&data.properties, props::DATA, &"data", sink);
        props::refuse_stores(
            &p,
            "data",
            format!(
                "a store names the data it holds: write `stores [{id}]` in the block of each \
                 store that holds `{id}`"
            ),
            sink,
        );
        let classification = p
            .word(
                "classification",
                Classification::from_word,
                &Classification::words(),
                sink,
            )
            .unwrap_or_default();
        data_ids.insert(id.clone(), model.data.len());
        model.data.push(Data {
            name: shown_name(data.name.as_ref(), &id),
            id,
            classification,
            description: p.text("description"),
            tags: p.words("tags"),
            extra: p.extra(),
            span: data.span,
        });
    }

    // Maps each declaration to its element index (None when it was a duplicate).
    let mut index_of_decl: Vec<Option<ElementIdx>> = Vec::with_capacity(decls.elements.len());
    for entry in &decls.elements {
        let decl = entry.decl;
        let blank = decl
            .name
            .as_ref()
            .filter(|name| name.value.trim().is_empty());
        if let (None, Some(name)) = (&decl.id, blank) {
            let kind = decl.kind.word();
            sink.push(
                Diagnostic::new(
                    codes::E0017,
                    name.span,
                    format!("this {kind} has neither an id nor a display name"),
                )
                .label("an empty name")
                .with_help(format!(
                    "give it a name, an id, or both: `{kind} payments \"Payments API\"`"
                )),
            );
            index_of_decl.push(None);
            continue;
        }
        let (id, id_span) = declared_id(decl.id.as_ref(), decl.name.as_ref());
        if let Some(first) = model.element_by_id(&id).and_then(|i| model.element(i)) {
            let derived = derived_from(decl.kind.word(), decl.id.as_ref(), decl.name.as_ref());
            sink.push(duplicate(&id, "element", id_span, first.name_span, derived));
            index_of_decl.push(None);
            continue;
        }
        let what = format!("{} `{id}`", decl.kind.word());
        let block = if decl.kind == ElementKind::Boundary {
            props::Block::Boundary
        } else {
            props::Block::KeepsOthers
        };
        let p = Props::check_as(&decl.properties, props::ELEMENT, &what, block, sink);
        props::refuse_derived(&p, props::ELEMENT_DERIVED, &what, sink);
        if decl.kind != ElementKind::Store {
            if let Some(property) = p.get("stores") {
                sink.push(
                    Diagnostic::new(codes::E0012, property.key.span, format!("`stores` is only for stores, and `{id}` is {} {}", article(decl.kind), decl.kind.word()))
                        .label("not allowed here")
                        .with_help("declare the data on the flows that carry it (`data [...]`), or make this element a `store`"),
                );
            }
        }
        let stores = if decl.kind == ElementKind::Store {
            resolve_data_list(p.items("stores"), &data_ids, model, sink)
        } else {
            Vec::new()
        };
        let parent = entry
            .parent
            .and_then(|p| index_of_decl.get(p).copied().flatten());
        let mut boundaries = Vec::new();
        if let Some(parent) = parent {
            boundaries.push(parent);
            if let Some(outer) = model.element(parent) {
                boundaries.extend(outer.boundaries.iter().copied());
            }
        }
        let index = ElementIdx::new(model.elements.len());
        index_of_decl.push(Some(index));
        model.element_ids.insert(&id, index);
        model.elements.push(Element {
            name: shown_name(decl.name.as_ref(), &id),
            id,
            kind: decl.kind,
            span: decl.span,
            name_span: id_span,
            properties: Properties::new(PropertyValues {
                description: p.text("description"),
                technology: p.text("technology"),
                owner: p.text("owner"),
                url: p.text("url"),
                tags: p.words("tags"),
                controls: p.words("controls"),
                extra: p.extra(),
            }),
            stores,
            formerly: old_ids(&p, sink),
            boundaries,
            internet_facing: false,
            inbound: 0,
            outbound: 0,
            max_classification: None,
            node: None,
        });
    }
    // An old id names one element, and no element of today: otherwise what it meant (in a
    // decision, a flow, a hand-written threat) would depend on declaration order.
    for (index, element) in model.elements.iter().enumerate() {
        for old in &element.formerly {
            let live = model.element_by_id(old).and_then(|i| model.element(i));
            // Listed twice by the same element is only repetition.
            let claimed = (model.renamed.get(old))
                .filter(|i| i.index() != index)
                .and_then(|i| model.element(*i))
                .map(|other| other.name_span);
            if let Some(live) = live {
                sink.push(
                    Diagnostic::new(
                        codes::E0005,
                        element.name_span,
                        format!("`{old}` is listed in `formerly` but is the id of an element of this model"),
                    )
                    .label(format!("lists `{old}` as its old id"))
                    .with_secondary(live.name_span, "the element with that id")
                    .with_help("`formerly` lists ids no element has any more; remove it, or rename one of them"),
                );
            } else if let Some(first) = claimed {
                sink.push(
                    Diagnostic::new(
                        codes::E0005,
                        element.name_span,
                        format!("`{old}` is listed in `formerly` by two elements"),
                    )
                    .label(format!("second element that lists `{old}`"))
                    .with_secondary(first, "first listed here")
                    .with_help(
                        "an old id can only have become one element; remove it from one `formerly`",
                    ),
                );
            } else {
                model.renamed.insert(old.clone(), ElementIdx::new(index));
            }
        }
    }
}

fn article(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Actor | ElementKind::External => "an",
        _ => "a",
    }
}

/// E0005 for the second declaration of `id`. `derived_from` is the keyword and display name of
/// a second declaration written without an id, whose id was made from its name: the help then
/// says so, as `_` or `caf` in a message is a puzzle when the model never wrote it.
pub fn duplicate(
    id: &str,
    what: &str,
    span: Span,
    first: Span,
    derived_from: Option<(&str, &str)>,
) -> Diagnostic {
    let help = match derived_from {
        Some((keyword, name)) if id == "_" => format!(
            "an id is made from the ASCII letters and digits of a display name, and this one has \
             none; write an id before the name: `{keyword} some_id {name:?}`"
        ),
        Some((keyword, name)) => format!(
            "`{id}` is the id made from the display name {name:?}; give this one an id of its \
             own: `{keyword} other_id {name:?}`"
        ),
        None => {
            "ids are unique across the model; give one of them an explicit, different id".into()
        }
    };
    Diagnostic::new(
        codes::E0005,
        span,
        format!("the id `{id}` is declared twice"),
    )
    .label(format!("second {what} with this id"))
    .with_secondary(first, "first declared here")
    .with_help(help)
}

/// The keyword and display name of a declaration whose id is made from its name.
pub fn derived_from<'a>(
    keyword: &'a str,
    id: Option<&ast::Ident>,
    name: Option<&'a ast::Str>,
) -> Option<(&'a str, &'a str)> {
    match (id, name) {
        (None, Some(name)) => Some((keyword, name.value.as_str())),
        _ => None,
    }
}

/// Resolves data ids named in a list; unknown ones are reported with the closest names.
pub fn resolve_data_list<'n>(
    names: impl IntoIterator<Item = (&'n str, Span)>,
    data_ids: &Map<String, usize>,
    model: &Model,
    sink: &mut Diagnostics,
) -> Vec<crate::model::DataIdx> {
    let mut out = Vec::new();
    for (name, span) in names {
        match data_ids.get(name) {
            Some(&index) => {
                let idx = crate::model::DataIdx::new(index);
                if !out.contains(&idx) {
                    out.push(idx);
                }
            }
            None => {
                let candidates = model.data.iter().map(|d| d.id.as_str());
                let diagnostic = Diagnostic::new(
                    codes::E0004,
                    span,
                    format!("no data is declared with the id `{name}`"),
                )
                .label("unknown data")
                .with_suggestion_within(name, candidates, sink.hints())
                .or_help(format!(
                    "declare it: `data {name} \"...\" {{ classification internal }}`"
                ));
                sink.push(diagnostic);
            }
        }
    }
    out
}

/// The element's `formerly` list: the entries that are ids. Anything else (`"*"`, `"a>b"`, a
/// display name) is E0010: a decision pattern naming it would match what it does not mean
/// (`"*"` made `spoofing.*@*` cover only this element).
fn old_ids(p: &Props<'_>, sink: &mut Diagnostics) -> Vec<String> {
    let is_id = |word: &str| {
        let mut chars = word.chars();
        chars
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut ids = Vec::new();
    for (word, span) in p.items("formerly") {
        if is_id(word) {
            ids.push(word.to_string());
            continue;
        }
        let derived = derive_id(word);
        let help = if word.is_empty() || derived == "_" {
            "`formerly` lists the element's old ids: letters, digits, `_` and `-`, starting with a letter or `_`".to_string()
        } else {
            format!("`formerly` lists old ids, not names or patterns; the id derived from this name is `{derived}`")
        };
        sink.push(
            Diagnostic::new(codes::E0010, span, format!("`{word}` is not an id"))
                .label("not an element id")
                .with_help(help),
        );
    }
    ids
}
