//! `tmc rules` lists rules; `tmc explain RULE_ID` prints one with where it is declared.
//! Both read the built-in packs, plus the packs a model uses when given `--model`.

use super::args::{ExplainArgs, Format, IncludeOptions, RulesArgs};
use super::check::{compile_file, include_root};
use super::{FAILED, OK, USAGE};
use std::path::Path;
use tmc::compile::{compile, Compilation, Options};
use tmc::diagnostics::{closest, printable, printable_lines, render_human, ColorChoice};
use tmc::load::{MemoryLoader, STDLIB};
use tmc::report::build::source_span;
use tmc::rules::RuleInfo;
use tmc::source::SourceMap;

/// The root of the model that uses every built-in pack and declares nothing else.
const CATALOGUE: &str = "<every built-in pack>";

/// Rules with the sources their spans point into.
struct Catalogue {
    compilations: Vec<Compilation>,
}

impl Catalogue {
    fn load(model: Option<&Path>, includes: &IncludeOptions) -> Result<Catalogue, i32> {
        if model.is_none() && (includes.allow_outside_includes || includes.include_root.is_some()) {
            errln!("error: --include-root and --allow-outside-includes are about the model's files: give --model FILE");
            return Err(USAGE);
        }
        let options = Options::default();
        let text: String = STDLIB
            .iter()
            .map(|(name, _)| format!("use {name}\n"))
            .collect();
        let loader = MemoryLoader::new().with(CATALOGUE, text);
        let stdlib = compile(Path::new(CATALOGUE), &loader, &options).map_err(|error| {
            errln!("error: {error}");
            USAGE
        })?;
        let mut compilations = vec![stdlib];
        if let Some(model) = model {
            let mut options = options;
            options.load.allow_outside_includes = includes.allow_outside_includes;
            options.load.include_root = include_root(includes).map_err(|message| {
                errln!("error: {message}");
                USAGE
            })?;
            compilations.push(compile_file(model, &options)?);
        }
        Ok(Catalogue { compilations })
    }

    /// Prints the diagnostics of every compilation; true when there were errors.
    fn report(&self) -> bool {
        let mut failed = false;
        for compilation in &self.compilations {
            if !compilation.diagnostics.is_empty() {
                super::console::stderr_as_is(&render_human(
                    &compilation.sources,
                    &compilation.diagnostics,
                    ColorChoice::Never,
                ));
            }
            failed |= compilation.has_errors();
        }
        failed
    }

    /// Every rule once, sorted by id: the built-in packs first, then the model's own packs.
    fn rules(&self) -> Vec<(&RuleInfo, &SourceMap)> {
        let builtin = |rule: &RuleInfo| STDLIB.iter().any(|(name, _)| *name == rule.pack);
        // A model's rule with a built-in rule's id replaces it: only the model's is in force.
        let replaced: std::collections::BTreeSet<&str> = (self.compilations.iter().skip(1))
            .flat_map(|compilation| &compilation.threats.rules)
            .filter(|rule| !builtin(rule))
            .map(|rule| rule.id.as_str())
            .collect();
        let mut rules: Vec<(&RuleInfo, &SourceMap)> = Vec::new();
        for (index, compilation) in self.compilations.iter().enumerate() {
            for rule in &compilation.threats.rules {
                let listed = match index {
                    0 => !replaced.contains(rule.id.as_str()),
                    _ => !builtin(rule),
                };
                if listed {
                    rules.push((rule, &compilation.sources));
                }
            }
        }
        rules.sort_by(|a, b| (&a.0.id, &a.0.pack).cmp(&(&b.0.id, &b.0.pack)));
        rules
    }

    /// The built-in packs, the packs the model uses, and `model` when it declares rules itself.
    fn packs(&self) -> Vec<String> {
        let mut packs: Vec<String> = STDLIB.iter().map(|(n, _)| n.to_string()).collect();
        for compilation in &self.compilations {
            let used = compilation.model.packs.iter();
            for pack in used.chain(compilation.threats.rules.iter().map(|rule| &rule.pack)) {
                if !packs.contains(pack) {
                    packs.push(pack.clone());
                }
            }
        }
        packs
    }
}

pub fn list(args: &RulesArgs) -> i32 {
    let catalogue = match Catalogue::load(args.model.as_deref(), &args.includes) {
        Ok(catalogue) => catalogue,
        Err(code) => return code,
    };
    let failed = catalogue.report();
    if let Some(pack) = &args.pack {
        let packs = catalogue.packs();
        if !packs.contains(pack) {
            errln!("error: there is no pack `{pack}`");
            match closest(pack, packs.iter().map(String::as_str)) {
                Some(best) => errln!("help: did you mean `{best}`?"),
                None => errln!("help: the packs are {}", packs.join(", ")),
            }
            return USAGE;
        }
    }
    let rules: Vec<(&RuleInfo, &SourceMap)> = catalogue
        .rules()
        .into_iter()
        .filter(|(rule, _)| args.pack.as_ref().map_or(true, |p| *p == rule.pack))
        .collect();
    match args.format {
        Format::Human => out!("{}", table(&rules)),
        Format::Json => {
            let items: Vec<serde_json::Value> = rules
                .iter()
                .map(|(rule, sources)| {
                    serde_json::json!({
                        "id": rule.id,
                        "pack": rule.pack,
                        "category": rule.category,
                        "applies_to": rule.applies_to,
                        "title": rule.title,
                        "explanation": rule.explanation,
                        "mitigations": rule.mitigations,
                        "mitigated_by": rule.mitigated_by,
                        "references": rule.references,
                        "source_span": source_span(sources, rule.span),
                    })
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
            );
        }
    }
    if failed {
        FAILED
    } else {
        OK
    }
}

/// Columns: id, category, applies to, title.
fn table(rules: &[(&RuleInfo, &SourceMap)]) -> String {
    let header = ["ID", "CATEGORY", "APPLIES TO", "TITLE"].map(std::borrow::Cow::Borrowed);
    // A model's rule titles may hold newlines and control characters (written as escapes):
    // shown as escapes, they neither break a row nor reach the terminal.
    let rows: Vec<[std::borrow::Cow<'_, str>; 4]> = rules
        .iter()
        .map(|(rule, _)| {
            [
                printable(&rule.id),
                rule.category.word().into(),
                printable(&rule.applies_to),
                printable(&rule.title),
            ]
        })
        .collect();
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn explain(args: &ExplainArgs) -> i32 {
    let catalogue = match Catalogue::load(args.model.as_deref(), &args.includes) {
        Ok(catalogue) => catalogue,
        Err(code) => return code,
    };
    let rules = catalogue.rules();
    let Some((rule, sources)) = rules.iter().find(|(rule, _)| rule.id == args.rule) else {
        catalogue.report();
        let declared = catalogue.compilations.iter().any(|compilation| {
            (compilation.model.rules.iter()).any(|source| source.decl.id.text == args.rule)
        });
        if declared {
            errln!(
                "error: the rule `{}` has errors (shown above); fix them to explain it",
                printable(&args.rule)
            );
            return FAILED;
        }
        errln!("error: there is no rule `{}`", args.rule);
        match closest(&args.rule, rules.iter().map(|(r, _)| r.id.as_str())) {
            Some(best) => errln!("help: did you mean `{best}`?"),
            None => errln!("help: `tmc rules` lists every rule"),
        }
        return USAGE;
    };
    let at = sources.line_col(rule.span.file, rule.span.start());
    // The model's own text goes to the terminal: its control characters are shown, not sent.
    outln!(
        "{}:{}  (rule {}, pack {})\n\n{}",
        printable(sources.name(rule.span.file)),
        at.line,
        rule.id,
        rule.pack,
        printable_lines(&with_comments(sources, rule))
    );
    OK
}

/// The rule's text, with the comment lines right above it (packs document rules there).
fn with_comments(sources: &SourceMap, rule: &RuleInfo) -> String {
    let text = sources.text(rule.span.file);
    let before = text.get(..rule.span.start()).unwrap_or_default();
    let mut start = before.rfind('\n').map_or(0, |i| i + 1);
    // Step back one line at a time while the line above is a comment.
    while let Some(end) = start.checked_sub(1) {
        let above = text.get(..end).unwrap_or_default();
        let line_start = above.rfind('\n').map_or(0, |i| i + 1);
        let line = above.get(line_start..).unwrap_or_default();
        if !line.trim_start().starts_with("//") {
            break;
        }
        start = line_start;
    }
    text.get(start..rule.span.end())
        .unwrap_or_else(|| sources.slice(rule.span))
        .to_string()
}
