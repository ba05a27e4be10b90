//! Tags and controls a model writes that no rule tests, where one the rules test is the same
//! word up to case and `-`/`_`, or a likely typo of one: `controls [TLS]` is not `tls`, so the
//! flow would stay unencrypted (and `tags [internet-facing]` or `controls [audit_loging]` change
//! nothing) without a word. Warning `W0009`.

use super::check::CompiledRule;
use super::eval::Cond;
use super::value::Const;
use crate::diagnostics::{closest_within, codes, Diagnostic, Diagnostics};
use crate::model::Model;
use crate::source::Span;
use std::collections::BTreeMap;

/// Words the resolver itself reads in tags and controls (docs/language.md, *Derived facts*).
const READ_BY_THE_RESOLVER: &[&str] = &["tls", "mtls", "internet_facing", "llm"];

/// Warns about each tag or control that only a different spelling of a known word would make
/// count. Known words: every `mitigated_by` control and every word a rule's `when` tests.
pub fn check<'m>(model: &'m Model, rules: &[CompiledRule], sink: &mut Diagnostics) {
    let mut known: Vec<&str> = READ_BY_THE_RESOLVER.to_vec();
    for rule in rules {
        known.extend(rule.info.mitigated_by.iter().map(String::as_str));
        if let Some(when) = &rule.when {
            words_in(when, &mut known);
        }
    }
    let by_spelling: BTreeMap<String, &str> = known.iter().map(|w| (spelling(w), *w)).collect();
    let exact: std::collections::BTreeSet<&str> = known.iter().copied().collect();
    let candidates: Vec<&str> = exact.iter().copied().collect();
    // What each unknown word was taken for: a model repeats its own words on many elements.
    let mut meant_by_word: BTreeMap<&'m str, Option<(&str, bool)>> = BTreeMap::new();
    // The two flows of `a <-> b` share one declaration: warned about once.
    let mut warned: std::collections::BTreeSet<(Span, &str)> = std::collections::BTreeSet::new();
    let mut check = |words: &'m [String], what: &str, whose: &dyn Fn() -> String, span: Span| {
        for word in words {
            if exact.contains(word.as_str()) || !warned.insert((span, word.as_str())) {
                continue;
            }
            let meant = *meant_by_word.entry(word.as_str()).or_insert_with(|| {
                match by_spelling.get(&spelling(word)) {
                    Some(meant) => Some((*meant, true)),
                    None => closest_within(word, candidates.iter().copied(), 1, sink.hints())
                        .first()
                        .map(|meant| (*meant, false)),
                }
            });
            if let Some((meant, same_word)) = meant {
                let help = if same_word {
                    format!("the rules test `{meant}`: write that")
                } else {
                    format!("did you mean `{meant}`? The rules test that")
                };
                sink.push(
                    Diagnostic::new(
                        codes::W0009,
                        span,
                        format!("{} has the {what} `{word}`, which no rule tests", whose()),
                    )
                    .label(format!("its {what} `{word}` counts for nothing"))
                    .with_help(help),
                );
            }
        }
    };
    for element in &model.elements {
        let whose = || format!("{} `{}`", element.kind.word(), element.id);
        check(&element.properties.tags, "tag", &whose, element.name_span);
        check(
            &element.properties.controls,
            "control",
            &whose,
            element.name_span,
        );
    }
    for flow in &model.flows {
        let whose = || format!("data flow {} (`{}`)", flow.number, flow.id);
        check(&flow.properties.tags, "tag", &whose, flow.span);
        check(&flow.properties.controls, "control", &whose, flow.span);
    }
}

/// The word as compared: lower case, `-` as `_`.
fn spelling(word: &str) -> String {
    word.to_lowercase().replace('-', "_")
}

/// The text constants a condition compares with (the words after `has`, in lists, after `==`).
fn words_in<'c>(cond: &'c Cond, out: &mut Vec<&'c str>) {
    match cond {
        Cond::Const(constant) => constant_words(constant, out),
        Cond::Path(_) => {}
        Cond::Not(inner) => words_in(inner, out),
        Cond::And(items) | Cond::Or(items) => items.iter().for_each(|c| words_in(c, out)),
        Cond::Compare(_, lhs, rhs) => {
            words_in(lhs, out);
            words_in(rhs, out);
        }
    }
}

fn constant_words<'c>(constant: &'c Const, out: &mut Vec<&'c str>) {
    match constant {
        Const::Text(text) => out.push(text),
        Const::List(items) => items.iter().for_each(|c| constant_words(c, out)),
        Const::None | Const::Bool(_) | Const::Int(_) => {}
    }
}
