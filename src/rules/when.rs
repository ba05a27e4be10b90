//! Checking a `when` expression once and compiling it to a `Cond`: paths resolved against the
//! rule's role, and a light type check (`has` needs a list, `<` needs ordered values, `not`
//! needs a condition). Custom properties are `Any` and pass every check.

use super::eval::{Compare, Cond};
use super::path::{self, PathSite, Role, Ty};
use super::value::{word_rank, Const, OrdKind};
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, Value, ValueKind};
use crate::vocab::{Classification, Level};

/// Deeper expressions are refused rather than risk the stack (chains of `and`/`or` do not count).
/// The parser already holds runs of `not`s, comparisons and parentheses to `--max-depth` each
/// (at most 1000); this catches what they make together (`not`s inside parentheses inside
/// `not`s), and is the highest `--max-depth`, so that any depth the flag allows compiles.
/// (At 128, `--max-depth 1000` could not be used for a run of 129 `not`s.)
const MAX_DEPTH: usize = 1000;

/// Compiles `expr`; `None` when it has errors (already reported).
pub fn compile(expr: &Expr, role: Role, sink: &mut Diagnostics) -> Option<Cond> {
    let mut checker = Checker {
        role,
        sink,
        failed: false,
    };
    let (cond, _) = checker.expr(expr, 0, None);
    (!checker.failed).then_some(cond)
}

struct Checker<'s> {
    role: Role,
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
                match path::compile(&segments, self.role, PathSite::When, self.sink) {
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
                // The chain's left spine may be long; walk it without recursion.
                let mut stack = vec![expr];
                while let Some(next) = stack.pop() {
                    match next {
                        Expr::Binary(inner, lhs, rhs, _) if inner == op => {
                            stack.push(rhs);
                            stack.push(lhs);
                        }
                        other => operands.push(self.expr(other, depth + 1, None).0),
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
