//! Stage: report (rendering helpers). What a user's templates are checked for before anything
//! is rendered with them: Tera parses and renders by recursion, with no limit of its own, so a
//! template nested too deep, one that includes itself, or a macro that calls itself would
//! overflow the stack and abort the build instead of failing it with an error.
//!
//! Three checks, in the order [`super::templates`] runs them: the text of each template before
//! Tera parses it ([`refuse_deep_text`]: block tags nested too deep, one tag too long for its
//! expressions to be parsed), then the parsed templates ([`refuse_cycles`]: includes and imports
//! in a circle; [`refuse_deep_rendering`]: macros that call themselves, and blocks, expressions,
//! includes and macro calls within one another too deep to render).

use super::RenderError;
use std::collections::HashMap;
use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// The most levels of blocks, expressions, includes and macro calls within one another that
/// a template may render through. The embedded templates use fewer than 10; a thread's stack
/// (64 MiB, see `main.rs`) holds several thousand.
pub(super) const MAX_TEMPLATE_DEPTH: usize = 1000;
/// The longest tag (`{{ ... }}` or `{% ... %}`, in bytes): Tera's parser recurses once per
/// parenthesis and operator of an expression, so the length of a tag bounds that recursion.
pub(super) const MAX_TAG_BYTES: usize = 16 * 1024;

/// Block tags that open a level closed by their `end...` tag.
const OPENING_TAGS: [&str; 5] = ["if", "for", "macro", "block", "filter"];

/// Refuses a template `text` whose block tags nest deeper than [`MAX_TEMPLATE_DEPTH`] or that
/// holds a tag longer than [`MAX_TAG_BYTES`], read as Tera reads it: comments and `raw` blocks
/// are skipped, and a tag ends at the first `}}` or `%}` outside a string. What does not parse
/// is left to Tera, which names the mistake better.
pub(super) fn refuse_deep_text(name: &str, text: &str) -> Result<(), RenderError> {
    let bytes = text.as_bytes();
    let refuse = |at: usize, message: String| RenderError::Template {
        name: name.to_string(),
        message: format!("line {}: {message}", line_of(bytes, at)),
    };
    let mut depth = 0usize;
    let mut from = 0;
    while let Some(found) = find(bytes, from, b"{") {
        let end_mark: &[u8] = match bytes.get(found + 1) {
            Some(b'{') => b"}}",
            Some(b'%') => b"%}",
            Some(b'#') => {
                let Some(end) = find(bytes, found + 2, b"#}") else {
                    return Ok(());
                };
                from = end + 2;
                continue;
            }
            _ => {
                from = found + 1;
                continue;
            }
        };
        let Some(end) = tag_end(bytes, found + 2, end_mark) else {
            return Ok(());
        };
        if end + 2 - found > MAX_TAG_BYTES {
            return Err(refuse(
                found,
                format!(
                    "a tag of {} bytes, longer than the {MAX_TAG_BYTES} a tag may be (Tera parses \
                     its expression by recursion); split it with `{{% set %}}`",
                    end + 2 - found
                ),
            ));
        }
        from = end + 2;
        if end_mark != b"%}" {
            continue;
        }
        let inside = String::from_utf8_lossy(bytes.get(found + 2..end).unwrap_or_default());
        let keyword = inside
            .trim_start_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if keyword == "raw" {
            // Everything up to `endraw` is text, tags included.
            let Some(endraw) = find(bytes, from, b"endraw") else {
                return Ok(());
            };
            let Some(close) = find(bytes, endraw, b"%}") else {
                return Ok(());
            };
            from = close + 2;
        } else if OPENING_TAGS.contains(&keyword) {
            depth += 1;
            if depth > MAX_TEMPLATE_DEPTH {
                return Err(refuse(
                    found,
                    format!(
                        "blocks nested more than {MAX_TEMPLATE_DEPTH} levels deep, which Tera \
                         would parse until the stack overflowed"
                    ),
                ));
            }
        } else if keyword.starts_with("end") {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// Where `needle` starts in `bytes`, at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from + at)
}

/// Where the tag whose inside starts at `from` ends (the first `end_mark` outside a string).
fn tag_end(bytes: &[u8], from: usize, end_mark: &[u8]) -> Option<usize> {
    let mut at = from;
    loop {
        let rest = bytes.get(at..).filter(|rest| !rest.is_empty())?;
        match rest.first() {
            Some(&quote) if matches!(quote, b'"' | b'\'' | b'`') => {
                at = find(bytes, at + 1, &[quote])? + 1;
            }
            _ if rest.starts_with(end_mark) => return Some(at),
            _ => at += 1,
        }
    }
}

/// The line (from 1) of byte `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes.iter().take(at).filter(|&&byte| byte == b'\n').count()
}

/// Refuses templates that include or import themselves, directly or through others: Tera
/// follows `{% include %}` and `{% import %}` without a limit, so rendering one would recurse
/// until the stack overflowed. (Tera refuses circular `{% extends %}` itself; macros that call
/// themselves are [`refuse_deep_rendering`]'s.)
pub(super) fn refuse_cycles(tera: &Tera) -> Result<(), RenderError> {
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    let uses = |name: &str| -> Vec<String> {
        let Ok(template) = tera.get_template(name) else {
            return Vec::new();
        };
        let mut used = Vec::new();
        let macros = template.macros.values().map(|m| &m.body);
        for body in std::iter::once(&template.ast).chain(macros) {
            included(body, &mut used);
        }
        used.extend(
            template
                .imported_macro_files
                .iter()
                .map(|(file, _)| file.clone()),
        );
        // Macros come from a hash map: sorted, the same cycle is named on every run.
        used.sort_unstable();
        used.dedup();
        used
    };
    // Depth-first from each template, with the path walked so far: a use of a template on
    // the path closes a cycle.
    let mut done: Vec<&str> = Vec::new();
    for start in &names {
        let mut path: Vec<(String, Vec<String>)> = vec![(start.to_string(), uses(start))];
        while let Some((_, next)) = path.last_mut() {
            let Some(used) = next.pop() else {
                if let Some((name, _)) = path.pop() {
                    done.extend(names.iter().find(|known| **known == name));
                }
                continue;
            };
            if let Some(at) = path.iter().position(|(name, _)| *name == used) {
                let chain: Vec<&str> = (path.iter().skip(at))
                    .map(|(name, _)| name.as_str())
                    .chain(std::iter::once(used.as_str()))
                    .collect();
                return Err(RenderError::Template {
                    name: used.clone(),
                    message: format!(
                        "includes or imports itself ({}), which would never end",
                        chain.join(" -> ")
                    ),
                });
            }
            if !done.contains(&used.as_str()) {
                let further = uses(&used);
                path.push((used, further));
            }
        }
    }
    Ok(())
}

/// Appends the templates that `body` includes (at any depth of its blocks) to `used`.
fn included(body: &[tera::ast::Node], used: &mut Vec<String>) {
    use tera::ast::Node;
    for node in body {
        match node {
            Node::Include(_, names, _) => used.extend(names.iter().cloned()),
            Node::MacroDefinition(_, definition, _) => included(&definition.body, used),
            Node::FilterSection(_, section, _) => included(&section.body, used),
            Node::Block(_, block, _) => included(&block.body, used),
            Node::Forloop(_, forloop, _) => {
                included(&forloop.body, used);
                included(forloop.empty_body.as_deref().unwrap_or_default(), used);
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    included(body, used);
                }
                included(
                    branches
                        .otherwise
                        .as_ref()
                        .map_or(&[][..], |(_, body)| body),
                    used,
                );
            }
            _ => {}
        }
    }
}

/// Refuses templates that Tera would render through more than [`MAX_TEMPLATE_DEPTH`] levels
/// of blocks, expressions, includes and macro calls within one another, and macros that call
/// themselves, directly or through others: Tera follows macro calls without a limit, and a
/// call that would end cannot be told from one that would not, so recursion is refused (a
/// `{% for %}` over the data does what a template needs). Runs after [`refuse_cycles`], so
/// includes and imports do not go round in circles.
pub(super) fn refuse_deep_rendering(tera: &Tera) -> Result<(), RenderError> {
    let mut depths = Depths {
        tera,
        macros: HashMap::new(),
        templates: HashMap::new(),
        calls: Vec::new(),
        open: 0,
    };
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    for name in names {
        depths.template(name)?;
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        // Macros no template calls are measured too: a macro that calls itself is refused
        // wherever it is.
        let mut macros: Vec<&str> = template.macros.keys().map(String::as_str).collect();
        macros.sort_unstable();
        for name_of_macro in macros {
            depths.call(name, name_of_macro)?;
        }
    }
    Ok(())
}

/// How deep each template and macro renders, measured once each.
struct Depths<'t> {
    tera: &'t Tera,
    /// (template, macro) → levels.
    macros: HashMap<(String, String), usize>,
    /// template → levels.
    templates: HashMap<String, usize>,
    /// The macros being measured, each called by the one before: the call in progress.
    calls: Vec<(String, String)>,
    /// How many measurements are open within one another: the measuring recurses too, and
    /// stops once that is deeper than any template within the limit could take it.
    open: usize,
}

impl Depths<'_> {
    fn too_deep(&self, template: &str) -> RenderError {
        RenderError::Template {
            name: template.to_string(),
            message: format!(
                "renders through more than {MAX_TEMPLATE_DEPTH} levels of blocks, expressions, \
                 includes and macro calls within one another, which Tera would follow until the \
                 stack overflowed"
            ),
        }
    }

    /// What `measure` finds, unless the measurements open within one another are already more
    /// than any template within the limit needs.
    fn guarded(
        &mut self,
        template: &str,
        measure: impl FnOnce(&mut Self) -> Result<usize, RenderError>,
    ) -> Result<usize, RenderError> {
        self.open += 1;
        let levels = if self.open > 4 * MAX_TEMPLATE_DEPTH {
            Err(self.too_deep(template))
        } else {
            measure(self)
        };
        self.open -= 1;
        levels
    }

    /// `levels`, or the error that says they are too many.
    fn checked(&self, template: &str, levels: usize) -> Result<usize, RenderError> {
        if levels > MAX_TEMPLATE_DEPTH {
            return Err(self.too_deep(template));
        }
        Ok(levels)
    }

    /// The levels template `name` renders through, including what it extends.
    fn template(&mut self, name: &str) -> Result<usize, RenderError> {
        if let Some(&levels) = self.templates.get(name) {
            return Ok(levels);
        }
        let Ok(template) = self.tera.get_template(name) else {
            return Ok(0);
        };
        let mut levels = self.nodes(name, &template.ast)?;
        // A child's blocks are rendered within its parents' pages: counted on top of them.
        for parent in &template.parents {
            let own = self.nodes(
                parent,
                self.tera.get_template(parent).map_or(&[][..], |t| &t.ast),
            )?;
            levels = self.checked(name, levels + own)?;
        }
        self.templates.insert(name.to_string(), levels);
        Ok(levels)
    }

    /// The levels macro `name` of template `template` renders through, its calls included.
    fn call(&mut self, template: &str, name: &str) -> Result<usize, RenderError> {
        self.guarded(template, |depths| depths.call_within(template, name))
    }

    fn call_within(&mut self, template: &str, name: &str) -> Result<usize, RenderError> {
        let key = (template.to_string(), name.to_string());
        if let Some(&levels) = self.macros.get(&key) {
            return Ok(levels);
        }
        if let Some(at) = self.calls.iter().position(|call| *call == key) {
            let chain: Vec<String> = (self.calls.iter().skip(at))
                .chain(std::iter::once(&key))
                .map(|(_, name)| name.clone())
                .collect();
            return Err(RenderError::Template {
                name: template.to_string(),
                message: format!(
                    "macro `{name}` calls itself ({}), which Tera would follow until the stack \
                     overflowed; loop over the data with `{{% for %}}` instead",
                    chain.join(" -> ")
                ),
            });
        }
        if self.calls.len() >= MAX_TEMPLATE_DEPTH {
            return Err(self.too_deep(template));
        }
        let Some(definition) =
            (self.tera.get_template(template).ok()).and_then(|t| t.macros.get(name))
        else {
            return Ok(0);
        };
        self.calls.push(key.clone());
        let mut levels = self.nodes(template, &definition.body)?;
        let mut defaults: Vec<(&String, &Option<Expr>)> = definition.args.iter().collect();
        defaults.sort_unstable_by_key(|(name, _)| *name);
        for (_, default) in defaults {
            if let Some(default) = default {
                levels = levels.max(self.expr(template, default)?);
            }
        }
        self.calls.pop();
        self.macros.insert(key, levels);
        Ok(levels)
    }

    /// The templates whose macro `name` a call `namespace::name` made in `template` may
    /// reach. Tera hands a template the namespaces of what it imports and extends, at any
    /// depth, so this errs on the safe side: `self` is the template itself (or, when it has no
    /// such macro, any template that has), and another namespace is every template imported
    /// as that namespace anywhere.
    fn callees(&self, template: &str, namespace: &str, name: &str) -> Vec<String> {
        let defines =
            |file: &str| (self.tera.get_template(file)).is_ok_and(|t| t.macros.contains_key(name));
        let mut files: Vec<String> = if namespace == "self" && defines(template) {
            vec![template.to_string()]
        } else {
            let mut names: Vec<&str> = self.tera.get_template_names().collect();
            names.sort_unstable();
            (names.iter().filter_map(|t| self.tera.get_template(t).ok()))
                .flat_map(|t| {
                    let imported = (t.imported_macro_files.iter())
                        .filter(|(_, as_namespace)| as_namespace == namespace)
                        .map(|(file, _)| file.as_str());
                    let itself = (namespace == "self").then_some(t.name.as_str());
                    imported.chain(itself)
                })
                .filter(|file| defines(file))
                .map(str::to_string)
                .collect()
        };
        files.sort_unstable();
        files.dedup();
        files
    }

    fn nodes(&mut self, template: &str, body: &[Node]) -> Result<usize, RenderError> {
        let mut deepest = 0;
        for node in body {
            deepest = deepest.max(self.node(template, node)?);
        }
        Ok(deepest)
    }

    fn node(&mut self, template: &str, node: &Node) -> Result<usize, RenderError> {
        self.guarded(template, |depths| depths.node_within(template, node))
    }

    fn node_within(&mut self, template: &str, node: &Node) -> Result<usize, RenderError> {
        let levels = match node {
            Node::VariableBlock(_, expr) => self.expr(template, expr)?,
            Node::Set(_, set) => self.expr(template, &set.value)?,
            Node::Include(_, names, _) => {
                let mut deepest = 0;
                for name in names {
                    deepest = deepest.max(self.template(name)?);
                }
                1 + deepest
            }
            Node::FilterSection(_, section, _) => {
                let arguments = self.arguments(template, section.filter.args.values())?;
                1 + arguments.max(self.nodes(template, &section.body)?)
            }
            Node::Block(_, block, _) => 1 + self.nodes(template, &block.body)?,
            Node::Forloop(_, forloop, _) => {
                let container = self.expr(template, &forloop.container)?;
                let body = self.nodes(template, &forloop.body)?;
                let empty =
                    self.nodes(template, forloop.empty_body.as_deref().unwrap_or_default())?;
                1 + container.max(body).max(empty)
            }
            Node::If(branches, _) => {
                let mut deepest = 0;
                for (_, condition, body) in &branches.conditions {
                    deepest = deepest.max(self.expr(template, condition)?);
                    deepest = deepest.max(self.nodes(template, body)?);
                }
                if let Some((_, body)) = &branches.otherwise {
                    deepest = deepest.max(self.nodes(template, body)?);
                }
                1 + deepest
            }
            // Macros are measured where they are called; the rest holds no expression.
            _ => 0,
        };
        self.checked(template, levels)
    }

    /// The deepest of `arguments`, plus the call they are passed to.
    fn arguments<'e>(
        &mut self,
        template: &str,
        arguments: impl Iterator<Item = &'e Expr>,
    ) -> Result<usize, RenderError> {
        let mut deepest = 0;
        for argument in arguments {
            deepest = deepest.max(self.expr(template, argument)?);
        }
        Ok(1 + deepest)
    }

    fn expr(&mut self, template: &str, expr: &Expr) -> Result<usize, RenderError> {
        self.guarded(template, |depths| depths.expr_within(template, expr))
    }

    fn expr_within(&mut self, template: &str, expr: &Expr) -> Result<usize, RenderError> {
        let mut levels = self.value(template, &expr.val)?;
        // Filters run one after another, each on the value before.
        for filter in &expr.filters {
            levels = levels.max(self.arguments(template, filter.args.values())?);
        }
        self.checked(template, levels)
    }

    fn value(&mut self, template: &str, value: &ExprVal) -> Result<usize, RenderError> {
        let levels = match value {
            ExprVal::Math(math) => {
                1 + self
                    .expr(template, &math.lhs)?
                    .max(self.expr(template, &math.rhs)?)
            }
            ExprVal::Logic(logic) => {
                1 + self
                    .expr(template, &logic.lhs)?
                    .max(self.expr(template, &logic.rhs)?)
            }
            ExprVal::In(within) => {
                1 + self
                    .expr(template, &within.lhs)?
                    .max(self.expr(template, &within.rhs)?)
            }
            ExprVal::Test(test) => self.arguments(template, test.args.iter())?,
            ExprVal::FunctionCall(call) => self.arguments(template, call.args.values())?,
            ExprVal::Array(items) => self.arguments(template, items.iter())?,
            ExprVal::StringConcat(concat) => {
                let mut deepest = 0;
                for part in &concat.values {
                    deepest = deepest.max(self.value(template, part)?);
                }
                1 + deepest
            }
            ExprVal::MacroCall(call) => {
                let mut levels = self.arguments(template, call.args.values())?;
                for callee in self.callees(template, &call.namespace, &call.name) {
                    levels = levels.max(1 + self.call(&callee, &call.name)?);
                }
                levels
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => 0,
        };
        self.checked(template, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_raw_blocks_comments_and_strings_is_not_read_as_tags() {
        let opening = "{% if x %}".repeat(MAX_TEMPLATE_DEPTH + 1);
        let raw = format!("{{% raw %}}{opening}{{%- endraw -%}}");
        let comment = format!("{{# {opening} #}}");
        let strings = r#"{{ "%}{% if" ~ '}}' ~ `{%` }}{% set s = "{% for" %}"#;
        for text in [raw, comment, strings.repeat(MAX_TEMPLATE_DEPTH + 1)] {
            assert!(refuse_deep_text("t", &text).is_ok(), "{text:.80}");
        }
        let refused = refuse_deep_text("t", &format!("a\nb\n{opening}")).unwrap_err();
        assert!(refused
            .to_string()
            .contains("line 3: blocks nested more than"));
    }

    #[test]
    fn closed_blocks_give_their_level_back() {
        let siblings = "{% for x in y %}{% if x %}{% endif %}{%- endfor %}".repeat(5000);
        assert!(refuse_deep_text("t", &siblings).is_ok());
        let tag = format!("{{{{ \"{}\" }}}}", "x".repeat(MAX_TAG_BYTES));
        assert!(refuse_deep_text("t", &tag).is_err());
        let unclosed = format!("{{{{ {}", "x".repeat(MAX_TAG_BYTES));
        assert!(refuse_deep_text("t", &unclosed).is_ok(), "left to Tera");
    }
}
