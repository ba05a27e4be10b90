//! `when` expressions: a Pratt parser over the flat operand/operator sequence the grammar
//! produces. Precedence: `not` > comparisons, `has`, `in`, `contains` > `and` > `or`.

use super::ast::{BinaryOp, Expr, Ident};
use super::lower::Lowerer;
use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_has, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_contains, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
    })
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_has => BinaryOp::Has,
        Rule::op_in => BinaryOp::In,
        Rule::op_contains => BinaryOp::Contains,
        _ => return None,
    })
}

pub(super) fn lower_expr(lowerer: &mut Lowerer, pair: Pair<Rule>) -> Result<Expr, ()> {
    let span = lowerer.span(&pair);
    // The Pratt parser recurses once per `not`; the pre-scan bounds parentheses, this bounds `not`.
    let mut run = 0usize;
    for token in pair.clone().into_inner() {
        run = if token.as_rule() == Rule::op_not {
            run + 1
        } else {
            0
        };
        if run > lowerer.limits.max_depth {
            lowerer.sink.push(
                Diagnostic::new(
                    codes::E0003,
                    lowerer.span(&token),
                    format!("more than {} `not` in a row", lowerer.limits.max_depth),
                )
                .with_help("simplify the expression, or raise the limit with `--max-depth`"),
            );
            return Err(());
        }
    }
    let errors_before = lowerer.sink.error_count();
    // The closures cannot borrow the lowerer mutably all at once, so errors are collected.
    let lowerer_cell = std::cell::RefCell::new(lowerer);
    let result = pratt()
        .map_primary(|primary| operand(&mut lowerer_cell.borrow_mut(), primary))
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = lowerer_cell.borrow().span(&op).to(rhs.span());
            Ok(Expr::Not(Box::new(rhs), span))
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = match (lhs, rhs) {
                (Ok(lhs), Ok(rhs)) => (lhs, rhs),
                (lhs, rhs) => {
                    // The chain built so far may be as deep as it is long: taken apart in a
                    // loop, not dropped by recursion.
                    lhs.into_iter().chain(rhs).for_each(dismantle);
                    return Err(());
                }
            };
            let span = lhs.span().to(rhs.span());
            match binary_op(op.as_rule()) {
                Some(bin) => Ok(Expr::Binary(bin, Box::new(lhs), Box::new(rhs), span)),
                None => {
                    lowerer_cell.borrow_mut().internal(span, "operator");
                    Err(())
                }
            }
        })
        .parse(pair.into_inner());
    let Ok(expr) = result else {
        // An operand that failed (a group too deep) has said why already.
        let mut lowerer = lowerer_cell.borrow_mut();
        if lowerer.sink.error_count() == errors_before {
            lowerer.internal(span, "expression");
        }
        return Err(());
    };
    let lowerer = lowerer_cell.into_inner();
    rebalance(expr, lowerer.limits.max_depth).map_err(|operator| {
        lowerer.sink.push(
            Diagnostic::new(
                codes::E0003,
                operator,
                format!(
                    "more than {} comparisons in a row",
                    lowerer.limits.max_depth
                ),
            )
            .with_help("compare two values at a time, joined with `and` or `or`, or raise the limit with `--max-depth`"),
        );
    })
}

/// Reshapes the left-leaning chains the Pratt parser builds for `a and b and c ...` (and `or`)
/// into balanced trees: `and` and `or` are associative, and a chain of N operands then nests
/// about log2(N) deep instead of N, so no walk over the expression (checking, compiling,
/// evaluating, dropping) recurses once per operand. A chain of comparisons (`a == b != c`) is
/// not associative and keeps its shape: one of more than `max_depth` operators is an error,
/// whose span (the `Err`) is the first operand past the limit. Chains are taken apart in a
/// loop, never by recursion, since the chain handed in may be as deep as it is long.
fn rebalance(expr: Expr, max_depth: usize) -> Result<Expr, Span> {
    let Expr::Binary(first, _, _, _) = &expr else {
        return Ok(expr);
    };
    let class = Class::of(*first);
    // The operators and right operands from last to first; then the leftmost operand.
    let mut links = Vec::new();
    let mut node = expr;
    loop {
        match node {
            Expr::Binary(op, lhs, rhs, span) if Class::of(op) == class => {
                links.push((op, *rhs, span));
                node = *lhs;
            }
            other => {
                node = other;
                break;
            }
        }
    }
    links.reverse();
    match class {
        Class::Comparison => {
            if links.len() > max_depth {
                let past = links
                    .get(max_depth)
                    .map_or(node.span(), |(_, rhs, _)| rhs.span());
                return Err(past);
            }
            // Left to right, as parsed; the operands are `not`s and primaries, already bounded.
            Ok(links.into_iter().fold(node, |lhs, (op, rhs, span)| {
                Expr::Binary(op, Box::new(lhs), Box::new(rhs), span)
            }))
        }
        Class::Same(op) => {
            let first = rebalance(node, max_depth)?;
            let rest = (links.into_iter())
                .map(|(_, rhs, _)| rebalance(rhs, max_depth))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(balanced(op, first, rest))
        }
    }
}

/// Drops `expr` without recursing down its left side, which the Pratt parser makes as deep as
/// a chain is long.
fn dismantle(expr: Expr) {
    let mut node = expr;
    while let Expr::Binary(_, lhs, rhs, _) = node {
        drop(rhs);
        node = *lhs;
    }
}

/// Operators that chain with each other at one precedence level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// `and`, or `or`: each chains only with itself.
    Same(BinaryOp),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`, `has`, `in`, `contains`.
    Comparison,
}

impl Class {
    fn of(op: BinaryOp) -> Class {
        match op {
            BinaryOp::And | BinaryOp::Or => Class::Same(op),
            _ => Class::Comparison,
        }
    }
}

/// `first` and `rest` joined by `op`, in their order, into a tree of about log2(len) levels
/// (neighbours are paired, then the pairs, and so on); each node spans its operands.
fn balanced(op: BinaryOp, mut first: Expr, mut rest: Vec<Expr>) -> Expr {
    let join = |lhs: Expr, rhs: Expr| {
        let span = lhs.span().to(rhs.span());
        Expr::Binary(op, Box::new(lhs), Box::new(rhs), span)
    };
    while !rest.is_empty() {
        let mut level = rest.into_iter();
        if let Some(rhs) = level.next() {
            first = join(first, rhs);
        }
        let mut paired = Vec::with_capacity(level.len().div_ceil(2));
        while let Some(lhs) = level.next() {
            paired.push(match level.next() {
                Some(rhs) => join(lhs, rhs),
                None => lhs,
            });
        }
        rest = paired;
    }
    first
}

fn operand(lowerer: &mut Lowerer, pair: Pair<Rule>) -> Result<Expr, ()> {
    let span = lowerer.span(&pair);
    match pair.as_rule() {
        Rule::group => {
            let mut inner = pair.into_inner();
            let body = lowerer.next(&mut inner, span, "group")?;
            lower_expr(lowerer, body)
        }
        Rule::path => {
            let segments = pair
                .into_inner()
                .map(|segment| Ident {
                    text: segment.as_str().to_string(),
                    span: lowerer.span(&segment),
                })
                .collect();
            Ok(Expr::Path(segments, span))
        }
        Rule::none => Ok(Expr::None(span)),
        _ => Ok(Expr::Literal(lowerer.value(pair)?)),
    }
}
