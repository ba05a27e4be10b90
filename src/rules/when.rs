//! Checking a `when` expression once and compiling it to a `Cond`: paths resolved against the
//! rule's role, and a light type check (`has` needs a list, `<` needs ordered values, `not`
//! needs a condition). Custom properties are `Any` and pass every check.

use super::eval::{Compare, Cond};
use super::path::{self, ElementField, Field, PathSite, Role, SetProperties, Ty};
use super::value::{word_rank, Const, OrdKind};
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, Value, ValueKind};
use crate::vocab::{Classification, ElementKind, Level};

/// Deeper expressions are refused rather than risk the stack (chains of `and`/`or` do not count).
/// The parser already holds runs of `not`s, comparisons and parentheses to `--max-depth` each
/// (at most 1000); this catches what they make together (`not`s inside parentheses inside
/// `not`s), and is the highest `--max-depth`, so that any depth the flag allows compiles.
/// (At 128, `--max-depth 1000` could not be used for a run of 129 `not`s.)
const MAX_DEPTH: usize = 1000;

/// Compiles `expr`; `None` when it has errors (already reported).
pub fn compile(
    expr: &Expr,
    role: Role,
    set: &SetProperties,
    sink: &mut Diagnostics,
) -> Option<Cond> {
    let mut checker = Checker {
        role,
        set,
        sink,
        failed: false,
    };
    let (cond, ty) = checker.expr(expr, 0, None);
    checker.needs_condition(expr, ty, "`when` needs a condition", None);
    (!checker.failed).then_some(cond)
}

struct Checker<'s> {
    role: Role,
    set: &'s SetProperties,
    sink: &'s mut Diagnostics,
    failed: bool,
}

/// The comparison a `not` is the left operand of, for the "write `not (a has b)`" help.
type Parent<'e> = Option<(BinaryOp, &'e Expr)>;

impl Checker<'_> {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.failed = true;
        self.sink.push(diagnostic);
    }

    fn expr(&mut self, expr: &Expr, depth: usize, parent: Parent) -> (Cond, Ty) {
        if depth > MAX_DEPTH {
            self.error(
                Diagnostic::new(
                    codes::E0003,
                    expr.span(),
                    "this expression is nested too deeply",
                )
                .label(format!("more than {MAX_DEPTH} levels"))
                .with_help("split the condition, or simplify it"),
            );
            return (Cond::Const(Const::None), Ty::Any);
        }
        match expr {
            Expr::Literal(value) => {
                let ty = literal_ty(value);
                (Cond::Const(constant(value)), ty)
            }
            Expr::None(_) => (Cond::Const(Const::None), Ty::Any),
            Expr::Path(segments, _) => {
                let segments: Vec<(&str, Span)> =
                    segments.iter().map(|s| (s.text.as_str(), s.span)).collect();
                match path::compile(&segments, self.role, PathSite::When, self.set, self.sink) {
                    Some(path) => {
                        let ty = path.ty();
                        (Cond::Path(path), ty)
                    }
                    None => {
                        self.failed = true;
                        (Cond::Const(Const::None), Ty::Any)
                    }
                }
            }
            Expr::Not(inner, span) => {
                let (cond, ty) = self.expr(inner, depth + 1, None);
                if !matches!(ty, Ty::Bool | Ty::Any) {
                    let shown = show(inner);
                    let help = match parent {
                        Some((op, rhs)) => format!(
                            "`not` binds tighter than `{}`: write `not ({shown} {} {})`",
                            op.symbol(),
                            op.symbol(),
                            show(rhs)
                        ),
                        None if ty == Ty::List => {
                            format!("write `not ({shown} has VALUE)`, or `{shown} == none` for an empty list")
                        }
                        None => format!("compare it first, for example `{shown} == none`"),
                    };
                    self.error(
                        Diagnostic::new(
                            codes::E0103,
                            *span,
                            format!(
                                "`not` needs true or false, but `{shown}` is {}",
                                ty.describe()
                            ),
                        )
                        .label("`not` applied to a value that is not a condition")
                        .with_help(help),
                    );
                    return (Cond::Not(Box::new(cond)), Ty::Any);
                }
                (Cond::Not(Box::new(cond)), Ty::Bool)
            }
            Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), _, _, _) => {
                let mut operands = Vec::new();
                let message = format!("`{}` joins conditions", op.symbol());
                let mut previous = None;
                // The chain's left spine may be long; walk it without recursion.
                let mut stack = vec![expr];
                while let Some(next) = stack.pop() {
                    match next {
                        Expr::Binary(inner, lhs, rhs, _) if inner == op => {
                            stack.push(rhs);
                            stack.push(lhs);
                        }
                        other => {
                            let (cond, ty) = self.expr(other, depth + 1, None);
                            self.needs_condition(other, ty, &message, previous);
                            operands.push(cond);
                            previous = Some(other);
                        }
                    }
                }
                let cond = if *op == BinaryOp::And {
                    Cond::And(operands)
                } else {
                    Cond::Or(operands)
                };
                (cond, Ty::Bool)
            }
            Expr::Binary(op, lhs, rhs, span) => {
                let (lhs_cond, lhs_ty) = self.expr(lhs, depth + 1, Some((*op, rhs)));
                let (rhs_cond, rhs_ty) = self.expr(rhs, depth + 1, None);
                let compare = match op {
                    BinaryOp::Eq => Compare::Eq,
                    BinaryOp::Ne => Compare::Ne,
                    BinaryOp::Lt => Compare::Lt,
                    BinaryOp::Le => Compare::Le,
                    BinaryOp::Gt => Compare::Gt,
                    BinaryOp::Ge => Compare::Ge,
                    BinaryOp::Has => Compare::Has,
                    BinaryOp::In => Compare::In,
                    BinaryOp::Contains => Compare::Contains,
                    BinaryOp::And | BinaryOp::Or => Compare::Eq,
                };
                self.bare_role(lhs);
                self.one_value(compare, (lhs, &lhs_cond, lhs_ty), (rhs, &rhs_cond, rhs_ty));
                self.known_words(compare, (lhs, &lhs_cond, lhs_ty), (rhs, &rhs_cond, rhs_ty));
                match compare {
                    Compare::Has => self.needs_list(lhs, lhs_ty, "`has` needs a list on its left"),
                    Compare::In => self.needs_list(rhs, rhs_ty, "`in` needs a list on its right"),
                    Compare::Lt | Compare::Le | Compare::Gt | Compare::Ge => {
                        let a = self.ordered(*op, lhs, lhs_ty);
                        let b = self.ordered(*op, rhs, rhs_ty);
                        if let (Some(Some(a)), Some(Some(b))) = (a, b) {
                            if a != b {
                                self.error(
                                    Diagnostic::new(
                                        codes::E0103,
                                        *span,
                                        format!(
                                            "`{}` compares {} with {}",
                                            op.symbol(),
                                            scale(a),
                                            scale(b)
                                        ),
                                    )
                                    .label("these are on different scales")
                                    .with_help(
                                        "classifications: public < internal < confidential < restricted; levels: low < medium < high < critical",
                                    ),
                                );
                            }
                        }
                    }
                    Compare::Eq | Compare::Ne | Compare::Contains => {}
                }
                (
                    Cond::Compare(compare, Box::new(lhs_cond), Box::new(rhs_cond)),
                    Ty::Bool,
                )
            }
        }
    }

    /// Refuses an operand of `and`/`or` (or a whole `when`) that is not true or false: a bare
    /// word is text, and text that is not empty counts as true, so the rule would fire always.
    fn needs_condition(&mut self, operand: &Expr, ty: Ty, message: &str, previous: Option<&Expr>) {
        if matches!(ty, Ty::Bool | Ty::Any) {
            return;
        }
        let shown = show(operand);
        let word = match operand {
            Expr::Literal(value) => value.as_text(),
            _ => None,
        };
        let help = match (word, previous) {
            (Some(word), Some(Expr::Binary(BinaryOp::Eq, lhs, rhs, _))) => format!(
                "to test several values, write `{} in [{}, {word}]`",
                show(lhs),
                show(rhs)
            ),
            (Some(word), _) if Role::from_word(word).is_some() => format!(
                "`{word}` alone is the word \"{word}\"; compare one of its fields, for example `{word}.kind == process`"
            ),
            (Some(word), _) => match self.field_named(word) {
                Some(path) => format!("a field is read through a name the rule binds: `{path}`"),
                None => "a condition compares values (`==`, `has`, `in`, `<`, ...) or reads a true-or-false field".to_string(),
            },
            (None, _) => format!("compare it, for example `{shown} == none`"),
        };
        self.error(
            Diagnostic::new(
                codes::E0103,
                operand.span(),
                format!("{message}, but `{shown}` is {}", ty.describe()),
            )
            .label("not true or false")
            .with_help(help),
        );
    }

    /// `element.WORD`, or `source.WORD` / `flow.WORD`, when WORD is a field this rule can read.
    fn field_named(&self, word: &str) -> Option<String> {
        match self.role {
            Role::Element => path::ELEMENT_FIELDS
                .contains(&word)
                .then(|| format!("element.{word}")),
            _ if path::FLOW_FIELDS.contains(&word) => Some(format!("flow.{word}")),
            _ if path::ELEMENT_FIELDS.contains(&word) => {
                Some(format!("source.{word}` or `target.{word}"))
            }
            _ => None,
        }
    }

    /// Refuses `target == api`: alone, a bound name is a word, never the element.
    fn bare_role(&mut self, operand: &Expr) {
        let Expr::Literal(value) = operand else {
            return;
        };
        let Some(word) = value.as_text().filter(|w| Role::from_word(w).is_some()) else {
            return;
        };
        if !matches!(value.kind, ValueKind::Ident(_)) {
            return;
        }
        self.error(
            Diagnostic::new(
                codes::E0103,
                operand.span(),
                format!("`{word}` alone is the word \"{word}\", not the element"),
            )
            .label("compared as text")
            .with_help(format!(
                "compare one of its fields, for example `{word}.id == api` or `{word}.kind == process`"
            )),
        );
    }

    /// Refuses comparing a list with one value by `==`, `in` with a list on its left, and `has`
    /// with a list on its right: each is never true (`==` a list is a list, not an item).
    fn one_value(&mut self, compare: Compare, lhs: (&Expr, &Cond, Ty), rhs: (&Expr, &Cond, Ty)) {
        let single = |ty: Ty| matches!(ty, Ty::Text | Ty::Word(_) | Ty::Int | Ty::Bool);
        let is_path = |cond: &Cond| matches!(cond, Cond::Path(_));
        let (message, list, value) = match compare {
            Compare::Eq | Compare::Ne => {
                let (list, value) = if lhs.2 == Ty::List && is_path(lhs.1) {
                    (lhs.0, rhs)
                } else if rhs.2 == Ty::List && is_path(rhs.1) {
                    (rhs.0, lhs)
                } else {
                    return;
                };
                if !single(value.2) {
                    return;
                }
                (
                    format!(
                        "`{}` compares one value, but `{}` is a list",
                        if compare == Compare::Eq { "==" } else { "!=" },
                        show(list)
                    ),
                    list,
                    value.0,
                )
            }
            Compare::In if lhs.2 == Ty::List && is_path(lhs.1) => (
                format!("`in` tests one value, but `{}` is a list", show(lhs.0)),
                lhs.0,
                rhs.0,
            ),
            Compare::Has if rhs.2 == Ty::List && !matches!(rhs.1, Cond::Path(_)) => (
                "`has` tests one value, but its right side is a list".to_string(),
                lhs.0,
                rhs.0,
            ),
            _ => return,
        };
        let items = match value {
            Expr::Literal(Value {
                kind: ValueKind::List(items),
                ..
            }) => items.iter().map(show_value).collect(),
            other => vec![show(other)],
        };
        let tests: Vec<String> = items
            .iter()
            .map(|item| format!("{} has {item}", show(list)))
            .collect();
        let help = match (compare, tests.as_slice()) {
            (Compare::Ne, [one]) => format!("write `not ({one})`"),
            (_, [one]) => format!("write `{one}`"),
            (Compare::In, _) => format!("write `{}`", tests.join(" or ")),
            _ => format!(
                "write `{}` (all of them) or `{}` (any)",
                tests.join(" and "),
                tests.join(" or ")
            ),
        };
        self.error(
            Diagnostic::new(codes::E0103, value.span(), message)
                .label("never true")
                .with_help(help),
        );
    }

    /// Refuses a word that `kind` or a classification can never be (`source.kind == acter`,
    /// `flow.max_classification in [confidental, restricted]`, and the same with the sides the
    /// other way round: `acter == source.kind`, `[acter, process] has source.kind`): the test
    /// would never be true.
    fn known_words(&mut self, compare: Compare, lhs: (&Expr, &Cond, Ty), rhs: (&Expr, &Cond, Ty)) {
        // The path, and the words it is tested against (a list of them or one), on either side.
        let (path, ty, words_side, listed) = match (compare, lhs.1, rhs.1) {
            (Compare::Eq | Compare::Ne, Cond::Path(path), _) => (path, lhs.2, rhs.0, false),
            (Compare::Eq | Compare::Ne, _, Cond::Path(path)) => (path, rhs.2, lhs.0, false),
            (Compare::In, Cond::Path(path), _) => (path, lhs.2, rhs.0, true),
            (Compare::Has | Compare::Contains, _, Cond::Path(path)) => (path, rhs.2, lhs.0, true),
            _ => return,
        };
        let candidates: Vec<&Value> = match (words_side, listed) {
            (
                Expr::Literal(Value {
                    kind: ValueKind::List(items),
                    ..
                }),
                true,
            ) => items.iter().collect(),
            (Expr::Literal(value), false) => vec![value],
            _ => return,
        };
        let (what, words): (&str, Vec<&str>) = match (&path.field, ty) {
            (Field::Element(ElementField::Kind), _) => ("a kind of element", ElementKind::words()),
            (_, Ty::Word(OrdKind::Classification)) => ("a classification", Classification::words()),
            _ => return,
        };
        for value in candidates {
            let Some(word) = value.as_text() else {
                continue;
            };
            if words.contains(&word) {
                continue;
            }
            self.error(
                Diagnostic::new(
                    codes::E0103,
                    value.span,
                    format!("`{word}` is not {what}, so `{}` is never it", path.text),
                )
                .label(format!("not {what}"))
                .with_suggestion(word, words.iter().copied())
                .or_help(format!("{what} is one of: {}", words.join(", "))),
            );
        }
    }

    fn needs_list(&mut self, operand: &Expr, ty: Ty, message: &str) {
        if matches!(ty, Ty::List | Ty::Any) {
            return;
        }
        let shown = show(operand);
        self.error(
            Diagnostic::new(codes::E0103, operand.span(), message)
                .label(format!("`{shown}` is {}", ty.describe()))
                .with_help("use `==` to compare one value, or `contains` to look inside text"),
        );
    }

    /// The scale of an operand of `<`: `Some(None)` for a custom property (any scale),
    /// `None` when it has none (reported).
    fn ordered(&mut self, op: BinaryOp, operand: &Expr, ty: Ty) -> Option<Option<OrdKind>> {
        match ty {
            Ty::Int => return Some(Some(OrdKind::Int)),
            Ty::Word(kind) => return Some(Some(kind)),
            Ty::Any => return Some(None),
            _ => {}
        }
        let mut diagnostic = match operand {
            Expr::Literal(value) if value.as_text().is_some() => {
                let word = value.as_text().unwrap_or_default();
                let mut words = Classification::words();
                words.extend(Level::words());
                Diagnostic::new(
                    codes::E0103,
                    operand.span(),
                    format!("`{word}` is not a classification or a level"),
                )
                .label(format!("`{}` cannot order it", op.symbol()))
                .with_suggestion(word, words)
            }
            _ => Diagnostic::new(
                codes::E0103,
                operand.span(),
                format!(
                    "`{}` compares classifications, levels or numbers, but `{}` is {}",
                    op.symbol(),
                    show(operand),
                    ty.describe()
                ),
            )
            .label("not ordered"),
        };
        diagnostic = diagnostic.or_help(
            "classifications: public < internal < confidential < restricted; levels: low < medium < high < critical",
        );
        self.error(diagnostic);
        None
    }
}

fn scale(kind: OrdKind) -> &'static str {
    match kind {
        OrdKind::Classification => "a classification",
        OrdKind::Level => "a level",
        OrdKind::Int => "a number",
    }
}

fn literal_ty(value: &Value) -> Ty {
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => match word_rank(s) {
            Some((kind, _)) => Ty::Word(kind),
            None => Ty::Text,
        },
        ValueKind::Int(_) => Ty::Int,
        ValueKind::Bool(_) => Ty::Bool,
        ValueKind::List(_) => Ty::List,
    }
}

fn constant(value: &Value) -> Const {
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => Const::Text(s.clone()),
        ValueKind::Int(n) => Const::Int(*n),
        ValueKind::Bool(b) => Const::Bool(*b),
        ValueKind::List(items) => Const::List(items.iter().map(constant).collect()),
    }
}

/// An expression as a person would write it, for help messages (deep parts elided).
pub fn show(expr: &Expr) -> String {
    show_within(expr, 6)
}

fn show_within(expr: &Expr, budget: usize) -> String {
    if budget == 0 {
        return "...".to_string();
    }
    let grouped = |expr: &Expr| match expr {
        Expr::Binary(..) => format!("({})", show_within(expr, budget - 1)),
        _ => show_within(expr, budget - 1),
    };
    match expr {
        Expr::Literal(value) => show_value(value),
        Expr::None(_) => "none".to_string(),
        Expr::Path(segments, _) => segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        Expr::Not(inner, _) => format!("not {}", grouped(inner)),
        Expr::Binary(op, lhs, rhs, _) => {
            format!("{} {} {}", grouped(lhs), op.symbol(), grouped(rhs))
        }
    }
}

fn show_value(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Ident(s) => s.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(show_value).collect::<Vec<_>>().join(", ")
        ),
    }
}
